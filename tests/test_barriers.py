"""Barrier checks in real Chromium: each barrier page fails exactly its checks, and its clean twin
(the same page with the barriers fixed) fails none of them.

One site, one audit (default rubric, loopback only, no throttling): tables, forms, links and
buttons, text spacing, keyboard, and the barriers only using the page shows (a keyboard trap beyond the
20 presses of the Tab walk, a time picker trapping focus inside a frame, focus sent back up the page, a
tooltip on hover only, text cut off at 200 %, a form too wide for 320 px, scrolling news, a counter, a
flashing box, a canvas flashing black and white, an animated GIF looping forever), each as a barrier
page and a clean twin; a USWDS-style and a GOV.UK-style page written here, on which no accessibility
check fails (axe-core's rules included); and a page carrying a content management system's markers and
a Login.gov sign-in form, for the informational checks.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from sites import Resource, SiteServer, gif, html

from maturity.core.model import DocumentFacts, Outcome
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings
from maturity.run.audit import audit
from maturity.store import Store

# quiet: the motion watched and the keys pressed are timed; scripts/bootstrap runs these alone
pytestmark = [pytest.mark.browser, pytest.mark.quiet]

# The checks this file proves; the catalogue's other checks are covered by test_catalogue_browser.py.
BARRIER_CHECKS = {
    "table-headers",
    "table-header-scope",
    "table-scope-advised",
    "table-header-cells",
    "nested-table",
    "layout-table-markup",
    "table-row-cells",
    "fieldset-legend",
    "label-target",
    "hint-association",
    "required-asterisk",
    "context-change",
    "symbol-link-text",
    "document-link-type",
    "adjacent-links",
    "image-button-alt",
    "label-in-name",
    "alt-text-placeholder",
    "click-focus",
    "text-spacing",
    "focusable-role",
    "positive-tabindex",
    "orientation-lock",
    "hover-only",
    "rtl-direction",
    "audio-transcript",
    "alt-title-conflict",
    "lang-parts",
    "focus-order",
    # interactive: keys pressed, the mouse moved, text enlarged, the window narrowed, motion watched
    "keyboard-trap",
    "tab-order",
    "hover-content",
    "text-resize",
    "reflow",
    "flashing",
    "moving-content",
    "animated-image",
    # links, images and tables beyond axe-core (static DOM facts)
    "javascript-link",
    "ambiguous-link-text",
    "link-title-redundant",
    "presentational-alt",
    "alt-title-mismatch",
    "table-caption",
}

STYLE = (
    "<style>body{font:16px/1.5 sans-serif;color:#1b1b1b;background:#fff} a{color:#005ea2}"
    ".grid td,.grid th{border:1px solid #565c65;padding:4px}"
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}</style>"
)


def page(title: str, body: str, head: str = "") -> str:
    return html(title, f"<h1>{title}</h1>{body}", head=STYLE + head)


# -- tables ---------------------------------------------------------------------------------
PLAIN_GRID = (
    "<table class='grid'><tr><td>Lake</td><td>Species</td><td>Fish</td></tr>"
    "<tr><td>Clear Lake</td><td>Trout</td><td>400</td></tr><tr><td>Mud Lake</td><td>Bass</td><td>250</td></tr>"
    "<tr><td>Long Lake</td><td>Perch</td><td>120</td></tr></table>"
)
TWO_WAY = (
    "<table class='grid'><caption>Stocking by month</caption><tr><th>Lake</th><th>April</th><th>May</th></tr>"
    "<tr><th>Clear Lake</th><td>400</td><td>300</td></tr><tr><th>Mud Lake</th><td>250</td><td>200</td></tr></table>"
)
# Row headers in the second column, after line numbers (as in technique H63's first example): only scope
# says which way those <th> point.
NUMBERED = (
    "<table class='grid'><caption>Boat ramps</caption><tr><td></td><th>Ramp</th><th>Lanes</th><th>Open</th></tr>"
    "<tr><td>1.</td><th>North shore</th><td>2</td><td>All year</td></tr>"
    "<tr><td>2.</td><th>South cove</th><td>1</td><td>May to October</td></tr></table>"
)
# A column whose header names nothing: its rows stop short of it.
FEES = (
    "<table class='grid'><caption>Ramp fees</caption><tr><th scope='col'>Boat</th><th scope='col'>Fee</th>"
    "<th scope='col'>Season pass</th></tr><tr><td>Canoe</td><td>$5</td>{0}</tr>"
    "<tr><td>Motorboat</td><td>$12</td>{0}</tr></table>"
)
TABLES_BAD = page(
    "Lake stocking tables",
    PLAIN_GRID
    + TWO_WAY
    + NUMBERED
    + "<table role='presentation'><tr><th>Menu</th><td><a href='/'>Home page</a></td></tr></table>"
    + "<table><tr><td><p>Permits issued this year:</p><table class='grid'><caption>Permits</caption>"
    "<tr><th scope='col'>Kind</th><th scope='col'>Issued</th></tr><tr><td>Boat</td><td>12</td></tr></table>"
    "</td><td><p>Fees are set by statute.</p></td></tr></table>"
    + "<table class='grid'><caption>Hatchery staff</caption><tr><th scope='col'>Name</th><th scope='col'>Role</th>"
    "<th scope='col'>Phone</th></tr><tr><td>Ana</td><td>Manager</td><td>555-0100</td></tr>"
    "<tr><td>Ben</td><td>Technician</td></tr></table>" + FEES.format(""),
)
TABLES_GOOD = page(
    "Lake stocking tables, fixed",
    PLAIN_GRID.replace("<tr><td>Lake</td><td>Species</td><td>Fish</td></tr>", "").replace(
        "<table class='grid'>",
        "<h2 id='stocked'>Fish stocked</h2><table class='grid' aria-labelledby='stocked'><thead>"
        "<tr><th scope='col'>Lake</th><th scope='col'>Species</th>"
        "<th scope='col'>Fish</th></tr></thead>",
        1,
    )
    + TWO_WAY.replace("<th>Lake", "<th scope='col'>Lake")
    .replace("<th>April", "<th scope='col'>April")
    .replace("<th>May", "<th scope='col'>May")
    .replace("<th>Clear", "<th scope='row'>Clear")
    .replace("<th>Mud", "<th scope='row'>Mud")
    + NUMBERED.replace("<th>", "<th scope='col'>", 3).replace("<th>", "<th scope='row'>")
    + "<table role='presentation'><tr><td>Menu</td><td><a href='/'>Home page</a></td></tr></table>"
    + "<p>Permits issued this year:</p><table class='grid'><caption>Permits</caption>"
    "<tr><th scope='col'>Kind</th><th scope='col'>Issued</th></tr><tr><td>Boat</td><td>12</td></tr></table>"
    "<p>Fees are set by statute.</p>"
    + "<table class='grid'><caption>Hatchery staff</caption><tr><th scope='col'>Name</th><th scope='col'>Role</th>"
    "<th scope='col'>Phone</th></tr><tr><td>Ana</td><td>Manager</td><td>555-0100</td></tr>"
    "<tr><td>Ben</td><td>Technician</td><td></td></tr><tr></tr></table>"
    + FEES.format("<td>$40</td>")
    # spans that fill the grid exactly are not ragged rows; headers down one side need no scope
    + "<table class='grid'><caption>Opening hours</caption><tr><th scope='col'>Site</th><th scope='col' colspan='2'>"
    "Hours</th></tr><tr><th scope='row' rowspan='2'>Clear Lake</th><td>Mon-Fri</td><td>8-6</td></tr>"
    "<tr><td>Sat</td><td>9-1</td></tr><tr><td colspan='3'>Closed on public holidays</td></tr></table>"
    "<table class='grid'><caption>Contacts</caption><tr><th>Office</th><td>555-0100</td></tr>"
    "<tr><th>Ranger</th><td>555-0101</td></tr><tr><th>Hatchery</th><td>555-0102</td></tr></table>"
    # an old-style layout table (no borders, no markup) is not a data table: nothing to fail
     + "<table><tr><td><p>Our office is open weekdays.</p></td><td><p>Call us before you visit.</p></td></tr>"
    "<tr><td><p>Parking is free.</p></td><td><p>The building is step-free.</p></td></tr>"
    "<tr><td><p>Dogs are welcome.</p></td><td><p>Bring your permit.</p></td></tr></table>",
)

# -- forms ----------------------------------------------------------------------------------
FORMS_BAD = page(
    "Apply for a boat permit",
    "<form action='/apply' method='post'>"
    "<fieldset><p>Boat details</p><label for='hull'>Hull number</label> <input id='hull' name='hull'></fieldset>"
    "<label for='owner-name'>Owner</label> <input id='owner' name='owner' aria-label='Owner'>"
    "<div class='usa-form-group'><label class='usa-label' for='dob'>Date of birth</label>"
    "<span class='usa-hint' id='dob-hint'>For example: 4 28 1986</span>"
    "<span class='usa-error-message' id='dob-error'>Enter your date of birth</span>"
    "<input class='usa-input' id='dob' name='dob'></div>"
    "<label for='town'>Town *</label> <input id='town' name='town'>"
    "<label for='county'>County</label> <select id='county' name='county' onchange='this.form.submit()'>"
    "<option>Adams</option><option>Brown</option></select>"
    "<label for='built-year'>Year built</label> <label for='built-year'>Year</label>"
    "<input id='built-year' name='built'>"
    "<button type='submit'>Apply</button></form>",
)
FORMS_GOOD = page(
    "Apply for a boat permit, fixed",
    "<form action='/apply' method='post'>"
    "<fieldset><legend>Boat details</legend><label for='hull'>Hull number</label> <input id='hull' name='hull'>"
    "</fieldset>"
    "<label for='owner'>Owner</label> <input id='owner' name='owner'>"
    "<div class='usa-form-group'><label class='usa-label' for='dob'>Date of birth</label>"
    "<span class='usa-hint' id='dob-hint'>For example: 4 28 1986</span>"
    "<span class='usa-error-message' id='dob-error'>Enter your date of birth</span>"
    "<input class='usa-input' id='dob' name='dob' aria-describedby='dob-hint dob-error'></div>"
    "<label for='town'>Town *</label> <input id='town' name='town' required>"
    "<fieldset aria-describedby='terms-hint'><legend>Terms</legend><div class='usa-hint' id='terms-hint'>"
    "You must agree before you apply</div><input type='checkbox' id='terms' name='terms'>"
    "<label for='terms'>I agree</label></fieldset>"
    "<label for='county'>County</label> <select id='county' name='county'>"
    "<option>Adams</option><option>Brown</option></select>"
    "<label for='built-year'>Year built</label> <input id='built-year' name='built'>"
    "<button type='submit'>Apply</button></form>",
)

# -- links, buttons and images ---------------------------------------------------------------------
LINKS_BAD = page(
    "Parks and reports",
    "<p>Results, page 1. <a href='/'>»</a></p>"
    "<p><a href='/annual-report.pdf'>Annual report</a></p>"
    "<p><a href='/'><img src='/img/parks.png' alt='State parks' width='24' height='24'></a> "
    "<a href='/'>State parks</a></p>"
    "<form action='/search'><label for='q'>Search parks</label> <input id='q' name='q'> "
    "<input type='image' src='/img/search-button.png' alt='search-button.png' title='Search'></form>"
    "<div onclick='openMenu()'>Open the park menu</div>"
    "<p><img src='/img/IMG_2041.jpg' alt='IMG_2041.jpg' width='40' height='40'></p>"
    "<p><a href=\"javascript:window.open('/media-good')\">Hearing recording</a></p>"
    "<p>Boat permits: <a href='/forms-bad'>Apply</a></p><p>Dock permits: <a href='/forms-good'>Apply</a></p>"
    "<p><a href='/motion-good' title='Campground news'>Campground news</a></p>"
    "<p><a href='/tables-good' aria-label='Latest park news'>Read the bulletin</a></p>",
)
LINKS_GOOD = page(
    "Parks and reports, fixed",
    "<p>Results, page 1. <a href='/' aria-label='Next page'>»</a></p>"
    "<p><a href='/annual-report.pdf'>Annual report (PDF, 1 MB)</a></p>"
    "<p><a href='/'><img src='/img/parks.png' alt='' width='24' height='24'> State parks</a></p>"
    "<form action='/search'><label for='q'>Search parks</label> <input id='q' name='q'> "
    "<input type='image' src='/img/search-button.png' alt='Search'></form>"
    "<span role='button' tabindex='0' onclick='openMenu()'>Open the park menu</span>"
    "<p><img src='/img/IMG_2041.jpg' alt='Volunteers planting trees at Clear Lake' width='40' height='40'></p>"
    "<p><a href='/media-good'>Hearing recording</a></p>"
    "<p>Boat permits: <a href='/forms-bad'>Apply for a boat permit</a></p>"
    "<p>Dock permits: <a href='/forms-good' aria-label='Apply for a dock permit'>Apply</a></p>"
    "<p><a href='/motion-good' title='Opening dates of the north and south campgrounds'>Campground news</a></p>"
    "<p><a href='/tables-good' aria-label='Read the bulletin: latest park news'>Read the bulletin</a></p>"
    # an icon-font glyph is no label: the ligature 'cancel' is drawn as a cross; nor is text for screen
    # readers only (the visible label is the letter f)
    "<p><a href='/' aria-label='Share on Facebook'><span style='position:absolute;width:1px;height:1px;"
    "overflow:hidden;clip:rect(0 0 0 0)'>Facebook page</span>f</a></p>"
    "<p><button type='button' aria-label='Close the notice' style=\"font-family: 'Material Icons'\">cancel</button></p>"
    # one destination: a fragment and a trailing slash do not make another
    "<p><a href='/media-good#recording'>Hearing recording</a></p>"
    # a closed menu's links are not shown, so not listed: the same name elsewhere is no ambiguity
    "<nav aria-label='Permits' style='display:none'><a href='/tables-good'>Apply for a boat permit</a></nav>"
    # two items of a list, and the end of one region and the start of the next, are not adjacent links
    "<ul><li><a href='/'>Parks home</a></li><li><a href='/'>All parks</a></li></ul>"
    "<section aria-label='More'><p><a href='/contact'>Contact us (in English)</a></p></section>"
    "<section aria-label='Contact'><p><a href='/contact'>Contact us</a></p></section>"
    # a scrolling box does not clip: wider spacing only makes it scroll further
    "<div style='width:260px;height:1.6em;line-height:1.5em;overflow-x:hidden;overflow-y:auto'>"
    "Open weekdays from nine to five</div>",
)

# -- text spacing ---------------------------------------------------------------------------
SPACING_BAD = page(
    "Opening hours",
    "<div style='width:260px;height:1.5em;line-height:1.5em;overflow:hidden'>Open weekdays from nine to five</div>"
    "<p><span class='sr-only'>Note: </span>Closed on public holidays.</p>",
)
SPACING_GOOD = page(
    "Opening hours, fixed",
    "<div style='width:260px;min-height:1.5em;line-height:1.5em;overflow:hidden'>Open weekdays from nine to five"
    "</div><p><span class='sr-only'>Note: </span>Closed on public holidays.</p>",
)

# -- keyboard ---------------------------------------------------------------------------------
MENU_CSS = "<style>.menu li ul{display:none}.menu li:hover > ul{display:block}</style>"
MENU = (
    "<ul class='menu'><li><a href='/'>Services</a><ul><li><a href='/'>Permits</a></li>"
    "<li><a href='/'>Licences</a></li></ul></li></ul>"
)
STEPS = (
    "<div style='display:flex;flex-direction:column'>"
    "<a href='/forms-good' style='display:block;padding:60px 0;{0}'>Step 2: pay the fee</a>"
    "<a href='/tables-good' style='display:block;padding:60px 0;{1}'>Step 1: fill in the form</a></div>"
)
# A same-origin frame (srcdoc) holding a time picker; on the barrier page its script keeps Tab and
# Shift+Tab between its two buttons (the keyboard walk enters the frame and finds the trap).
FRAME = (
    "<iframe title='Appointment time' style='width:320px;height:90px;border:1px solid #565c65' srcdoc='"
    '<!doctype html><html lang="en"><head><title>Appointment time</title></head><body>'
    '<button type="button">Morning</button> <button type="button">Afternoon</button>{0}</body></html>'
    "'></iframe>"
)
FRAME_TRAP = (
    '<script>const b = document.querySelectorAll("button"); document.addEventListener("keydown", (e) => {'
    ' if (e.key !== "Tab") return; e.preventDefault(); (document.activeElement === b[0] ? b[1] : b[0]).focus(); });'
    "</script>"
)
SEARCH = "<form role='search' action='/'><label for='q'>Search services</label> <input id='q' name='q'{}></form>"
KEYBOARD_BAD = page(
    "Services",
    SEARCH.format(" tabindex='1'")
    + MENU
    + "<div tabindex='0' class='card'>Fishing licences, from $25 a year</div>"
    + STEPS.format("order:2", "order:1")
    + FRAME.format(FRAME_TRAP),
    head=MENU_CSS,
)
KEYBOARD_GOOD = page(
    "Services, fixed",
    SEARCH.format("")
    + MENU
    + "<div class='card'><a href='/'>Fishing licences, from $25 a year</a></div>"
    + STEPS.format("", "")
    + (
        # a menu a script opens on focus (the same rule shows it for a class), and one with a disclosure button
        "<ul class='sf'><li><a href='/'>Fishing</a><ul><li><a href='/'>Stocking</a></li></ul></li></ul>"
        "<ul class='dd'><li><a href='/'>Hunting</a><button type='button' aria-expanded='false' aria-controls='dd-sub'>"
        "More hunting pages</button><ul id='dd-sub'><li><a href='/'>Seasons</a></li></ul></li></ul>"
        "<div contenteditable='true' tabindex='0' aria-label='Notes'>Your notes</div>"
        # a scrolling region takes focus so it can be scrolled with the keyboard
        "<div tabindex='0' style='height:3em;overflow:auto'><p>Stocking dates are published every spring.</p>"
        "<p>Trout are stocked first, then bass.</p><p>Perch follow in the autumn.</p></div>"
        + FRAME.format("")
        + "<p><a href='/'>After the appointment picker</a></p>"
        # the script that sets li.sfHover on focus, as Superfish does
        "<script>for (const li of document.querySelectorAll('.sf li')) {"
        "li.addEventListener('focusin', () => li.classList.add('sfHover'));"
        "li.addEventListener('focusout', (e) => {"
        "if (!li.contains(e.relatedTarget)) li.classList.remove('sfHover'); });"
        "}</script>"
    ),
    head=MENU_CSS.replace(".menu li:hover > ul{", ".menu li:hover > ul, .menu li:focus-within > ul{")
    + "<style>.sf li ul,.dd li ul{display:none}.sf li:hover > ul,.sf li.sfHover > ul{display:block}"
    ".dd li:hover > ul{display:block}</style>",
)

# -- used in the browser: keys, mouse, large text, a narrow window ---------------------------------------
# A date picker that keeps Tab and Shift+Tab to itself; a tooltip a script shows on mouse hover only; a
# box of fixed height and line height; a form 360 px wide; steps a web component shows in reverse order.
PICKER = (
    "<div id='picker' role='group' aria-label='Arrival date'><button type='button'>Day</button>"
    "<button type='button'>Month</button></div>"
)
TRAP_JS = (
    "<script>const picker = document.getElementById('picker'), parts = picker.querySelectorAll('button');"
    "picker.addEventListener('keydown', (e) => { if (e.key !== 'Tab') return; e.preventDefault();"
    "(document.activeElement === parts[0] ? parts[1] : parts[0]).focus(); });</script>"
)
TIP = (
    "<span class='tip'><button type='button' id='fees'>Fees</button>"
    "<span class='tipbox' id='fees-tip' role='tooltip' style='display:none'>A site costs $25 a night</span></span>"
)
TIP_JS = (
    "<script>const fees = document.getElementById('fees'), tip = document.getElementById('fees-tip');"
    "const show = () => { tip.style.display = 'block'; }, hide = () => { tip.style.display = 'none'; };"
    "fees.addEventListener('mouseenter', show); fees.addEventListener('mouseleave', hide);"
)
STEPS_JS = (
    "<script>customElements.define('booking-steps', class extends HTMLElement {{ connectedCallback() {{"
    "const root = this.attachShadow({{mode: 'open'}});"
    "root.innerHTML = \"<div style='display:flex;flex-direction:{0}'>"
    "<a href='/forms-good' style='display:block;padding:60px 0'>Step 1: choose a site</a>"
    "<a href='/tables-good' style='display:block;padding:60px 0'>Step 2: pay</a></div>\"; }} }});</script>"
)
# Twenty parks between the steps and the picker: the picker lies beyond the 20 presses of the Tab walk,
# so its trap is found by focusing the widget directly.
PARKS = (
    "<nav aria-label='Parks'><ul>"
    + "".join(f"<li><a href='/'>Campsites at park number {n}</a></li>" for n in range(1, 21))
    + "</ul></nav>"
)
INTERACT_BAD = page(
    "Book a campsite",
    "<p><a href='/'>All parks</a></p><booking-steps></booking-steps>"
    + PARKS
    + PICKER
    + TIP
    + "<div style='width:280px;height:30px;line-height:24px;overflow:hidden'>Call 555-0100 to book</div>"
    + "<form action='/book' style='width:360px'><p>Sites are held for thirty minutes while you pay.</p></form>"
    + TRAP_JS
    + TIP_JS
    + "</script>"
    + STEPS_JS.format("column-reverse"),
)
# A time entry with no role, beyond the walk: a script on its box keeps Tab between its two fields; its
# twin's script handles the arrow keys only (a keyed box that lets Tab go).
TIME_ENTRY = (
    "<div class='time-entry'><label>Hour <input id='hour' size='2'></label>"
    "<label>Minute <input id='minute' size='2'></label></div><p><a href='/'>After the time</a></p>"
    "<script>const box = document.querySelector('.time-entry'), fields = box.querySelectorAll('input');"
    "box.addEventListener('keydown', (e) => {{ {0} }});</script>"
)
HOLD_TAB = "if (e.key !== 'Tab') return; e.preventDefault(); (e.target === fields[0] ? fields[1] : fields[0]).focus();"
ARROWS = (
    "if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return; e.preventDefault();"
    "e.target.value = String((Number(e.target.value) || 0) + (e.key === 'ArrowUp' ? 1 : -1));"
)
TRAP_BAD = page("Report a fault", "<p>When did the fault start?</p>" + PARKS + TIME_ENTRY.format(HOLD_TAB))
TRAP_GOOD = page("Report a fault, fixed", "<p>When did the fault start?</p>" + PARKS + TIME_ENTRY.format(ARROWS))
# A page that turns itself a quarter turn when the phone is held upright, to stay in landscape (the
# W3C's ACT rule b33eff's failed examples); its twin lets the layout follow the orientation.
ORIENTATION = "<h1>Trail map</h1><p>The map below shows the summer trails of the north park.</p>"
ORIENTATION_BAD = page(
    "Trail map",
    ORIENTATION,
    head="<style>@media (orientation: portrait) { html { transform: rotate(90deg); "
    "width: min(100vw, 100vh); height: min(100vw, 100vh); } }</style>",
)
ORIENTATION_GOOD = page(
    "Trail map, fixed",
    ORIENTATION,
    head="<style>@media (orientation: portrait) { h1 { font-size: 1.5rem; } body { transform: none; } }</style>",
)
INTERACT_GOOD = page(
    "Book a campsite, fixed",
    "<p><a href='/'>All parks</a></p><booking-steps></booking-steps>"
    + PARKS
    + PICKER
    + TIP
    + "<div style='width:280px;min-height:30px;line-height:24px;overflow:hidden'>Call 555-0100 to book</div>"
    + "<form action='/book' style='max-width:360px'><p>Sites are held for thirty minutes while you pay.</p></form>"
    + TIP_JS
    + "fees.addEventListener('focus', show); fees.addEventListener('blur', hide);</script>"
    + STEPS_JS.format("column"),
)

# -- motion: a scrolling news line, a counter a script updates, a box flashing black and white ----------
MOTION_CSS = (
    "<style>.news{{width:280px;overflow:hidden}}.news p{{animation:scroll 12s linear infinite;margin:0}}"
    "@keyframes scroll{{from{{transform:translateX(280px)}}to{{transform:translateX(-280px)}}}}"
    ".alert{{width:300px;height:200px;animation:flash {0} steps(1) infinite}}"
    "@keyframes flash{{0%{{background:#000}}50%{{background:#fff}}}}"
    # red and a grey of about its luminance: a red flash, not a general one
    ".warn{{width:320px;height:180px;animation:red {0} steps(1) infinite}}"
    "@keyframes red{{0%{{background:#f00}}50%{{background:rgb(124,124,124)}}}}"
    ".spin{{width:24px;height:24px;border:3px solid #005ea2;animation:spin 1s linear infinite}}"
    "@keyframes spin{{to{{transform:rotate(360deg)}}}}</style>"
)
COUNTER = (
    "<p>Visitors today: <span id='visitors'>100</span></p><script>let visitors = 100;"
    "window.counter = setInterval(() => {{ document.getElementById('visitors').textContent = ++visitors; }}, 250);"
    "{0}</script>"
)
# A canvas a script paints black and white in turn every 100 ms (5 flashes a second); its twin fades
# slowly between them (one change of direction every 3 s). A GIF of ducks that loops forever; its twin
# plays its 3 frames once (1.5 s).
BEACON = (
    "<canvas id='beacon' width='320' height='200' role='img' aria-label='Storm warning beacon'></canvas>"
    "<script>const beacon = document.getElementById('beacon').getContext('2d');{0}</script>"
)
BEACON_FLASH = (
    "let on = false; setInterval(() => { on = !on; beacon.fillStyle = on ? '#fff' : '#000';"
    "beacon.fillRect(0, 0, 320, 200); }, 100);"
)
# A WebGL canvas redrawn every 100 ms, black and white in turn; its twin, two close greys. A WebGL canvas
# keeps its drawing only until it is shown, so read between redraws it would be blank (the white page):
# the twin would seem to flash, were its drawing not kept by the audit (watch.js).
GLOW = (
    "<canvas id='glow' width='320' height='200' role='img' aria-label='Hazard light'></canvas>"
    "<script>const gl = document.getElementById('glow').getContext('webgl'); let lit = 0;"
    "setInterval(() => {{ lit = 1 - lit; const v = {0}; gl.clearColor(v, v, v, 1); gl.clear(gl.COLOR_BUFFER_BIT); }},"
    " 100);</script>"
)
GLOW_FLASH = "lit"
# A storm radar in a same-origin frame: a box flashing black and white (every 0.2 s; its twin every 1 s).
RADAR = (
    "<iframe title='Storm radar' width='340' height='240' srcdoc=\"<style>body{{margin:0}}#radar{{width:320px;"
    "height:200px;animation:f {0} steps(1) infinite}}@keyframes f{{0%{{background:#000}}50%{{background:#fff}}}}"
    "</style><div id='radar'></div>\"></iframe>"
)
GLOW_FADE = "0.45 + 0.05 * lit"
BEACON_FADE = (
    "const paint = (t) => { const v = Math.round(127.5 + 127.5 * Math.sin(t / 3000 * Math.PI));"
    "beacon.fillStyle = `rgb(${v},${v},${v})`; beacon.fillRect(0, 0, 320, 200); requestAnimationFrame(paint); };"
    "requestAnimationFrame(paint);"
)
DUCKS = (
    "<figure><img src='/img/{0}' alt='Ducks landing on Clear Lake' width='200' height='150'>"
    "<figcaption>Ducks on Clear Lake this morning</figcaption></figure>"
)
# A flood siren lamp: a GIF of 20 frames of 100 ms, black and white in turn, played twice (4 s, so
# animated-image lets it be); its twin's frames are two greys close together.
SIREN = "<p><img id='siren' src='/img/{0}' alt='Flood siren lamp' width='320' height='200'></p>"
# A real video file: a WebM (VP8) that the browser records from a canvas before the audit (record_webm),
# served and played muted in a loop: black and white in turn every 100 ms; its twin, two close greys.
CLIP = (
    "<video id='clip' src='/media/{0}' width='320' height='200' autoplay muted loop playsinline controls>"
    "<track kind='captions' src='/media/clip.vtt' srclang='en' label='English'></video>"
)
VIDEO_COLOURS = {"clip.webm": ("#fff", "#000"), "clip-calm.webm": ("#969696", "#a0a0a0")}
VTT = "WEBVTT\n\n00:00.000 --> 00:03.000\n[A warning lamp flashes]\n"


async def record_webm(session, colours: tuple[str, str], seconds: float = 3.0) -> bytes:
    """A WebM file of ``seconds`` of a 160 x 100 canvas painted ``colours`` in turn every 100 ms,
    recorded by the browser's MediaRecorder (a real encoded video, made here: no file is shipped)."""
    script = """async ([a, b, ms]) => {
      const canvas = Object.assign(document.createElement('canvas'), {width: 160, height: 100});
      document.body.append(canvas);
      const ctx = canvas.getContext('2d');
      const recorder = new MediaRecorder(canvas.captureStream(30), {mimeType: 'video/webm;codecs=vp8'});
      const parts = [];
      recorder.ondataavailable = (e) => parts.push(e.data);
      let on = false;
      const paint = () => { ctx.fillStyle = on ? a : b; ctx.fillRect(0, 0, 160, 100); };
      paint();
      const timer = setInterval(() => { on = !on; paint(); }, 100);
      recorder.start();
      await new Promise((resolve) => setTimeout(resolve, ms));
      clearInterval(timer);
      await new Promise((resolve) => { recorder.onstop = resolve; recorder.stop(); });
      const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
      let text = '';
      for (const byte of bytes) text += String.fromCharCode(byte);
      return btoa(text);
    }"""
    context = await session.new_context(device=None, net=None)
    try:
        page = await context.new_page()
        return base64.b64decode(await page.evaluate(script, [*colours, seconds * 1000]))
    finally:
        await context.close()


