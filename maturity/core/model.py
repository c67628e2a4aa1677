"""The core vocabulary: targets, page references, artifacts, check results.

Everything here is plain data. Artifacts are the JSON facts that gatherers (in
``crawlers``) produce and that checks (in ``maturity.core.checks``) read; nothing in
this module knows about a browser, HTTP library or database.

One word per idea (see README, "Design"):

* **Target**: a site and its scope.
* **PageRef**: a discovered URL.
* **Artifact**: one raw fact set gathered from one page (or the site), plain JSON.
* **CheckResult**: what one check concluded for one page (or the site).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from maturity.core.documents import DocumentSet
from maturity.core.journey import JourneyResult


class Frozen(BaseModel):
    """Base for value objects that cross a boundary: frozen, keyword-only, strict keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def canonical_json(data: Any) -> bytes:
    """The one serialisation used for hashing: sorted keys, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_of(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


@functools.lru_cache(maxsize=2048)
def normalise_for_lookup(url: str) -> str | None:
    """The crawler's URL normalisation, for matching links against crawled URLs (remembered for the
    last 2,048 addresses: scoring asks for the same link targets, a site's navigation above all,
    page after page, check after check; a bound that large runs reach, so it holds a fixed amount)."""
    from maturity.kernel.urls import normalize_url

    return normalize_url(url)


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------


class PageRef(Frozen):
    """A URL discovery decided to audit."""

    url: str
    depth: int = 0
    source: Literal["start", "sitemap", "link"] = "link"
    referrer: str | None = None
    lastmod: str | None = None


# ---------------------------------------------------------------------------
# Artifacts (one model per artifact name). Each is plain JSON once dumped.
# ---------------------------------------------------------------------------


class Redirect(Frozen):
    url: str
    status: int


class HttpFacts(Frozen):
    """What a plain HTTP GET of the page showed (no browser)."""

    requested_url: str
    final_url: str
    status: int
    redirects: list[Redirect] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)  # lower-case names
    content_type: str = ""
    elapsed_ms: float = 0.0
    body_bytes: int = 0
    # Every Set-Cookie header of the final response, one string each (``headers`` joins repeats).
    # None: gathered by a version that did not record them.
    set_cookies: list[str] | None = None


class Heading(Frozen):
    level: int
    text: str


class Link(Frozen):
    href: str  # absolute URL as resolved by the browser (may be non-http)
    text: str  # accessible text: text content, else aria-label/title/img alt
    raw_href: str = ""  # the attribute as written
    rel: str = ""
    in_text: bool = False  # inline in a sentence (WCAG 2.5.8 inline exception)
    selector: str = ""
    role: str = ""  # the role attribute, when set (``button`` links act as buttons)
    target: str = ""  # the target attribute (``_blank`` opens a new window)
    hreflang: str = ""
    # The accessible name as the browser would compute it (aria-labelledby, aria-label, content with
    # image alternatives, title); None: gathered by a version that did not record it.
    name: str | None = None
    title: str | None = None  # the title attribute, folded (None: absent, or not recorded by an older version)
    name_from_title: bool = False  # the name is the title: nothing else (content, aria-label) names the link
    hidden: bool = False  # not rendered (display:none, visibility:hidden, no box): not in the accessibility tree


class Image(Frozen):
    src: str
    alt: str | None  # None: attribute absent
    selector: str = ""
    title: str | None = None  # the title attribute (None: absent, or not recorded by an older version)
    role: str = ""  # the role attribute, lower case ("presentation", "none", ...)
    aria_hidden: bool = False  # aria-hidden="true" on the image itself


class FormField(Frozen):
    kind: str  # input type, "select" or "textarea"
    name: str = ""
    labelled: bool = False
    placeholder: str = ""


class Form(Frozen):
    action: str = ""
    method: str = "get"
    role: str = ""  # "search" when it looks like a site search
    fields: list[FormField] = Field(default_factory=list)
    selector: str = ""


class ChoiceGroup(Frozen):
    """Radio buttons sharing a name, or two or more checkboxes sharing a name."""

    kind: Literal["radio", "checkbox"]
    name: str
    count: int
    labelled: bool  # inside a fieldset with a legend, or a role=group/radiogroup with a name
    selector: str = ""


class TextRun(Frozen):
    """Visible text set in one element, with a style property of interest (justified, upper case)."""

    selector: str
    snippet: str  # at most 200 characters
    chars: int
    words: int = 0


class Media(Frozen):
    kind: Literal["video", "audio"]
    autoplay: bool
    muted: bool
    controls: bool
    loop: bool = False
    selector: str = ""


class FocusTarget(Frozen):
    selector: str
    text: str = ""


class FocusFacts(Frozen):
    """A sample of focusable elements, each focused by script: did anything visible change?"""

    sampled: int
    missing: list[FocusTarget] = Field(default_factory=list)  # no visible change on focus


class Resource(Frozen):
    url: str
    kind: Literal["stylesheet", "script"]


class DesignFacts(Frozen):
    """Signals of the U.S. Web Design System (USWDS)."""

    usa_classes: int = 0  # elements with a class starting "usa-"
    usa_banner: bool = False  # the official-website banner component


class Alternate(Frozen):
    hreflang: str
    href: str


class TableFacts(Frozen):
    """One visible <table>, as its markup and rendering say (a data table or a layout table: checks decide)."""

    selector: str
    role: str = ""  # the role attribute, lower case ("presentation", "none", ...)
    rows: int = 0
    columns: int = 0  # the widest row, in grid slots (colspan and rowspan from above counted)
    ragged_rows: list[int] = Field(default_factory=list)  # indices of rows narrower than the widest (first 20)
    header_cells: int = 0  # <th>, or cells with role columnheader / rowheader
    column_headers: int = 0  # header cells of columns: by role or scope, in <thead>, in a row of headers, or mid-row
    row_headers: int = 0  # header cells of rows: by role or scope, or opening a row of data cells
    headers_without_scope: int = 0  # <th> with no valid scope attribute
    # those neither in the first row nor in the first column (None: gathered before it was recorded)
    inner_headers_without_scope: int | None = None
    # the text of header cells that name no cell (first 10; None: not read, gathered before it was
    # recorded or a table of more than 5,000 cells)
    headers_naming_nothing: list[str] | None = None
    headers_attr: bool = False  # some cell names its headers with the headers attribute
    caption: str | None = None  # None: no <caption>
    summary: str = ""  # the obsolete summary attribute
    sections: bool = False  # <thead> or <tfoot>
    nested_in: str = ""  # "table" or "th" when inside another table or a header cell
    contains_table: bool = False
    bordered: bool = False  # most of the first 40 cells draw a border
    striped: bool = False  # alternating row backgrounds
    name: str = ""  # aria-labelledby, aria-label or title
    snippet: str = ""


class FieldsetFacts(Frozen):
    selector: str
    legend: str | None  # None: no <legend>; "": an empty one


class LabelFacts(Frozen):
    """A <label for> that labels nothing, or a second label for a control another label names."""

    selector: str
    target: str  # the for attribute
    text: str = ""
    problem: Literal["empty", "missing", "not-labelable", "shared"]


class HintFacts(Frozen):
    """A visible hint or error message (by its class, as design systems mark them) beside one field."""

    selector: str
    field: str  # the field's selector
    kind: Literal["hint", "error"]
    text: str = ""
    associated: bool  # referenced by the field's aria-describedby, aria-errormessage or aria-labelledby


class RequiredMark(Frozen):
    """A field whose label carries an asterisk."""

    selector: str
    label: str
    asterisk: bool = True
    says_required: bool = False  # the label says "required" in words
    required: bool = False  # the required attribute or aria-required="true"
    explained: bool = False  # the form (or page) says what the asterisk means (technique H90)


class ContextChange(Frozen):
    """An inline handler on a form control that submits, navigates or opens a window."""

    selector: str
    event: str  # change, input, focus, focusin
    code: str = ""


class ImageButton(Frozen):
    selector: str
    kind: Literal["input", "button"]  # <input type=image>, or a button whose only content is an image
    name: str = ""
    src: str = ""


class LabelledControl(Frozen):
    """A control named from its content (a link, a button, a tab ...) given a name of its own with
    aria-label or aria-labelledby: the text it shows beside the name it is announced by."""

    selector: str
    text: str  # what it shows, icon-font glyphs, aria-hidden and screen-reader-only parts left out (200 chars)
    name: str  # its aria-labelledby or aria-label name (first 200 characters)


class AriaTableFacts(Frozen):
    """A table or grid made with ARIA roles (role=table, grid or treegrid, not a <table>) that has header
    cells: which of them name no cell."""

    selector: str
    rows: int = 0
    header_cells: int = 0
    headers_naming_nothing: list[str] | None = None  # their texts (first 10); None: too many cells to read
    snippet: str = ""


class AdjacentLink(Frozen):
    """A link right after another link to the same address, with nothing but white space between."""

    selector: str
    previous: str
    href: str
    text: str = ""


class Clickable(Frozen):
    """An element that acts on a click (inline onclick, or a widget role) but cannot take keyboard focus."""

    selector: str
    tag: str
    role: str = ""
    text: str = ""
    reason: str = ""


class ClippedText(Frozen):
    """A box whose text clips once WCAG 1.4.12's spacing is applied (it did not before)."""

    selector: str
    snippet: str = ""
    height: float = 0
    needed: float = 0


