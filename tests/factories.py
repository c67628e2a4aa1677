"""Builders for artifacts in tests: a clean page by default, with overrides for each barrier."""

from __future__ import annotations

from typing import Any

from maturity.core.model import (
    Alternate,
    AxeFacts,
    AxeNode,
    AxeRule,
    DesignFacts,
    DocumentFacts,
    FocusFacts,
    Heading,
    HttpFacts,
    ImageTimingFacts,
    InteractionFacts,
    KeyboardWalk,
    Link,
    MobileFacts,
    MotionFacts,
    NetworkFacts,
    PageArtifacts,
    PerformanceFacts,
    PerfRun,
    ReflowFacts,
    Request,
    Resource,
    RobotsFacts,
    SecurityTxtFacts,
    SiteFacts,
    SitemapFacts,
    TabStop,
    TechFacts,
)

ORIGIN = "https://agency.example.gov"
DAP = "https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js"
PLAIN_TEXT = (
    "You can renew your fishing licence online. It takes about ten minutes. "
    "Have your licence number and a card ready. We send a receipt by email. "
) * 6


def interaction(**over: Any) -> InteractionFacts:
    """A calm page used with keys, mouse, large text and a narrow window: nothing found, nothing undecided."""
    stops = [
        TabStop(key=1, selector="a.skip", text="Skip to main content", top=0, left=8, width=160, height=24),
        TabStop(key=2, selector="nav a", text="Services", top=80, left=8, width=120, height=44),
        TabStop(key=3, selector="#main a", text="Renew online", top=400, left=8, width=200, height=24),
        TabStop(kind="none"),
    ]
    base = InteractionFacts(
        ms={"images": 0.1, "motion": 3.0, "text_resize": 4.0, "keyboard": 40.0, "hover": 0.5, "reflow": 20.0},
        keyboard=KeyboardWalk(presses=5, tabbable=3, stops=stops),
        hover=[],
        text_resize=[],
        resize_boxes=2,
        reflow=ReflowFacts(width=320, scroll_width=320),
        motion=MotionFacts(observed_ms=1500, controls=["Search"]),
        images=ImageTimingFacts(examined=2),
    )
    return base.model_copy(update=over)


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
            Link(href=f"{ORIGIN}/foia", text="Public records (FOIA)"),
            Link(href=f"{ORIGIN}/fishing/renew", text="Renew a fishing licence"),
        ],
        landmarks={"main": 1, "nav": 1, "search": 1},
        skip_link="#main",
        skip_link_target_exists=True,
        text=PLAIN_TEXT,
        word_count=len(PLAIN_TEXT.split()),
        loose_fields=[],
        choice_groups=[],
        justified=[],
        uppercase=[],
        media=[],
        blinking=0,
        focus=FocusFacts(sampled=12),
        render_blocking=[Resource(url=f"{ORIGIN}/site.css", kind="stylesheet")],
        design=DesignFacts(),
        template={"header": "1a2b", "nav": "3c4d", "footer": "5e6f"},
        alternates=[Alternate(hreflang="es", href=f"{ORIGIN}/es/")],
        other_text="Was this page helpful? Yes No. Contact us. Privacy policy.",
        tables=[],
        fieldsets=[],
        broken_labels=[],
        hints=[],
        required_marks=[],
        context_changes=[],
        image_buttons=[],
        labelled_controls=[],
        adjacent_links=[],
        clickables=[],
        spacing_clipped=[],
        roleless_focusable=[],
        positive_tabindex=[],
        orientation_locks=[],
        hover_only=[],
        rtl_text=[],
        audio=[],
        passages=[],
        focus_jumps=[],
        examined={"clickables": 3, "tabindex": 1, "hover_rules": 2, "clip_boxes": 4, "focus_order": 20},
        tech=TechFacts(),
        interaction=interaction(),
    ).model_dump(mode="json")
    base.update(over)
    base.setdefault("canonical", None)
    if "canonical" not in over:
        base["canonical"] = base["url"]
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
        target_sizes=[(120.0, 48.0, 30.0)] * 12,
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
        set_cookies=[],
    ).model_dump(mode="json")
    base.update(over)
    return base


