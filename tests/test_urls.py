"""URL normalisation, scope and first-party tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawlers.urls import Scope, is_same_site, normalize_url
from maturity.kernel.errors import InvalidURL, UsageError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host case, default ports
        ("HTTP://Example.GOV/", "http://example.gov/"),
        ("http://example.gov:80/a", "http://example.gov/a"),
        ("https://example.gov:443/a", "https://example.gov/a"),
        ("https://example.gov:8443/a", "https://example.gov:8443/a"),
        ("http://example.gov:443/", "http://example.gov:443/"),
        # empty path, fragment, trailing "?"
        ("https://example.gov", "https://example.gov/"),
        ("https://example.gov/a#section", "https://example.gov/a"),
        ("https://example.gov/a?", "https://example.gov/a"),
        ("https://example.gov/a?#x", "https://example.gov/a"),
        # path clean-up
        ("https://example.gov//a///b", "https://example.gov/a/b"),
        ("https://example.gov/a/./b/../c", "https://example.gov/a/c"),
        ("https://example.gov/a/b/..", "https://example.gov/a/"),
        ("https://example.gov/../../a", "https://example.gov/a"),
        ("https://example.gov/%7euser/%2fx", "https://example.gov/~user/%2Fx"),
        ("https://example.gov/a b", "https://example.gov/a%20b"),
        ("https://example.gov/caf\u00e9", "https://example.gov/caf%C3%A9"),
        # tracking parameters, order of the rest kept
        ("https://example.gov/?utm_source=x&b=2&utm_medium=y&a=1", "https://example.gov/?b=2&a=1"),
        ("https://example.gov/?UTM_Campaign=x&q=tax", "https://example.gov/?q=tax"),
        ("https://example.gov/?utm_whatever_new=1", "https://example.gov/"),
        (
            "https://example.gov/p?gclid=1&fbclid=2&msclkid=3&dclid=4&mc_cid=5&mc_eid=6&_ga=7&_gl=8&yclid=9&id=7",
            "https://example.gov/p?id=7",
        ),
        ("https://example.gov/p?z=1&a=2", "https://example.gov/p?z=1&a=2"),
        ("https://example.gov/p?utm=1", "https://example.gov/p?utm=1"),
        # IDN to punycode
        ("https://b\u00fccher.example/", "https://xn--bcher-kva.example/"),
        ("https://B\u00dcCHER.example/x", "https://xn--bcher-kva.example/x"),
        # IP literals
        ("http://[2001:DB8::0001]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("http://127.0.0.1:80/", "http://127.0.0.1/"),
        # credentials dropped, whitespace trimmed
        ("https://user:secret@example.gov/a", "https://example.gov/a"),
        ("  https://example.gov/a\n", "https://example.gov/a"),
        # not crawlable
        ("mailto:info@example.gov", None),
        ("tel:+3112345678", None),
        ("javascript:void(0)", None),
        ("data:text/html,hi", None),
        ("ftp://example.gov/file", None),
        ("https://", None),
        ("http:///path", None),
        ("http://exa mple.gov/", None),
        ("http://[::1/", None),
        ("http://example.gov:99999/", None),
        ("", None),
        ("not a url", None),
    ],
)
def test_normalize_table(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("b", "https://example.gov/a/", "https://example.gov/a/b"),
        ("../c?utm_source=n", "https://example.gov/a/b/", "https://example.gov/a/c"),
        ("/x#top", "https://example.gov/a/b", "https://example.gov/x"),
        ("//other.gov/p", "https://example.gov/", "https://other.gov/p"),
        ("?page=2", "https://example.gov/list?page=1", "https://example.gov/list?page=2"),
        ("#only-fragment", "https://example.gov/a", "https://example.gov/a"),
        ("mailto:x@example.gov", "https://example.gov/", None),
        ("https://abs.gov/", "https://example.gov/", "https://abs.gov/"),
    ],
)
def test_normalize_relative(href: str, base: str, expected: str | None) -> None:
    assert normalize_url(href, base=base) == expected


def test_normalize_never_raises_on_junk() -> None:
    for junk in [
        "http://[",
        "http://a:b:c/",
        "\x00",
        "http://\udcff/",
        "http://" + "a" * 5000,
        "%",
        "http://%zz/",
    ]:
        normalize_url(junk)
        normalize_url("x", base=junk)


_url_chars = st.lists(
    st.sampled_from([*"abcAB019-._~%/?#&=:@!$'()*+,; \\\t", "é", "ü", "..", "//", "utm_x=1", "%2e", "%41"]),
    max_size=25,
).map("".join)


@st.composite
def _urlish(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp", "mailto", ""]))
    host = draw(st.sampled_from(["example.gov", "WWW.Example.gov", "b\u00fccher.de", "127.0.0.1", "[::1]", "", "a..b"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":", ":x"]))
    rest = draw(_url_chars)
    return f"{scheme}://{host}{port}/{rest}"


@settings(max_examples=400, deadline=None)
@given(_urlish())
def test_normalize_is_idempotent_on_url_like_input(url: str) -> None:
    once = normalize_url(url)
    if once is not None:
        assert normalize_url(once) == once
        assert once.startswith(("http://", "https://"))
        assert "#" not in once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([None, "https://example.gov/a/b/", "http://x.gov"]))
def test_normalize_is_idempotent_and_total_on_any_text(text: str, base: str | None) -> None:
    once = normalize_url(text, base=base)
    if once is not None:
        assert normalize_url(once) == once


@settings(max_examples=200, deadline=None)
@given(_url_chars)
def test_relative_resolution_stays_on_base_host(path: str) -> None:
    resolved = normalize_url(path.replace("//", "/").lstrip("/\\"), base="https://example.gov/dir/")
    if resolved is not None:
        assert resolved.startswith("https://example.gov/")


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------


def test_scope_host_rules() -> None:
    scope = Scope(start_url="https://www.example.gov/")
    assert scope.contains("https://www.example.gov/a")
    assert scope.contains("https://example.gov/a")  # www. optional
    assert scope.contains("http://EXAMPLE.gov/a")  # scheme-insensitive
    assert scope.reason("https://example.gov:8443/") == "other host"  # other port
    assert scope.reason("https://sub.example.gov/") == "other host"
    assert scope.reason("https://example.org/") == "other host"
    assert scope.reason("mailto:x@example.gov") == "other host"


def test_scope_port_must_match() -> None:
    scope = Scope(start_url="http://127.0.0.1:8000/")
    assert scope.contains("http://127.0.0.1:8000/x")
    assert not scope.contains("http://127.0.0.1:8001/x")
    assert not scope.contains("http://127.0.0.1/x")


def test_scope_patterns() -> None:
    scope = Scope(
        start_url="https://example.gov/",
        include=(r"/services/", r"/news/"),
        exclude=(r"\.php$", "/news/archive"),
    )
    assert scope.contains("https://example.gov/")  # start URL always in scope
    assert scope.contains("https://example.gov/services/tax")
    assert scope.reason("https://example.gov/about") == "not included by pattern"
    assert scope.reason("https://example.gov/services/x.php") == "excluded by pattern"
    assert scope.reason("https://example.gov/news/archive/2001") == "excluded by pattern"
    assert scope.reason("https://other.gov/services/") == "other host"


def test_scope_start_url_in_scope_even_when_excluded() -> None:
    scope = Scope(start_url="https://example.gov/home?utm_source=a", exclude=("home",))
    assert scope.start == "https://example.gov/home"
    assert scope.contains("https://example.gov/home")
    assert not scope.contains("https://example.gov/home/sub")


def test_scope_patterns_see_normalised_url() -> None:
    scope = Scope(start_url="https://example.gov/", exclude=(r"^https://example\.gov/Private",))
    assert not scope.contains("HTTPS://EXAMPLE.GOV:443/Private/x#frag")


def test_scope_invalid_regex_names_pattern() -> None:
    with pytest.raises(UsageError, match=r"\[unclosed"):
        Scope(start_url="https://example.gov/", include=("[unclosed",))
    with pytest.raises(UsageError, match=r"exclude pattern '\(oops'"):
        Scope(start_url="https://example.gov/", exclude=("(oops",))


def test_scope_invalid_start() -> None:
    with pytest.raises(InvalidURL):
        Scope(start_url="mailto:x@example.gov")


# ---------------------------------------------------------------------------
# is_same_site
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "start", "expected"),
    [
        ("https://example.gov/x", "https://example.gov/", True),
        ("https://www.example.gov/x", "https://example.gov/", True),
        ("https://example.gov/x", "https://www.example.gov/", True),
        ("https://cdn.example.gov/app.js", "https://www.example.gov/", True),
        ("http://example.gov:8080/x", "https://example.gov/", True),  # ports ignored for names
        ("https://notexample.gov/", "https://example.gov/", False),
        ("https://example.gov.evil.com/", "https://example.gov/", False),
        ("https://fonts.googleapis.com/css", "https://example.gov/", False),
        ("http://127.0.0.1:8000/a.js", "http://127.0.0.1:8000/", True),
        ("http://127.0.0.1:9000/a.js", "http://127.0.0.1:8000/", False),
        ("http://127.0.0.2:8000/a.js", "http://127.0.0.1:8000/", False),
        ("http://[::1]:8000/a.js", "http://[::1]:8000/", True),
        ("data:image/png;base64,xx", "https://example.gov/", False),
    ],
)
def test_is_same_site(url: str, start: str, expected: bool) -> None:
    assert is_same_site(url, start) is expected


# ---------------------------------------------------------------------------
# Hostile input: session ids, address-like hosts, what a report will show
# ---------------------------------------------------------------------------

_session_names = st.sampled_from(
    ["jsessionid", "JSESSIONID", "PHPSESSID", "sessionid", "session_id", "sessid", "cfid", "CFTOKEN", "ASPSESSIONIDQQ"]
)
_token = st.text(alphabet="abcdefABCDEF0123456789", min_size=16, max_size=40)


@settings(max_examples=200, deadline=None)
@given(_session_names, _token, _url_chars)
def test_session_ids_never_survive_normalisation(name: str, token: str, rest: str) -> None:
    for url in (
        f"https://example.gov/a?{name}={token}&{rest}",
        f"https://example.gov/a;jsessionid={token}?q=1",
        f"https://example.gov/a?sid={token}",
    ):
        once = normalize_url(url)
        assert once is not None
        assert token not in once, (url, once)
        assert normalize_url(once) == once


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.sampled_from(["{}", "0x{:x}", "0{:o}", "{a}.{b}", "0x{a:x}.{b}"]),
)
def test_address_like_hosts_are_total_and_idempotent(value: int, form: str) -> None:
    host = form.format(value, a=value >> 24, b=value & 0xFFFFFF)
    once = normalize_url(f"http://{host}/x")
    assert once is None or normalize_url(once) == once


_UNSAFE_IN_REPORTS = set(map(chr, range(0x21))) | set('\x7f<>"`{}|\\^')


@settings(max_examples=300, deadline=None)
@given(st.one_of(_urlish(), st.text(max_size=80)))
def test_normalised_urls_hold_no_markup_or_control_characters(text: str) -> None:
    """What reports show of a URL is already inert: such characters are percent-encoded."""
    once = normalize_url(text, base="https://example.gov/d/")
    if once is not None:
        assert not _UNSAFE_IN_REPORTS & set(once), once
        assert once.isascii()
