"""Pages behind a login: the login journey signs the crawl in, on a fixture site of our own on 127.0.0.1.

The site: a login form whose POST sets a session cookie (``sid``) and a sessionStorage token; two
pages the server keeps for a live session (others are sent to the login page), and one whose own
script shows the login form unless the token is there. A session serves four requests to the
server's pages (signing in lands on one of them), then ends. With ``otp`` set, signing in stops at a one-time-code page.
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path

import pytest
from sites import Resource, SiteServer, html

from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.audit import audit
from maturity.run.journey import JourneyRun, audit_between_journeys
from maturity.store import Store

pytestmark = pytest.mark.browser

PASSWORD = "Pw-planted-" + uuid.uuid4().hex[:12]

LOGIN = """\
id: sign-in
title: Sign in
service: Accounts
start: {origin}/login
login: true
limits: {{step_seconds: 1.5}}
steps:
  - fill: {{label: Email}}
    value: a@example.gov
  - fill: {{label: Password}}
    value: "${{secret:PW}}"
  - click: {{role: button, name: Sign in}}
    submit: allowed
    expect: {{heading: Your account}}
"""

MESSAGES = """\
id: messages
title: Read my messages
service: Accounts
start: {origin}/account
limits: {{step_seconds: 3}}
steps:
  - click: {{role: link, name: Messages}}
    expect: {{heading: Messages}}
