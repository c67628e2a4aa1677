"""keyboard-trap: focus can always be moved away with the keyboard (WCAG 2.1.2, failure F10)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult, Item

ID = "keyboard-trap"


@check(
    id=ID,
    dimension="accessibility",
    title="Keyboard focus can always move on",
    failure_title="Keyboard focus gets stuck in part of the page",
    description=(
        "Someone using a keyboard moves through a page with Tab and Shift+Tab. A widget that catches "
        "those keys and keeps focus inside it (a date picker, an embedded player, an editor) strands "
        "them: the rest of the page cannot be reached without a mouse. Let Tab and Shift+Tab leave every "
        "widget, or leave it on Escape and say so. Tried in the browser: Tab is pressed from the top of "
        "the page, at most 20 times, into same-origin frames too; when focus comes back to an element it "
        "visited before reaching the end of the page, Tab, Escape then Tab, and Shift+Tab are pressed to "
        "leave. When the walk ends before the end of the page, up to 3 widgets it did not reach (elements "
        "with a composite-widget role such as group, toolbar, grid or dialog, custom elements, and "
        "containers a page script gave a key or focus-leaving listener, with at most 8 tabbable elements) "
        "have their first element focused by script and are tried the same way. The walk's presses come "
        "faster than a page timer, so when it found no trap, up to 3 elements with a focus-leaving (blur) "
        "listener of their own are each focused and left by Tab, focus read 60 ms later: focus brought "
        "back to where it was, or before it, is tried the same way, reading 60 ms after every key. It fails "
        "when none of the keys takes focus out. An open modal dialog with a button in it may hold focus by "
        "design. Not seen: a trap beyond the walk in a widget with none of these marks (its key handler on "
        "the document, say) or with more elements, focus brought back by a listener on an ancestor or "
        "after more than 60 ms, and focus inside cross-origin frames."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.1.2 No Keyboard Trap, failure F10 (combining content formats in a way that "
    "traps users inside one format type)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F10",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "keyboard")
    if isinstance(facts, CheckResult):
        return facts
    walk = facts.keyboard
    if walk is None or walk.presses == 0:
        return CheckResult.not_applicable(ID, page.url, "nothing on the page takes keyboard focus")
    cycle = walk.cycle
    if cycle is None or cycle.escaped or cycle.modal:
        return CheckResult.passed(ID, page.url)
    went = ", ".join(cycle.selectors[:4])
    item = Item(
        url=page.url,
        selector=cycle.selectors[0] if cycle.selectors else "",
        snippet=cycle.text[:80],
        detail=f"focus stays among {len(cycle.selectors)} element(s) ({went}) after {', '.join(cycle.keys)}"
        + ("; found by focusing the widget directly, beyond the Tab walk" if cycle.direct else "")
        + ("; leaving it by Tab, its focus-leaving listener brings focus back" if cycle.refocus else ""),
    )
    return CheckResult.failed(ID, page.url, items=[item], value=1.0)