MOTION_BAD = page(
    "Park news",
    "<div class='news'><p>The north campground opens on Monday</p></div><div class='alert'></div>"
    "<div class='warn' id='warn'></div>"
    + COUNTER.format("")
    + DUCKS.format("ducks.gif")
    + SIREN.format("siren.gif")
    + CLIP.format("clip.webm")
    + BEACON.format(BEACON_FLASH)
    + GLOW.format(GLOW_FLASH)
    + RADAR.format("0.2s"),
    head=MOTION_CSS.format("0.2s"),
)
MOTION_GOOD = page(
    "Park news, fixed",
    "<div class='news'><p>The north campground opens on Monday</p></div>"
    "<button type='button' id='pause'>Pause the news and updates</button><div class='alert'></div>"
    "<div class='warn' id='warn'></div>"
    "<div class='spin' role='progressbar' aria-label='Loading'></div>"
    + COUNTER.format(
        "document.getElementById('pause').addEventListener('click', () => {{ clearInterval(window.counter);"
        "document.querySelector('.news p').style.animationPlayState = 'paused'; }});"
    )
    + DUCKS.format("ducks-once.gif")
    + SIREN.format("siren-calm.gif")
    + CLIP.format("clip-calm.webm")
    + BEACON.format(BEACON_FADE)
    + GLOW.format(GLOW_FADE)
    + RADAR.format("1s"),
    head=MOTION_CSS.format("1s"),
)

