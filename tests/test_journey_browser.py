"""Journeys in the real browser, on a fixture site of our own on 127.0.0.1.

The site: a licence renewal (a link, a GET form with a label, a select and a checkbox, then a
"Pay" form sent by POST), a "Start now" div posing as a button, a one-time-code page, a link off
the journey's hosts, and a single-page app with client-side routing.
"""

from __future__ import annotations

import json
import logging
import textwrap

import pytest
from click.testing import CliRunner
from sites import Resource, SiteServer, html

from maturity.core.journey import JourneyResult
from maturity.run.journey import run_journey_file

pytestmark = pytest.mark.browser

SECRET = "Zq7-planted-secret-4417"

PAGES = {
    "/": html(
        "Driver services",
        "<h1>Driver services</h1><p><a href='/renew/1'>Renew a licence</a></p>"
        "<div class='btn' onclick=\"location.href='/renew/1'\">Start now</div>"
        "<p><a href='/otp'>Sign in</a></p><p><a href='http://localhost:9/elsewhere'>Our partner</a></p>",
    ),
    "/renew/1": html(
        "Your licence",
        "<h1>Your licence</h1><p>You can renew your licence online if it expires within six months. "
        "You need your licence number. It is printed on the front of your card. The renewal costs thirty "
        "dollars and takes about five minutes. We will post your new card to the address we have.</p>"
        "<form action='/renew/2' method='get'>"
        "<label for='n'>Licence number</label><input id='n' name='licence'>"
        "<label for='c'>County</label>"
        "<select id='c' name='county'><option>Cobb</option><option>Fulton</option></select>"
        "<input type='checkbox' id='ok' name='ok'><label for='ok'>I confirm these details are right</label>"
        "<button>Continue</button></form>"
        # The page shows what was typed (as some do): the secret reaches the DOM, and must go no further.
        "<p id='echo'></p><script>document.getElementById('n').addEventListener('input', e => "
        "{ document.getElementById('echo').textContent = 'You typed ' + e.target.value; });</script>",
    ),
    "/renew/2": html(
        "Check your answers",
        "<h1>Check your answers</h1><p id='q'></p>"
        "<script>document.getElementById('q').textContent = 'Licence: ' + "
        "new URLSearchParams(location.search).get('licence');</script>"
        "<form action='/renew/pay' method='post'><input type='hidden' name='amount' value='30'>"
        "<button>Pay £30</button></form>",
    ),
    "/renew/pay": html("Paid", "<h1>Payment received</h1>"),
    "/otp": html(
        "Enter your code",
        "<h1>Check your phone</h1><label for='c'>Enter the code we sent to your phone</label>"
        "<input id='c' autocomplete='one-time-code' inputmode='numeric'>",
    ),
    "/spa": html(
        "Fees",
        "<h1>Licence fees</h1><button id='b'>Show fees</button><div id='view'></div>"
        "<script>document.getElementById('b').onclick = () => { history.pushState({}, '', '/spa/fees');"
        "document.getElementById('view').innerHTML = '<h2>Fee table</h2><p>A renewal costs £30.</p>'; };</script>",
    ),
    "/kb": html(
        "Book a test",
        "<style>#quiet:focus { outline: none }</style><h1>Book a test</h1><button id='quiet'>Check times</button>"
        "<fieldset><legend>Time</legend><input type='radio' name='t' id='t1'><label for='t1'>Morning</label>"
        "<input type='radio' name='t' id='t2'><label for='t2'>Afternoon</label>"
        "<input type='radio' name='t' id='t3'><label for='t3'>Evening</label></fieldset>"
        "<div class='btn' onclick=\"document.getElementById('r').textContent = 'Booked'\">Book now</div>"
        "<p id='r'></p>",
    ),
    "/frame": html(
        "Map",
        "<h1>Find an office</h1><iframe title='Map' srcdoc=\"<a href='#a'>North</a> <a href='#b'>South</a> "
        "<a href='#c'>East</a>\"></iframe><button onclick=\"this.textContent = 'Shown'\">Show the list</button>"
        "<p><a href='#hours'><span class='icon'>&#9719;</span> <span>Opening hours</span></a></p>",
    ),
    "/trap": html(
        "Search",
        "<h1>Search</h1><input aria-label='Search' onkeydown=\"if (event.key === 'Tab') event.preventDefault()\">"
        "<p><a href='/'>Back home</a></p>",
    ),
    "/consent": html(
        "Consent",
        "<h1>Parks</h1><p><a href='/'>Book a campsite</a></p><div role='dialog' aria-modal='true' "
        "style='position: fixed; inset: 0; background: white'><p>We use cookies to improve this site.</p>"
        "<button>Accept all cookies</button></div>",
    ),
    "/confirm": html(
        "Cancel",
        "<h1>Cancel your appointment</h1><button onclick=\"if (confirm('Are you sure?')) "
        "document.getElementById('r').textContent = 'Cancelled'\">Cancel it</button><p id='r'></p>",
    ),
    "/favicon.ico": Resource(b"", status=204, content_type="image/x-icon"),
}