"""


def _site(server_pages_per_session: int = 4) -> tuple[dict[str, object], dict[str, object]]:
    state: dict[str, object] = {"sessions": {}, "sids": [], "tokens": [], "otp": False, "site": None}
    sessions: dict[str, int] = state["sessions"]  # type: ignore[assignment]
    lock = threading.Lock()

    def sign_in() -> Resource:
        if state["otp"]:
            return Resource(
                html(
                    "Check your phone",
                    "<h1>Check your phone</h1><label for='c'>Enter the code we sent to your phone</label>"
                    "<input id='c' autocomplete='one-time-code' inputmode='numeric'>",
                )
            )
        sid, token = "sid-" + uuid.uuid4().hex, "tok-" + uuid.uuid4().hex
        with lock:
            sessions[sid] = 0
            state["sids"].append(sid)  # type: ignore[attr-defined]
            state["tokens"].append(token)  # type: ignore[attr-defined]
        return Resource(
            f"<!doctype html><title>Signing in</title><script>sessionStorage.setItem('token', '{token}');"
            "location.replace('/account');</script>",
            headers={"Set-Cookie": f"sid={sid}; Path=/; HttpOnly"},
        )

    def members(title: str, body: str):
        def answer() -> Resource:
            site = state["site"]
            cookie = site.current.headers.get("Cookie") or ""  # type: ignore[attr-defined]
            sid = next((c.split("=", 1)[1] for c in cookie.split("; ") if c.startswith("sid=")), "")
            with lock:
                used = sessions.get(sid)
                if used is None or used >= server_pages_per_session:  # no session, or it ended
                    sessions.pop(sid, None)
                    return Resource("", status=302, headers={"Location": "/login"})
                sessions[sid] = used + 1
            # A sliding session: the cookie is sent again (its value must not be kept anywhere).
            return Resource(html(title, body), headers={"Set-Cookie": f"sid={sid}; Path=/; HttpOnly"})

        return answer

    routes: dict[str, object] = {
        "/": html(
            "Accounts home",
            "<h1>Accounts</h1><p><a href='/account'>Your account</a> <a href='/messages'>Messages</a> "
            "<a href='/app'>Applications</a> <a href='/logout'>Sign out</a></p>",
        ),
        "/login": html(
            "Sign in",
            "<h1>Sign in</h1><form method='post' action='/session'>"
            "<label for='e'>Email</label><input id='e' name='email'>"
            "<label for='p'>Password</label><input id='p' name='password' type='password'>"
            "<button>Sign in</button></form>",
        ),
        "/session": sign_in,
        "/account": members(
            "Your account",
            "<h1>Your account</h1><p><a href='/messages'>Messages</a></p>"
            # A password field of its own is not the login form.
            "<form><label for='np'>New password</label><input id='np' type='password'></form>",
        ),
        "/messages": members("Messages", "<h1>Messages</h1><p>You have no new messages.</p>"),
        # A client-side page: its own script shows the login form unless the session's token is there.
        "/app": html(
            "Applications",
            "<div id='view'></div><script>const t = sessionStorage.getItem('token') || '';"
            "document.getElementById('view').innerHTML = t.startsWith('tok-') ? "
            "'<h1>Your applications</h1><p>One application in progress.</p>' : "
            '\'<h1>Sign in</h1><label for="r">Email</label><input id="r">'
            '<label for="q">Password</label><input id="q" type="password">\';</script>',
        ),
        "/logout": html("Signed out", "<h1>You are signed out</h1>"),
        "/favicon.ico": Resource(b"", status=204, content_type="image/x-icon"),
    }
    return routes, state


def _audit(shared_browser, tmp: Path, origin: str, folder: Path, caplog) -> tuple[object, list, Store]:
    settings = AuditSettings(
        url=origin + "/",
        concurrency=2,
        throttle="none",
        page_timeout=8,
        perf_runs=1,
        perf_pages=3,
        user_agent="maturity-tests",
    )
    store = Store(f"sqlite:///{tmp / 'm.db'}")
    machine = MachineSettings(loopback_only=True)
    plan = JourneyRun(
        [folder], machine=machine, environ={"MATURITY_SECRET_PW": PASSWORD}, keyboard=False, with_axe=False
    )
    with caplog.at_level(logging.DEBUG):
        done, hook = audit_between_journeys(
            plan,
            shared_browser,
            settings.url,
            lambda login, hook: audit(
                settings,
                store,
                builtin_rubric(),
                tmp / "out",
                machine=machine,
                browser=shared_browser,
                login=login,
                save_to=tmp / "artifacts",
                before_scoring=hook,
            ),
            store,
            tmp / "out",
        )
    assert hook.error is None, hook.error
    return done, hook.results, store


def test_the_crawl_signs_in_again_when_the_session_ends_and_keeps_nothing_of_it(shared_browser, tmp_path, caplog):
    from maturity.run.journey import write_journey_reports

    routes, state = _site()
    folder = tmp_path / "journeys"
    folder.mkdir()
    with SiteServer(routes) as site:  # type: ignore[arg-type]
        state["site"] = site
        (folder / "a-login.yaml").write_text(LOGIN.format(origin=site.origin))
        (folder / "b-messages.yaml").write_text(MESSAGES.format(origin=site.origin))
        done, journeys, store = _audit(shared_browser, tmp_path / "run", site.origin, folder, caplog)
        write_journey_reports(journeys, tmp_path / "run" / "out")

    pages = {p.url.removeprefix(site.origin): p for p in store.load_pages(done.crawl_id)}
    # Every page behind the login was seen signed in: the server's pages with the cookie, the
    # client-side page with the sessionStorage token (its own script showed the content, not the form).
    assert {u: p.status for u, p in pages.items()} == dict.fromkeys(["/", "/account", "/messages", "/app"], "ok")
    assert "One application in progress" in pages["/app"].artifacts["document"]["text"]
    assert "no new messages" in pages["/messages"].artifacts["document"]["text"]
    assert "performance" in pages["/messages"].artifacts and "error" not in pages["/messages"].artifacts["performance"]
    # Discovery asked with the cookie too (the pages were found, not sent to the login page), and
    # never followed the sign-out link.
    assert ("GET", "/logout") not in site.requests
    # The session served four pages and ended mid-crawl: the login journey ran again, and the
    # page was asked for once more. The journey run before scoring used the session the crawl left,
    # and signed in again when that one ended too.
    login, messages = journeys
    assert login.outcome == "completed" and messages.outcome == "completed", messages.reason
    assert messages.login_renewals == 1
    timings = store.crawl(done.crawl_id).timings
    assert '"renewals": 1' in timings and '"signed_in": true' in timings
    posts = [p for p, _ in site.posted]
    assert posts == ["/session"] * 3  # the first sign-in, once in the crawl, once in the journey
    assert all(PASSWORD.encode() in body for _, body in site.posted)
    # Nothing of the session, nor the password, is in any byte written: the database, the reports,
    # the saved artifacts, the journeys' reports, or the log.
    store.engine.dispose()
    kept = [*state["sids"], *state["tokens"], PASSWORD]  # type: ignore[misc]
    assert len(kept) == 7
    written = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert any(f.suffix == ".db" for f in written) and any(f.name == "journeys.json" for f in written)
    # The tool's own log records (httpcore's DEBUG traces print raw headers, cookies included; the
    # tool never turns them on).
    ours = [r for r in caplog.records if not r.name.startswith(("httpcore", "httpx"))]
    assert any(r.name.startswith("maturity") for r in ours)
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in ours).encode()
    for value in kept:
        assert value.encode() not in logged, value
        for f in written:
            assert value.encode() not in f.read_bytes(), (value, f.name)


def test_pages_behind_a_login_that_needs_a_person_are_not_assessable(shared_browser, tmp_path, monkeypatch):
    """Through ``maturity audit URL --journeys DIR`` (in the tests' browser)."""
    import json

    from click.testing import CliRunner

    import crawlers.browser
    from maturity.cli import cli
    from maturity.store import JourneyStore

    class Borrowed:  # the command's browser is the tests' one, not closed by the command
        def __init__(self, *_args, **_kwargs):
            self.session, self.run = shared_browser.session, shared_browser.run

        def close(self):
            pass

    monkeypatch.setattr(crawlers.browser, "SharedBrowser", Borrowed)
    monkeypatch.setenv("MATURITY_SECRET_PW", PASSWORD)
    routes, state = _site()
    state["otp"] = True  # signing in asks for a one-time code
    folder = tmp_path / "journeys"
    folder.mkdir()
    with SiteServer(routes) as site:  # type: ignore[arg-type]
        state["site"] = site
        (folder / "a-login.yaml").write_text(LOGIN.format(origin=site.origin))
        (folder / "b-messages.yaml").write_text(MESSAGES.format(origin=site.origin))
        args = ["audit", site.origin + "/", "--journeys", str(folder), "--db", f"sqlite:///{tmp_path / 'm.db'}"]
        args += ["--out", str(tmp_path / "out"), "--throttle", "none", "--perf-pages", "1", "--quiet"]
        ran = CliRunner().invoke(cli, args, catch_exceptions=False)
        crawl = Store(f"sqlite:///{tmp_path / 'm.db'}").last_crawl_id()
        # Later the code is no longer asked for. A run that signed in and stopped with /app left
        # to audit: `resume` refuses without its journeys, and with them signs in again first.
        state["otp"] = False
        interrupted = _stopped_signed_in_run(tmp_path / "m.db", site.origin, ["/app"])
        resume = ["resume", str(interrupted), "--db", f"sqlite:///{tmp_path / 'm.db'}", "--out", str(tmp_path / "out")]
        refused = CliRunner().invoke(cli, [*resume, "--quiet"])
        login_only = folder / "a-login.yaml"
        resumed = CliRunner().invoke(cli, [*resume, "--journeys", str(login_only), "--quiet"], catch_exceptions=False)
    assert refused.exit_code != 0 and "--journeys DIR` signs in again" in str(refused.exception)
    assert resumed.exit_code == 0, resumed.output
    again = Store(f"sqlite:///{tmp_path / 'm.db'}")
    app = next(p for p in again.load_pages(interrupted) if p.url.endswith("/app"))
    assert app.status == "ok" and "One application in progress" in app.artifacts["document"]["text"]
    assert [j.outcome for j in JourneyStore(again.engine).of_crawl(interrupted)] == ["completed"]
    again.engine.dispose()
    assert ran.exit_code == 0, ran.output
    assert "journey sign-in:" in ran.output and "journey messages:" in ran.output
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    login, messages = JourneyStore(store.engine).of_crawl(crawl)
    assert login.outcome == "not_assessable" and "one-time code" in login.reason
    assert messages.outcome == "not_assessable" and messages.reason.startswith("login required")
    pages = {p.url.removeprefix(site.origin): p for p in store.load_pages(crawl)}
    # The server's pages (sent to the login page) and the client-side page (showing the login
    # form) are "not assessable: login required", with the login's reason; the public ones are audited.
    for path in ("/account", "/messages", "/app"):
        assert pages[path].status == "not_assessable", path
        assert pages[path].reason.startswith("login required: the login journey sign-in did not complete")
        assert "one-time code" in pages[path].reason
    assert pages["/"].status == "ok"
    login_record = {"journey": "sign-in", "signed_in": False, "renewals": 0, "gave_up": False}
    assert json.loads(store.crawl(crawl).timings)["login"] == login_record
    assert "no: the login journey sign-in did not complete" in " ".join(ran.output.split())
    # Not failures: the scorecard counts them among the pages not assessed.
    card = json.loads((tmp_path / "out" / "run-1" / "scorecard.json").read_text())["scorecard"]
    assert [p["status"] for p in card["pages"]] == ["ok"] + ["not_assessable"] * 3
    assert not [r for r in card["results"] if r["url"] and r["url"] != site.origin + "/"]  # nothing judged on them
    assert (tmp_path / "out" / "run-1" / "journeys.json").is_file()
    # Signed in by mouse, and by keyboard alone; never again in the crawl: a person is needed.
    # Then twice more (mouse and keyboard) for the resume.
    assert [p for p, _ in site.posted] == ["/session"] * 4


def _stopped_signed_in_run(db: Path, origin: str, pending: list[str]) -> int:
    """A run stored as an audit that signed in leaves it when stopped part-way: pages still pending."""
    from maturity.core.model import PageArtifacts, SiteFacts
    from maturity.store import PENDING

    store = Store(f"sqlite:///{db}")
    settings = AuditSettings(url=origin + "/", throttle="none", perf_pages=1, user_agent="maturity-tests")
    crawl = store.begin_crawl(settings.url, settings=settings.recorded(), tool_version="test")
    store.set_site(crawl, SiteFacts(start_url=settings.url), len(pending))
    store.plan_pages(crawl, [PageArtifacts(url=origin + p, depth=1, status=PENDING) for p in pending])
    login = {"journey": "sign-in", "signed_in": True, "renewals": 0, "gave_up": False}
    store.finish_crawl(crawl, status="failed", timings={"login": login, "page_gap_s": 0.2}, error="interrupted")
    store.engine.dispose()
    return crawl