class OrientationLock(Frozen):
    """The page (``html`` or ``body``) turned by about a quarter turn under an orientation media query."""

    selector: str
    media: str
    degrees: float


class HoverReveal(Frozen):
    """Hidden content that a :hover rule shows, with no :focus or :focus-within rule showing it too."""

    selector: str  # the hidden content
    rule: str  # the selector of the :hover rule
    anchor: str = ""  # what is hovered
    links: int = 0  # controls inside the hidden content
    text: str = ""


class RtlText(Frozen):
    """A block of text mostly in a right-to-left script (Arabic, Hebrew, Syriac, Thaana, ...)."""

    selector: str
    snippet: str = ""
    rtl: bool  # its direction resolves to right-to-left
    lang: str = ""  # the nearest lang attribute


class Passage(Frozen):
    """A block of running text (20 words or more) and the language it declares or inherits."""

    selector: str
    lang: str = ""  # the nearest lang attribute ("" when none)
    own: bool = False  # the block sets lang itself
    text: str = ""  # at most 600 characters


class AudioFacts(Frozen):
    selector: str
    controls: bool = False
    transcript: bool = False  # a transcript is named or linked beside it (up to three ancestors)


class FocusJump(Frozen):
    """Tab moves to an element that sits above the previous one, in the same column."""

    selector: str
    previous: str
    up: float  # CSS px from the previous element's top to this one's
    top: float = 0  # this element's top in the document
    text: str = ""


