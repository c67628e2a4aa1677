"""Builders for artifacts in tests: a clean page by default, with overrides for each barrier."""

from __future__ import annotations

from typing import Any

from maturity.model import (
    AxeFacts,
    AxeNode,
    AxeRule,
    DocumentFacts,
    Heading,
    HttpFacts,
    Link,
    MobileFacts,
    NetworkFacts,
    PageArtifacts,
    PerformanceFacts,
    PerfRun,
    Request,
    SiteFacts,
)

ORIGIN = "https://agency.example.gov"
PLAIN_TEXT = (
    "You can renew your fishing licence online. It takes about ten minutes. "
    "Have your licence number and a card ready. We send a receipt by email. "
) * 6


def document(**over: Any) -> dict[str, Any]:
    base = DocumentFacts(
        url=f"{ORIGIN}/",
        title="Fishing licences | Department of Natural Resources",
        lang="en",
        meta={
            "description": "Buy or renew a fishing licence online, see the fees and find out who needs one.",
            "viewport": "width=device-width, initial-scale=1",
        },
        headings=[Heading(level=1, text="Fishing licences"), Heading(level=2, text="Who needs one")],
        links=[
            Link(href=f"{ORIGIN}/privacy", text="Privacy policy"),
            Link(href=f"{ORIGIN}/accessibility", text="Accessibility statement"),
            Link(href=f"{ORIGIN}/contact", text="Contact us"),
            Link(href=f"{ORIGIN}/fishing/renew", text="Renew a fishing licence"),
        ],
        landmarks={"main": 1, "nav": 1},
        skip_link="#main",
        skip_link_target_exists=True,
        text=PLAIN_TEXT,
        word_count=len(PLAIN_TEXT.split()),
    ).model_dump(mode="json")
    base.update(over)
    return base


def mobile(**over: Any) -> dict[str, Any]:
    base = MobileFacts(
        device="Pixel 7",
        viewport_meta="width=device-width, initial-scale=1",
        inner_width=412,
        outer_width=412,
        scroll_width=412,
        targets_total=12,
        text_chars_total=900,
        text_chars_small=40,
    ).model_dump(mode="json")
    base.update(over)
    return base


def http(url: str = f"{ORIGIN}/", **over: Any) -> dict[str, Any]:
    base = HttpFacts(
        requested_url=url,
        final_url=url,
        status=200,
        content_type="text/html",
        headers={
            "content-type": "text/html",
            "strict-transport-security": "max-age=31536000",
            "content-security-policy": "default-src 'self'",
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
        },
    ).model_dump(mode="json")
    base.update(over)
    return base


def perf(profile: str = "mobile", **over: Any) -> dict[str, Any]:
    run = PerfRun(
        ttfb_ms=120, fcp_ms=900, lcp_ms=1400, cls=0.01, tbt_ms=40, load_ms=1500, bytes=400_000, requests=12
    ).model_copy(update=over)
    return PerformanceFacts(profile=profile, k=1, median=run, runs=[run]).model_dump(mode="json")


def network(*urls: str) -> dict[str, Any]:
    return NetworkFacts(requests=[Request(url=u, resource_type="script") for u in urls]).model_dump(mode="json")


def axe(*rules: tuple[str, str, str | None, list[str]]) -> dict[str, Any]:
    """``axe(("image-alt", "violation", "critical", ["wcag2a"]), ...)``"""
    return AxeFacts(
        version="4.12.1",
        rules=[
            AxeRule(
                id=i,
                outcome=o,
                impact=imp,
                tags=tags,  # type: ignore[arg-type]
                nodes=[AxeNode(target="img", html="<img src=x>")] if o == "violation" else [],
            )
            for i, o, imp, tags in rules
        ],
    ).model_dump(mode="json")


def page(url: str = f"{ORIGIN}/", **artifacts: dict[str, Any]) -> PageArtifacts:
    arts = {
        "http": http(url),
        "document": document(url=url),
        "mobile": mobile(),
        "performance": perf(),
        "network": network(f"{ORIGIN}/app.js"),
        "axe": axe(("image-alt", "pass", None, ["wcag2a"])),
    }
    arts.update(artifacts)
    return PageArtifacts(url=url, artifacts=arts)


def site(**over: Any) -> SiteFacts:
    base = {
        "start_url": f"{ORIGIN}/",
        "homepage_url": f"{ORIGIN}/",
        "http_redirects_to_https": True,
        "link_status": {
            f"{ORIGIN}/privacy": 200,
            f"{ORIGIN}/accessibility": 200,
            f"{ORIGIN}/contact": 200,
            f"{ORIGIN}/fishing/renew": 200,
        },
    }
    base.update(over)
    return SiteFacts.model_validate(base)