def _journey(tmp_path, origin, steps, name="j"):
    body = textwrap.indent(textwrap.dedent(steps).strip(), "  ")
    text = f"id: {name}\ntitle: Renew a licence\nservice: Driver services\nstart: {origin}/\nsteps:\n{body}\n"
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


RENEW = """\
- click: {role: link, name: Renew a licence}
  expect: {heading: Your licence}
- fill: {label: Licence number}
  value: "${secret:LICENCE}"
- select: {label: County}
  option: Fulton
- check: {label: I confirm}
- click: {role: button, name: Continue}
  expect: {url: /renew/2}
- expect: {heading: Check your answers}
"""


def test_a_journey_completes_with_times_and_axe_and_no_secret_leaves(shared_browser, tmp_path, caplog, monkeypatch):
    """The planted secret: typed into the site, and found in none of the bytes the command wrote
    (its output and errors with --verbose, the JSON file, every log record)."""
    import functools

    import maturity.run.journey as workflow
    from maturity.cli import cli

    monkeypatch.setenv("MATURITY_SECRET_LICENCE", SECRET)
    monkeypatch.setattr(workflow, "run_journeys", functools.partial(workflow.run_journeys, browser=shared_browser))
    out = tmp_path / "out"
    out.mkdir()
    shots = str(out / "shots")
    with SiteServer(PAGES) as site:
        path = _journey(tmp_path, site.origin, RENEW + "- click: {role: button, name: Pay}\n", "renew")
        # A step that fails with the secret in hand (County is a list: the secret is no option of it).
        broken = _journey(tmp_path, site.origin, RENEW.replace("Licence number", "County"), "broken")
        with caplog.at_level(logging.DEBUG):
            runner = CliRunner()
            first = runner.invoke(
                cli,
                [
                    *(
                        "journey",
                        "run",
                        str(path),
                        "-k",
                        "2",
                        "-v",
                        "--json",
                        str(out / "r.json"),
                        "--screenshots",
                        shots,
                    ),
                    *("--junit", str(out / "junit.xml"), "--keyboard-required"),
                ],
            )
            second = runner.invoke(
                cli, ["journey", "run", str(broken), "-v", "--no-keyboard", "--no-axe", "--json", str(out / "b.json")]
            )
    assert first.exit_code == 1 and second.exit_code == 1, (first.output, second.output)
    assert shared_browser.session.start_url.startswith(site.origin)  # the tests' one browser ran them
    # The secret reached the site (it was typed and sent with the GET form) ...
    assert any(SECRET in p for p in site.paths())
    result = JourneyResult.model_validate(json.loads((out / "r.json").read_text())[0])
    # ... and the journey stopped before paying: the button is named "Pay", the form is a POST.
    assert result.outcome == "failed" and result.failed_step == 7
    pay = result.steps[7]
    assert pay.outcome == "refused" and "submit: allowed" in pay.reason
    assert not site.posted
    # Every step before it completed in both runs, timed as a median with its spread.
    assert [s.outcome for s in result.steps[:7]] == ["completed"] * 7
    assert all(s.ms_median is not None and s.ms_median > 0 for s in result.steps[:7])
    assert result.steps[5].ms_spread is not None and len(result.steps[5].runs) == 2
    # The bytes each step received: opening the start page brought the page itself (as transferred,
    # headers included); a step that only types into a field brings nothing.
    home = len(PAGES["/"].encode()) if isinstance(PAGES["/"], str) else 0
    assert result.steps[0].bytes_median is not None and result.steps[0].bytes_median > home > 0
    assert all(s.bytes_median is not None for s in result.steps[:7])
    typed = [s for s in result.steps[1:7] if s.action == "fill"]
    assert typed and all(s.bytes_median == 0 for s in typed), [(s.action, s.bytes_median) for s in result.steps]
    # axe-core ran on each state reached (not after an expect step, which changes nothing).
    assert result.steps[0].axe is not None and result.steps[5].axe is not None and result.steps[6].axe is None
    assert result.steps[0].axe.error is None
    # A screenshot of each state reached; the field with the secret and the page's echo of it are masked.
    names = [s.screenshot for s in result.steps if s.screenshot]
    assert len(names) == 6 and all((out / "shots" / name).read_bytes().startswith(b"\x89PNG") for name in names)
    # The instructions on the form read at a plain grade; pages with a few words get none.
    assert result.steps[1].words and result.steps[1].words >= 30 and result.steps[1].reading_grade is not None
    assert result.steps[1].reading_grade < 10 and result.steps[0].reading_grade is None
    # What the task asked: 6 steps done (to Pay), 5 interactions, 3 fields, 3 addresses, 6 states.
    assert result.effort is not None and result.effort.requests
    e = result.effort
    assert (e.steps, e.interactions, e.fields, e.pages, e.states) == (6, 5, 3, 3, 6)
    # The address after the GET form carried the secret: it is redacted in the result.
    assert "[secret:LICENCE]" in result.steps[5].url
    assert "failed at step 7" in first.output and "STOPPED" in first.output
    junit = (out / "junit.xml").read_text()
    assert 'name="gate: keyboard"' in junit and junit.count("<failure") == 2  # step 7, and the completion gate
    # By keyboard alone the form gets as far (Tab to each field, Space ticks, Enter sends the GET form).
    assert result.keyboard is not None and result.keyboard.failed_step == 7, result.keyboard
    assert result.keyboard.steps[7].outcome == "refused"
    assert all(s.tabs is not None and s.tabs >= 1 for s in result.keyboard.steps[1:6])
    assert result.keyboard.focus_not_visible == []
    assert "failed at step 2" in second.output
    assert 'cannot fill the field labelled "County": the list has no such option' in second.output
    # Stored with a run, as `check`, `portfolio run` and `audit --journeys` store them: the database's
    # bytes are among those searched below, and what was stored reads back whole.
    from maturity.store import JourneyStore, Store

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl = store.begin_crawl(site.origin + "/", settings={}, tool_version="test")
    failed = JourneyResult.model_validate(json.loads((out / "b.json").read_text())[0])
    JourneyStore(store.engine).save(crawl, [result, failed], screenshots=out / "shots")
    assert JourneyStore(store.engine).of_crawl(crawl) == [result, failed]
    # ... and the scorecard shows them as strips of screenshots, copied beside it (searched below too)
    from maturity.core.rubric import builtin_rubric
    from maturity.run.scoring import report, score_run

    store.finish_crawl(crawl)
    score_run(store, crawl, builtin_rubric())
    _, _, paths = report(store, crawl, out / "scorecards")
    html = paths["html"].read_text()
    assert 'id="tasks"' in html and html.count('src="journeys/renew/step-') == 6
    store.engine.dispose()
    assert (tmp_path / "m.db").stat().st_size > 0
    (tmp_path / "output.txt").write_text(first.output + second.output)
    (tmp_path / "log.txt").write_text("\n".join(r.getMessage() for r in caplog.records))
    assert any("step" in r.getMessage() for r in caplog.records)
    written = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert len(written) >= 6
    for f in written:
        assert SECRET.encode() not in f.read_bytes(), f.name


