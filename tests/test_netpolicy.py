"""The address policy (server-side request forgery) and discovery's guarded transport.

No test here opens a connection outside 127.0.0.0/8: names resolve through an injected
resolver (``public.example`` -> 203.0.113.10, for the decision only), and a spy network
backend records every connection the transport attempts and only ever connects to 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sites import Resource, SiteServer

from crawlers.discover import DiscoverySettings, discover
from crawlers.netpolicy import (
    PUBLIC,
    AddressPolicy,
    AddressRefused,
    address_class,
    parse_ip_host,
)
from crawlers.transport import GuardedTransport, refusal_of

PUBLIC_IP = "203.0.113.10"  # TEST-NET-3: routes nowhere, classed public; stands for a public site


def resolver(table: dict[str, list[str] | list[list[str]]]):
    """Names -> addresses; a list of lists answers differently on each call (DNS rebinding)."""
    calls: dict[str, int] = {}

    def resolve(host: str) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = table[host]
        if answer and isinstance(answer[0], list):
            n = calls.get(host, 0)
            calls[host] = n + 1
            return list(answer[min(n, len(answer) - 1)])  # type: ignore[arg-type]
        return list(answer)  # type: ignore[arg-type]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


NAMES = {
    "public.example": [PUBLIC_IP],
    "www.public.example": ["10.0.0.7"],
    "internal.example": ["192.168.1.20"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": ["203.0.113.11", "127.0.0.1"],
    "rebind.example": [["203.0.113.12"], ["127.0.0.1"]],
    "v6.example": ["2001:db8::10"],
    "v6-mapped.example": ["::ffff:10.1.2.3"],
}


def public_policy(**kw: Any) -> AddressPolicy:
    return AddressPolicy("public.example", resolver(NAMES), **kw)


# ---------------------------------------------------------------------------
# Address classes and host spellings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("203.0.113.10", PUBLIC),
        ("8.8.8.8", PUBLIC),
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.1.2.3", "private"),
        ("172.31.255.255", "private"),
        ("172.32.0.1", PUBLIC),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "shared"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"),  # deprecated IPv4-compatible form
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:c0a8:101::1", "private"),  # 6to4 of 192.168.1.1
        ("fd00::1", "private"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("2001::1", "reserved"),  # Teredo
        ("2001:db8::1", PUBLIC),  # documentation: stands for public in tests
        ("2606:4700::1111", PUBLIC),
    ],
)
def test_address_class(address: str, kind: str) -> None:
    assert address_class(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),  # hex, then the rest of the address in one part
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("0xA9FEA9FE", "169.254.169.254"),
        ("169.254.169.254.", "169.254.169.254"),  # trailing dot
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("::1", "::1"),
        ("[fe80::1%25eth0]", "fe80::1"),
    ],
)
def test_parse_ip_host_reads_hosts_as_browsers_do(host: str, address: str) -> None:
    assert parse_ip_host(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.gov", "public.example", "0x1g", "a1", "localhost", "xn--bcher-kva.example"])
def test_parse_ip_host_leaves_names_alone(host: str) -> None:
    assert parse_ip_host(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.16777216", "foo.0x7f", "1..2", "[::zz]", "[::1"]
)
def test_parse_ip_host_refuses_broken_addresses(host: str) -> None:
    with pytest.raises(ValueError):
        parse_ip_host(host)


def _spellings(value: int) -> list[str]:
    """Every way the WHATWG parser accepts to write one IPv4 address."""
    b = value.to_bytes(4, "big")
    return [
        str(value),
        hex(value),
        ".".join(str(x) for x in b),
        ".".join(f"0{x:o}" for x in b),
        ".".join(hex(x) for x in b),
        f"{b[0]}.{int.from_bytes(b[1:], 'big')}",
        f"{b[0]}.{b[1]}.{int.from_bytes(b[2:], 'big')}",
        f"{hex(b[0])}.{oct(int.from_bytes(b[1:], 'big')).replace('0o', '0')}",
    ]


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_spelling_is_the_same_address(value: int) -> None:
    expected = ipaddress.IPv4Address(value)
    for spelling in _spellings(value):
        assert parse_ip_host(spelling) == expected, spelling


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_inside_ipv6_is_classed_as_ipv4(value: int) -> None:
    v4 = ipaddress.IPv4Address(value)
    kind = address_class(v4)
    mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) + value)
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) + (value << 80) + 1)
    assert address_class(mapped) == address_class(nat64) == address_class(sixtofour) == kind
    assert parse_ip_host(f"[::ffff:{v4}]") == mapped


_DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_never_more_permissive_than_the_standard_library(value: int) -> None:
    """What Python calls private or loopback is never public here (the documentation ranges aside)."""
    address = ipaddress.IPv4Address(value)
    if any(address in net for net in _DOCUMENTATION):
        assert address_class(address) == PUBLIC
    elif address.is_private or address.is_loopback or address.is_link_local or address.is_multicast:
        assert address_class(address) != PUBLIC


_SPECIAL_V4 = st.sampled_from(["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"])


@given(_SPECIAL_V4, st.integers(min_value=0, max_value=2**24 - 1), st.integers(min_value=0, max_value=7))
@settings(max_examples=200)
def test_a_public_site_is_refused_every_spelling_of_a_special_address(network: str, offset: int, form: int) -> None:
    net = ipaddress.IPv4Network(network)
    address = net[offset % net.num_addresses]
    spelling = _spellings(int(address))[form]
    with pytest.raises(AddressRefused, match="refused by address policy"):
        public_policy().check(spelling)
    with pytest.raises(AddressRefused):
        public_policy().check(f"[::ffff:{address}]")
    assert public_policy(allow_private=True).check(spelling) == (address,)


# ---------------------------------------------------------------------------
# The policy of one run
# ---------------------------------------------------------------------------


def test_public_start_refuses_special_answers_and_literals() -> None:
    policy = public_policy()
    assert policy.allowed_classes() == {PUBLIC}
    assert policy.check("public.example") == (ipaddress.ip_address(PUBLIC_IP),)
    assert policy.check("v6.example") == (ipaddress.ip_address("2001:db8::10"),)
    for host, words in [
        ("www.public.example", "www.public.example resolves to 10.0.0.7 and is a private address"),
        ("internal.example", "192.168.1.20"),
        ("metadata.example", "link-local"),
        ("mixed.example", "127.0.0.1"),  # one special answer refuses the host
        ("v6-mapped.example", "private"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("2130706433", "loopback"),
        ("[::1]", "loopback"),
        ("0.0.0.0", "unspecified"),
    ]:
        with pytest.raises(AddressRefused, match=words.replace(".", r"\.")):
            policy.check(host)
    assert len(policy.refused) == 9
    assert "--allow-private" in policy.refused[0]


def test_the_start_address_class_is_in_scope() -> None:
    local = AddressPolicy("127.0.0.1", resolver({}))
    assert local.allowed_classes() == {PUBLIC, "loopback"}
    assert local.check("127.0.0.1") and local.check("0x7f.1") and local.check("[::1]")
    with pytest.raises(AddressRefused, match="link-local"):
        local.check("169.254.169.254")
    intranet = AddressPolicy(
        "intranet.example", resolver({"intranet.example": ["10.2.3.4"], "db.example": ["10.9.9.9"]})
    )
    assert intranet.check("db.example")
    with pytest.raises(AddressRefused, match="loopback"):
        intranet.check("127.0.0.1")


def test_first_answer_is_pinned_so_rebinding_cannot_slip_through() -> None:
    names = resolver(NAMES)
    policy = AddressPolicy("public.example", names)
    first = policy.check("rebind.example")
    assert first == (ipaddress.ip_address("203.0.113.12"),)
    for _ in range(3):
        assert policy.check("REBIND.example.") == first  # one spelling per host
    assert names.calls["rebind.example"] == 1  # type: ignore[attr-defined]
    # ...and a name that answers a special address first is refused for the whole run
    reverse = AddressPolicy(
        "public.example", resolver({"public.example": [PUBLIC_IP], "r.example": [["127.0.0.1"], [PUBLIC_IP]]})
    )
    for _ in range(2):
        with pytest.raises(AddressRefused):
            reverse.check("r.example")


def test_unresolvable_names_and_allow_private() -> None:
    policy = public_policy()
    with pytest.raises(OSError):
        policy.check("nowhere.example")
    assert AddressPolicy("nowhere.example", resolver({})).allowed_classes() == {PUBLIC}
    lenient = public_policy(allow_private=True)
    assert lenient.check("169.254.169.254") and lenient.check("internal.example")
    with pytest.raises(AddressRefused, match="too many parts"):
        lenient.check("1.2.3.4.5")  # an invalid address stays invalid


def test_policy_is_thread_safe_and_resolves_once_per_host() -> None:
    slow_calls: list[str] = []

    def slow(host: str) -> list[str]:
        slow_calls.append(host)
        time.sleep(0.01)
        return [PUBLIC_IP]

    policy = AddressPolicy("public.example", slow)
    threads = [threading.Thread(target=policy.check, args=("same.example",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert policy.check("same.example") == (ipaddress.ip_address(PUBLIC_IP),)
    assert slow_calls.count("same.example") == 1  # the other seven waited for the first lookup


def test_concurrent_first_lookups_of_a_rebinding_name_pin_its_first_answer() -> None:
    names = resolver({"rebind.example": [["203.0.113.12"], ["127.0.0.1"]]})
    gate = threading.Event()

    def slow(host: str) -> list[str]:
        gate.wait(2)
        return names(host)

    policy = AddressPolicy("public.example", slow)
    results: list[object] = []

    def ask() -> None:
        try:
            results.append(policy.check("rebind.example"))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    gate.set()
    for t in threads:
        t.join()
    assert results == [(ipaddress.ip_address("203.0.113.12"),)] * 4
    assert names.calls["rebind.example"] == 1  # type: ignore[attr-defined]


def test_a_failed_lookup_is_shared_but_not_kept() -> None:
    answers = iter([OSError("temporary failure"), [PUBLIC_IP]])

    def flaky(host: str) -> list[str]:
        if host != "flaky.example":
            return [PUBLIC_IP]
        answer = next(answers)
        if isinstance(answer, OSError):
            raise answer
        return answer

    policy = AddressPolicy("public.example", flaky)
    with pytest.raises(OSError, match="temporary failure"):
        policy.check("flaky.example")
    assert policy.check("flaky.example") == (ipaddress.ip_address(PUBLIC_IP),)


# ---------------------------------------------------------------------------
# The guarded transport: connects to exactly the checked address, and only then
# ---------------------------------------------------------------------------


class SpyBackend(httpcore.NetworkBackend):
    """Records every connection attempt. Connects only to 127.0.0.1: a "public" test address in
    ``served`` is answered by the local server on the same port; anything else fails."""

    def __init__(self, served: tuple[str, ...] = (PUBLIC_IP,)) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.served = served
        self._real = httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None, socket_options=None
    ) -> httpcore.NetworkStream:
        self.attempts.append((host, port))
        ipaddress.ip_address(host)  # the guard hands us an address, never a name
        if host in self.served or host == "127.0.0.1":
            return self._real.connect_tcp("127.0.0.1", port, timeout, local_address, socket_options)
        raise httpcore.ConnectError(f"spy: tests never connect to {host}")


def guarded_client(policy: AddressPolicy, spy: SpyBackend, **kw: Any) -> httpx.Client:
    return httpx.Client(transport=GuardedTransport(policy, backend=spy, **kw), timeout=5)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://internal.example/",
        "http://www.public.example/",
        "http://mixed.example/",
    ],
)
def test_transport_refuses_before_any_connection(url: str) -> None:
    spy = SpyBackend()
    with guarded_client(public_policy(), spy) as client, pytest.raises(httpx.ConnectError) as caught:
        client.get(url)
    assert spy.attempts == []
    assert (refusal_of(caught.value) or "").startswith("refused by address policy")


def test_transport_connects_to_the_checked_address_even_when_dns_changes() -> None:
    with SiteServer({"/": "<!doctype html><title>Public</title>"}) as server:
        spy = SpyBackend(served=(PUBLIC_IP, "203.0.113.12"))
        with guarded_client(public_policy(), spy) as client:
            assert client.get(f"http://public.example:{server.port}/").status_code == 200
            for _ in range(2):  # rebind.example answers 127.0.0.1 the second time: never asked again
                client.get(f"http://rebind.example:{server.port}/", headers={"connection": "close"})
        assert spy.attempts == [(PUBLIC_IP, server.port)] + [("203.0.113.12", server.port)] * 2
        # the request still names the host (virtual hosting, TLS SNI): only the socket uses the address
        assert server.paths() == ["/", "/", "/"]


def test_transport_total_deadline_stops_a_trickling_body() -> None:
    def trickle() -> Iterator[bytes]:
        yield b"<!doctype html><title>Slow</title>"
        while True:
            yield b" "

    with SiteServer({"/": lambda: Resource(trickle(), chunk_delay=0.02)}) as server:
        policy = AddressPolicy("127.0.0.1", resolver({}))
        began = time.monotonic()
        with (
            guarded_client(policy, SpyBackend(), total_timeout=1.0) as client,
            pytest.raises(httpx.ReadTimeout),
            client.stream("GET", server.url("/")) as response,
        ):
            for _ in response.iter_bytes():
                pass
        assert time.monotonic() - began < 3  # the read timeout (5 s) never fired: each byte resets it


def test_transport_total_deadline_stops_trickling_headers() -> None:
    """A server that sends its response head a byte at a time, for ever."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.is_set():
                try:
                    conn.sendall(b"a")
                except OSError:
                    return
                time.sleep(0.02)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        began = time.monotonic()
        policy = AddressPolicy("127.0.0.1", resolver({}))
        with guarded_client(policy, SpyBackend(), total_timeout=1.0) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"http://127.0.0.1:{port}/")
        assert time.monotonic() - began < 3
    finally:
        stop.set()
        listener.close()