# -- language, media and images -------------------------------------------------------------------------
ARABIC = "مرحبا بكم في موقع وزارة الموارد الطبيعية. يمكنكم تجديد رخصة الصيد عبر الإنترنت في أي وقت."
HEARING = (
    "<p>The county held a public hearing on the new fishing rules on 3 March. The recording of the hearing is "
    "below, and you can ask us for a copy of the minutes if you were not able to attend it.</p>"
)
SPANISH = (
    "Puede pedir una copia de la grabación en la oficina del condado, y también puede llamar para que le "
    "enviemos el acta de la audiencia por correo electrónico cuando esté lista."
)
MEDIA_BAD = page(
    "Public hearing",
    f"{HEARING}<p>{SPANISH}</p><p>{ARABIC}</p><h2>Recording</h2><audio controls></audio>"
    "<p><img src='/img/parks.png' alt='' title='Map of the permit areas' width='40' height='40'></p>"
    "<p><img src='/img/parks.png' role='presentation' alt='Seating plan of the hearing room' width='40' height='40'>"
    "</p><p><img src='/img/trails.png' alt='Map of the north trails' title='Call before you go' width='40' height='40'>"
    "</p>",
)
MEDIA_GOOD = page(
    "Public hearing, fixed",
    f"{HEARING}<p lang='es'>{SPANISH}</p><p lang='ar' dir='rtl'>{ARABIC}</p>"
    "<h2>Recording</h2><figure><audio controls></audio>"
    "<figcaption><a href='/'>Read the transcript of the hearing</a></figcaption></figure>"
    "<p><img src='/img/parks.png' alt='Map of the permit areas' width='40' height='40'></p>"
    "<p><img src='/img/parks.png' role='presentation' alt='' width='40' height='40'></p>"
    "<p><img src='/img/trails.png' alt='Map of the north trails' title='The north trails in summer' width='40' "
    "height='40'></p><p>Call before you go.</p>"
    # a canvas showing an image from another origin (a second fixture server): its pixels cannot be read
    "<canvas id='tile' width='200' height='120' role='img' aria-label='Map tile of the hearing room'></canvas>"
    "<script>const tile = new Image(); tile.onload = () => document.getElementById('tile').getContext('2d')"
    ".drawImage(tile, 0, 0, 200, 120); tile.src = '{OTHER}/tile.png';</script>",
)