def perf(profile: str = "mobile", **over: Any) -> dict[str, Any]:
    run = PerfRun(
        ttfb_ms=120,
        fcp_ms=900,
        lcp_ms=1400,
        cls=0.01,
        tbt_ms=40,
        load_ms=1500,
        bytes=400_000,
        requests=12,
        bytes_by_type={"document": 30_000, "stylesheet": 20_000, "script": 150_000, "image": 200_000},
        requests_by_type={"document": 1, "stylesheet": 1, "script": 4, "image": 6},
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
        "network": network(f"{ORIGIN}/app.js", DAP),
        "axe": axe(("image-alt", "pass", None, ["wcag2a"])),
    }
    arts.update(artifacts)
    return PageArtifacts(url=url, artifacts=arts)


def site(**over: Any) -> SiteFacts:
    base = {
        "start_url": f"{ORIGIN}/",
        "homepage_url": f"{ORIGIN}/",
        "http_redirects_to_https": True,
        "not_found_status": 404,
        "crawled_at": "2025-03-01T09:00:00+00:00",
        "robots": RobotsFacts(
            url=f"{ORIGIN}/robots.txt", status=200, found=True, sitemaps=[f"{ORIGIN}/sitemap.xml"]
        ).model_dump(),
        "sitemaps": [SitemapFacts(url=f"{ORIGIN}/sitemap.xml", status=200, kind="urlset", url_count=40).model_dump()],
        "security_txt": SecurityTxtFacts(
            url=f"{ORIGIN}/.well-known/security.txt",
            status=200,
            final_url=f"{ORIGIN}/.well-known/security.txt",
            content_type="text/plain",
            fields={"contact": ["mailto:security@agency.example.gov"], "expires": ["2026-03-01T00:00:00Z"]},
        ).model_dump(),
        "link_status": {
            f"{ORIGIN}/privacy": 200,
            f"{ORIGIN}/accessibility": 200,
            f"{ORIGIN}/contact": 200,
            f"{ORIGIN}/foia": 200,
            f"{ORIGIN}/fishing/renew": 200,
        },
    }
    base.update(over)
    return SiteFacts.model_validate(base)


# A realistic page of a generated agency site, for measuring scoring and reporting at scale without a
# browser (bench/scoring_memory.py and tests/test_streaming.py): every page different (so the store
# keeps one blob per artifact a page, as a real crawl does), about 90 links, a few kilobytes of text,
# 40 axe-core rules with a few violations, 20 requests, one template shared by the whole site.
AXE_RULES = [
    ("image-alt", "critical", ["wcag2a"]),
    ("color-contrast", "serious", ["wcag2aa"]),
    ("link-name", "serious", ["wcag2a"]),
    ("label", "critical", ["wcag2a"]),
    ("html-has-lang", "serious", ["wcag2a"]),
    ("document-title", "serious", ["wcag2a"]),
    ("list", "serious", ["wcag2a"]),
    ("listitem", "serious", ["wcag2a"]),
    ("heading-order", "moderate", ["best-practice"]),
    ("region", "moderate", ["best-practice"]),
    ("button-name", "critical", ["wcag2a"]),
    ("aria-allowed-attr", "critical", ["wcag2a"]),
    ("aria-hidden-focus", "serious", ["wcag2a"]),
    ("frame-title", "serious", ["wcag2a"]),
    ("duplicate-id-aria", "critical", ["wcag2a"]),
    ("target-size", "serious", ["wcag22aa"]),
    ("autocomplete-valid", "serious", ["wcag21aa"]),
    ("meta-viewport", "critical", ["wcag2aa"]),
    ("bypass", "serious", ["wcag2a"]),
    ("valid-lang", "serious", ["wcag2aa"]),
] + [(f"rule-{k}", "moderate", ["wcag2a", "wcag2aa"]) for k in range(20)]