def test_a_hanging_dns_lookup_is_under_the_total_deadline() -> None:
    release = threading.Event()
    asked: list[str] = []

    def hanging(host: str) -> list[str]:
        asked.append(host)
        release.wait(10)  # a resolver that does not answer (getaddrinfo cannot be interrupted)
        return [PUBLIC_IP]

    spy = SpyBackend()
    try:
        began = time.monotonic()
        with (
            guarded_client(AddressPolicy("127.0.0.1", hanging), spy, total_timeout=0.5) as client,
            pytest.raises(httpx.ConnectTimeout),
        ):
            client.get("http://slow.example/")
        assert time.monotonic() - began < 2
        assert "slow.example" in asked and spy.attempts == []  # the time went on the lookup; no connection
    finally:
        release.set()


def test_policy_lookup_timeout_and_a_later_answer() -> None:
    gate = threading.Event()

    def late(host: str) -> list[str]:
        gate.wait(5)
        return [PUBLIC_IP]

    policy = AddressPolicy("public.example", late)
    with pytest.raises(OSError, match=r"took longer than 0\.2 s"):
        policy.check("late.example", timeout=0.2)
    with pytest.raises(OSError, match="no time left"):
        policy.check("late.example", timeout=0)
    gate.set()
    assert policy.check("late.example", timeout=5) == (ipaddress.ip_address(PUBLIC_IP),)


