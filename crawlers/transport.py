"""Discovery's HTTP client: the run's address policy on the wire (placeholder until the split lands)."""

from __future__ import annotations

import os

import httpx

from crawlers.discover import GuardedTransport
from crawlers.netpolicy import AddressPolicy, is_loopback


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
) -> httpx.Client:
    base = transport or GuardedTransport(policy, total_timeout=page_timeout, retries=1)
    if loopback_only or os.environ.get("MATURITY_LOOPBACK_ONLY") == "1":
        base = LoopbackGuard(base)
    return httpx.Client(
        transport=base,
        headers={"User-Agent": user_agent},
        timeout=httpx.Timeout(page_timeout, connect=min(10.0, page_timeout)),
        follow_redirects=False,
    )
