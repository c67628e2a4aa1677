"""Discovery's HTTP client: the run's address policy on the wire, and a total deadline per request.

:class:`GuardedTransport` is httpx's own transport on a network backend (:class:`GuardedBackend`)
that resolves through the run's :class:`AddressPolicy` (:mod:`crawlers.netpolicy`) and connects to
exactly the address it checked. Every request, body included, has a total time limit, however
slowly bytes trickle. :func:`make_client` builds the client discovery uses; :class:`LoopbackGuard`
refuses anything not addressed to the loopback network (tests and the demo).
"""

from __future__ import annotations

import contextvars
import os
import ssl
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from crawlers.netpolicy import AddressPolicy, AddressRefused, LookupTimeout, is_loopback

__all__ = ["GuardedBackend", "GuardedTransport", "LoopbackGuard", "make_client", "refusal_of"]

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("maturity_deadline", default=None)


class _AddressRefusedError(httpcore.ConnectError):
    """The address policy refused a connection (httpx reports it as a ConnectError caused by this)."""


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the current request's total deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request took longer than its total time limit")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write also stops at the request's total deadline.

    httpx's read timeout applies to each read, so a server that trickles a byte at a time could
    hold a request for ever; the total deadline bounds the whole request.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves through the run's :class:`AddressPolicy` and connects to exactly the address it checked.

    A refused host raises before any socket is opened; an allowed one is connected by address
    (TLS still verifies and sends the host name), so a second, different DNS answer is never used.
    """

    def __init__(self, policy: AddressPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:  # the lookup, too, is under the request's total deadline
            addresses = self.policy.check(host, _remaining(timeout, httpcore.ConnectTimeout))
        except AddressRefused as exc:
            raise _AddressRefusedError(str(exc)) from None
        except LookupTimeout as exc:
            raise httpcore.ConnectTimeout(str(exc)) from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self.inner.connect_tcp(
                    str(address), port, _remaining(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the crawler")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _DeadlineBody(httpx.SyncByteStream):
    """A response body read under the request's total deadline."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            token = _DEADLINE.set(self._deadline)
            try:
                chunk = next(chunks, None)
            finally:
                _DEADLINE.reset(token)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        self._inner.close()


class GuardedTransport(httpx.BaseTransport):
    """httpx's own transport on a :class:`GuardedBackend`, with a total time limit per request.

    ``total_timeout`` covers connecting, the response head and the body. ``backend`` is the
    network backend under the policy (tests pass a spy that records every connection attempt).
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        total_timeout: float = 30.0,
        retries: int = 1,
        backend: httpcore.NetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.total_timeout = total_timeout
        self._http = httpx.HTTPTransport(verify=verify, retries=retries)
        # The same pool httpx builds, on our network backend (httpx has no parameter for it).
        self._http._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            retries=retries,
            network_backend=GuardedBackend(policy, backend),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.total_timeout
        token = _DEADLINE.set(deadline)
        try:
            response = self._http.handle_request(request)
        finally:
            _DEADLINE.reset(token)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _DeadlineBody(response.stream, deadline)
        return response

    def close(self) -> None:
        self._http.close()


def refusal_of(exc: BaseException) -> str | None:
    """The address policy's message when it caused ``exc``, else None."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, _AddressRefusedError | AddressRefused):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


class LoopbackGuard(httpx.BaseTransport):
    """Refuses any HTTP request not addressed to the loopback network (tests and the demo)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.refused: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not is_loopback(str(request.url)):
            self.refused.append(str(request.url))
            raise httpx.ConnectError("refused: only loopback addresses are allowed in this mode", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def make_client(
    *,
    user_agent: str,
    page_timeout: float,
    policy: AddressPolicy,
    transport: httpx.BaseTransport | None = None,
    loopback_only: bool = False,
    trust_ca_pem: str | None = None,
) -> httpx.Client:
    """The HTTP client of discovery: our user agent, the address policy on the wire, no redirects
    followed by httpx. ``trust_ca_pem`` adds one certificate authority to the system's for this
    client only (a site served with a certificate made for the run, such as the demo's)."""
    verify: ssl.SSLContext | bool = True
    if trust_ca_pem:
        verify = ssl.create_default_context()
        verify.load_verify_locations(cadata=trust_ca_pem)
    base = transport or GuardedTransport(policy, total_timeout=page_timeout, retries=1, verify=verify)
    if loopback_only or os.environ.get("MATURITY_LOOPBACK_ONLY") == "1":
        base = LoopbackGuard(base)
    return httpx.Client(
        transport=base,
        headers={"User-Agent": user_agent},
        timeout=httpx.Timeout(page_timeout, connect=min(10.0, page_timeout)),
        follow_redirects=False,
    )