def test_submit_allowed_sends_and_keyboard_enter_is_refused(shared_browser, tmp_path):
    env = {"MATURITY_SECRET_LICENCE": "1234"}
    with SiteServer(PAGES) as site:
        allowed = _journey(
            tmp_path,
            site.origin,
            RENEW + "- click: {role: button, name: Pay}\n  submit: allowed\n  expect: {heading: Payment received}\n",
            "pay",
        )
        done = run_journey_file(allowed, environ=env, browser=shared_browser, with_axe=False, keyboard=False)
        assert done.outcome == "completed", done.reason
        assert [p for p, _ in site.posted] == ["/renew/pay"]
        # Enter on the Pay button sends the POST form: the journey's gate stops it on the wire.
        enter = _journey(tmp_path, site.origin, RENEW + "- press: Enter\n  at: {role: button, name: Pay}\n", "enter")
        stopped = run_journey_file(enter, environ=env, browser=shared_browser, with_axe=False, keyboard=False)
    assert stopped.outcome == "failed" and stopped.steps[7].outcome == "refused"
    assert "POST /renew/pay" in stopped.steps[7].reason
    assert len(site.posted) == 1


@pytest.mark.parametrize(
    ("steps", "outcome", "words"),
    [
        # A div posing as a button: found as text, not as a button.
        ("- click: {role: button, name: Start now}\n  timeout: 1", "failed", "not as a button"),
        # A one-time code: a person is needed, not a failure of the site.
        (
            "- click: {role: link, name: Sign in}\n- fill: {label: Email}\n  value: a@b.c\n  timeout: 1",
            "not_assessable",
            "one-time code",
        ),
        # A link off the journey's hosts: refused before any request leaves.
        ("- click: {role: link, name: Our partner}", "failed", "list it under `hosts:`"),
        # A consent wall the file does not answer: a person is needed.
        (
            "- goto: /consent\n- click: {role: link, name: Book a campsite}\n  timeout: 1",
            "not_assessable",
            "a consent dialog covers the page",
        ),
        # A confirm dialog is dismissed: the step fails and says what the page asked.
        (
            "- goto: /confirm\n- click: {role: button, name: Cancel it}\n  expect: {text: Cancelled}\n  timeout: 1",
            "failed",
            'a confirm dialog said "Are you sure?" and was dismissed',
        ),
        # Client-side routing: the address and the new heading, with no page load.
        (
            "- click: {role: button, name: Show fees}\n  expect: {url: /spa/fees}\n- expect: {heading: Fee table}",
            "completed",
            "",
        ),
    ],
)
def test_what_stops_a_journey_is_said_in_words_a_person_can_act_on(shared_browser, tmp_path, steps, outcome, words):
    with SiteServer(PAGES) as site:
        path = _journey(tmp_path, site.origin, steps)
        if "Show fees" in steps:
            path.write_text(path.read_text().replace(f"start: {site.origin}/", f"start: {site.origin}/spa"))
        result = run_journey_file(path, environ={}, browser=shared_browser, with_axe=False, keyboard=False)
    assert result.outcome == outcome, result.reason
    assert words in result.reason
    assert "/elsewhere" not in site.paths()
    assert not shared_browser.session.offmachine_attempts


