"""Which network addresses a crawl may talk to (server-side request forgery protection).

The tool fetches whatever a site links to, redirects to or loads, so a hostile page could
point it at the machine it runs on (``http://127.0.0.1:6379/``), the office network
(``http://10.0.0.1/admin``) or a cloud metadata service (``http://169.254.169.254/``).
The rule:

* every address has a **class**: ``public`` or one of the special ones (``loopback``,
  ``private``, ``link-local``, ``shared``, ``unspecified``, ``multicast``, ``reserved``);
* ``public`` and the class of the start URL's own address are allowed, so auditing a site on
  127.0.0.1 (or on an intranet) works, while a public site can never lead the crawler into a
  special range (by a redirect, a link, a subresource or a DNS answer);
* a host is allowed only when **every** address it resolves to is allowed, and the first answer
  for each name is **pinned** for the run, so a name that resolves differently the second time
  (DNS rebinding) cannot slip through: callers connect to exactly the address that was checked;
* ``allow_private`` (``--allow-private``) switches the rule off.

Host spellings are read the way browsers read them (WHATWG URL standard, "IPv4 parser"):
``2130706433``, ``0x7f.1``, ``0177.0.0.1`` and ``127.1`` are all 127.0.0.1, and
``[::ffff:127.0.0.1]`` is too (IPv4 embedded in IPv6 is classed by its IPv4 address).
The documentation ranges (TEST-NET-1/2/3, ``2001:db8::/32``) are classed as public: they route
nowhere, and tests use them to stand for public addresses.

Pure apart from :func:`system_resolver` (the operating system's resolver): the HTTP transport
(:mod:`crawlers.transport`) and the browser's request router (:mod:`crawlers.browser`) apply it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

__all__ = [
    "PUBLIC",
    "Address",
    "AddressPolicy",
    "AddressRefused",
    "LookupTimeout",
    "Resolver",
    "address_class",
    "is_loopback",
    "is_loopback_host",
    "parse_ip_host",
    "system_resolver",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Sequence[str]]
"""A host name -> its addresses as strings (``"203.0.113.10"``, ``"2001:db8::1"``)."""

PUBLIC = "public"

_V4_SPECIAL: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), kind)
    for net, kind in (
        ("0.0.0.0/8", "unspecified"),  # "this network": 0.0.0.0 reaches the local host on Linux
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared"),  # carrier-grade NAT (RFC 6598)
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),  # cloud metadata services live at 169.254.169.254
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
        ("192.88.99.0/24", "reserved"),  # 6to4 relay anycast (deprecated)
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved"),  # benchmarking
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),  # future use, and 255.255.255.255 broadcast
    )
)
_V6_SPECIAL: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), kind)
    for net, kind in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "private"),  # local-use NAT64 (RFC 8215)
        ("100::/64", "reserved"),  # discard-only
        ("2001::/32", "reserved"),  # Teredo: the embedded client address is obfuscated
        ("2001:2::/48", "reserved"),  # benchmarking
        ("fc00::/7", "private"),  # unique local
        ("fe80::/10", "link-local"),
        ("fec0::/10", "private"),  # site-local (deprecated)
        ("ff00::/8", "multicast"),
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated "IPv4-compatible" addresses
_NUMBER = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


class AddressRefused(Exception):
    """A host whose address the policy refuses; the message says which address and why."""


class LookupTimeout(OSError):
    """A name that got no answer within the time the caller had left."""


def address_class(address: Address) -> str:
    """``"public"`` or the special class of ``address``; IPv4 inside IPv6 is classed as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_v4(address)
        if embedded is not None:
            return address_class(embedded)
        for net6, kind in _V6_SPECIAL:
            if address in net6:
                return kind
        return PUBLIC
    for net4, kind in _V4_SPECIAL:
        if address in net4:
            return kind
    return PUBLIC


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by a mapped, compatible, NAT64 or 6to4 IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _V4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def parse_ip_host(host: str) -> Address | None:
    """The address a URL host denotes, read as browsers read it; None for a host name.

    Raises ValueError for a host that is an address but an invalid one (``1.2.3.4.5``,
    ``[::zz]``, ``0x1g``...): browsers refuse such URLs, and so do we.
    """
    host = host.strip()
    if host.startswith("[") or host.endswith("]"):
        if not (host.startswith("[") and host.endswith("]")):
            raise ValueError(f"unbalanced brackets in host {host!r}")
        return ipaddress.IPv6Address(host[1:-1].split("%")[0])
    if ":" in host:  # an IPv6 literal without brackets, as connection code passes it
        return ipaddress.IPv6Address(host.split("%")[0])
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    if not labels or not _NUMBER.match(labels[-1]):
        return None  # does not end in a number: a name
    return ipaddress.IPv4Address(_whatwg_ipv4(labels, host))


def _whatwg_ipv4(labels: list[str], host: str) -> int:
    """The WHATWG "IPv4 parser": 1 to 4 parts, each decimal, 0x-hex or 0-octal; the last fills the rest."""
    if len(labels) > 4:
        raise ValueError(f"too many parts in IPv4 address {host!r}")
    numbers = []
    for label in labels:
        if not label:
            raise ValueError(f"empty part in IPv4 address {host!r}")
        if label[:2] in ("0x", "0X"):
            digits, base = label[2:] or "0", 16
        elif len(label) > 1 and label.startswith("0"):
            digits, base = label[1:], 8
        else:
            digits, base = label, 10
        try:
            numbers.append(int(digits, base))
        except ValueError:
            raise ValueError(f"bad part {label!r} in IPv4 address {host!r}") from None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"IPv4 address out of range: {host!r}")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return value