# -- clean pages in the styles of two design systems, written here -----------------------------------
USWDS_STYLE = (
    "<style>.usa-form-group{margin:1em 0}.usa-label{display:block;font-weight:bold}.usa-hint{display:block;"
    "color:#565c65}.usa-error-message{display:block;color:#b50909;font-weight:bold}.usa-input{display:block;"
    "border:1px solid #1b1b1b;padding:8px;min-height:44px}.usa-button{background:#005ea2;color:#fff;"
    "border:0;padding:12px 20px;min-height:44px}.usa-table td,.usa-table th{border:1px solid #1b1b1b;"
    "padding:8px}</style>"
)
USWDS = page(
    "Renew a hunting licence",
    "<p>Renew online in about ten minutes. You need your licence number.</p>"
    "<form class='usa-form' action='/renew' method='post'><fieldset class='usa-fieldset'>"
    "<legend class='usa-legend'>Your licence</legend>"
    "<div class='usa-form-group usa-form-group--error'><label class='usa-label' for='lic'>Licence number "
    "<abbr title='required' class='usa-hint usa-hint--required'>*</abbr></label>"
    "<span class='usa-hint' id='lic-hint'>Eight digits, on the front of your card</span>"
    "<span class='usa-error-message' id='lic-error' role='alert'>Enter your licence number</span>"
    "<input class='usa-input' id='lic' name='lic' required aria-invalid='true' "
    "aria-describedby='lic-hint lic-error'></div>"
    "<div class='usa-form-group'><label class='usa-label' for='email'>Email address (optional)</label>"
    "<input class='usa-input' id='email' name='email' type='email' autocomplete='email'></div>"
    "</fieldset><button class='usa-button' type='submit'>Renew licence</button></form>"
    "<table class='usa-table'><caption>Licence fees</caption><thead><tr><th scope='col'>Licence</th>"
    "<th scope='col'>Resident</th><th scope='col'>Visitor</th></tr></thead><tbody>"
    "<tr><th scope='row'>Annual</th><td>$25</td><td>$80</td></tr>"
    "<tr><th scope='row'>Three-day</th><td>$10</td><td>$30</td></tr></tbody></table>"
    "<p><a href='/fees.pdf'>Fee schedule (PDF, 120 KB)</a></p>",
    head=USWDS_STYLE,
)
GOVUK_STYLE = (
    "<style>.govuk-form-group{margin-bottom:30px}.govuk-label,.govuk-fieldset__legend{display:block}"
    ".govuk-hint{color:#484949}.govuk-error-message{color:#d4351c;font-weight:bold}.govuk-input{border:2px solid"
    " #0b0c0c;padding:5px;min-height:40px}.govuk-button{background:#00703c;color:#fff;border:0;padding:8px 10px;"
    "min-height:40px}.govuk-date-input__item{display:inline-block;margin-right:20px}</style>"
)
GOVUK = page(
    "Register a boat",
    "<form action='/register' method='post' novalidate>"
    "<div class='govuk-form-group govuk-form-group--error'>"
    "<fieldset class='govuk-fieldset' role='group' aria-describedby='built-hint built-error'>"
    "<legend class='govuk-fieldset__legend'>When was the boat built?</legend>"
    "<div id='built-hint' class='govuk-hint'>For example, 27 3 2007</div>"
    "<p id='built-error' class='govuk-error-message'><span class='sr-only'>Error:</span> Enter the year</p>"
    "<div class='govuk-date-input'><div class='govuk-date-input__item'><label class='govuk-label' "
    "for='built-month'>Month</label><input class='govuk-input' id='built-month' name='month' inputmode='numeric'"
    " aria-describedby='built-hint built-error'></div>"
    "<div class='govuk-date-input__item'><label class='govuk-label' for='built-year'>Year</label>"
    "<input class='govuk-input' id='built-year' name='year' inputmode='numeric' aria-invalid='true' "
    "aria-describedby='built-hint built-error'></div></div></fieldset></div>"
    "<div class='govuk-form-group'><label class='govuk-label' for='boat-name'>Boat name</label>"
    "<div id='boat-name-hint' class='govuk-hint'>As painted on the hull</div>"
    "<input class='govuk-input' id='boat-name' name='boat-name' aria-describedby='boat-name-hint'></div>"
    "<div class='govuk-form-group'><fieldset class='govuk-fieldset'><legend class='govuk-fieldset__legend'>"
    "Is the boat used commercially?</legend><div class='govuk-radios'>"
    "<input type='radio' id='com-yes' name='commercial' value='yes'> <label for='com-yes'>Yes</label>"
    "<input type='radio' id='com-no' name='commercial' value='no'> <label for='com-no'>No</label></div>"
    "</fieldset></div><button class='govuk-button' type='submit'>Continue</button></form>"
    "<p><a href='/guidance.pdf'>Registration guidance (PDF, 2 pages, 80 KB)</a></p>",
    head=GOVUK_STYLE,
)

