"""Table facts read in the browser: which header cells name no cell, and which lack a scope where it is
needed (HTML's table model, the W3C's ACT rule d0f69e, technique H63). The tables are written here."""

from __future__ import annotations

import pytest

from maturity.core.model import AriaTableFacts, TableFacts

pytestmark = pytest.mark.browser

TABLES = {
    # a header row and a header column, no scope: every header names cells (the corner names the row headers)
    "hours": "<tr><th>Day</th><th>Open</th><th>Close</th></tr><tr><th>Weekdays</th><td>8</td><td>5</td></tr>"
    "<tr><th>Saturday</th><td>9</td><td>1</td></tr>",
    # the last column's cells were left out
    "short": "<tr><th>Boat</th><th>Fee</th><th>Season pass</th></tr><tr><td>Canoe</td><td>$5</td></tr>",
    # a cell spanning two columns is under both headers
    "span": "<thead><tr><th>Projects</th><th>Exams</th></tr></thead><tbody><tr><td colspan='2'>15%</td></tr></tbody>",
    # the headers attribute names a header outside the cell's column, and takes the cell from its own column
    "listed": "<tr><th id='c1'>Town</th><th id='c2'>Count</th></tr><tr><td>Alma</td></tr>"
    "<tr><td headers='c2'>3</td></tr>",
    "moved": "<tr><th id='m1'>Lake</th><th id='m2'>Fish</th></tr><tr><td>Clear</td><td headers='m1'>Trout</td></tr>",
    # row headers after line numbers (H63's first example's shape): away from the first row and column
    "numbered": "<tr><td></td><th>Ramp</th><th>Lanes</th></tr><tr><td>1.</td><th>North</th><td>2</td></tr>"
    "<tr><td>2.</td><th>South</th><td>1</td></tr>",
    # a row header with nothing after it
    "tail": "<tr><th>Item</th><th>Cost</th></tr><tr><th>Permit</th><td>$10</td></tr><tr><th>Total</th></tr>",
    # a row header whose data cells are empty still names them
    "blank": "<tr><th>Lake</th><th>April</th><th>May</th></tr><tr><th>Clear</th><td>4</td><td>3</td></tr>"
    "<tr><th>Mud</th><td></td><td></td></tr>",
    # a <th> given the role of a cell is no header
    "cell": "<tr><th role='cell'>Column A</th></tr><tr><td>Cell A</td></tr><tr><th role='cell'>Column B</th></tr>",
    # a table of headers only names nothing, and is left alone
    "heads": "<tr><th id='n' colspan='2'>Name</th></tr><tr><th headers='n'>First</th><th headers='n'>Last</th></tr>",
    # a footer of header cells (totals) is not judged
    "foot": "<tr><th>Item</th><th>Cost</th></tr><tr><td>Permit</td><td>$10</td></tr>"
    "<tfoot><tr><th>Total</th><th>$10</th></tr></tfoot>",
}


def _document(shared_browser, title: str, body: str) -> dict:
    """The document facts collect.js gathers from a page of ``body``."""

    async def read() -> dict:
        context = await shared_browser.session.new_context(device=None, net=None)
        try:
            page = await context.new_page()
            await page.set_content(f"<!doctype html><html lang='en'><title>{title}</title><body>{body}</body></html>")
            return (await page.evaluate(shared_browser.session.collect_js))["document"]
        finally:
            await context.close()

    return dict(shared_browser.run(read()))


def _facts(shared_browser) -> dict[str, TableFacts]:
    body = "".join(f"<table id='{k}'><caption>{k}</caption>{v}</table>" for k, v in TABLES.items())
    tables = _document(shared_browser, "Tables", body)["tables"]
    return {t["selector"].lstrip("#"): TableFacts.model_validate(t) for t in tables}


def test_header_cells_that_name_no_cell_and_scope_where_it_is_needed(shared_browser):
    facts = _facts(shared_browser)
    assert {k: f.headers_naming_nothing for k, f in facts.items()} == {
        "hours": [],
        "short": ["Season pass"],
        "span": [],
        "listed": [],
        "moved": ["Fish"],
        "numbered": [],
        "tail": ["Total"],
        "blank": [],
        "cell": [],
        "heads": [],
        "foot": [],
    }
    assert facts["cell"].header_cells == 0
    # <th> without scope away from the first row and column: North and South; the others sit on the edges
    # (the footer's "$10" and the second header row's "Last" are too, in tables with column headers only,
    # where scope is not asked for)
    assert {k: f.inner_headers_without_scope for k, f in facts.items() if f.inner_headers_without_scope} == {
        "numbered": 2,
        "heads": 1,
        "foot": 1,
    }
    assert [k for k, f in facts.items() if f.column_headers and f.row_headers] == ["hours", "numbered", "tail", "blank"]
    assert (facts["blank"].column_headers, facts["blank"].row_headers) == (3, 2)
    # its header row (an empty corner aside) holds column headers; North and South are row headers
    assert (facts["numbered"].column_headers, facts["numbered"].row_headers) == (2, 2)
    assert (facts["hours"].column_headers, facts["hours"].row_headers) == (3, 2)


GRIDS = {
    # the ACT rule d0f69e's failed example 3: the rows leave the Occupant column empty
    "rooms": "<div role='row'><div role='columnheader'>Room</div><div role='columnheader'>Occupant</div></div>"
    "<div role='row'><div role='gridcell'>1A</div></div><div role='row'><div role='gridcell'>2A</div></div>",
    # the same with its cells filled in
    "filled": "<div role='row'><span role='columnheader'>Room</span><span role='columnheader'>Occupant</span></div>"
    "<div role='row'><span role='gridcell'>1A</span><span role='gridcell'>Ada</span></div>",
    # a row header names the cells after it; columns placed by aria-colindex (the first column not rendered)
    "indexed": "<div role='row'><span role='columnheader' aria-colindex='2'>Fee</span></div>"
    "<div role='row'><span role='rowheader' aria-colindex='1'>Canoe</span><span role='cell' aria-colindex='2'>$5</span>"
    "</div><div role='row'><span role='rowheader' aria-colindex='1'>Kayak</span></div>",
    # a grid of headers only names nothing, and is left alone; a grid inside a cell is its own
    "heads": "<div role='row'><span role='columnheader'>Name</span><span role='columnheader'>Town</span></div>",
    "outer": "<div role='row'><span role='columnheader'>Lake</span></div><div role='row'><span role='cell'>"
    "<div role='grid' id='inner'><div role='row'><span role='columnheader'>Depth</span></div></div></span></div>",
}


def test_aria_grids_header_cells_that_name_no_cell(shared_browser):
    body = "".join(f"<div role='grid' id='{k}' aria-label='{k}'>{v}</div>" for k, v in GRIDS.items())
    grids = _document(shared_browser, "Grids", body)["aria_tables"]
    facts = {t["selector"].lstrip("#"): AriaTableFacts.model_validate(t) for t in grids}
    # "heads" has header cells only; "inner" (a grid of one header) is read on its own, apart from "outer"
    assert {k: f.headers_naming_nothing for k, f in facts.items()} == {
        "rooms": ["Occupant"],
        "filled": [],
        "indexed": ["Kayak"],
        "heads": [],
        "outer": [],
        "inner": [],
    }
    assert (facts["rooms"].rows, facts["rooms"].header_cells) == (3, 2)
