"""Every built-in check against a page with the barrier (fails) and a clean page (passes)."""

from __future__ import annotations

from typing import Any

import pytest
from factories import ORIGIN, PLAIN_TEXT, axe, document, http, interaction, mobile, network, page, perf, site

from maturity.core import checks
from maturity.core.checks.accessibility.all_caps_text import caps_runs
from maturity.core.checks.accessibility.flashing import red_transitions, too_sparse, transitions
from maturity.core.checks.content.lang_matches_text import detect
from maturity.core.checks.performance._metric import log_normal_score
from maturity.core.documents import DocumentSet, OfficeFacts, PdfFacts, PdfFormField, PublishedDocument
from maturity.core.model import (
    AdjacentLink,
    AnimatedImage,
    Animation,
    AriaTableFacts,
    AudioFacts,
    ChoiceGroup,
    Clickable,
    ClippedText,
    ContextChange,
    DesignFacts,
    FieldsetFacts,
    FocusCycle,
    FocusFacts,
    FocusJump,
    FocusTarget,
    Form,
    FormField,
    Heading,
    HintFacts,
    HoverProbe,
    HoverReveal,
    Image,
    ImageButton,
    ImageTimingFacts,
    KeyboardWalk,
    LabelFacts,
    LabelledControl,
    Link,
    LuminanceSeries,
    Media,
    MotionFacts,
    NetworkFacts,
    OrientationLock,
    Outcome,
    Overflow,
    PageArtifacts,
    Passage,
    ReflowFacts,
    Request,
    RequiredMark,
    Resource,
    RobotsFacts,
    RtlText,
    ScriptChange,
    SecurityTxtFacts,
    SiteFacts,
    SitemapFacts,
    TableFacts,
    TabStop,
    TapTarget,
    TechFacts,
    TextRun,
    Unmeasured,
)
from maturity.core.rubric import builtin_rubric


def run(check_id: str, pages: list[PageArtifacts] | PageArtifacts, site_facts=None, params=None):
    c = checks.get(check_id)
    pages = pages if isinstance(pages, list) else [pages]
    site_facts = site_facts or site()
    if c.meta.scope == "site":
        return checks.run_site_check(c, pages, site_facts, params or {})
    return checks.run_page_check(c, pages[0], site_facts, params or {})


def j(*models) -> list[dict]:
    """Models as the plain JSON an artifact holds."""
    return [m.model_dump(mode="json") for m in models]


def used(**over: Any) -> PageArtifacts:
    """A page whose interaction facts differ from the calm page's by ``over``."""
    return page(document=document(interaction=interaction(**over).model_dump(mode="json")))


def walk(*stops: TabStop, cycle: FocusCycle | None = None) -> KeyboardWalk:
    return KeyboardWalk(presses=len(stops), tabbable=len(stops), stops=list(stops), cycle=cycle)


TRAP = FocusCycle(selectors=["#day", "#month"], text="Day", keys=["Tab", "Tab", "Tab", "Escape", "Tab", "Shift+Tab"])
ABOVE = [
    TabStop(key=1, selector="a.step2", text="Step 2", top=400, left=0, width=300, height=40),
    TabStop(key=2, selector="a.step1", text="Step 1", top=200, left=0, width=300, height=40),
]


