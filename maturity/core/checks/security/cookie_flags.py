"""cookie-flags: cookies set by the page carry Secure and, for session cookies, HttpOnly."""

import re
from collections.abc import Mapping
from typing import Any

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered, validate_regex
from maturity.core.model import CheckResult, Item

ID = "cookie-flags"


def parse_cookie(header: str) -> tuple[str, set[str], dict[str, str]]:
    """(name, attribute names in lower case, attribute values) of one Set-Cookie header."""
    first, *attrs = header.split(";")
    name = first.split("=", 1)[0].strip()
    names: set[str] = set()
    values: dict[str, str] = {}
    for attr in attrs:
        key, _, value = attr.strip().partition("=")
        if key:
            names.add(key.strip().lower())
            values[key.strip().lower()] = value.strip()
    return name, names, values


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return validate_regex(params.get("session_pattern"), "session_pattern") + validate_regex(
        params.get("httponly_exempt"), "httponly_exempt"
    )


@check(
    id=ID,
    dimension="security",
    title="Cookies are protected",
    failure_title="Cookies are missing the Secure or HttpOnly attribute",
    description=(
        "A cookie without `Secure` can leak over plain HTTP; a session cookie without `HttpOnly` can be stolen "
        "by any injected script. On HTTPS pages every cookie needs `Secure`; cookies whose name looks like a "
        "session or login cookie (`session_pattern`, except `httponly_exempt`, such as anti-CSRF tokens that "
        "scripts must read) need `HttpOnly`; with `require_samesite`, every cookie needs `SameSite`. Read from "
        "the Set-Cookie headers of the page's own response (cookies set by scripts are not seen)."
    ),
    requires=("http",),
    params={
        "session_pattern": r"sess|^sid$|auth|token|login|jwt|remember",
        "httponly_exempt": r"xsrf|csrf",
        "require_samesite": False,
    },
    source="RFC 6265 §4.1.2.5–4.1.2.6 (Secure, HttpOnly); OWASP Session Management Cheat Sheet",
    help_url="https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    validate=_validate,
)
def run(page: PageInput) -> CheckResult:
    http = page.http
    cookies = http.set_cookies
    if cookies is None:
        if "set-cookie" in http.headers:
            return not_gathered(ID, page.url, "individual Set-Cookie headers")
        cookies = []
    if not cookies:
        return CheckResult.not_applicable(ID, page.url, "the page sets no cookie")
    https = http.final_url.lower().startswith("https://")
    session = re.compile(page.params["session_pattern"], re.IGNORECASE)
    exempt = re.compile(page.params["httponly_exempt"], re.IGNORECASE)
    items = []
    for header in cookies:
        name, attrs, _ = parse_cookie(header)
        missing = []
        if https and "secure" not in attrs:
            missing.append("Secure")
        if session.search(name) and not exempt.search(name) and "httponly" not in attrs:
            missing.append("HttpOnly")
        if page.params["require_samesite"] and "samesite" not in attrs:
            missing.append("SameSite")
        if missing:
            items.append(Item(url=page.url, snippet=name, detail=f"missing {', '.join(missing)}"))
    if items:
        return CheckResult.failed(
            ID, page.url, items=items, value=float(len(items)), score=1 - len(items) / len(cookies)
        )
    return CheckResult.passed(ID, page.url, value=0.0)