def system_resolver(host: str) -> list[str]:
    """The operating system's answer for ``host`` (raises OSError when there is none)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# Lookups with a time limit run here: getaddrinfo cannot be interrupted, so a lookup that hangs
# keeps its thread until the system resolver gives up, and a bounded pool keeps such threads few.
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="maturity-dns")


def _parse_answer(value: str) -> Address:
    return ipaddress.ip_address(value.split("%")[0])


class AddressPolicy:
    """The rule above for one run: the start host's class, the pinned answers, the verdicts.

    Thread-safe: discovery's HTTP client and the browser's router share one policy per run.
    """

    def __init__(self, start_host: str, resolver: Resolver = system_resolver, *, allow_private: bool = False) -> None:
        self.start_host = start_host
        self.resolver = resolver
        self.allow_private = allow_private
        self._pins: dict[str, tuple[Address, ...]] = {}
        self._allowed: frozenset[str] | None = None
        self._lock = threading.Lock()
        self._asking: dict[str, Future[tuple[Address, ...]]] = {}
        self.refused: list[str] = []  # one line per refusal, for the run's log

    def known(self, host: str) -> bool:
        """True when :meth:`addresses` answers without asking the resolver (a literal or a pinned name)."""
        key = _key(host)
        try:
            if parse_ip_host(key) is not None:
                return True
        except ValueError:
            return True
        with self._lock:
            return key in self._pins

    def addresses(self, host: str, timeout: float | None = None) -> tuple[Address, ...]:
        """What ``host`` denotes: the literal address, or the first answer of the resolver (pinned).

        Raises ValueError for an invalid address literal and OSError when the name does not resolve,
        or gives no answer within ``timeout`` seconds (None: wait as long as the resolver does).
        """
        key = _key(host)
        literal = parse_ip_host(key)
        if literal is not None:
            return (literal,)
        with self._lock:
            pinned = self._pins.get(key)
            asking = self._asking.get(key)
            mine = pinned is None and asking is None
            if mine:  # one lookup per name at a time: concurrent callers share its answer
                asking = self._asking[key] = Future()
        if pinned is not None:
            return pinned
        assert asking is not None
        if not mine:
            try:
                return asking.result(timeout)
            except FutureTimeout:
                raise LookupTimeout(f"looking up {key} took longer than {timeout:.3g} s") from None
        try:
            answer = tuple(_parse_answer(a) for a in self._resolve(key, timeout))
            if not answer:
                raise OSError(f"no address for {key}")
            with self._lock:
                self._pins[key] = answer
            asking.set_result(answer)
            return answer
        except BaseException as exc:  # a failure is shared with the waiting callers, and not kept
            asking.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._asking.pop(key, None)

    def _resolve(self, key: str, timeout: float | None) -> Sequence[str]:
        if timeout is None:
            return self.resolver(key)
        if timeout <= 0:
            raise LookupTimeout(f"no time left to look up {key}")
        try:
            return _LOOKUPS.submit(self.resolver, key).result(timeout)
        except FutureTimeout:
            raise LookupTimeout(f"looking up {key} took longer than {timeout:.3g} s") from None

    def allowed_classes(self) -> frozenset[str]:
        """``public`` plus the classes of the start host's addresses."""
        if self._allowed is None:
            try:
                classes = {address_class(a) for a in self.addresses(self.start_host)}
            except (OSError, ValueError):
                classes = set()
            self._allowed = frozenset({PUBLIC, *classes})
        return self._allowed

    def check(self, host: str, timeout: float | None = None) -> tuple[Address, ...]:
        """The addresses to connect to for ``host``, every one allowed; else :class:`AddressRefused`.

        Resolver failures and lookups over ``timeout`` seconds (OSError) propagate: the caller
        reports them as a failed connection.
        """
        try:
            answer = self.addresses(host, timeout)
        except ValueError as exc:
            raise self._refuse(f"refused by address policy: {exc}") from None
        if self.allow_private:
            return answer
        allowed = self.allowed_classes()
        for address in answer:
            kind = address_class(address)
            if kind not in allowed:
                shown = _key(host)
                via = "" if parse_ip_host(shown) is not None else f" resolves to {address} and"
                raise self._refuse(
                    f"refused by address policy: {shown}{via} is a {kind} address (pass --allow-private to allow it)"
                )
        return answer

    def _refuse(self, message: str) -> AddressRefused:
        with self._lock:
            self.refused.append(message)
        return AddressRefused(message)


def _key(host: str) -> str:
    """One spelling per host: lower case, no trailing dot, IPv6 without brackets or zone."""
    key = host.strip().lower().rstrip(".")
    if key.startswith("[") and key.endswith("]"):
        key = key[1:-1]
    return key


# Loopback-only mode (tests and the demo): nothing but 127.0.0.0/8 and ::1 by address literal.


def is_loopback(url: str) -> bool:
    try:
        return is_loopback_host(urlsplit(url).hostname or "")
    except ValueError:
        return False


def is_loopback_host(host: str) -> bool:
    """A loopback address literal (``127.0.0.0/8``, ``::1``); a name never is."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