def test_keyboard_alone_finds_mouse_only_steps_traps_and_invisible_focus(shared_browser, tmp_path):
    with SiteServer(PAGES) as site:
        book = _journey(
            tmp_path,
            site.origin,
            "- click: {role: button, name: Check times}\n- check: {label: Evening}\n"
            "- click: Book now\n  expect: {text: Booked}",
            "book",
        )
        book.write_text(book.read_text().replace(f"start: {site.origin}/", f"start: {site.origin}/kb"))
        booked = run_journey_file(book, environ={}, browser=shared_browser, with_axe=False)
        trap = _journey(
            tmp_path,
            site.origin,
            "- fill: {label: Search}\n  value: fees\n- click: {role: link, name: Back home}",
            "trap",
        )
        trap.write_text(trap.read_text().replace(f"start: {site.origin}/", f"start: {site.origin}/trap"))
        trapped = run_journey_file(trap, environ={}, browser=shared_browser, with_axe=False)
        frame = _journey(
            tmp_path, site.origin, "- click: {role: button, name: Show the list}\n- click: Opening hours", "frame"
        )
        frame.write_text(frame.read_text().replace(f"start: {site.origin}/", f"start: {site.origin}/frame"))
        framed = run_journey_file(frame, environ={}, browser=shared_browser, with_axe=False)
    # Tab passes through a frame's links (the frame is all the page sees meanwhile): no trap.
    assert framed.keyboard is not None and framed.keyboard.outcome == "completed", framed.keyboard.reason
    assert (framed.keyboard.steps[1].tabs or 0) >= 4
    assert framed.keyboard.steps[2].tabs == 1  # the text's link has the focus: the text is reached
    # With a mouse both journeys complete ...
    assert booked.outcome == "completed" and trapped.outcome == "completed", (booked.reason, trapped.reason)
    # ... by keyboard, "Book now" (a div with a click handler) is out of reach,
    kb = booked.keyboard
    assert kb is not None and kb.outcome == "failed" and kb.failed_step == 3
    assert "only a mouse can do this step" in kb.reason
    # the button styled without a focus outline is reached but does not show focus, the third
    # radio button is reached as a keyboard user does (Tab into the group, then the arrow keys),
    assert kb.steps[1].outcome == "completed" and kb.focus_not_visible == [1]
    assert kb.steps[2].outcome == "completed" and kb.steps[2].tabs == 1
    # and a field that swallows Tab is a keyboard trap.
    assert trapped.keyboard is not None and trapped.keyboard.failed_step == 2
    assert "keyboard trap" in trapped.keyboard.reason


