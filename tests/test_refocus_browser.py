"""Keyboard traps made by a focus-leaving listener that takes focus back after a timer, in real
Chromium: the W3C's ACT rule 80af7b's failed examples 1-3 (re-typed here) are traps, and pages whose
blur listeners only check a field, or close a menu and hand focus to its button, are not. The Tab walk's
batched presses outrun such timers; the refocus probe (crawlers/interact.py) leaves each element with
its own listener by one Tab and reads focus 60 ms later."""

from __future__ import annotations

import pytest
from factories import document, interaction, page, site
from sites import SiteServer, html

from crawlers.interact import interact
from maturity.core import checks
from maturity.core.model import KeyboardWalk

# timed: a page timer against our reads; scripts/bootstrap runs the quiet tests alone
pytestmark = [pytest.mark.browser, pytest.mark.quiet]

PAGES = {
    # ACT 80af7b, failed example 1: leaving the button by Tab brings focus back to it
    "/act-1": "<a href='#'>Link 1</a>\n<button onblur='setTimeout(() => this.focus(), 10)'>Button1</button>",
    # failed example 2: the first two buttons send focus to each other; the third is never reached
    "/act-2": "<button onblur='setTimeout(() => this.nextElementSibling.focus(), 10)'>Button1</button>"
    "<button onblur='setTimeout(() => this.previousElementSibling.focus(), 10)'>Button2</button>"
    "<button>Button3</button>",
    # failed example 3: the first and last buttons each take focus back
    "/act-3": "<button onblur='setTimeout(() => this.focus(), 10)'>Button 1</button><button>Button 2</button>"
    "<button onblur='setTimeout(() => this.focus(), 10)'>Button 3</button>",
    # passed example 1, failed example 1 fixed (the same link and button, no listener): nothing to try
    "/act-passed": "<a href='#'>Link 1</a> <button>Button1</button>",
    # validation on blur (common): a message is shown, focus moves on
    "/validate": "<form><label>Name <input id='name' required></label><p id='name-error' hidden>Enter your name</p>"
    "<label>Email <input id='email' type='email'></label><button>Send</button></form>"
    "<script>for (const input of document.querySelectorAll('input')) input.addEventListener('blur', () => {"
    "  const error = document.getElementById(input.id + '-error');"
    "  if (error) setTimeout(() => { error.hidden = input.value !== ''; }, 10); });</script>",
    # a menu that opens when its button takes focus, and closes when focus leaves its last item, handing
    # focus back to its button (before it): Tab from the button goes on into the menu, focus is not held
    "/menu": "<button id='open' aria-expanded='true'>Services</button><ul id='menu'>"
    "<li><a href='/permits'>Permits</a></li><li><a href='/fees' id='last'>Fees</a></li></ul>"
    "<a href='/contact'>Contact</a>"
    "<script>const menu = document.getElementById('menu'), open = document.getElementById('open');"
    "const show = (on) => { menu.hidden = !on; open.setAttribute('aria-expanded', String(on)); };"
    "open.addEventListener('focus', () => show(true));"
    "document.getElementById('last').addEventListener('blur', () => setTimeout(() => {"
    "  if (!menu.hidden) { show(false); open.focus(); } }, 10));</script>",
}


@pytest.fixture(scope="module")
def walks(shared_browser) -> dict[str, KeyboardWalk]:
    routes = {path: html(path.strip("/"), f"<main>{body}</main>") for path, body in PAGES.items()}
    session = shared_browser.session
    with SiteServer(routes) as server:
        session.reconfigure(session.settings, server.url("/"))  # the fixture site's address policy

        async def keyboard(path: str) -> dict:
            context = await shared_browser.session.new_context(device=None, net=None)
            try:
                page = await context.new_page()
                await page.goto(server.url(path))
                facts = await interact(page, shared_browser.session.interact_js)
                assert "keyboard" not in facts["undecided"], facts["undecided"]
                return facts["keyboard"]
            finally:
                await context.close()

        out = {path: KeyboardWalk.model_validate(shared_browser.run(keyboard(path))) for path in PAGES}
        assert {p for p in server.paths() if not p.startswith("/favicon")} == set(PAGES)
        assert session.offmachine_attempts == []
    return out


def _verdict(walk: KeyboardWalk) -> str:
    c = checks.get("keyboard-trap")
    used = page(document=document(interaction=interaction(keyboard=walk).model_dump(mode="json")))
    return checks.run_page_check(c, used, site(), {}).outcome.value


@pytest.mark.parametrize(
    ("path", "held"),
    [
        ("/act-1", {"#main > main > button"}),
        ("/act-2", {"#main > main > button:nth-of-type(1)", "#main > main > button:nth-of-type(2)"}),
        ("/act-3", {"#main > main > button:nth-of-type(1)", "#main > main > button:nth-of-type(3)"}),
    ],
)
def test_focus_taken_back_after_a_timer_is_a_trap(walks, path, held):
    walk = walks[path]
    # found by the probe; or, on a machine slow enough that the page's timers fire between the walk's
    # presses, by the walk itself (then the probe has nothing left to find and does not run)
    assert walk.cycle is not None and not walk.cycle.escaped, walk.cycle
    assert walk.cycle.refocus or walk.refocus_listed == 0
    # where the walk left the page's own timers running (two buttons taking focus back in turn), the
    # elements focus moved to while the probe waited are held with the one it started from
    assert walk.cycle.selectors[0] in held and set(walk.cycle.selectors) <= held
    assert "Shift+Tab" in walk.cycle.keys  # every way out was tried
    assert _verdict(walk) == "fail"


@pytest.mark.parametrize("path", ["/act-passed", "/validate", "/menu"])
def test_blur_listeners_that_let_focus_go_are_no_trap(walks, path):
    walk = walks[path]
    assert walk.cycle is None or walk.cycle.escaped, walk.cycle
    assert _verdict(walk) == "pass"


def test_only_elements_with_their_own_listener_are_tried(walks):
    # the probe runs where the walk found no trap (always on the pages without one)
    probed = {path for path, walk in walks.items() if walk.cycle is None or walk.cycle.escaped or walk.cycle.refocus}
    assert {"/act-passed", "/validate", "/menu"} <= probed
    expected = {"/act-1": 1, "/act-2": 2, "/act-3": 2, "/act-passed": 0, "/validate": 2, "/menu": 1}
    assert {path: walks[path].refocus_listed for path in probed} == {path: expected[path] for path in probed}
    assert walks["/validate"].refocus_tried == 2