class TabStop(Frozen):
    """Where focus was after one press of Tab in the interactive walk."""

    kind: Literal["element", "none", "frame"] = "element"  # none: nothing focused (past the end)
    key: int = 0  # one number per element of the page: the same key is the same element again
    selector: str = ""
    text: str = ""
    top: float = 0  # in the document, CSS px
    left: float = 0
    width: float = 0
    height: float = 0
    pinned: bool = False  # fixed or sticky, or inside such an element
    modal: bool = False  # inside an open modal dialog
    composite: bool = False  # its own parts take focus in turn (media controls, date fields)


class FocusCycle(Frozen):
    """Tab brought focus back to an element it had visited, without passing the end of the page."""

    selectors: list[str]  # the elements focus went round
    text: str = ""
    keys: list[str] = Field(default_factory=list)  # keys then pressed to leave, in order
    escaped: bool = False  # one of them moved focus out of the cycle
    modal: bool = False  # the cycle is inside an open modal dialog that has a button
    direct: bool = False  # found beyond the Tab walk: the widget's first element focused by script
    refocus: bool = False  # found by leaving an element whose focus-leaving listener brought focus back


class KeyboardWalk(Frozen):
    """Tab pressed from the top of the page, a bounded number of times."""

    presses: int
    tabbable: int = 0  # elements the page puts in the tab order (as the DOM says)
    stops: list[TabStop] = Field(default_factory=list)  # focus after each press, in order
    cycle: FocusCycle | None = None
    refocus_listed: int = 0  # tabbable elements with a focus-leaving listener of their own, tried at most 3
    refocus_tried: int = 0  # of those, left by Tab and watched (time allowing)


class HoverProbe(Frozen):
    """A control whose neighbourhood holds hidden content: hovered with the mouse, then focused."""

    selector: str
    text: str = ""
    shown_on_hover: int = 0  # hidden elements near it that hovering showed
    shown_on_focus: int = 0  # of those, how many keyboard focus showed too
    revealed: str = ""  # the text hovering showed (first 100 characters)


class Animation(Frozen):
    """An animation running on an element (CSS animation or transition, or the Web Animations API)."""

    selector: str
    text: str = ""
    area: float = 0  # CSS px²
    seconds: float | None = None  # how long it runs in all; None: without end
    period_ms: float = 0  # one iteration
    properties: list[str] = Field(default_factory=list)