def _login_site(token):
    calls = {"statements": 0}

    def statements():
        calls["statements"] += 1
        if calls["statements"] == 1:  # the session ends here the first time: back to the login page
            return Resource(
                "<!doctype html><title>Signed out</title><script>document.cookie = 'sid=; Max-Age=0; path=/';"
                "sessionStorage.clear(); location.replace('/login');</script>"
            )
        return Resource(html("Statements", "<h1>Statements</h1>"))

    guard = (
        "<script>if (!document.cookie.includes('sid=s-1') || !sessionStorage.getItem('token'))"
        " location.replace('/login');</script>"
    )
    return {
        "/login": html(
            "Sign in",
            "<h1>Sign in</h1><form method='post' action='/session'><label for='e'>Email</label><input id='e'>"
            "<label for='p'>Password</label><input id='p' type='password'><button>Sign in</button></form>",
        ),
        "/session": Resource(
            f"<!doctype html><title>Signing in</title><script>sessionStorage.setItem('token', '{token}');"
            "location.replace('/account');</script>",
            headers={"Set-Cookie": "sid=s-1; Path=/"},
        ),
        "/account": html("Account", guard + "<h1>Your account</h1><p><a href='/statements'>Statements</a></p>"),
        "/statements": statements,
        "/favicon.ico": Resource(b"", status=204, content_type="image/x-icon"),
    }, calls


LOGIN = """\
id: sign-in
title: Sign in
service: Accounts
start: {origin}/login
login: true
limits: {{step_seconds: 3}}
steps:
  - fill: {{label: Email}}
    value: a@example.gov
  - fill: {{label: Password}}
    value: "${{secret:PW}}"
  - click: {{role: button, name: Sign in}}
    submit: allowed
    expect: {{heading: {heading}}}
"""

STATEMENTS = """\
id: statements
title: Read my statements
service: Accounts
start: {origin}/account
limits: {{step_seconds: 3}}
steps:
  - expect: {{heading: Your account}}
  - click: {{role: link, name: Statements}}
    expect: {{heading: Statements}}
"""


def test_a_login_journey_signs_the_others_in_and_again_when_the_session_ends(shared_browser, tmp_path):
    from maturity.run.journey import run_journeys

    token = "tok-5521-session"
    routes, calls = _login_site(token)
    env = {"MATURITY_SECRET_PW": "pw-8812"}
    with SiteServer(routes) as site:
        (tmp_path / "b.yaml").write_text(STATEMENTS.format(origin=site.origin))
        (tmp_path / "a.yaml").write_text(LOGIN.format(origin=site.origin, heading="Your account"))
        results = run_journeys([tmp_path], environ=env, browser=shared_browser, with_axe=False, keyboard=False)
        login, statements = results
        assert login.id == "sign-in" and login.outcome == "completed", login.reason
        # The cookie and the sessionStorage token carried over; when the session ended at the
        # statements (sent back to the login page), it signed in again and the journey completed.
        assert statements.outcome == "completed", statements.reason
        assert statements.login_renewals == 1 and calls["statements"] == 2
        assert [p for p, _ in site.posted] == ["/session", "/session"]
        # A login that does not complete: the journeys behind it are not assessable, not failed.
        (tmp_path / "a.yaml").write_text(LOGIN.format(origin=site.origin, heading="Welcome back"))
        failed_login, blocked = run_journeys(
            [tmp_path], environ=env, browser=shared_browser, with_axe=False, keyboard=False
        )
    assert failed_login.outcome == "failed"
    assert blocked.outcome == "not_assessable" and blocked.reason.startswith("login required")
    assert calls["statements"] == 2  # it never ran
    # The session lived in memory only.
    for f in tmp_path.rglob("*"):
        assert token.encode() not in f.read_bytes()