# ---------------------------------------------------------------------------
# Discovery of a "public" site through the guarded transport
# ---------------------------------------------------------------------------


def test_discovery_of_a_public_site_never_reaches_a_private_address() -> None:
    with SiteServer({}) as server:
        origin = f"http://public.example:{server.port}"
        server.routes.update(
            {
                "/robots.txt": Resource(
                    "User-agent: *\nAllow: /\n"
                    "Sitemap: http://169.254.169.254/latest/meta-data/\n"
                    f"Sitemap: http://127.0.0.1:{server.port}/secret-sitemap.xml\n"
                    f"Sitemap: {origin}/sitemap.xml\n",
                    content_type="text/plain",
                ),
                "/sitemap.xml": Resource(
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{origin}/listed</loc></url></urlset>",
                    content_type="application/xml",
                ),
                "/": "<!doctype html><title>Home</title>"
                f"<a href='/go-www'>www</a><a href='http://www.public.example:{server.port}/x'>www link</a>"
                "<a href='/listed'>listed</a><a href='/go-internal'>internal</a>",
                "/listed": "<!doctype html><title>Listed</title>",
                "/go-www": Resource("", status=302, headers={"Location": f"http://www.public.example:{server.port}/"}),
                "/go-internal": Resource("", status=302, headers={"Location": "http://0x7f.1/admin"}),
            }
        )
        spy = SpyBackend()
        policy = public_policy()
        with guarded_client(policy, spy) as client:
            # robots.txt is not obeyed here, so links to www. are fetched (and refused), not skipped
            settings = DiscoverySettings(user_agent="maturity-tests", check_links=5, respect_robots=False)
            result = discover(client, origin + "/", settings)
    assert [p.url for p in result.pages] == [origin + "/", origin + "/listed"]
    assert {host for host, _ in spy.attempts} == {PUBLIC_IP}
    refused = {d.url: d.reason for d in result.decisions if "refused by address policy" in d.reason}
    www = f"http://www.public.example:{server.port}"
    assert refused[www + "/x"].startswith("refused by address policy: www.public.example resolves to 10.0.0.7")
    assert refused[origin + "/go-www"] == refused[www + "/x"]  # by a redirect
    assert [d.reason for d in result.decisions if d.url == origin + "/go-internal"][-1].startswith(
        "redirects out of scope: other host"  # another host is never followed at all
    )
    sitemaps = {s.url: (s.kind, s.status) for s in result.site.sitemaps}
    assert sitemaps["http://169.254.169.254/latest/meta-data/"] == ("missing", None)
    assert sitemaps[f"http://127.0.0.1:{server.port}/secret-sitemap.xml"] == ("missing", None)
    assert "/secret-sitemap.xml" not in server.paths()
    assert www + "/x" not in result.site.link_status  # unknown, not "broken"
    log = "\n".join(policy.refused)
    assert "10.0.0.7" in log and "169.254.169.254 is a link-local address" in log and "127.0.0.1 is a loopback" in log