class ScriptChange(Frozen):
    """An element a script kept changing after the page loaded."""

    selector: str
    text: str = ""
    area: float = 0
    text_changes: int = 0
    style_changes: int = 0  # style or class attribute changes
    span_ms: float = 0  # from its first change to its last


class LuminanceSeries(Frozen):
    """An element's relative luminance sampled frame by frame (ms since the first sample, luminance).
    For a <canvas> or a playing <video>, the mean relative luminance of its pixels (a downscaled copy)."""

    selector: str
    area: float = 0
    samples: list[tuple[float, float]] = Field(default_factory=list)
    kind: str = "element"  # "element" (its style), "canvas" or "video" (its pixels)
    # The colour shown at each sample, for red flashes: (R/(R+G+B) of its sRGB value, CIE 1976 u', v');
    # empty when gathered before it was recorded.
    chroma: list[tuple[float, float, float]] = Field(default_factory=list)
    # True when read at exact times by moving its animations forward (every 10 ms over one second), not
    # as frames came: such samples are as dense on a loaded machine as on an idle one.
    seeked: bool = False


class Unmeasured(Frozen):
    """Something that could flash whose pixels the page does not let a script read (cross-origin)."""

    selector: str
    kind: str  # "canvas" or "video"
    area: float = 0
    reason: str = ""


class MotionFacts(Frozen):
    observed_ms: float = 0  # from the load event to this reading
    animations: list[Animation] = Field(default_factory=list)
    changes: list[ScriptChange] = Field(default_factory=list)
    luminance: list[LuminanceSeries] = Field(default_factory=list)
    sample_ms: float = 0  # how long the luminance was sampled as frames came (0: none was; seeked series take none)
    controls: list[str] = Field(default_factory=list)  # names of the page's buttons and toggles
    unmeasured: list[Unmeasured] = Field(default_factory=list)  # canvases and videos that could not be read


class AnimatedImage(Frozen):
    """An image the page loaded whose bytes say it is animated (or that could not be read), with the
    <img> elements that show it. Timing from crawlers/animation.py (Pillow's frame delays and loop count)."""

    url: str
    format: str = ""  # gif, apng, webp
    frames: int = 0
    loop_ms: float = 0  # one play of all its frames, as Chromium shows them
    plays: int | None = 1  # None: it loops forever
    error: str | None = None  # its bytes could not be read (then nothing else is known)
    selector: str = ""  # the first <img> showing it ("" when none is shown: a CSS background, say)
    area: float = 0  # CSS px², the largest of the <img> elements showing it
    shown: int = 0  # <img> elements showing it
    controls: list[str] = Field(default_factory=list)  # names of buttons near it (up to 3 ancestors up)
    in_details: bool = False  # inside a <details> element (opened by the user)
    # Each frame of its first 3 s (at most 200 frames): (ms shown, the mean relative luminance of what it
    # shows on a white page, and that colour's R/(R+G+B), u', v'), for flashes; empty when gathered before.
    states: list[tuple[float, float, float, float, float]] = Field(default_factory=list)


class ImageTimingFacts(Frozen):
    """The GIF, PNG and WebP images a page loaded, examined for animation (bounded per page)."""

    examined: int = 0  # images whose bytes were read and timed
    animated: list[AnimatedImage] = Field(default_factory=list)  # animated ones, and ones not readable
    skipped: list[str] = Field(default_factory=list)  # "url: reason" for images left unread (caps)


class Overflow(Frozen):
    selector: str
    text: str = ""
    past: float = 0  # CSS px past the right edge of the viewport


class ReflowFacts(Frozen):
    """The page laid out in a 320 CSS px wide window (a desktop browser zoomed to 400 %)."""

    width: float
    scroll_width: float
    scrolls: bool = False  # the page scrolls sideways (its root does not hide the overflow)
    overflowing: list[Overflow] = Field(default_factory=list)


class InteractionFacts(Frozen):
    """What the browser showed when the page was used: images read for animation, keys pressed,
    mouse moved, text enlarged, the window narrowed, motion watched. Each part is bounded in time; a
    part that did not finish is named in ``undecided`` with the reason, and its field stays None."""

    ms: dict[str, float] = Field(default_factory=dict)  # time each part took
    undecided: dict[str, str] = Field(default_factory=dict)
    keyboard: KeyboardWalk | None = None
    hover: list[HoverProbe] | None = None
    text_resize: list[ClippedText] | None = None  # boxes that clip their text at 200 % text size
    resize_boxes: int = 0  # boxes that clip their overflow, examined at 200 %
    reflow: ReflowFacts | None = None
    motion: MotionFacts | None = None
    images: ImageTimingFacts | None = None