def realistic_page(i: int, total: int, origin: str = ORIGIN, *, violations: bool = True) -> PageArtifacts:
    url = f"{origin}/" if i == 0 else f"{origin}/p{i}.html"
    section = i % 12
    words = [w for w in PLAIN_TEXT.split() if w.isalpha()]
    text = " ".join(words[(i * 7 + k) % len(words)] for k in range(700)) + f" Page {i}."
    nav = [Link(href=f"{origin}/section{s}/", text=f"Section {s} services") for s in range(12)]
    body = [
        Link(href=f"{origin}/p{(i * 31 + k) % total}.html", text=f"Service {(i * 31 + k) % total}") for k in range(70)
    ]
    foot = [
        Link(href=f"{origin}/privacy", text="Privacy policy"),
        Link(href=f"{origin}/accessibility", text="Accessibility statement"),
        Link(href=f"{origin}/contact", text="Contact us"),
        Link(href=f"{origin}/foia", text="Public records (FOIA)"),
        Link(href=f"{origin}/files/report-{i}.pdf", text=f"Annual report {i} (PDF)"),
    ]
    doc = document(
        url=url,
        title=f"Service {i}: section {section} | Department of Natural Resources",
        meta={
            "description": f"How to apply for service {i} of section {section}, what it costs and who to ask.",
            "viewport": "width=device-width, initial-scale=1",
        },
        headings=[Heading(level=1, text=f"Service {i}").model_dump()]
        + [Heading(level=2, text=f"Part {k} of service {i}").model_dump() for k in range(6)],
        links=[link.model_dump() for link in nav + body + foot],
        text=text,
        word_count=len(text.split()),
        template={"header": "1a2b", "nav": "3c4d", "footer": "5e6f"},
    )
    rules = []
    for k, (rule_id, impact, tags) in enumerate(AXE_RULES):
        violated = violations and (i + k) % 9 == 0
        outcome = "violation" if violated else ("inapplicable" if (i + k) % 4 == 0 else "pass")
        nodes = (
            [AxeNode(target=f"main > div:nth-child({n}) > img", html=f"<img src='/img/{i}-{n}.png'>") for n in range(3)]
            if violated
            else []
        )
        rules.append(
            AxeRule(
                id=rule_id,
                outcome=outcome,  # type: ignore[arg-type]
                impact=impact if violated else None,
                tags=tags,
                help=f"Rule {rule_id} must hold",
                help_url=f"https://dequeuniversity.com/rules/axe/4.12/{rule_id}",
                description=f"Ensures that {rule_id} holds on every element it applies to",
                nodes=nodes,
            )
        )
    requests = [Request(url=f"{origin}/assets/{i % 5}/file{k}.js", resource_type="script") for k in range(18)]
    requests.append(Request(url=DAP, resource_type="script"))
    requests.append(Request(url=url, resource_type="document", status=200))
    arts = {
        "http": http(url),
        "document": doc,
        "mobile": mobile(text_chars_total=900 + i, target_sizes=[(120.0, 48.0 + k % 3, 30.0) for k in range(40)]),
        "performance": perf(lcp_ms=1200 + (i * 37) % 2000, cls=(i % 10) / 100, bytes=300_000 + i),
        "network": NetworkFacts(requests=requests).model_dump(mode="json"),
        "axe": AxeFacts(version="4.12.1", rules=rules).model_dump(mode="json"),
    }
    return PageArtifacts(url=url, depth=0 if i == 0 else 1, artifacts=arts)


def store_realistic_run(store: Any, total: int, origin: str = ORIGIN, *, violations: bool = True) -> int:
    """A finished run of ``total`` realistic pages in ``store`` (a maturity.store.Store); without
    ``violations`` no axe-core rule fails anywhere."""
    crawl_id = int(
        store.begin_crawl(f"{origin}/", settings={"max_pages": total}, tool_version="t", axe_version="4.12.1")
    )
    store.set_site(crawl_id, site(start_url=f"{origin}/", homepage_url=f"{origin}/"), pages_found=total)
    for i in range(total):
        store.add_page(crawl_id, realistic_page(i, total, origin, violations=violations))
    store.finish_crawl(crawl_id, timings={"total_s": 1.0})
    return crawl_id
