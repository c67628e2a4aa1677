"""Security checks against real TLS: fixture servers on 127.0.0.1 with a local CA (trustme).

Each site is a pair of servers: HTTPS on one port and plain HTTP on another (discovery is told
the HTTP port, since both cannot be on 443 and 80 here). Discovery fetches over real TLS with
httpx trusting the local CA, and the security checks read what it gathered. No browser: these
checks need HTTP facts only.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import trustme
from sites import Resource, SiteServer, html

from crawlers.discover import DiscoverySettings, discover
from maturity.core import checks
from maturity.core.model import CheckResult, Outcome, PageArtifacts, SiteFacts

SECURITY_TXT = "Contact: mailto:security@agency.example\nExpires: 2099-01-01T00:00:00Z\nPolicy: https://x.example/vdp\n"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return ctx


@pytest.fixture(scope="module")
def client(ca: trustme.CA) -> Iterator[httpx.Client]:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    with httpx.Client(verify=ctx, timeout=10) as c:
        yield c


@dataclass
class Audited:
    site: SiteFacts
    home: PageArtifacts
    https_origin: str

    def result(self, check_id: str) -> CheckResult:
        check = checks.get(check_id)
        if check.meta.scope == "site":
            return checks.run_site_check(check, [self.home], self.site, {})
        return checks.run_page_check(check, self.home, self.site, {})


def audit_pair(client: httpx.Client, server_tls: ssl.SSLContext, https_routes: dict, redirect: bool) -> Audited:
    with SiteServer(https_routes, tls=server_tls) as secure:

        def plain() -> Resource:
            if redirect:
                return Resource("", status=301, headers={"Location": secure.url("/")})
            return Resource(html("The same site over plain HTTP", "<h1>Home</h1>"))

        with SiteServer({"/": plain}) as insecure:
            found = discover(
                client,
                secure.url("/"),
                DiscoverySettings(user_agent="maturity-tests", max_pages=2, http_port=insecure.port),
            )
    home = found.pages[0].url
    page = PageArtifacts(url=home, artifacts={"http": found.http[home].model_dump(mode="json")})
    return Audited(site=found.site, home=page, https_origin=secure.origin)


HARDENED = {
    "/": Resource(
        html("A hardened agency home page", "<h1>Home</h1>"),
        headers={
            "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
            "Set-Cookie": ["session=abc; Path=/; Secure; HttpOnly; SameSite=Lax", "lang=en; Path=/; Secure"],
        },
    ),
    "/.well-known/security.txt": Resource(SECURITY_TXT, content_type="text/plain; charset=utf-8"),
}
CARELESS = {
    "/": Resource(
        html("A careless agency home page", "<h1>Home</h1>"),
        headers={"Strict-Transport-Security": "max-age=300", "Set-Cookie": ["session=abc; Path=/"]},
    ),
}


@pytest.fixture(scope="module")
def hardened(client, server_tls) -> Audited:
    return audit_pair(client, server_tls, HARDENED, redirect=True)


@pytest.fixture(scope="module")
def careless(client, server_tls) -> Audited:
    return audit_pair(client, server_tls, CARELESS, redirect=False)


def test_discovery_really_spoke_tls(hardened):
    assert hardened.https_origin.startswith("https://127.0.0.1:")
    assert hardened.site.start_url.startswith("https://")
    assert hardened.result("https").outcome == Outcome.PASS


def test_http_to_https_redirect(hardened, careless):
    assert hardened.site.http_redirects_to_https is True
    assert hardened.result("https-redirect").outcome == Outcome.PASS
    assert careless.site.http_redirects_to_https is False
    assert careless.result("https-redirect").outcome == Outcome.FAIL


def test_hsts_max_age_strong_and_weak(hardened, careless):
    assert hardened.result("hsts").outcome == Outcome.PASS
    weak = careless.result("hsts")
    assert weak.outcome == Outcome.FAIL and weak.value == 300


def test_security_txt_present_and_absent(hardened, careless):
    facts = hardened.site.security_txt
    assert facts is not None and facts.status == 200 and facts.content_type == "text/plain"
    assert facts.fields["contact"] == ["mailto:security@agency.example"]
    assert hardened.result("security-txt").outcome == Outcome.PASS
    assert careless.site.security_txt is not None and careless.site.security_txt.status == 404
    assert careless.result("security-txt").outcome == Outcome.FAIL


def test_cookie_flags_from_every_set_cookie_header(hardened, careless):
    http = hardened.home.get("http")
    assert http is not None and len(http.set_cookies or []) == 2  # both headers, not one joined string
    assert hardened.result("cookie-flags").outcome == Outcome.PASS
    bad = careless.result("cookie-flags")
    assert bad.outcome == Outcome.FAIL and bad.items[0].snippet == "session"
    assert bad.items[0].detail == "missing Secure, HttpOnly"


def test_security_txt_parsing_keeps_fields_and_skips_comments():
    from crawlers.probes import parse_security_txt

    text = (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# our policy\nContact: mailto:a@x.example\n"
        "contact: https://x.example/report\nExpires: 2030-01-01T00:00:00Z\nnot a field line\n"
        "-----BEGIN PGP SIGNATURE-----\n"
    )
    fields = parse_security_txt(text)
    assert fields["contact"] == ["mailto:a@x.example", "https://x.example/report"]
    assert fields["expires"] == ["2030-01-01T00:00:00Z"] and "# our policy" not in str(fields)