class TechFacts(Frozen):
    """Raw markers of the software behind a page; :mod:`maturity.core.tech` names it."""

    generator: list[str] = Field(default_factory=list)  # <meta name="generator"> contents
    classes: str = ""  # classes of <html> and <body>
    attributes: list[str] = Field(default_factory=list)  # data-* and namespaced attribute names (two words)
    ids: list[str] = Field(default_factory=list)  # ids in the body (first 300)
    globals: list[str] = Field(default_factory=list)  # known script globals the page defines
    assets: list[str] = Field(default_factory=list)  # src / href / action attributes as written (first 500)


class DocumentFacts(Frozen):
    """What the rendered DOM says (gathered in the browser after load)."""

    url: str
    title: str | None
    lang: str | None
    meta: dict[str, str] = Field(default_factory=dict)  # name/property -> content
    canonical: str | None = None
    headings: list[Heading] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    landmarks: dict[str, int] = Field(default_factory=dict)
    skip_link: str | None = None  # href of the first in-page link before main content
    skip_link_target_exists: bool = False
    text: str = ""  # visible text of the main content (or body), whitespace folded
    word_count: int = 0
    iframes: int = 0
    # Gathered since the full catalogue; None means "gathered by a version that did not record it",
    # which checks report as an error rather than a pass.
    loose_fields: list[FormField] | None = None  # form fields outside any <form>
    choice_groups: list[ChoiceGroup] | None = None
    justified: list[TextRun] | None = None  # elements whose text is justified (largest first)
    uppercase: list[TextRun] | None = None  # elements set in capitals by text-transform (largest first)
    media: list[Media] | None = None  # <video> and <audio>
    blinking: int | None = None  # <marquee> and <blink> elements
    focus: FocusFacts | None = None
    render_blocking: list[Resource] | None = None  # stylesheets and synchronous scripts in <head>
    design: DesignFacts | None = None
    template: dict[str, str] | None = None  # "header" / "nav" / "footer" -> hash of its text
    alternates: list[Alternate] | None = None  # <link rel="alternate" hreflang>
    other_text: str | None = None  # visible text outside the main content (header, footer, ...), capped
    tables: list[TableFacts] | None = None
    aria_tables: list[AriaTableFacts] | None = None  # ARIA tables and grids with header cells
    fieldsets: list[FieldsetFacts] | None = None
    broken_labels: list[LabelFacts] | None = None
    hints: list[HintFacts] | None = None
    required_marks: list[RequiredMark] | None = None
    context_changes: list[ContextChange] | None = None
    image_buttons: list[ImageButton] | None = None
    labelled_controls: list[LabelledControl] | None = None  # named from content, but given a name of their own
    adjacent_links: list[AdjacentLink] | None = None
    clickables: list[Clickable] | None = None
    spacing_clipped: list[ClippedText] | None = None
    roleless_focusable: list[Clickable] | None = None  # tabindex on a generic element with no role
    positive_tabindex: list[Clickable] | None = None  # tabindex above 0 (ahead of the tab order)
    hover_only: list[HoverReveal] | None = None
    orientation_locks: list[OrientationLock] | None = None  # a quarter turn in one orientation only
    rtl_text: list[RtlText] | None = None
    audio: list[AudioFacts] | None = None
    passages: list[Passage] | None = None
    # Candidates some barrier checks looked at ("clickables", "tabindex", "hover_rules", "clip_boxes"):
    # none means the check had nothing to judge on the page (not applicable, rather than a pass).
    focus_jumps: list[FocusJump] | None = None
    examined: dict[str, int] | None = None
    tech: TechFacts | None = None
    interaction: InteractionFacts | None = None  # facts of the interactive phase (crawlers/interact.py)


class AxeNode(Frozen):
    target: str  # CSS selector (frames joined with " >>> ")
    html: str = ""
    summary: str = ""


class AxeRule(Frozen):
    id: str
    outcome: Literal["violation", "pass", "incomplete", "inapplicable"]
    impact: str | None = None
    tags: list[str] = Field(default_factory=list)
    help: str = ""  # axe's one-line requirement ("Images must have alternative text")
    help_url: str = ""
    description: str = ""  # axe's own account of what the rule tests; crawls before it was stored lack it
    nodes: list[AxeNode] = Field(default_factory=list)