# -- a Drupal page with a Login.gov sign-in (informational checks) ------------------------------------
DRUPAL = html(
    "Sign in to your account",
    "<h1>Sign in to your account</h1><p><img src='/sites/default/files/seal.png' alt='Columbia state seal'"
    " width='40' height='40'></p>"
    "<form action='https://secure.login.gov/openid_connect/authorize' method='get'>"
    "<button type='submit'>Sign in with Login.gov</button></form>"
    "<script>window.drupalSettings = {path: {baseUrl: '/'}};</script>",
    head="<meta name='Generator' content='Drupal 10 (https://www.drupal.org)'>",
)

PAGES = {
    "/tables-bad": TABLES_BAD,
    "/tables-good": TABLES_GOOD,
    "/forms-bad": FORMS_BAD,
    "/forms-good": FORMS_GOOD,
    "/links-bad": LINKS_BAD,
    "/links-good": LINKS_GOOD,
    "/spacing-bad": SPACING_BAD,
    "/spacing-good": SPACING_GOOD,
    "/keyboard-bad": KEYBOARD_BAD,
    "/keyboard-good": KEYBOARD_GOOD,
    "/media-bad": MEDIA_BAD,
    "/media-good": MEDIA_GOOD,
    "/interact-bad": INTERACT_BAD,
    "/interact-good": INTERACT_GOOD,
    "/motion-bad": MOTION_BAD,
    "/motion-good": MOTION_GOOD,
    "/trap-bad": TRAP_BAD,
    "/trap-good": TRAP_GOOD,
    "/orientation-bad": ORIENTATION_BAD,
    "/orientation-good": ORIENTATION_GOOD,
    "/uswds": USWDS,
    "/govuk": GOVUK,
}