def flicker(every_ms: int, area: float = 80000, ms: int = 500) -> LuminanceSeries:
    """Black and white, switching every ``every_ms``, sampled each 16 ms."""
    return LuminanceSeries(
        selector="div.alert", area=area, samples=[(t, float((t // every_ms) % 2)) for t in range(0, ms + 1, 16)]
    )


def gif(**over: Any) -> AnimatedImage:
    """A 300 × 200 px GIF of 2 frames of 0.5 s looping forever, shown in #main, no control beside it."""
    base = AnimatedImage(
        url=f"{ORIGIN}/img/ducks.gif",
        format="gif",
        frames=2,
        loop_ms=1000,
        plays=None,
        selector="#main img",
        area=60000,
        shown=1,
        controls=["Search"],
    )
    return base.model_copy(update=over)


def animated(*images: AnimatedImage, skipped: list[str] | None = None) -> PageArtifacts:
    return used(images=ImageTimingFacts(examined=len(images), animated=list(images), skipped=skipped or []))


def net(*requests: Request) -> dict:
    return NetworkFacts(requests=list(requests)).model_dump(mode="json")


JUST = "Applicants must bring two forms of identification and proof of residence to the office. " * 5
CAPS = "ALL APPLICANTS MUST BRING TWO FORMS OF IDENTIFICATION AND PROOF OF RESIDENCE"
SPANISH = (
    "Puede renovar su licencia de pesca en línea. Tenga a mano su número de licencia y una tarjeta. "
    "Le enviamos un recibo por correo electrónico cuando termine el trámite, y también puede llamar a la "
    "oficina para pedir ayuda con el formulario de la solicitud que está en esta página. "
) * 3

PLAIN_TEXT_WITH_CAPS = "Read this first. " + CAPS + ". Then apply online."

DENSE = (
    "Notwithstanding the aforementioned administrative determinations, applicants seeking authorization "
    "for recreational harvesting activities must demonstrate comprehensive compliance with applicable "
    "jurisdictional regulatory requirements, including documentation substantiating residency "
    "qualifications and environmental stewardship certifications. "
) * 5

# (check id, barrier page(s) or site, clean page(s) or site)
CASES = {
    "skip-link": (page(document=document(skip_link=None)), page()),
    "vague-link-text": (
        page(document=document(links=[Link(href=f"{ORIGIN}/a", text="Click here!").model_dump()])),
        page(),
    ),
    "heading-levels": (
        page(
            document=document(
                headings=[Heading(level=1, text="A").model_dump(), Heading(level=3, text="C").model_dump()]
            )
        ),
        page(),
    ),
    "viewport": (page(document=document(meta={})), page()),
    "zoom-allowed": (page(document=document(meta={"viewport": "width=device-width, user-scalable=no"})), page()),
    "horizontal-overflow": (page(mobile=mobile(scroll_width=900)), page()),
    "tap-targets": (
        page(mobile=mobile(small_targets=[TapTarget(selector="a.icon", width=16, height=16).model_dump()])),
        page(),
    ),
    "text-size": (page(mobile=mobile(text_chars_small=800)), page()),
    "document-title": (page(document=document(title="Home")), page()),
    "meta-description": (page(document=document(meta={"viewport": "width=device-width"})), page()),
    "single-h1": (
        page(
            document=document(
                headings=[Heading(level=1, text="A").model_dump(), Heading(level=1, text="B").model_dump()]
            )
        ),
        page(),
    ),
    "html-lang": (page(document=document(lang=None)), page()),
    "reading-grade": (page(document=document(text=DENSE, word_count=len(DENSE.split()))), page()),
    "broken-links": (
        page(document=document(links=[Link(href=f"{ORIGIN}/gone", text="Old forms").model_dump()])),
        page(),
    ),
    "title-unique": (
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b")],
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", title="Another page title"))],
    ),
    "required-links": (page(document=document(links=[])), page()),
    "first-contentful-paint": (page(performance=perf(fcp_ms=4000)), page()),
    "largest-contentful-paint": (page(performance=perf(lcp_ms=6000)), page()),
    "total-blocking-time": (page(performance=perf(tbt_ms=900)), page()),
    "cumulative-layout-shift": (page(performance=perf(cls=0.4)), page()),
    "server-response-time": (page(performance=perf(ttfb_ms=1500)), page()),  # a run stored before server_ms
    "total-byte-weight": (page(performance=perf(bytes=9_000_000)), page()),
    "https": (page(http=http("http://agency.example.gov/")), page()),
    "hsts": (page(http=http(headers={"strict-transport-security": "max-age=300"})), page()),
    "security-headers": (page(http=http(headers={})), page()),
    "mixed-content": (page(network=network("http://cdn.example.org/x.js")), page()),
    # -- the full catalogue ------------------------------------------------------------------
    "empty-hash-link": (
        page(document=document(links=j(Link(href=f"{ORIGIN}/#", raw_href="#", text="Menu")))),
        page(),
    ),
    "placeholder-label": (
        page(document=document(forms=j(Form(fields=[FormField(kind="email", name="e", placeholder="Email")])))),
        page(
            document=document(
                forms=j(Form(fields=[FormField(kind="email", name="e", placeholder="Email", labelled=True)]))
            )
        ),
    ),
    "group-label": (
        page(document=document(choice_groups=j(ChoiceGroup(kind="radio", name="r", count=2, labelled=False)))),
        page(document=document(choice_groups=j(ChoiceGroup(kind="radio", name="r", count=2, labelled=True)))),
    ),
    "justified-text": (page(document=document(justified=j(TextRun(selector="p", snippet=JUST, chars=400)))), page()),
    "all-caps-text": (
        page(document=document(uppercase=j(TextRun(selector="p", snippet=CAPS, chars=80, words=12)))),
        page(document=document(uppercase=j(TextRun(selector="nav a", snippet="About us", chars=7, words=2)))),
    ),
    "autoplay-media": (
        page(document=document(media=j(Media(kind="video", autoplay=True, muted=False, controls=False)))),
        page(document=document(media=j(Media(kind="video", autoplay=True, muted=True, controls=True)))),
    ),
    "focus-visible": (
        page(
            document=document(
                focus=FocusFacts(sampled=10, missing=[FocusTarget(selector="a.nav", text="Home")]).model_dump()
            )
        ),
        page(),
    ),
    "new-window-warning": (
        page(document=document(links=j(Link(href=f"{ORIGIN}/apply", text="Apply", target="_blank")))),
        page(
            document=document(links=j(Link(href=f"{ORIGIN}/apply", text="Apply (opens in a new tab)", target="_blank")))
        ),
    ),
    "speed-index-proxy": (page(performance=perf(fcp_ms=3000, lcp_ms=9000)), page()),
    "render-blocking-resources": (
        page(document=document(render_blocking=j(Resource(url=f"{ORIGIN}/jquery.js", kind="script")))),
        page(),
    ),
    "image-weight": (page(performance=perf(bytes=3_000_000, bytes_by_type={"image": 2_600_000})), page()),
    "tap-targets-advised": (page(mobile=mobile(target_sizes=[(30.0, 20.0, 10.0)] * 10)), page()),
    "description-unique": (
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b")],
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", meta={"description": "Other."}))],
    ),
    "lang-matches-text": (page(document=document(text=SPANISH)), page()),
    "freshness": (
        page(document=document(meta={"article:modified_time": "2019-06-01T10:00:00Z"})),
        page(document=document(meta={"article:modified_time": "2024-12-01T10:00:00Z"})),
    ),
    "missing-assets": (
        page(network=net(Request(url=f"{ORIGIN}/logo.png", resource_type="image", status=404))),
        page(network=net(Request(url=f"{ORIGIN}/logo.png", resource_type="image", status=200))),
    ),
    "pdf-share": (
        page(document=document(links=j(*(Link(href=f"{ORIGIN}/r{i}.pdf", text="Report") for i in range(4))))),
        page(),
    ),
    "online-forms": (
        page(
            document=document(links=j(Link(href=f"{ORIGIN}/forms/permit-application.pdf", text="Permit application")))
        ),
        page(
            document=document(forms=j(Form(action=f"{ORIGIN}/apply", fields=[FormField(kind="text", labelled=True)])))
        ),
    ),
    "translation-link": (page(document=document(alternates=[])), page()),
    "site-search": (page(document=document(landmarks={"main": 1})), page()),
    "canonical": (page(document=document(canonical=None)), page()),
    "analytics": (page(network=network(f"{ORIGIN}/app.js")), page()),
    "feedback": (page(document=document(other_text="")), page()),
    "accessibility-statement": (  # more cases in test_statement.py
        [page(), page(f"{ORIGIN}/accessibility", document=document(url=f"{ORIGIN}/accessibility", text="We care."))],
        [
            page(),
            page(
                f"{ORIGIN}/accessibility",
                document=document(
                    url=f"{ORIGIN}/accessibility",
                    text="We meet WCAG 2.1 AA. Email a11y@agency.example.gov or call 404-555-0100. Updated 2025-01-15.",
                ),
            ),
        ],
    ),
    "design-system": (
        page(),
        page(document=document(design=DesignFacts(usa_classes=40, usa_banner=True).model_dump())),
    ),
    "shared-layout": (
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", template={"header": "x"}))],
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b"))],
    ),
    "cookie-flags": (
        page(http=http(set_cookies=["SESSIONID=abc; Path=/"])),
        page(http=http(set_cookies=["SESSIONID=abc; Path=/; Secure; HttpOnly; SameSite=Lax", "lang=es; Secure"])),
    ),
    "third-party-domains": (
        page(network=net(*(Request(url=f"https://t{i}.example.com/x.js", third_party=True) for i in range(12)))),
        page(),
    ),
}
# -- barrier checks (issue 20): the barrier, and the same facts with it fixed ----------------------
GRID = TableFacts(selector="table", rows=4, columns=3, bordered=True, snippet="Lake Species Fish")
TWO_WAY = TableFacts(
    selector="table.t", rows=3, columns=3, header_cells=5, column_headers=3, row_headers=2, caption="Stocking"
)
FIELDS = [Form(fields=[FormField(kind="text", name="town", labelled=True)]).model_dump()]
CASES |= {
    "table-headers": (
        page(document=document(tables=j(GRID))),
        page(document=document(tables=j(GRID.model_copy(update={"header_cells": 3, "column_headers": 3})))),
    ),
    "table-header-scope": (
        # row headers in the second column, after line numbers: two of the five <th> away from the edges
        page(
            document=document(
                tables=j(TWO_WAY.model_copy(update={"headers_without_scope": 5, "inner_headers_without_scope": 2}))
            )
        ),
        page(document=document(tables=j(TWO_WAY.model_copy(update={"inner_headers_without_scope": 0})))),
    ),
    "table-header-cells": (
        page(document=document(tables=j(TWO_WAY.model_copy(update={"headers_naming_nothing": ["Season pass"]})))),
        page(document=document(tables=j(TWO_WAY.model_copy(update={"headers_naming_nothing": []})))),
    ),
    "table-scope-advised": (
        page(document=document(tables=j(TWO_WAY.model_copy(update={"headers_without_scope": 5})))),
        page(document=document(tables=j(TWO_WAY))),
    ),
    "nested-table": (
        page(document=document(tables=j(TWO_WAY.model_copy(update={"nested_in": "table"})))),
        page(document=document(tables=j(TWO_WAY, TableFacts(selector="t2", rows=2, columns=2, nested_in="table")))),
    ),
    "layout-table-markup": (
        page(
            document=document(
                tables=j(TableFacts(selector="t", role="presentation", rows=2, columns=2, header_cells=1))
            )
        ),
        page(document=document(tables=j(TableFacts(selector="t", role="presentation", rows=2, columns=2)))),
    ),
    "table-row-cells": (
        page(document=document(tables=j(TWO_WAY.model_copy(update={"ragged_rows": [2]})))),
        page(document=document(tables=j(TWO_WAY))),
    ),
    "fieldset-legend": (
        page(
            document=document(
                fieldsets=j(FieldsetFacts(selector="fieldset", legend=""), FieldsetFacts(selector="f", legend=None))
            )
        ),
        page(document=document(fieldsets=j(FieldsetFacts(selector="fieldset", legend="Your address")))),
    ),
    "label-target": (
        page(
            document=document(
                forms=FIELDS,
                broken_labels=j(
                    LabelFacts(selector="label", target="nme", problem="missing"),
                    LabelFacts(selector="p > label", target="day", text="Day", problem="shared"),
                ),
            )
        ),
        page(document=document(forms=FIELDS)),
    ),
    "hint-association": (
        page(
            document=document(hints=j(HintFacts(selector="span.usa-hint", field="#dob", kind="hint", associated=False)))
        ),
        page(
            document=document(hints=j(HintFacts(selector="span.usa-hint", field="#dob", kind="hint", associated=True)))
        ),
    ),
    "required-asterisk": (
        page(document=document(required_marks=j(RequiredMark(selector="#town", label="Town *")))),
        page(document=document(required_marks=j(RequiredMark(selector="#town", label="Town *", explained=True)))),
    ),
    "context-change": (
        page(
            document=document(
                forms=FIELDS,
                context_changes=j(ContextChange(selector="select", event="change", code="this.form.submit()")),
            )
        ),
        page(document=document(forms=FIELDS)),
    ),
    "symbol-link-text": (
        page(document=document(links=j(Link(href=f"{ORIGIN}/2", text="»", name="»")))),
        page(document=document(links=j(Link(href=f"{ORIGIN}/2", text="»", name="Next page")))),
    ),
    "document-link-type": (
        page(document=document(links=j(Link(href=f"{ORIGIN}/report.pdf", text="Annual report", name="Annual report")))),
        page(document=document(links=j(Link(href=f"{ORIGIN}/report.pdf", text="Annual report (PDF, 2 MB)")))),
    ),
    "adjacent-links": (
        page(document=document(adjacent_links=j(AdjacentLink(selector="a.t", previous="a.i", href=f"{ORIGIN}/parks")))),
        page(),
    ),
    "image-button-alt": (
        page(
            document=document(
                image_buttons=j(ImageButton(selector="input", kind="input", name="go.png", src=f"{ORIGIN}/go.png"))
            )
        ),
        page(
            document=document(
                image_buttons=j(ImageButton(selector="input", kind="input", name="Search", src=f"{ORIGIN}/go.png"))
            )
        ),
    ),
    "label-in-name": (
        page(document=document(labelled_controls=j(LabelledControl(selector="a", text="Apply now", name="Start")))),
        page(
            document=document(
                labelled_controls=j(
                    LabelledControl(selector="a", text="Apply now", name="Apply now for a boat permit"),
                    LabelledControl(selector="button", text="X", name="Close"),  # too short to be a label
                )
            )
        ),
    ),
    "alt-text-placeholder": (
        page(document=document(images=j(Image(src=f"{ORIGIN}/img/IMG_2041.JPG", alt="IMG_2041.JPG")))),
        page(document=document(images=j(Image(src=f"{ORIGIN}/img/IMG_2041.JPG", alt="Volunteers planting trees")))),
    ),
    "click-focus": (
        page(document=document(clickables=j(Clickable(selector="div.menu", tag="div", reason="onclick")))),
        page(),
    ),
    "text-spacing": (
        page(document=document(spacing_clipped=j(ClippedText(selector="div.hours", height=24, needed=48)))),
        page(),
    ),
    "focusable-role": (
        page(document=document(roleless_focusable=j(Clickable(selector="div.card", tag="div", reason="tabindex=0")))),
        page(),
    ),
    "orientation-lock": (
        page(
            document=document(
                orientation_locks=j(OrientationLock(selector="html", media="(orientation: portrait)", degrees=90))
            )
        ),
        page(),
    ),
    "positive-tabindex": (
        page(document=document(positive_tabindex=j(Clickable(selector="input#q", tag="input", reason="tabindex=1")))),
        page(),
    ),
    "hover-only": (
        page(document=document(hover_only=j(HoverReveal(selector="ul.sub", rule="li:hover > ul", links=3)))),
        page(),
    ),
    "rtl-direction": (
        page(document=document(rtl_text=j(RtlText(selector="p.ar", snippet="مرحبا بكم", rtl=False, lang="ar")))),
        page(document=document(rtl_text=j(RtlText(selector="p.ar", snippet="مرحبا بكم", rtl=True, lang="ar")))),
    ),
    "audio-transcript": (
        page(document=document(audio=j(AudioFacts(selector="audio", controls=True)))),
        page(document=document(audio=j(AudioFacts(selector="audio", controls=True, transcript=True)))),
    ),
    "alt-title-conflict": (
        page(document=document(images=j(Image(src=f"{ORIGIN}/map.png", alt="", title="Map of the permit areas")))),
        page(document=document(images=j(Image(src=f"{ORIGIN}/map.png", alt="Map of the permit areas")))),
    ),
    "lang-parts": (
        page(document=document(passages=j(Passage(selector="p.es", lang="en", text=SPANISH[:600])))),
        page(
            document=document(
                passages=j(
                    Passage(selector="p.es", lang="es", own=True, text=SPANISH[:600]),
                    Passage(selector="p", lang="en", text=PLAIN_TEXT[:600]),
                )
            )
        ),
    ),
    "focus-order": (
        page(document=document(focus_jumps=j(FocusJump(selector="a.s1", previous="a.s2", up=180)))),
        page(document=document(focus_jumps=j(FocusJump(selector="a.x", previous="a.y", up=30)))),  # a float
    ),
    "javascript-link": (
        page(
            document=document(
                links=j(
                    Link(href="javascript:openMap('north')", raw_href="javascript:openMap('north')", text="North map")
                )
            )
        ),
        page(document=document(links=j(Link(href=f"{ORIGIN}/maps/north", raw_href="/maps/north", text="North map")))),
    ),
    "ambiguous-link-text": (
        page(
            document=document(
                links=j(
                    Link(href=f"{ORIGIN}/permits/boat", text="Apply", name="Apply", selector="a.boat"),
                    Link(href=f"{ORIGIN}/permits/dock", text="Apply", name="Apply", selector="a.dock"),
                )
            )
        ),
        page(
            document=document(
                links=j(
                    Link(href=f"{ORIGIN}/permits/boat", text="Apply", name="Apply for a boat permit"),
                    Link(href=f"{ORIGIN}/permits/dock", text="Apply", name="Apply for a dock permit"),
                )
            )
        ),
    ),
    "link-title-redundant": (
        page(
            document=document(
                links=j(Link(href=f"{ORIGIN}/parks", text="State parks", name="State parks", title="State Parks"))
            )
        ),
        page(
            document=document(
                links=j(
                    Link(
                        href=f"{ORIGIN}/parks", text="State parks", name="State parks", title="All 40 parks, with maps"
                    )
                )
            )
        ),
    ),
    "presentational-alt": (
        page(
            document=document(
                images=j(Image(src=f"{ORIGIN}/map.png", alt="Map of the permit areas", role="presentation"))
            )
        ),
        page(document=document(images=j(Image(src=f"{ORIGIN}/rule.png", alt="", role="presentation")))),
    ),
    "alt-title-mismatch": (
        page(
            document=document(
                images=j(Image(src=f"{ORIGIN}/map.png", alt="Map of the north trails", title="Call before you go"))
            )
        ),
        page(
            document=document(
                images=j(
                    Image(src=f"{ORIGIN}/map.png", alt="Map of the north trails", title="North trails, summer map"),
                    Image(src=f"{ORIGIN}/logo.png", alt="Parks logo", title="Image"),  # an empty word only
                )
            )
        ),
    ),
    "table-caption": (
        page(document=document(tables=j(TWO_WAY.model_copy(update={"caption": None})))),
        page(document=document(tables=j(TWO_WAY))),
    ),
    # interactive barrier checks: facts of the interactive phase (crawlers/interact.py)
    "keyboard-trap": (
        used(keyboard=walk(*ABOVE, cycle=TRAP)),
        used(keyboard=walk(*ABOVE, cycle=TRAP.model_copy(update={"escaped": True}))),
    ),
    "tab-order": (used(keyboard=walk(*ABOVE)), page()),
    "hover-content": (
        used(hover=[HoverProbe(selector="#fees", text="Fees", shown_on_hover=1, revealed="Fees are $25")]),
        used(hover=[HoverProbe(selector="#fees", text="Fees", shown_on_hover=1, shown_on_focus=1)]),
    ),
    "text-resize": (
        used(text_resize=[ClippedText(selector="div.box", snippet="Call 555-0100", height=30, needed=48)]),
        page(),
    ),
    "reflow": (
        used(
            reflow=ReflowFacts(
                width=320,
                scroll_width=380,
                scrolls=True,
                overflowing=[Overflow(selector="form", text="Apply", past=60)],
            )
        ),
        page(),
    ),
    "flashing": (
        used(motion=MotionFacts(luminance=[flicker(100)])),
        used(motion=MotionFacts(luminance=[flicker(500)])),
    ),
    "animated-image": (animated(gif()), animated(gif(plays=2))),  # 2 s: it stops within 5 s
    "moving-content": (
        used(motion=MotionFacts(animations=[Animation(selector="p.news", area=20000, properties=["transform"])])),
        used(
            motion=MotionFacts(
                animations=[Animation(selector="p.news", area=20000, properties=["transform"])],
                controls=["Search", "Pause the news"],
            )
        ),
    ),
}
INFORMATIONAL = {"cms", "login-provider"}  # never fail: they name what they find (test_tech_detection below)
CASE_PARAMS = {"design-system": {"required": True}}  # informational unless a rubric requires it


def pdf_site(**facts: Any) -> SiteFacts:
    """Site facts with one assessable PDF that passes every document check, but for ``facts``."""
    good: dict[str, Any] = dict(
        pages=3,
        tagged=True,
        has_struct_tree=True,
        marked=True,
        title="Annual report",
        display_doc_title=True,
        lang="en-US",
        pages_with_text=3,
        figures=1,
        headings=2,
        bookmarks=2,
        form_fields=[PdfFormField(name="name", kind="Tx", tooltip=True)],
    )
    doc = PublishedDocument(
        url=f"{ORIGIN}/report.pdf",
        urls=[f"{ORIGIN}/report.pdf"],
        referrers=[f"{ORIGIN}/"],
        kind="pdf",
        media_type="application/pdf",
        sha256="0" * 64,
        bytes=1000,
        pdf=PdfFacts(**{**good, **facts}),
    )
    return site(documents=DocumentSet(found=1, max_documents=25, documents=[doc]))


def office_site(**facts: Any) -> SiteFacts:
    """Site facts with one assessable Word file that passes every document check, but for ``facts``."""
    good: dict[str, Any] = dict(title="Licence guide", lang="en-US", images=2, headings=3, paragraphs=20)
    doc = PublishedDocument(
        url=f"{ORIGIN}/guide.docx",
        urls=[f"{ORIGIN}/guide.docx"],
        referrers=[f"{ORIGIN}/"],
        kind="docx",
        sha256="1" * 64,
        bytes=1000,
        office=OfficeFacts(**{**good, **facts}),
    )
    return site(documents=DocumentSet(found=1, max_documents=25, documents=[doc]))


SITE_CASES = {
    "https-redirect": (site(http_redirects_to_https=False), site()),
    "soft-404": (site(not_found_status=200), site()),
    "robots-txt": (site(robots=RobotsFacts(url=f"{ORIGIN}/robots.txt", status=404, found=False)), site()),
    "sitemap": (site(sitemaps=[SitemapFacts(url=f"{ORIGIN}/sitemap.xml", status=404, kind="missing")]), site()),
    "security-txt": (site(security_txt=SecurityTxtFacts(url=f"{ORIGIN}/.well-known/security.txt", status=404)), site()),
    # Documents (one PDF each, facts as the collector gives them; tests/test_documents*.py parse real files)
    "pdf-tagged": (pdf_site(tagged=False, has_struct_tree=False, figures=0), pdf_site()),
    "pdf-title": (pdf_site(display_doc_title=False), pdf_site()),
    "pdf-language": (pdf_site(lang=None), pdf_site()),
    "pdf-text-layer": (pdf_site(pages_with_text=0, pages_without_text=[1, 2, 3]), pdf_site()),
    "pdf-figure-alt": (pdf_site(figures_without_alt=1), pdf_site()),
    "pdf-bookmarks": (pdf_site(pages=12, pages_with_text=12, bookmarks=0), pdf_site(pages=12, pages_with_text=12)),
    "pdf-form-field-names": (pdf_site(form_fields=[PdfFormField(name="dob", kind="Tx")]), pdf_site()),
    "documents-passing": (pdf_site(lang=None), pdf_site()),
    "office-title": (office_site(title=None), office_site()),
    "office-language": (office_site(lang=None), office_site()),
    "office-image-alt": (office_site(images_without_alt=1), office_site()),
}


def test_every_builtin_check_has_a_case():
    ids = {c.id for c in checks.all_checks()}
    assert ids == set(CASES) | set(SITE_CASES) | INFORMATIONAL


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_barrier_fails_and_clean_passes(check_id):
    bad, good = CASES[check_id]
    s = site(link_status={**site().link_status, f"{ORIGIN}/gone": 404})
    failed = run(check_id, bad, s, params=CASE_PARAMS.get(check_id))
    assert failed.outcome == Outcome.FAIL, failed
    assert failed.score is not None and failed.score < 1
    assert failed.items, "a failure names its evidence"
    passed = run(check_id, good, s, params=CASE_PARAMS.get(check_id))
    assert passed.outcome == Outcome.PASS, passed


@pytest.mark.parametrize("check_id", sorted(SITE_CASES))
def test_site_check_barrier_and_clean(check_id):
    bad, good = SITE_CASES[check_id]
    assert run(check_id, page(), bad).outcome == Outcome.FAIL
    assert run(check_id, page(), good).outcome == Outcome.PASS


def test_failures_carry_evidence_items():
    result = run("vague-link-text", CASES["vague-link-text"][0])
    assert result.items[0].snippet == "Click here!"
    assert result.items[0].url == f"{ORIGIN}/"


def test_missing_artifact_is_an_error_not_a_fail():
    p = PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document()})
    result = run("largest-contentful-paint", p)
    assert result.outcome == Outcome.ERROR
    assert "performance" in (result.error or "")


def test_failed_artifact_is_an_error():
    p = page(axe={"error": "axe timed out", "kind": "timeout"})
    result = run("axe/image-alt", p)
    assert result.outcome == Outcome.ERROR and "axe timed out" in (result.error or "")


def test_not_sampled_performance_is_not_applicable():
    p = page(performance={"error": "not in the performance sample", "kind": "not_sampled"})
    assert run("largest-contentful-paint", p).outcome == Outcome.NOT_APPLICABLE


def test_axe_rule_outcomes():
    p = page(
        axe=axe(
            ("image-alt", "violation", "critical", ["wcag2a"]),
            ("label", "pass", None, ["wcag2a"]),
            ("video-caption", "inapplicable", None, ["wcag2a"]),
            ("color-contrast", "incomplete", "serious", []),
        )
    )
    assert run("axe/image-alt", p).outcome == Outcome.FAIL
    assert run("axe/label", p).outcome == Outcome.PASS
    assert run("axe/video-caption", p).outcome == Outcome.NOT_APPLICABLE
    assert run("axe/color-contrast", p).outcome == Outcome.NOT_APPLICABLE  # needs review, not a fail
    assert run("axe/region", p).outcome == Outcome.NOT_APPLICABLE  # not run at all


def test_params_override_defaults():
    p = page(document=document(title="Short title"))
    assert run("document-title", p).outcome == Outcome.PASS
    assert run("document-title", p, params={"min_length": 20}).outcome == Outcome.FAIL


def test_check_that_raises_becomes_error():
    p = page(
        document={
            "url": "x",
            "title": None,
            "lang": None,
            "meta": {"viewport": "width=device-width"},
            "text": "",
            "word_count": 10**9,
        }
    )
    result = run("reading-grade", p, params={"min_words": "not a number"})
    assert result.outcome == Outcome.ERROR and "check failed" in (result.error or "")


def test_registry_refuses_duplicates():
    existing = checks.get("skip-link")
    with pytest.raises(checks.DuplicateCheck):
        checks.register(existing)


@pytest.mark.parametrize(
    ("value", "p10", "median", "expected"),
    [  # DOMAIN.md's worked example (mobile): FCP 2.0 s, SI 4.0 s, LCP 3.0 s, TBT 300 ms, CLS 0.05
        (2000, 1800, 3000, 0.84),
        (4000, 3387, 5800, 0.81),
        (3000, 2500, 4000, 0.78),
        (300, 200, 600, 0.79),
        (0.05, 0.1, 0.25, 0.99),
    ],
)
def test_log_normal_curve_matches_lighthouse(value, p10, median, expected):
    assert log_normal_score(value, p10, median) == expected


def test_curve_bands():
    assert log_normal_score(3000, 2500, 4000) >= 0.5
    assert log_normal_score(4000, 2500, 4000) == 0.5
    assert log_normal_score(4001, 2500, 4000) < 0.5
    assert log_normal_score(2500, 2500, 4000) == 0.9


def test_metric_uses_profile_curve():
    mobile_page = page(performance=perf("mobile", lcp_ms=2000))
    desktop_page = page(performance=perf("desktop", lcp_ms=2000))
    assert run("largest-contentful-paint", mobile_page).score > run("largest-contentful-paint", desktop_page).score


# ---------------------------------------------------------------------------
# The full catalogue: edges the fail/pass table does not show
# ---------------------------------------------------------------------------


def test_caps_runs_ignore_acronyms_in_sentences():
    assert caps_runs("Apply at the DMV or FOIA office in USDA buildings", 8) == []
    assert caps_runs("NOTICE: " + CAPS + ". Thank you.", 8) == ["NOTICE: " + CAPS + "."]
    text = "ALL CAPS HERE - 2025 A B NOW and lower"  # numbers, dashes and single letters neither count nor break
    assert caps_runs(text, 4) == ["ALL CAPS HERE - 2025 A B NOW"]


def test_typed_capitals_fail_all_caps_text():
    p = page(document=document(text=PLAIN_TEXT_WITH_CAPS))
    result = run("all-caps-text", p)
    assert result.outcome == Outcome.FAIL and "typed in capitals" in result.items[0].detail


def test_language_detection_heuristic():
    assert detect(SPANISH, 15, 3.0)[0] == "es"
    assert detect(DENSE, 15, 3.0)[0] == "en"
    assert detect("Hola. Hello.", 15, 3.0)[0] is None  # too little text: undecided
    es_page = page(document=document(lang="es", text=SPANISH))
    assert run("lang-matches-text", es_page).outcome == Outcome.PASS
    assert run("lang-matches-text", page(document=document(lang="fr"))).outcome == Outcome.NOT_APPLICABLE


def test_button_links_to_hash_are_exempt():
    link = Link(href=f"{ORIGIN}/#", raw_href="#", text="Open menu", role="button")
    assert run("empty-hash-link", page(document=document(links=j(link)))).outcome == Outcome.PASS


def test_artifacts_from_older_versions_are_errors_not_passes():
    old = page(document=document(focus=None, justified=None, loose_fields=None, template=None, other_text=None))
    for check_id in ("focus-visible", "justified-text", "placeholder-label", "all-caps-text"):
        result = run(check_id, old)
        assert result.outcome == Outcome.ERROR and "older version" in (result.error or ""), check_id
    assert run("shared-layout", [old, old]).outcome == Outcome.ERROR
    assert run("tap-targets-advised", page(mobile=mobile(target_sizes=None))).outcome == Outcome.ERROR


def test_design_system_is_informational_by_default():
    assert run("design-system", page()).outcome == Outcome.NOT_APPLICABLE
    uswds = page(network=network(f"{ORIGIN}/assets/uswds-3.8.1/js/uswds.min.js"))
    result = run("design-system", uswds)
    assert result.outcome == Outcome.PASS and "version 3.8.1" in result.items[0].detail


def test_required_links_take_url_and_text_patterns():
    params = {"links": {"FOIA": {"url": "foia", "text": "freedom of information"}, "contact": "contact"}}
    by_text = page(document=document(links=j(Link(href=f"{ORIGIN}/x", text="Freedom of Information"))))
    result = run("required-links", by_text, params=params)
    assert result.outcome == Outcome.FAIL and [i.snippet for i in result.items] == ["contact"]
    assert result.score == 0.5
    assert run("required-links", page(), params={"links": {"FOIA": {"url": "/foia"}}}).outcome == Outcome.PASS


def test_cookie_flags_on_plain_http_need_no_secure():
    p = page(http=http("http://agency.example.gov/", set_cookies=["SESSIONID=1; HttpOnly", "XSRF-TOKEN=2"]))
    assert run("cookie-flags", p).outcome == Outcome.PASS  # XSRF-TOKEN is exempt from HttpOnly
    assert run("cookie-flags", page()).outcome == Outcome.NOT_APPLICABLE


def test_security_txt_requirements():
    def facts(**over):
        base = {
            "url": f"{ORIGIN}/.well-known/security.txt",
            "status": 200,
            "final_url": f"{ORIGIN}/.well-known/security.txt",
            "content_type": "text/plain",
            "fields": {"contact": ["mailto:s@agency.example.gov"], "expires": ["2026-01-01T00:00:00Z"]},
        }
        return site(security_txt=SecurityTxtFacts(**{**base, **over}).model_dump())

    assert run("security-txt", page(), facts()).outcome == Outcome.PASS
    expired = run("security-txt", page(), facts(fields={"contact": ["x"], "expires": ["2024-01-01"]}))
    assert expired.outcome == Outcome.FAIL and "expired on 2024-01-01" in expired.items[0].detail
    html = run("security-txt", page(), facts(content_type="text/html", fields={}))
    assert {i.detail for i in html.items} >= {"no Contact field", "no Expires field"}


def test_freshness_reads_sitemap_dates_and_needs_a_date():
    url = f"{ORIGIN}/"
    stale = site(page_lastmod={url: "2020-01-01"})
    result = run("freshness", page(), stale)
    assert result.outcome == Outcome.FAIL and "sitemap lastmod 2020-01-01" in result.items[0].detail
    assert run("freshness", page()).outcome == Outcome.NOT_APPLICABLE
    dated = page(
        http=http(headers={"date": "Sat, 01 Mar 2025 09:00:00 GMT", "last-modified": "Mon, 03 Feb 2025 10:00:00 GMT"})
    )
    assert run("freshness", dated).value == 26


def test_speed_index_proxy_is_the_midpoint_of_fcp_and_lcp():
    result = run("speed-index-proxy", page(performance=perf(fcp_ms=1000, lcp_ms=3000)))
    assert result.value == 2000
    no_lcp = run("speed-index-proxy", page(performance=perf(fcp_ms=1200, lcp_ms=None)))
    assert no_lcp.value == 1200


def test_analytics_and_feedback_are_shares_of_pages():
    pages = [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", network=network(f"{ORIGIN}/app.js"))]
    result = run("analytics", pages)
    assert result.outcome == Outcome.FAIL and result.score == 0.5
    assert run("analytics", pages, params={"min_share": 0.5}).outcome == Outcome.PASS
    touchpoints = page(document=document(other_text=""), network=network("https://touchpoints.app.cloud.gov/t.js"))
    assert run("feedback", touchpoints).outcome == Outcome.PASS


# -- technology detection (issue 14): informational checks, never scored --------------------------


def tech_page(url: str = f"{ORIGIN}/", headers=None, cookies=None, requests=(), **doc) -> PageArtifacts:
    return page(
        url,
        document=document(url=url, **doc),
        http=http(url, headers={"content-type": "text/html", **(headers or {})}, set_cookies=cookies or []),
        network=network(*requests),
    )


@pytest.mark.parametrize(
    ("name", "facts"),
    [
        ("Drupal 10", {"tech": TechFacts(generator=["Drupal 10 (https://www.drupal.org)"]).model_dump()}),
        ("Drupal", {"headers": {"x-drupal-cache": "MISS"}}),
        ("Drupal", {"tech": TechFacts(attributes=["data-drupal"]).model_dump()}),
        ("Drupal", {"cookies": ["SSESS0123456789abcdef0123456789abcdef=x; Secure"]}),
        ("WordPress", {"requests": [f"{ORIGIN}/wp-content/themes/agency/style.css"]}),
        ("WordPress", {"headers": {"link": '<https://agency.example.gov/wp-json/>; rel="https://api.w.org/"'}}),
        ("Joomla", {"links": j(Link(href=f"{ORIGIN}/index.php?option=com_content&view=article", text="News"))}),
        ("Sitecore", {"images": j(Image(src=f"{ORIGIN}/-/media/images/seal.png", alt="Seal"))}),
        ("Adobe Experience Manager", {"requests": [f"{ORIGIN}/etc.clientlibs/agency/clientlibs/site.js"]}),
        ("Squarespace", {"requests": ["https://static1.squarespace.com/static/abc/site.css"]}),
        ("Wix", {"tech": TechFacts(globals=["wixBiSession"]).model_dump()}),
        ("Wix", {"tech": TechFacts(ids=["main", "SITE_CONTAINER"]).model_dump()}),
        ("Drupal", {"tech": TechFacts(classes="html path-frontpage page-node-type-page").model_dump()}),
        ("WordPress", {"tech": TechFacts(classes="home page-template-default wp-custom-logo").model_dump()}),
        ("Joomla", {"tech": TechFacts(classes="site com_content view-featured").model_dump()}),
        ("Adobe Experience Manager", {"tech": TechFacts(attributes=["data-cmp", "data-testid"]).model_dump()}),
        ("Granicus govAccess", {"links": j(Link(href=f"{ORIGIN}/home/showpublisheddocument/1234", text="Budget"))}),
        ("CivicPlus CivicEngage", {"links": j(Link(href=f"{ORIGIN}/DocumentCenter/View/55/Budget", text="Budget"))}),
    ],
)
def test_cms_signatures(name, facts):
    facts = dict(facts)
    p = tech_page(
        headers=facts.pop("headers", None),
        cookies=facts.pop("cookies", None),
        requests=facts.pop("requests", ()),
        **facts,
    )
    result = run("cms", p)
    assert result.outcome == Outcome.PASS and result.score is None, result
    assert [i.snippet for i in result.items] == [name]  # with the version when a generator gives one


def test_cms_counts_pages_reads_the_version_and_ignores_other_hosts():
    drupal = {"tech": TechFacts(generator=["Drupal 9.5.2"]).model_dump()}
    pages = [tech_page(f"{ORIGIN}/", **drupal), tech_page(f"{ORIGIN}/b", **drupal), tech_page(f"{ORIGIN}/c")]
    result = run("cms", pages)
    assert result.items[0].snippet == "Drupal 9.5.2" and "on 2 of 3 pages" in result.items[0].detail
    # a link to another Drupal site's files, or to a WordPress blog elsewhere, says nothing about this site
    elsewhere = tech_page(
        links=j(
            Link(href="https://other.example.org/sites/default/files/a.pdf", text="Their report"),
            Link(href="https://blog.example.org/wp-content/uploads/x.png", text="Their picture"),
        )
    )
    assert run("cms", elsewhere).outcome == Outcome.NOT_APPLICABLE
    assert run("cms", tech_page()).outcome == Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("name", "href"),
    [
        ("Login.gov", "https://secure.login.gov/openid_connect/authorize?client_id=x"),
        ("ID.me", "https://api.id.me/oauth/authorize"),
        ("Okta", "https://agency.okta.com/app/agency_portal/sso/saml"),
        ("Azure AD B2C", "https://agency.b2clogin.com/agency.onmicrosoft.com/oauth2/v2.0/authorize"),
        ("Microsoft Entra ID", "https://login.microsoftonline.us/tenant/oauth2/authorize"),
        ("Keycloak", f"{ORIGIN}/auth/realms/public/protocol/openid-connect/auth"),
    ],
)
def test_login_providers_from_link_and_form_targets(name, href):
    by_link = run("login-provider", tech_page(links=j(Link(href=href, text="Sign in"))))
    assert by_link.outcome == Outcome.PASS and by_link.score is None
    assert [i.snippet for i in by_link.items] == [name]
    by_form = run("login-provider", tech_page(forms=j(Form(action=href))))
    assert [i.snippet for i in by_form.items] == [name]


def test_login_provider_lookalikes_and_old_crawls():
    lookalikes = j(
        Link(href="https://notlogin.gov.example.com/", text="x"),
        Link(href="https://www.login.gov.evil.example/", text="x"),
        Link(href="https://example.com/okta.com", text="x"),
    )
    assert run("login-provider", tech_page(links=lookalikes)).outcome == Outcome.NOT_APPLICABLE
    # an old crawl (no tech facts) still names what links and the generator meta show
    old = tech_page(tech=None, meta={"generator": "WordPress 6.4.2"})
    assert run("cms", old).items[0].snippet == "WordPress 6.4.2"


def test_barrier_checks_need_facts_from_this_version():
    old = page(document=document(tables=None, fieldsets=None, hints=None, spacing_clipped=None, clickables=None))
    for check_id in ("table-headers", "fieldset-legend", "hint-association", "text-spacing", "click-focus"):
        result = run(check_id, old)
        assert result.outcome == Outcome.ERROR and "older version" in (result.error or ""), check_id


def test_data_tables_are_told_from_layout_tables():
    layout = TableFacts(selector="t", rows=3, columns=2)  # no borders, no stripes, no markup
    assert run("table-headers", page(document=document(tables=j(layout)))).outcome == Outcome.NOT_APPLICABLE
    for drawn in ({"striped": True}, {"rows": 25}, {"caption": "Fees"}):
        table = layout.model_copy(update=drawn)
        assert run("table-headers", page(document=document(tables=j(table)))).outcome == Outcome.FAIL, drawn
    nested_layout = layout.model_copy(update={"bordered": True, "contains_table": True})
    assert run("table-headers", page(document=document(tables=j(nested_layout)))).outcome == Outcome.NOT_APPLICABLE


def test_a_table_given_another_role_or_of_one_row_needs_no_headers():
    """Found on the W3C's ACT examples (bench/act.py): ``<table role="heading">`` is a heading, not a
    table; a grid of one row relates no data cell to a header."""

    def outcome(check_id: str, **facts: object) -> Outcome:
        table = TableFacts(selector="t", rows=3, columns=2, bordered=True).model_copy(update=facts)
        return run(check_id, page(document=document(tables=j(table)))).outcome

    assert outcome("table-headers") == Outcome.FAIL
    assert outcome("table-headers", role="heading") == Outcome.NOT_APPLICABLE
    assert outcome("table-caption", role="heading") == Outcome.NOT_APPLICABLE
    assert outcome("table-headers", role="grid", rows=1, columns=3) == Outcome.PASS
    assert outcome("table-headers", role="treegrid", rows=4, columns=1) == Outcome.PASS
    assert outcome("table-headers", role="grid", rows=2, columns=2) == Outcome.FAIL
    assert outcome("layout-table-markup", role="none presentation", header_cells=1) == Outcome.FAIL


def test_alternatives_that_are_not_alternatives():
    def alt(text: str, src: str = f"{ORIGIN}/img/seal.png") -> Outcome:
        return run("alt-text-placeholder", page(document=document(images=j(Image(src=src, alt=text))))).outcome

    for bad in ("seal.png", "DSC_0042", "Photo", "image", "banner.jpg"):
        assert alt(bad) == Outcome.FAIL, bad
    for good in ("State seal of Columbia", "Map of the permit areas", "Figure 2: fish stocked by month"):
        assert alt(good) == Outcome.PASS, good


def test_required_asterisk_passes_with_code_or_words():
    for fixed in ({"required": True}, {"says_required": True}, {"explained": True}):
        mark = RequiredMark(selector="#t", label="Town *", **fixed)
        assert run("required-asterisk", page(document=document(required_marks=j(mark)))).outcome == Outcome.PASS


def test_lang_parts_leaves_a_wholly_mislabelled_page_to_lang_matches_text():
    spanish_page = page(
        document=document(text=SPANISH, passages=j(Passage(selector="p", lang="en", text=SPANISH[:600])))
    )
    assert run("lang-matches-text", spanish_page).outcome == Outcome.FAIL
    assert run("lang-parts", spanish_page).outcome == Outcome.NOT_APPLICABLE


def test_javascript_links_that_do_nothing_are_left_to_empty_hash_link():
    def outcomes(raw: str, role: str = "") -> tuple[Outcome, Outcome]:
        p = page(document=document(links=j(Link(href=raw, raw_href=raw, text="Map", role=role))))
        return run("javascript-link", p).outcome, run("empty-hash-link", p).outcome

    for no_op in ("javascript:void(0)", "javascript:;", "javascript:", "JavaScript: void 0"):
        assert outcomes(no_op)[0] == Outcome.PASS, no_op
    assert outcomes("javascript:void(0)") == (Outcome.PASS, Outcome.FAIL)
    assert outcomes("javascript:window.open('/map.html')") == (Outcome.FAIL, Outcome.PASS)
    assert outcomes("javascript:openMenu()", role="button")[0] == Outcome.PASS  # it says it is a button


def test_ambiguous_link_text_compares_destinations_not_fragments():
    def outcome(*links: tuple[str, str]) -> Outcome:
        facts = j(*(Link(href=h, text=t, name=t, selector=f"a{i}") for i, (h, t) in enumerate(links)))
        return run("ambiguous-link-text", page(document=document(links=facts))).outcome

    # one destination: fragments, a trailing slash and an index file do not make another
    assert (
        outcome(
            (f"{ORIGIN}/parks/", "Parks"), (f"{ORIGIN}/parks#top", "parks"), (f"{ORIGIN}/parks/index.html", "Parks!")
        )
        == Outcome.PASS
    )
    assert outcome((f"{ORIGIN}/parks", "Parks"), (f"{ORIGIN}/parks", "Parks")) == Outcome.PASS
    assert outcome((f"{ORIGIN}/a", "Parks"), (f"{ORIGIN}/b", "Parks")) == Outcome.FAIL
    assert outcome((f"{ORIGIN}/a?page=2", "Results"), (f"{ORIGIN}/a?page=3", "Results")) == Outcome.FAIL
    # vague phrases and symbols are vague-link-text's and symbol-link-text's; empty names axe-core's
    assert outcome((f"{ORIGIN}/a", "Read more"), (f"{ORIGIN}/b", "read more…")) == Outcome.PASS
    assert outcome((f"{ORIGIN}/a", "»"), (f"{ORIGIN}/b", "»")) == Outcome.PASS
    assert outcome((f"{ORIGIN}/a", ""), (f"{ORIGIN}/b", "")) == Outcome.PASS
    # a link not shown (a closed menu) is not in the accessibility tree: no ambiguity with it
    shown = Link(href=f"{ORIGIN}/a", text="Parks", name="Parks")
    hidden = Link(href=f"{ORIGIN}/b", text="Parks", name="Parks", hidden=True)
    assert run("ambiguous-link-text", page(document=document(links=j(shown, hidden)))).outcome == Outcome.PASS
    result = run(
        "ambiguous-link-text",
        page(document=document(links=j(*(Link(href=f"{ORIGIN}/p{i}", text="Apply", name="Apply") for i in range(5))))),
    )
    assert result.value == 1 and result.items[0].detail.startswith("5 destinations: ")


def test_a_title_that_is_the_only_name_is_not_redundant():
    icon = Link(href=f"{ORIGIN}/share", text="Share", name="Share", title="Share", name_from_title=True)
    assert run("link-title-redundant", page(document=document(links=j(icon)))).outcome == Outcome.NOT_APPLICABLE
    untitled = Link(href=f"{ORIGIN}/parks", text="Parks", name="Parks")
    assert run("link-title-redundant", page(document=document(links=j(untitled)))).outcome == Outcome.NOT_APPLICABLE
    old = Link(href=f"{ORIGIN}/parks", text="Parks")  # gathered before names (and titles) were recorded
    assert run("link-title-redundant", page(document=document(links=j(old)))).outcome == Outcome.NOT_APPLICABLE
    # no computed name: the link's text is compared with its title
    unnamed = Link(href=f"{ORIGIN}/parks", text="Parks", title="Parks")
    assert run("link-title-redundant", page(document=document(links=j(unnamed)))).outcome == Outcome.FAIL


def test_presentational_alt_reads_role_and_aria_hidden():
    def outcome(**image: Any) -> Outcome:
        facts = j(Image(src=f"{ORIGIN}/map.png", **image))
        return run("presentational-alt", page(document=document(images=facts))).outcome

    assert outcome(alt="Map", aria_hidden=True) == Outcome.FAIL
    assert outcome(alt="Map", role="none img") == Outcome.FAIL  # the first role is the one taken
    assert outcome(alt="Map", role="img presentation") == Outcome.NOT_APPLICABLE
    assert outcome(alt="  ", aria_hidden=True) == Outcome.PASS
    assert outcome(alt=None, role="presentation") == Outcome.PASS
    assert outcome(alt="Map") == Outcome.NOT_APPLICABLE


def test_table_caption_accepts_a_name_and_leaves_layout_tables_alone():
    def outcome(table: TableFacts) -> Outcome:
        return run("table-caption", page(document=document(tables=j(table)))).outcome

    bare = TWO_WAY.model_copy(update={"caption": None})
    assert outcome(bare.model_copy(update={"name": "Stocking by month"})) == Outcome.PASS
    assert outcome(bare.model_copy(update={"caption": " "})) == Outcome.FAIL  # an empty caption names nothing
    assert outcome(GRID) == Outcome.FAIL  # drawn as a data table, with neither headers nor caption
    assert outcome(TableFacts(selector="t", rows=3, columns=2)) == Outcome.NOT_APPLICABLE  # a layout table
    assert outcome(TableFacts(selector="t", role="presentation", rows=5, columns=3, bordered=True)) == (
        Outcome.NOT_APPLICABLE
    )


def test_barrier_checks_with_nothing_to_examine_are_not_applicable():
    nothing = {"clickables": 0, "tabindex": 0, "hover_rules": 0, "clip_boxes": 0}
    for check_id in ("click-focus", "focusable-role", "hover-only", "text-spacing"):
        assert run(check_id, page(document=document(examined=nothing))).outcome == Outcome.NOT_APPLICABLE, check_id
        assert run(check_id, page()).outcome == Outcome.PASS, check_id


# -- task checks (issue 15): the journeys run with the crawl, pure -------------------------------------


def journeys_site(*results) -> SiteFacts:
    return site(journeys=[r.model_dump(mode="json") for r in results])


def _task_cases() -> dict[str, tuple[SiteFacts, SiteFacts]]:
    from journey_results import journey_result as jr

    return {
        "task-completion": (journeys_site(jr(), jr(ident="apply", fail_at=2)), journeys_site(jr(), jr(ident="apply"))),
        "task-keyboard": (journeys_site(jr(keyboard="failed")), journeys_site(jr())),
        "task-steps": (journeys_site(jr(fields=22)), journeys_site(jr(fields=3))),
        "task-time": (journeys_site(jr(ms=[300, 300, 6000, 300])), journeys_site(jr(ms=400))),
        "task-accessibility": (journeys_site(jr(violations={2: {"label": 1}})), journeys_site(jr())),
        "task-form-burden": (journeys_site(jr(fields=18)), journeys_site(jr(fields=4))),
    }


SITE_CASES.update(_task_cases())


@pytest.mark.parametrize("check_id", sorted(c for c in SITE_CASES if c.startswith("task-")))
def test_task_checks_do_not_apply_without_journeys_or_when_a_person_was_needed(check_id):
    from journey_results import journey_result as jr

    assert run(check_id, page(), site()).outcome == Outcome.NOT_APPLICABLE
    assert run(check_id, page(), site(journeys=[])).outcome == Outcome.NOT_APPLICABLE
    assert run(check_id, page(), journeys_site(jr(not_assessable=True))).outcome == Outcome.NOT_APPLICABLE


def test_task_checks_score_in_proportion_and_name_the_journey_and_step():
    from journey_results import journey_result as jr

    both = journeys_site(jr(), jr(ident="apply", fail_at=2))
    result = run("task-completion", page(), both)
    assert result.score == 0.5
    assert [(i.snippet, i.detail) for i in result.items] == [
        ("journey apply, step 2", 'Renew a fishing licence: failed at step 2 of 3: the button "Continue" was not found')
    ]
    hidden = run("task-keyboard", page(), journeys_site(jr(focus_hidden=[2])))
    assert hidden.outcome == Outcome.FAIL and hidden.score == pytest.approx(1 - 0.5 / 3, abs=1e-4)
    assert "focus was not visible at step(s) 2" in hidden.items[0].detail
    assert run("task-steps", page(), journeys_site(jr(fields=38))).score == pytest.approx(20 / 40, abs=1e-4)
    slow = run("task-time", page(), journeys_site(jr(ms=[4500, 4500, 4500, 4500])))
    assert slow.outcome == Outcome.FAIL and 0.3 < (slow.score or 0) < 0.5
    assert [i.snippet for i in slow.items] == [f"journey renew, step {i}" for i in range(4)]
    stricter = run("task-time", page(), journeys_site(jr(ms=400)), params={"curve": [100, 300]})
    assert stricter.outcome == Outcome.FAIL
    barrier = run("task-accessibility", page(), journeys_site(jr(violations={2: {"label": 2}, 3: {"region": 1}})))
    assert barrier.score == pytest.approx(2 / 4, abs=1e-4)
    assert "label (serious)" in barrier.items[0].detail and barrier.items[1].snippet == "journey renew, step 3"
    # a failed journey is judged by completion, not by its steps, time or fields
    assert run("task-steps", page(), journeys_site(jr(fail_at=1))).outcome == Outcome.NOT_APPLICABLE


def test_task_accessibility_counts_the_wcag_rules_and_leaves_best_practices_to_the_strip():
    from journey_results import journey_result as jr

    result = jr(violations={1: {"region": 1}})
    tagged = [
        s.model_copy(update={"axe": s.axe.model_copy(update={"tags": {"region": ["cat.keyboard", "best-practice"]}})})
        if s.axe is not None and s.axe.violations
        else s
        for s in result.steps
    ]
    best_practice = result.model_copy(update={"steps": tagged})
    assert run("task-accessibility", page(), journeys_site(best_practice)).outcome == Outcome.PASS
    assert run("task-accessibility", page(), journeys_site(result)).outcome == Outcome.FAIL  # tags unknown: counted


INTERACTIVE = (
    "keyboard-trap",
    "tab-order",
    "hover-content",
    "text-resize",
    "reflow",
    "flashing",
    "moving-content",
    "animated-image",
)


def test_interactive_checks_say_not_assessable_when_their_part_ran_out_of_time():
    parts = {"images", "motion", "text_resize", "keyboard", "hover", "reflow"}
    late = used(undecided=dict.fromkeys(parts, "did not finish within 900 ms"))
    for check_id in INTERACTIVE:
        result = run(check_id, late)
        assert result.outcome == Outcome.NOT_APPLICABLE, check_id
        assert result.items[0].detail.startswith("not assessable: the "), check_id
        assert "did not finish within 900 ms" in result.items[0].detail
    old = page(document=document(interaction=None))
    for check_id in INTERACTIVE:
        result = run(check_id, old)
        assert result.outcome == Outcome.ERROR and "older version" in (result.error or ""), check_id
    # a crawl made before the images part existed: an error for animated-image, never a silent pass
    before = run("animated-image", used(images=None))
    assert before.outcome == Outcome.ERROR and "images part was not gathered" in (before.error or "")


def test_a_cycle_is_no_trap_inside_a_modal_dialog_with_a_button():
    modal = TRAP.model_copy(update={"modal": True})
    assert run("keyboard-trap", used(keyboard=walk(*ABOVE, cycle=modal))).outcome == Outcome.PASS
    failed = run("keyboard-trap", used(keyboard=walk(*ABOVE, cycle=TRAP)))
    assert failed.items[0].selector == "#day" and "Escape" in failed.items[0].detail
    assert "listener brings focus back" not in failed.items[0].detail
    # focus brought back by a blur listener: the detail says how it was found
    back = TRAP.model_copy(update={"refocus": True, "selectors": ["#send"]})
    held = run("keyboard-trap", used(keyboard=walk(*ABOVE, cycle=back)))
    assert held.outcome == Outcome.FAIL and held.items[0].selector == "#send"
    assert held.items[0].detail.endswith("leaving it by Tab, its focus-leaving listener brings focus back")


def test_tab_order_leaves_out_what_cannot_be_compared():
    low, high = ABOVE
    assert run("tab-order", used(keyboard=walk(low, TabStop(kind="none"), high))).outcome == Outcome.PASS  # wrap
    pinned = high.model_copy(update={"pinned": True})
    assert run("tab-order", used(keyboard=walk(low, pinned))).outcome == Outcome.PASS
    beside = high.model_copy(update={"left": 320})  # another column
    assert run("tab-order", used(keyboard=walk(low, beside))).outcome == Outcome.PASS
    near = high.model_copy(update={"top": 330})  # up, but by less than min_px
    assert run("tab-order", used(keyboard=walk(low, near))).outcome == Outcome.PASS
    assert run("tab-order", used(keyboard=walk(low, near)), params={"min_px": 50}).outcome == Outcome.FAIL
    assert run("tab-order", used(keyboard=walk(low))).outcome == Outcome.NOT_APPLICABLE


def test_flashes_are_counted_by_wcag_general_flash_threshold():
    assert transitions([0, 1, 0, 1, 0], 0.1, 0.8) == 4
    assert transitions([0.85, 0.95, 0.85, 0.95], 0.1, 0.8) == 0  # the darker state is not below 0.8
    assert transitions([0.5, 0.55, 0.5, 0.55], 0.1, 0.8) == 0  # changes under 10 %
    assert transitions([0, 0.5, 1, 0.5, 0], 0.1, 0.8) == 2  # one rise and one fall, however many steps
    small = used(motion=MotionFacts(luminance=[flicker(100, area=20000)]))  # under 25 % of a 10 degree field
    assert run("flashing", small).outcome == Outcome.PASS
    failed = run("flashing", used(motion=MotionFacts(luminance=[flicker(100)])))
    # a switch each 100 ms is 5 flashes a second; 4 switches fall in the 496 ms sampled: counted low, never high
    assert failed.items[0].detail.startswith("4.0 flashes a second")
    assert run("flashing", page()).outcome == Outcome.NOT_APPLICABLE


def test_header_scope_is_needed_away_from_the_first_row_and_column_and_advised_everywhere():
    # headers along the top and down the side, no scope: HTML relates them (H63), so only the advice fails
    simple = page(
        document=document(
            tables=j(TWO_WAY.model_copy(update={"headers_without_scope": 5, "inner_headers_without_scope": 0}))
        )
    )
    assert run("table-header-scope", simple).outcome == Outcome.PASS
    advised = run("table-scope-advised", simple)
    assert advised.outcome == Outcome.FAIL and advised.items[0].detail == "5 <th> without scope"
    inner = TWO_WAY.model_copy(update={"headers_without_scope": 5, "inner_headers_without_scope": 2})
    failed = run("table-header-scope", page(document=document(tables=j(inner))))
    assert failed.items[0].detail == "2 <th> without scope away from the first row and column"
    # id and headers say it instead; facts gathered before the count apart: every <th> without scope counts
    assert (
        run(
            "table-header-scope", page(document=document(tables=j(inner.model_copy(update={"headers_attr": True}))))
        ).outcome
        == Outcome.PASS
    )
    old = TWO_WAY.model_copy(update={"headers_without_scope": 5})
    assert run("table-header-scope", page(document=document(tables=j(old)))).items[0].detail == "5 <th> without scope"
    # in the default rubric the advice and short rows weigh as advisory checks do (1), the need as a barrier (3)
    for name in ("default", "idea-act"):
        params = builtin_rubric(name).rubric.dimensions
        weights = {p.check: p.weight for d in params for p in d.parameters if p.check}
        assert (weights["table-header-scope"], weights["table-scope-advised"], weights["table-row-cells"]) == (3, 1, 1)


def test_server_response_time_is_the_servers_answer_not_the_browsers_start_up():
    # a busy browser took 900 ms to send the request; the server answered in 100 ms: not the server's fault
    fast = run("server-response-time", page(performance=perf(ttfb_ms=1000, server_ms=100)))
    assert fast.outcome == Outcome.PASS and fast.items[0].detail.startswith("100 ms")
    slow = run("server-response-time", page(performance=perf(ttfb_ms=3100, server_ms=3000)))
    assert slow.outcome == Outcome.FAIL and slow.items[0].detail.startswith("3.00 s")
    # stored before server_ms was recorded: judged on TTFB, as it was then
    assert run("server-response-time", page(performance=perf(ttfb_ms=1500))).outcome == Outcome.FAIL


def test_flashing_never_passes_frames_that_came_too_seldom_to_see_a_flash():
    # a switch each 100 ms sampled every 200 ms: every sample catches the same state (a loaded machine)
    aliased = LuminanceSeries(selector="#radar", area=64000, samples=[(t, 0.0) for t in range(0, 501, 200)])
    assert too_sparse(aliased, 3) == 200
    assert too_sparse(flicker(100), 3) == 0  # a frame each 16 ms
    unseen = run("flashing", used(motion=MotionFacts(luminance=[aliased])))
    assert unseen.outcome == Outcome.NOT_APPLICABLE
    assert unseen.items[0].detail == "not assessable: #radar: sampled every 200 ms (a frame came that seldom)"
    # at 83 ms, a state of 167 ms (three flashes a second) is seen at least twice: judged
    edge = LuminanceSeries(selector="#radar", area=64000, samples=[(t, 0.0) for t in range(0, 501, 83)])
    assert run("flashing", used(motion=MotionFacts(luminance=[edge]))).outcome == Outcome.PASS
    # read at exact times (its animations moved forward), a series is never too sparse
    assert too_sparse(aliased.model_copy(update={"seeked": True}), 3) == 0
    # a flash seen in sparse frames stands; a small element's frames do not matter
    seen = LuminanceSeries(selector="#box", area=64000, samples=[(t, float(t // 100 % 2)) for t in range(0, 501, 100)])
    assert run("flashing", used(motion=MotionFacts(luminance=[seen, aliased]))).outcome == Outcome.FAIL
    small = aliased.model_copy(update={"area": 20000})
    assert run("flashing", used(motion=MotionFacts(luminance=[small]))).outcome == Outcome.PASS


RED = (1.0, 0.451, 0.523)  # #f00: R/(R+G+B), u', v'
GREY = (0.333, 0.198, 0.468)  # rgb(124, 124, 124): about the same luminance as #f00
PINK = (0.6, 0.31, 0.49)  # not a saturated red


def red_flicker(every_ms: int, on: tuple[float, float, float], off: tuple[float, float, float]) -> LuminanceSeries:
    """An element whose colour switches between ``on`` and ``off`` every ``every_ms``, its luminance
    all but unchanged (0.213 and 0.201), sampled each 16 ms."""
    times = range(0, 501, 16)
    return LuminanceSeries(
        selector="div.warn",
        area=57600,
        samples=[(t, 0.213 if (t // every_ms) % 2 else 0.201) for t in times],
        chroma=[on if (t // every_ms) % 2 else off for t in times],
    )


def test_red_flashes_are_counted_by_wcag_red_flash_threshold():
    assert red_transitions([GREY, RED, GREY, RED], 0.8, 0.2) == 3
    assert red_transitions([GREY, PINK, GREY, PINK], 0.8, 0.2) == 0  # no saturated red
    assert red_transitions([RED, (0.9, 0.40, 0.52), RED], 0.8, 0.2) == 0  # reds too close in chromaticity
    assert red_transitions([GREY, (0.5, 0.3, 0.5), RED], 0.8, 0.2) == 1  # a drift counts once it has gone far
    failed = run("flashing", used(motion=MotionFacts(luminance=[red_flicker(100, RED, GREY)])))
    assert failed.outcome == Outcome.FAIL  # luminance changes 0.012, under the general threshold
    assert failed.items[0].detail == "4.0 red flashes a second over 57600 px²"
    slow = run("flashing", used(motion=MotionFacts(luminance=[red_flicker(400, RED, GREY)])))
    assert slow.outcome == Outcome.PASS
    assert run("flashing", used(motion=MotionFacts(luminance=[red_flicker(100, PINK, GREY)]))).outcome == Outcome.PASS
    # samples gathered before colours were recorded: judged on luminance alone, as before
    old = red_flicker(100, RED, GREY).model_copy(update={"chroma": []})
    assert run("flashing", used(motion=MotionFacts(luminance=[old]))).outcome == Outcome.PASS


def test_flashing_reads_canvas_pixels_and_never_passes_what_it_could_not_read():
    canvas = flicker(100).model_copy(update={"selector": "#beacon", "kind": "canvas"})
    failed = run("flashing", used(motion=MotionFacts(luminance=[canvas])))
    assert failed.outcome == Outcome.FAIL and failed.items[0].detail.endswith("in the canvas's pixels")
    video = Unmeasured(selector="video.hero", kind="video", area=200000, reason="its pixels are cross-origin")
    calm = flicker(500)
    unread = run("flashing", used(motion=MotionFacts(luminance=[calm], unmeasured=[video])))
    assert unread.outcome == Outcome.NOT_APPLICABLE
    assert unread.items[0].detail == "not assessable: <video> video.hero: its pixels are cross-origin"
    # a flash found stands beside a video that could not be read; a small unreadable one is left out
    both = run("flashing", used(motion=MotionFacts(luminance=[canvas], unmeasured=[video])))
    assert both.outcome == Outcome.FAIL
    small = video.model_copy(update={"area": 64 * 36})
    assert run("flashing", used(motion=MotionFacts(luminance=[calm], unmeasured=[small]))).outcome == Outcome.PASS
    assert run("flashing", used(motion=MotionFacts(unmeasured=[small]))).outcome == Outcome.NOT_APPLICABLE


BLACK, WHITE = (0.0, 0.0, 0.198, 0.468), (1.0, 0.333, 0.198, 0.468)  # luminance, R/(R+G+B), u', v'


def frames(every_ms: float, *states: tuple[float, float, float, float]) -> list:
    return [(every_ms, *state) for state in states]


def test_flashing_reads_an_animated_images_own_frames_in_any_one_second():
    def flashing(*images: AnimatedImage, **params: Any):
        return run("flashing", used(motion=MotionFacts(), images=ImageTimingFacts(animated=list(images))), params)

    # black and white each 100 ms, looping forever: 10 frames in a second, 9 changes, 4.5 flashes
    siren = gif(url=f"{ORIGIN}/img/siren.gif", frames=2, loop_ms=200, states=frames(100, BLACK, WHITE))
    failed = flashing(siren)
    assert failed.outcome == Outcome.FAIL
    item = failed.items[0]
    assert (item.selector, item.snippet) == ("#main img", f"{ORIGIN}/img/siren.gif")
    assert item.detail == "4.5 flashes in one second over 60000 px² in the animated image's frames"
    # the same frames played once: 2 changes in all, one flash
    assert flashing(siren.model_copy(update={"plays": 1})).outcome == Outcome.PASS
    # played 3 times: 6 frames, 5 changes in 600 ms: 2.5 flashes, not more than 3
    assert flashing(siren.model_copy(update={"plays": 3})).outcome == Outcome.PASS
    # slower (every 500 ms) or low contrast (a change of 0.05): no flash
    assert flashing(siren.model_copy(update={"states": frames(500, BLACK, WHITE)})).outcome == Outcome.PASS
    greys = frames(100, (0.5, 0.333, 0.198, 0.468), (0.55, 0.333, 0.198, 0.468))
    assert flashing(siren.model_copy(update={"states": greys})).outcome == Outcome.PASS
    # a flash in any one second, not on average: 1 s of flashing in a 3 s loop of 11 frames
    burst = [*frames(100, *([BLACK, WHITE] * 5)), (2000.0, *BLACK)]
    assert flashing(siren.model_copy(update={"frames": 11, "states": burst})).outcome == Outcome.FAIL
    # red against a grey of about its luminance: red flashes only
    red = flashing(siren.model_copy(update={"states": frames(100, (0.213, 1.0, 0.451, 0.523), (0.202, *GREY))}))
    assert red.outcome == Outcome.FAIL and "4.5 red flashes in one second" in red.items[0].detail
    # too small, not described (gathered before frames were), or unreadable: not judged here
    assert flashing(siren.model_copy(update={"area": 20000})).outcome == Outcome.NOT_APPLICABLE
    assert flashing(siren.model_copy(update={"states": []})).outcome == Outcome.NOT_APPLICABLE
    assert flashing(siren.model_copy(update={"error": "could not be read"})).outcome == Outcome.NOT_APPLICABLE
    # only the first frames are described (a long image): they are not repeated as a loop
    partial = siren.model_copy(update={"frames": 400, "states": frames(100, BLACK, WHITE, BLACK)})
    assert flashing(partial).outcome == Outcome.PASS


def test_animated_image_fails_only_long_large_uncontrolled_images_and_never_passes_unread_ones():
    def outcome(*images: AnimatedImage, skipped: list[str] | None = None) -> Outcome:
        return run("animated-image", animated(*images, skipped=skipped)).outcome

    failed = run("animated-image", animated(gif()))
    assert failed.items[0].detail == "gif of 2 frames, plays forever" and failed.items[0].selector == "#main img"
    assert outcome(gif(plays=6)) == Outcome.FAIL  # 6 s
    assert outcome(gif(plays=5)) == Outcome.PASS  # 5 s: not more than five seconds
    assert outcome(gif(area=48 * 48)) == Outcome.PASS  # a small spinner
    assert outcome(gif(controls=["Search", "Pause animation"])) == Outcome.PASS
    assert outcome(gif(controls=["⏸"])) == Outcome.PASS
    assert outcome(gif(in_details=True)) == Outcome.PASS
    long_ok = run("animated-image", animated(gif(controls=["Stop"])))
    assert long_ok.items[0].detail == "gif of 2 frames, plays forever; a control beside it: Stop"
    # not read, left unread, or not located in an <img>: never a pass; a failure found still stands
    broken = gif(error="malformed: IndexError", frames=0, plays=1, selector="", area=0)
    assert outcome(broken) == Outcome.NOT_APPLICABLE
    assert outcome(gif(plays=2), skipped=["/big.gif: 3,000,000 bytes"]) == Outcome.NOT_APPLICABLE
    background = run("animated-image", animated(gif(selector="", area=0, shown=0)))
    assert background.outcome == Outcome.NOT_APPLICABLE and "not located in an <img>" in background.items[0].detail
    assert outcome(gif(), broken) == Outcome.FAIL
    assert outcome(gif(plays=1, selector="", area=0)) == Outcome.PASS  # 1 s, wherever it is
    assert run("animated-image", animated()).outcome == Outcome.NOT_APPLICABLE
    assert run("animated-image", animated(gif()), params={"max_seconds": 10}).outcome == Outcome.FAIL
    assert run("animated-image", animated(gif(plays=8)), params={"max_seconds": 10}).outcome == Outcome.PASS


def test_moving_content_leaves_out_spinners_short_animations_and_slow_updates():
    def outcome(**motion: Any) -> Outcome:
        return run("moving-content", used(motion=MotionFacts(**motion))).outcome

    spinner = Animation(selector="i.spin", area=32 * 32, properties=["transform"])
    short = Animation(selector="p.in", area=20000, seconds=1.5, properties=["opacity"])
    colour = Animation(selector="p.glow", area=20000, properties=["backgroundColor"])
    assert outcome(animations=[spinner, short, colour]) == Outcome.PASS
    ticker = ScriptChange(selector="#count", text="42", text_changes=5, span_ms=1800)
    assert outcome(changes=[ticker]) == Outcome.FAIL
    assert outcome(changes=[ticker], controls=["Stop updates"]) == Outcome.PASS
    once = ticker.model_copy(update={"span_ms": 300})  # a burst while loading, not an updating region
    assert outcome(changes=[once]) == Outcome.PASS
    slide = ScriptChange(selector="ul.carousel", area=90000, style_changes=4, span_ms=2500)
    assert outcome(changes=[slide]) == Outcome.FAIL
    assert outcome() == Outcome.NOT_APPLICABLE


def test_label_in_name_compares_the_words_shown_in_order():
    from maturity.core.checks.accessibility.label_in_name import holds

    # the W3C's ACT rule 2ee8b8's examples: passed ...
    assert holds("ACT rules", "ACT rules") and holds("  ACT rules  ", "ACT rules") and holds("act rules", "ACT rules")
    assert holds("Next Page in the list", "Next Page")
    # ... and failed: another name, part of the words, symbols spelled out, words joined or split
    assert not holds("WCAG", "ACT rules")
    assert not holds("the full", "The full label")
    assert not holds("Proof of two multiplied by two is four", "Proof of 2×2=4")
    assert not holds("non-standard", "nonstandard")
    assert not holds("1 2 3. 4 5 6. 7 8 9 0", "123.456.7890")
    # the words together and in order, punctuation aside
    assert holds("Apply: boat permit", "apply") and not holds("Permit, boat", "boat permit")
    # a control showing an X is left alone; one given no name of its own is not listed at all
    x = run(
        "label-in-name",
        page(document=document(labelled_controls=j(LabelledControl(selector="b", text="X", name="Close")))),
    )
    assert x.outcome == Outcome.NOT_APPLICABLE


def test_table_header_cells_judges_aria_grids_too():
    grid = AriaTableFacts(selector="#rooms", rows=3, header_cells=2, headers_naming_nothing=["Occupant"])
    failed = run("table-header-cells", page(document=document(tables=[], aria_tables=j(grid))))
    assert failed.outcome == Outcome.FAIL and failed.items[0].selector == "#rooms"
    assert failed.items[0].detail == "1 header cell naming no cell: 'Occupant'"
    filled = grid.model_copy(update={"headers_naming_nothing": []})
    assert run("table-header-cells", page(document=document(tables=[], aria_tables=j(filled)))).outcome == Outcome.PASS
    # a page read before grids were gathered has none listed: no table with header cells
    assert run("table-header-cells", page(document=document(tables=[]))).outcome == Outcome.NOT_APPLICABLE