class AxeFacts(Frozen):
    """axe-core results mapped onto our own types; nothing else ever sees axe's structures."""

    engine: str = "axe-core"
    version: str
    rules: list[AxeRule] = Field(default_factory=list)


class Request(Frozen):
    url: str
    resource_type: str = ""
    status: int | None = None
    bytes: int = 0
    blocked: bool = False  # aborted by our network policy
    third_party: bool = False


class NetworkFacts(Frozen):
    """Requests the browser made (or tried to make) while loading the page."""

    requests: list[Request] = Field(default_factory=list)


class PerfRun(Frozen):
    ttfb_ms: float | None = None  # the navigation's responseStart: from its start, the browser's own start-up in it
    # The server's answer time, responseStart − requestStart (Lighthouse's server-response-time reads the
    # same span, sendEnd to receiveHeadersStart); None in runs stored before it was recorded.
    server_ms: float | None = None
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    cls: float | None = None
    tbt_ms: float | None = None
    load_ms: float | None = None
    bytes: int = 0
    requests: int = 0
    bytes_by_type: dict[str, int] = Field(default_factory=dict)
    requests_by_type: dict[str, int] = Field(default_factory=dict)
    # How the wait after load ended: "idle" (nothing left queued), "quiet" (nothing moved for the
    # quiet window) or "cap" (the page never settled; late metrics may be missing).
    settled: str | None = None


class PerformanceFacts(Frozen):
    """Median of k serial loads under a named throttling profile."""

    profile: str
    k: int
    median: PerfRun
    runs: list[PerfRun] = Field(default_factory=list)
    spread: dict[str, float] = Field(default_factory=dict)  # metric -> max - min over runs


class TapTarget(Frozen):
    selector: str
    width: float
    height: float
    text: str = ""


class MobileFacts(Frozen):
    """Gathered under phone emulation."""

    device: str
    viewport_meta: str | None
    inner_width: int
    outer_width: int
    scroll_width: int
    small_targets: list[TapTarget] = Field(default_factory=list)
    targets_total: int = 0
    text_chars_total: int = 0
    text_chars_small: int = 0  # characters rendered below 12 CSS px
    # [width, height, distance from its centre to the nearest other target] of visible targets outside
    # running text (at most 500), for the advisory size check
    target_sizes: list[tuple[float, float, float]] | None = None


class RobotsFacts(Frozen):
    url: str
    status: int | None
    found: bool
    sitemaps: list[str] = Field(default_factory=list)
    crawl_delay: float | None = None
    start_allowed: bool = True


class SitemapFacts(Frozen):
    url: str
    status: int | None
    kind: Literal["urlset", "index", "text", "invalid", "missing"]
    url_count: int = 0
    pdf_count: int = 0
    latest_lastmod: str | None = None


class SecurityTxtFacts(Frozen):
    """``/.well-known/security.txt`` (RFC 9116), as fetched."""

    url: str
    status: int | None
    final_url: str = ""
    content_type: str = ""
    fields: dict[str, list[str]] = Field(default_factory=dict)  # lower-case field name -> values
    signed: bool = False  # an OpenPGP cleartext signature wraps it


class Attestation(Frozen):
    """An agency's answer to one question no crawler can answer (see ``maturity.core.attest``)."""

    question: str
    answer: bool | float  # yes/no, or a score from 0 to 1
    evidence: str = ""  # a link or reference to the evidence
    date: str  # ISO date the answer was given
    expires: str | None = None  # ISO date after which it no longer counts
    by: str = ""
    note: str = ""


class AttestationSet(Frozen):
    """An attestation file as attached to a crawl (a site-level artifact, so rescoring sees it)."""

    source: str = ""
    sha256: str = ""
    agency: str = ""
    attached_at: str = ""  # ISO timestamp
    attestations: list[Attestation] = Field(default_factory=list)


SampleMethod = Literal["crawl", "stratified", "random", "traffic"]


class Stratum(Frozen):
    key: str
    size: int  # pages of the population in it
    drawn: list[str] = Field(default_factory=list)  # the pages audited from it