# page -> the barrier checks that must fail there (every other barrier check must not fail)
FAILS = {
    "/tables-bad": {
        "table-headers",
        "table-header-scope",
        "table-scope-advised",
        "table-header-cells",
        "layout-table-markup",
        "nested-table",
        "table-row-cells",
        "table-caption",
    },
    "/forms-bad": {"fieldset-legend", "label-target", "hint-association", "required-asterisk", "context-change"},
    "/links-bad": {
        "symbol-link-text",
        "document-link-type",
        "adjacent-links",
        "image-button-alt",
        "label-in-name",
        "click-focus",
        "alt-text-placeholder",
        "javascript-link",
        "ambiguous-link-text",
        "link-title-redundant",
    },
    "/spacing-bad": {"text-spacing", "text-resize"},  # a box of fixed height clips large text too
    "/keyboard-bad": {
        "hover-only",
        "focusable-role",
        "positive-tabindex",
        "focus-order",
        "hover-content",
        "tab-order",
        "keyboard-trap",
    },
    "/media-bad": {
        "rtl-direction",
        "audio-transcript",
        "alt-title-conflict",
        "lang-parts",
        "presentational-alt",
        "alt-title-mismatch",
    },
    "/interact-bad": {"keyboard-trap", "hover-content", "text-resize", "reflow", "tab-order"},
    "/motion-bad": {"moving-content", "flashing", "animated-image"},
    "/trap-bad": {"keyboard-trap"},
    "/orientation-bad": {"orientation-lock"},
}
TWINS = {"/tables-good": "/tables-bad", "/forms-good": "/forms-bad", "/links-good": "/links-bad"}
TWINS |= {"/spacing-good": "/spacing-bad", "/keyboard-good": "/keyboard-bad", "/media-good": "/media-bad"}
TWINS |= {"/interact-good": "/interact-bad", "/motion-good": "/motion-bad", "/trap-good": "/trap-bad"}
TWINS |= {"/orientation-good": "/orientation-bad"}
CLEAN = [*TWINS, "/uswds", "/govuk", "/", "/drupal"]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc```\x00\x00\x00\x04\x00\x01\xf6\x178U\x00\x00\x00\x00IEND\xaeB`\x82"
)


def routes(other: str, videos: dict[str, bytes]) -> dict[str, Resource | str]:
    """The barrier site; ``other``: the origin of a second fixture server (an image from another origin);
    ``videos``: the WebM files by name (record_webm)."""
    links = "".join(f"<li><a href='{p}'>{p.strip('/').replace('-', ' ')} page</a></li>" for p in [*PAGES, "/drupal"])
    home = html("Barrier fixtures", f"<h1>Barrier fixtures</h1><ul>{links}</ul>")
    image = Resource(PNG, content_type="image/png")
    pdf = Resource(b"%PDF-1.4\n%fixture\n", content_type="application/pdf")
    return {
        "/": home,
        **PAGES,
        "/media-good": MEDIA_GOOD.replace("{OTHER}", other),
        "/drupal": Resource(DRUPAL, headers={"X-Drupal-Cache": "HIT"}),
        "/img/parks.png": image,
        "/img/trails.png": image,
        "/img/search-button.png": image,
        "/img/IMG_2041.jpg": image,
        "/sites/default/files/seal.png": image,
        # black and white ducks: 2 frames of 0.5 s looping forever; 3 frames of 0.5 s played once
        "/img/ducks.gif": Resource(gif([(0, 0, 0), (255, 255, 255)], [0, 1], 50, 0), content_type="image/gif"),
        "/img/ducks-once.gif": Resource(
            gif([(0, 0, 0), (128, 128, 128), (255, 255, 255)], [0, 1, 2], 50, None), content_type="image/gif"
        ),
        "/img/siren.gif": Resource(gif([(0, 0, 0), (255, 255, 255)], [0, 1] * 10, 10, 1), content_type="image/gif"),
        "/img/siren-calm.gif": Resource(
            gif([(150, 150, 150), (160, 160, 160)], [0, 1] * 10, 10, 1), content_type="image/gif"
        ),
        **{f"/media/{name}": Resource(data, content_type="video/webm") for name, data in videos.items()},
        "/media/clip.vtt": Resource(VTT.encode(), content_type="text/vtt"),
        "/annual-report.pdf": pdf,
        "/fees.pdf": pdf,
        "/guidance.pdf": pdf,
    }


STORES: dict[int, Store] = {}