class SampleFacts(Frozen):
    """How the audited pages were chosen: stored with the site facts, read by the scorer."""

    method: SampleMethod
    seed: int = 0
    population: int  # HTML pages discovery found
    strata: list[Stratum] = Field(default_factory=list)

    @property
    def drawn(self) -> int:
        return sum(len(s.drawn) for s in self.strata)

    def describe(self, audited: Iterable[str] | None = None) -> str:
        """The sample in words, for the scorecard. With ``audited`` (the pages that could be assessed),
        it also names the groups none of whose drawn pages could be: they are missing from the figures."""
        return self._how() + (self._missing(set(audited)) if audited is not None else "")

    def _missing(self, audited: set[str]) -> str:
        lost = [s for s in self.strata if s.drawn and not audited.intersection(s.drawn)]
        if not lost or self.method == "traffic":
            return ""
        pages = sum(s.size for s in lost)
        names = ", ".join(s.key for s in lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
        group = "group" if len(lost) == 1 else "groups"
        return (
            f". {len(lost)} {group} ({pages:,} pages found) had no page that could be assessed and "
            f"{'is' if len(lost) == 1 else 'are'} missing from the figures: {names}"
        )

    def _how(self) -> str:
        if self.method == "traffic":
            return (
                f"{self.drawn:,} of {self.population:,} pages found: the home page, its main navigation and the "
                "most visited pages (imported traffic), not a random sample"
            )
        if self.method == "random":
            how = f"a random sample (seed {self.seed})"
        else:
            how = (
                f"a stratified sample (seed {self.seed}): {len(self.strata)} groups of pages sharing a template "
                "and section, each audited at least once, the rest in proportion to their size, with the home "
                "page and its main navigation always in"
            )
        return f"{self.drawn:,} of {self.population:,} pages found, audited as {how}"


class SurveyFigure(Frozen):
    """One survey figure of the agency's services for one fiscal quarter (see :mod:`maturity.core.xdata`)."""

    service: str
    fiscal_year: int
    quarter: int
    measure: str  # trust, satisfaction, or a driver (ease, efficiency, ...)
    kind: str  # thumbs | likert | share | went_well | went_badly | mean
    n: int
    share: float | None = None  # None: fewer than 30 responses, or only a mean was given
    low: float | None = None  # Wilson 95 % interval
    high: float | None = None
    trust_question: str | None = None


class SurveyService(Frozen):
    """One of the agency's services as its portfolio file lists it (issue 18)."""

    id: str
    name: str
    journeys: list[str] = Field(default_factory=list)  # ids of the journeys that walk through it
    here: bool = False  # one of its URLs is on this crawl's site: the site delivers it


class SurveyFacts(Frozen):
    """The agency's survey figures as attached to a crawl (by the audit itself when the agency has
    imported survey results, or by ``maturity xdata score``), so every later rescoring sees the
    same figures. Only quarters that began on or before the run date are attached."""

    agency: str
    attached_at: str = ""  # ISO timestamp
    figures: list[SurveyFigure] = Field(default_factory=list)
    as_of: str | None = None  # the run date (ISO date) the quarters are counted from; None: no limit
    fiscal_year_start: int = 10  # the month fiscal years start in (10: the federal year)
    services: list[SurveyService] = Field(default_factory=list)  # the agency's services (portfolio)
    scope: Literal["agency", "site"] = "agency"  # every service's figures, or only the site's services


class TrafficFacts(Frozen):
    """Visits to the pages found, from an imported analytics report (``maturity traffic import``):
    what ``--sample traffic`` ranks by and a rubric's ``page_weighting: traffic`` weighs by."""

    metric: str  # the report's count: views, sessions, ...
    period: str | None = None
    views: dict[str, int] = Field(default_factory=dict)  # page URL -> count (pages without a row: absent)


class SiteFacts(Frozen):
    """Facts about the whole site, gathered once per crawl."""

    start_url: str
    robots: RobotsFacts | None = None
    sitemaps: list[SitemapFacts] = Field(default_factory=list)
    link_status: dict[str, int | None] = Field(default_factory=dict)  # internal URL -> status
    non_html: dict[str, str] = Field(default_factory=dict)  # URL -> content type (PDFs, ...)
    duplicate_pages: dict[str, str] = Field(default_factory=dict)  # URL -> page with the same body, audited once
    http_redirects_to_https: bool | None = None  # None: not tested / not applicable
    not_found_status: int | None = None  # status of a made-up URL (soft-404 probe)
    homepage_url: str | None = None
    security_txt: SecurityTxtFacts | None = None  # None: not fetched
    page_lastmod: dict[str, str] = Field(default_factory=dict)  # page URL -> sitemap <lastmod>
    crawled_at: str | None = None  # ISO timestamp of discovery: the reference date of date checks
    attestations: AttestationSet | None = None
    traffic: TrafficFacts | None = None  # visits per page found, when a report was imported for the site
    sample: SampleFacts | None = None  # how the audited pages were drawn from those found (maturity.core.sampling)
    survey: SurveyFacts | None = None  # customer survey figures, attached on request (issue 18)
    # The documents the site links to, fetched and parsed (maturity.core.documents); None: not collected.
    documents: DocumentSet | None = None
    # The task journeys run with this crawl (issue 15), attached when it is scored from the store's
    # journey results (maturity.run.scoring); None: no journey was run, the Tasks dimension is not assessed.
    journeys: list[JourneyResult] | None = None


ARTIFACT_MODELS: dict[str, type[Frozen]] = {
    "http": HttpFacts,
    "document": DocumentFacts,
    "axe": AxeFacts,
    "network": NetworkFacts,
    "performance": PerformanceFacts,
    "mobile": MobileFacts,
}
"""Page artifact names -> their model. ``site`` is the one site-level artifact."""


class ArtifactError(Frozen):
    """An artifact that could not be gathered. Checks that need it give an error result."""

    error: str
    kind: str = "error"  # "timeout", "crash", "http", "blocked", ...


PageStatus = Literal["ok", "not_assessable", "pending"]  # pending: planned, not audited yet


class PageArtifacts(Frozen):
    """Everything gathered for one page. ``artifacts`` holds plain JSON per name;
    an entry with an ``error`` key is an :class:`ArtifactError`."""

    url: str
    depth: int = 0
    status: PageStatus = "ok"
    reason: str | None = None  # why the page is not assessable
    artifacts: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Each artifact is validated once however many checks read it (scoring reads one 20-odd times).
    # Keyed by name, holding the raw dict it came from (a copy with other artifacts never reuses it).
    _typed: dict[str, tuple[dict[str, Any], Frozen]] = PrivateAttr(default_factory=dict)

    def get(self, name: str, *, keep: bool = True) -> Frozen | ArtifactError | None:
        """The artifact as its model (or an :class:`ArtifactError`); ``keep`` holds the model for the
        next call until :meth:`release`."""
        raw = self.artifacts.get(name)
        if raw is None:
            return None
        hit = self._typed.get(name)
        if hit is not None and hit[0] is raw:
            return hit[1]
        if "error" in raw and set(raw) <= {"error", "kind"}:
            typed: Frozen = ArtifactError.model_validate(raw)
        else:
            typed = ARTIFACT_MODELS[name].model_validate(raw)
        if keep:
            self._typed[name] = (raw, typed)
        return typed

    def release(self) -> None:
        """Let go of the models :meth:`get` kept."""
        self._typed.clear()


# ---------------------------------------------------------------------------
# Check results
# ---------------------------------------------------------------------------


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Item(Frozen):
    """One piece of evidence behind a result: where, what, and the raw value."""

    url: str = ""
    selector: str = ""
    snippet: str = ""
    detail: str = ""
    value: float | str | None = None


class CheckResult(Frozen):
    check_id: str
    url: str | None  # None for a site-level check
    outcome: Outcome
    score: float | None = None  # 0..1; None for not applicable / error
    value: float | None = None  # the measured figure for metric checks
    items: list[Item] = Field(default_factory=list)
    error: str | None = None

    @classmethod
    def passed(cls, check_id: str, url: str | None, **kw: Any) -> CheckResult:
        return cls(check_id=check_id, url=url, outcome=Outcome.PASS, score=kw.pop("score", 1.0), **kw)

    @classmethod
    def failed(cls, check_id: str, url: str | None, **kw: Any) -> CheckResult:
        return cls(check_id=check_id, url=url, outcome=Outcome.FAIL, score=kw.pop("score", 0.0), **kw)

    @classmethod
    def not_applicable(cls, check_id: str, url: str | None, detail: str = "") -> CheckResult:
        items = [Item(url=url or "", detail=detail)] if detail else []
        return cls(check_id=check_id, url=url, outcome=Outcome.NOT_APPLICABLE, items=items)

    @classmethod
    def errored(cls, check_id: str, url: str | None, error: str) -> CheckResult:
        return cls(check_id=check_id, url=url, outcome=Outcome.ERROR, error=error)


class RunInfo(Frozen):
    """What a report says about the run behind a scorecard, so every figure can be traced."""

    crawl_id: int
    scoring_id: int | None = None
    target_url: str
    status: str = "finished"
    started_at: str = ""
    finished_at: str | None = None
    tool_version: str = ""
    axe_version: str = ""
    browser_version: str = ""
    settings: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, Any] = Field(default_factory=dict)
    pages_found: int = 0