@pytest.fixture(scope="module")
def barrier_run(shared_browser, tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("barriers")
    other = SiteServer({"/tile.png": Resource(PNG, content_type="image/png")})

    async def record() -> list[bytes]:  # both at once, on the browser's loop
        return await asyncio.gather(*(record_webm(shared_browser.session, c) for c in VIDEO_COLOURS.values()))

    videos = dict(zip(VIDEO_COLOURS, shared_browser.run(record()), strict=True))
    with other, SiteServer(routes(other.origin, videos)) as server:
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=len(PAGES) + 2,
            concurrency=2,
            throttle="none",
            perf_pages=1,
            page_timeout=10,
            user_agent="maturity-tests",
        )
        store = Store(f"sqlite:///{tmp / 'm.db'}")
        result = audit(settings, store, builtin_rubric(), tmp / "out", browser=shared_browser)
        STORES[result.crawl_id] = store  # for the tests that read a page's interaction facts
        yield result, server.origin


def _by_page(result, origin):
    out: dict[str | None, dict[str, object]] = {}
    for r in result.scorecard.all_results():
        path = r.url[len(origin) :] if r.url else None
        out.setdefault(path, {})[r.check_id] = r
    return out


def test_every_page_was_audited(barrier_run):
    result, origin = barrier_run
    audited = {p.url[len(origin) :] for p in result.scorecard.pages if p.status == "ok"}
    assert audited == {"/", "/drupal", *PAGES}
    assert result.offmachine_attempts == []


def test_barrier_pages_fail_exactly_their_checks(barrier_run):
    result, origin = barrier_run
    got = _by_page(result, origin)
    for path, expected in FAILS.items():
        failing = {c for c, r in got[path].items() if c in BARRIER_CHECKS and r.outcome == Outcome.FAIL}
        assert failing == expected, path
        errored = {c: r.error for c, r in got[path].items() if r.outcome == Outcome.ERROR}
        assert errored == {}, path


def test_clean_twins_pass_what_their_barrier_page_fails(barrier_run):
    result, origin = barrier_run
    got = _by_page(result, origin)
    for twin, bad in TWINS.items():
        outcomes = {c: got[twin][c].outcome for c in FAILS[bad]}
        assert outcomes == dict.fromkeys(FAILS[bad], Outcome.PASS), twin


def test_no_barrier_check_fails_on_a_clean_page(barrier_run):
    result, origin = barrier_run
    got = _by_page(result, origin)
    failing = {
        (path, c): [i.detail for i in r.items]
        for path in CLEAN
        for c, r in got[path].items()
        if c in BARRIER_CHECKS and r.outcome == Outcome.FAIL
    }
    assert failing == {}


def test_no_accessibility_check_fails_on_the_design_system_pages(barrier_run):
    """Written as USWDS and GOV.UK pages are built: no check in the accessibility dimension fails,
    axe-core's rules included, and the checks that apply to them ran."""
    result, origin = barrier_run
    got = _by_page(result, origin)
    a11y = {c.check_id for d in result.scorecard.dimensions if d.id == "accessibility" for c in d.checks}
    for path in ("/uswds", "/govuk"):
        failing = {
            c: [(i.selector, i.detail) for i in r.items][:3]
            for c, r in got[path].items()
            if c in a11y and r.outcome == Outcome.FAIL
        }
        assert failing == {}, path
    for check_id in ("fieldset-legend", "hint-association", "document-link-type"):
        assert got["/govuk"][check_id].outcome == Outcome.PASS, check_id
    for check_id in ("table-headers", "table-header-scope", "required-asterisk", "hint-association"):
        assert got["/uswds"][check_id].outcome == Outcome.PASS, check_id


def test_cms_and_login_provider_are_informational_facts(barrier_run):
    result, origin = barrier_run
    got = _by_page(result, origin)[None]
    cms, login = got["cms"], got["login-provider"]
    assert cms.outcome == Outcome.PASS and cms.score is None
    assert [i.snippet for i in cms.items] == ["Drupal 10"]
    detail = cms.items[0].detail
    assert detail == (
        f"Drupal 10 on 1 of {len(PAGES) + 2} pages (generator 'Drupal 10 (https://www.drupal.org)'; "
        "header x-drupal-cache: HIT; script global drupalSettings)"
    )
    assert login.outcome == Outcome.PASS and login.score is None
    assert [i.snippet for i in login.items] == ["Login.gov"]
    assert login.items[0].url == origin + "/drupal"
    # the HTML scorecard shows what was found beside the check, as a fact
    scorecard_html = result.report_paths["html"].read_text()
    pages = len(PAGES) + 2
    assert f"<li>Drupal 10 on 1 of {pages} pages (generator" in scorecard_html
    assert (
        f"<li>Login.gov on 1 of {pages} pages (address https://secure.login.gov/openid_connect/authorize"
        in scorecard_html
    )
    # never a finding, never a figure
    assert not [f for f in result.scorecard.iter_findings() if f.check_id in ("cms", "login-provider")]
    summaries = {c.check_id: c for d in result.scorecard.dimensions for c in d.checks}
    assert summaries["cms"].score is None and summaries["login-provider"].score is None


# barrier page -> check -> (instances, text found in the first instance's snippet, detail or selector)
EVIDENCE = {
    "/tables-bad": {
        "table-headers": (1, "4 rows × 3 columns, no <th> | #main > table:nth-of-type(1)"),
        "table-header-scope": (1, "2 <th> without scope away from the first row and column"),
        "table-scope-advised": (2, "5 <th> without scope"),
        "layout-table-markup": (1, "role=presentation with 1 header cells"),
        "nested-table": (1, "a data table inside a table"),
        "table-row-cells": (2, "rows 3 do not fill all 3 columns"),
        "table-header-cells": (1, "1 header cell naming no cell: 'Season pass'"),
        "table-caption": (
            1,
            "4 rows × 3 columns, no <caption>, aria-label or aria-labelledby | #main > table:nth-of-type(1)",
        ),
    },
    "/forms-bad": {
        "fieldset-legend": (1, "no <legend>"),
        "label-target": (2, 'for="owner-name": no element has this id'),
        "hint-association": (2, "hint not referenced by #dob"),
        "required-asterisk": (1, "Town *"),
        "context-change": (1, "this.form.submit()"),
    },
    "/links-bad": {
        "symbol-link-text": (1, "»"),
        "document-link-type": (1, "pdf file; no type"),
        "adjacent-links": (1, "State parks | State parks"),
        "image-button-alt": (1, "search-button.png"),
        "label-in-name": (1, 'Read the bulletin | shows "Read the bulletin", is called "Latest park news"'),
        "click-focus": (1, "<div> onclick"),
        "alt-text-placeholder": (1, "IMG_2041.jpg"),
        "javascript-link": (1, "Hearing recording | javascript:window.open('/media-good')"),
        "ambiguous-link-text": (1, "Apply | 2 destinations: {origin}/forms-bad, {origin}/forms-good"),
        "link-title-redundant": (1, "Campground news | title repeats the link text"),
    },
    "/spacing-bad": {
        "text-spacing": (1, "Open weekdays from nine to five"),
        "text-resize": (1, "Open weekdays from nine to five | needs 96 px, has 48 px"),
    },
    "/keyboard-bad": {
        "hover-only": (1, "shown by '.menu li:hover > ul' only; 2 controls inside"),
        "focusable-role": (1, "<div> tabindex=0, no role"),
        "positive-tabindex": (1, "<input> tabindex=1 | #q"),
        "focus-order": (1, "Step 1: fill in the form"),
        "hover-content": (1, "hover shows 'Permits Licences'; focus does not"),
        "tab-order": (1, "Step 1: fill in the form"),
        "keyboard-trap": (1, "focus stays among 2 element(s) (#main > iframe >>> html > body > button:nth-of-type(1)"),
    },
    "/interact-bad": {
        "keyboard-trap": (
            1,
            "(#picker > button:nth-of-type(1), #picker > button:nth-of-type(2)) after Tab, Tab, Tab, "
            "Escape, Tab, Shift+Tab, Shift+Tab, Shift+Tab; found by focusing the widget directly, beyond the Tab walk",
        ),
        "hover-content": (1, "hover shows 'A site costs $25 a night'; focus does not"),
        "text-resize": (1, "Call 555-0100 to book | needs 96 px, has 30 px"),
        "reflow": (1, "Sites are held for thirty minutes"),
        "tab-order": (1, "Step 2: pay | 144 px above"),
    },
    "/motion-bad": {
        # the news line, then the counter
        "moving-content": (2, "The north campground opens on Monday | animates transform without end"),
        # the box, the red box, the video, the canvas, the WebGL canvas, the radar in its frame, the siren GIF
        "flashing": (7, "5.0 flashes a second over 60000 px²"),
        "animated-image": (1, "ducks.gif | gif of 2 frames, plays forever | #main > figure > img"),
    },
    "/trap-bad": {"keyboard-trap": (1, "#hour")},
    "/orientation-bad": {"orientation-lock": (1, "(orientation: portrait) | turned 90°")},
    "/media-bad": {
        "rtl-direction": (1, "left-to-right (lang=en)"),
        "audio-transcript": (1, "no transcript"),
        "alt-title-conflict": (1, "Map of the permit areas"),
        "lang-parts": (1, "reads as es, marked en"),
        "presentational-alt": (1, 'Seating plan of the hearing room | role="presentation" with alt text'),
        "alt-title-mismatch": (1, 'alt "Map of the north trails", title "Call before you go": no word in common'),
    },
}


def test_each_failure_names_the_element_with_the_barrier(barrier_run):
    result, origin = barrier_run
    # a page's failing elements are its findings (the scorecard keeps them once)
    found: dict[tuple[str, str], list] = {}
    for f in result.scorecard.iter_findings():
        found.setdefault((f.url[len(origin) :], f.check_id), []).append(f)
    assert {p: set(checks) for p, checks in EVIDENCE.items()} == FAILS
    wrong = {}
    for path, expected in EVIDENCE.items():
        for check_id, (count, text) in expected.items():
            items = found.get((path, check_id), [])
            first = f"{items[0].snippet} | {items[0].detail} | {items[0].selector}" if items else ""
            if len(items) != count or text.replace("{origin}", origin) not in first:
                wrong[(path, check_id)] = (len(items), first)
    assert wrong == {}


def _used(result, origin: str, path: str):
    stored = STORES[result.crawl_id].load_page(result.crawl_id, origin + path)
    return DocumentFacts.model_validate(stored.artifacts["document"]).interaction


def test_canvas_pixels_are_sampled_on_the_barrier_page_and_its_twin(barrier_run):
    result, origin = barrier_run
    flashes = [
        f for f in result.scorecard.iter_findings() if f.url == origin + "/motion-bad" and f.check_id == "flashing"
    ]
    beacon = [f.detail for f in flashes if f.selector == "#beacon"]
    assert len(beacon) == 1 and beacon[0].endswith("flashes a second over 64000 px² in the canvas's pixels")
    # the red box: a red flash (its luminance barely changes), named as one
    red = [f.detail for f in flashes if f.selector == "#warn"]
    assert len(red) == 1 and red[0].endswith(" red flashes a second over 57600 px²"), [f.selector for f in flashes]
    assert not any("red" in f.detail for f in flashes if f.selector != "#warn")
    # the recorded video, played from its file: its pixels sampled as a canvas's are
    clip = [f.detail for f in flashes if f.selector == "#clip"]
    assert len(clip) == 1 and clip[0].endswith("flashes a second over 64000 px² in the video's pixels"), clip
    # the WebGL canvas, read because the audit keeps its drawing
    glow = [f.detail for f in flashes if f.selector == "#glow"]
    assert len(glow) == 1 and glow[0].endswith("flashes a second over 64000 px² in the canvas's pixels"), glow
    # the radar in its same-origin frame
    radar = [f for f in flashes if f.selector.endswith(">>> #radar")]
    assert [f.detail for f in radar] == ["5.0 flashes a second over 64000 px²"], [f.selector for f in flashes]
    # what only CSS animations change is read at exact times (its animations moved forward 10 ms at a time
    # over a second), so a loaded machine whose frames come late reads it as an idle one does (a switch each
    # 100 ms is exactly 5 flashes a second); what a script draws is sampled as frames come
    series = {s.selector: s for s in _used(result, origin, "/motion-bad").motion.luminance}
    for selector in ("#main > div:nth-of-type(2)", "#warn", "#main > iframe >>> #radar"):
        assert series[selector].seeked and [t for t, _ in series[selector].samples] == list(range(0, 1001, 10))
    assert not series["#beacon"].seeked and not series["#clip"].seeked
    # the siren GIF, read from its own frames: 10 frames in a second, 4.5 flashes
    siren = [f for f in flashes if f.selector == "#siren"]
    assert [(f.snippet.rsplit("/", 1)[-1], f.detail) for f in siren] == [
        ("siren.gif", "4.5 flashes in one second over 64000 px² in the animated image's frames")
    ]
    # the twin's slow fade was sampled too (and passed), not left out
    twin = _used(result, origin, "/motion-good")
    canvases = [s for s in twin.motion.luminance if s.kind == "canvas"]
    # a sample a frame for 500 ms: 10 to 30 on an idle machine, fewer on a loaded one (9 seen under -n 2)
    assert [c.selector for c in canvases] == ["#beacon", "#glow"] and min(len(c.samples) for c in canvases) >= 5
    for canvas in canvases:
        values = [v for _, v in canvas.samples]
        # it changed while sampled (little near the fade's darkest point: 0.007 to 0.005 seen there)
        assert max(values) > min(values), canvas.selector
    # the twin's video played and was sampled (two greys about 0.04 apart: no flash)
    clips = [s for s in twin.motion.luminance if s.kind == "video"]
    assert [c.selector for c in clips] == ["#clip"] and len(clips[0].samples) >= 5
    assert 0.25 < min(v for _, v in clips[0].samples) <= max(v for _, v in clips[0].samples) < 0.4
    assert twin.motion.unmeasured == []
    # the twin's red box switches once a second: sampled with its colours, and under the threshold
    warn = [s for s in twin.motion.luminance if s.selector == "#warn"]
    assert len(warn) == 1 and len(warn[0].chroma) == len(warn[0].samples) >= 5
    assert {round(c[0], 1) for c in warn[0].chroma} <= {1.0, 0.3}
    # the GIF played once was read and found animated, 1.5 s in all; the calm siren's frames were
    # described (and it passed: greys 0.03 apart)
    once = sorted(twin.images.animated, key=lambda i: i.url)
    assert [(i.url.rsplit("/", 1)[-1], i.frames, i.loop_ms, i.plays) for i in once] == [
        ("ducks-once.gif", 3, 1500, 1),
        ("siren-calm.gif", 20, 2000, 2),
    ]
    assert len(once[1].states) == 20 and {s[1] for s in once[1].states} == {0.305, 0.352}


def test_a_cross_origin_canvas_is_not_assessable_for_flashing_never_a_pass(barrier_run):
    result, origin = barrier_run
    assert _by_page(result, origin)["/media-good"]["flashing"].outcome == Outcome.NOT_APPLICABLE
    unread = _used(result, origin, "/media-good").motion.unmeasured
    assert [(u.selector, u.kind, u.area, u.reason) for u in unread] == [
        ("#tile", "canvas", 24000, "its pixels are cross-origin (tainted): a script may not read them")
    ]
