"""Journey files, secrets, the submit rule and the summary of k runs: pure, no browser."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from maturity.cli import cli
from maturity.core.journey import (
    RunRecord,
    Secrets,
    StepRun,
    changes_something,
    looks_like_submit,
    parse_journey,
    secrets_from_env,
    summarise,
    valid_key,
)
from maturity.kernel.errors import ConfigError
from reports.journey_text import journey_json, journey_text

GOOD = textwrap.dedent(
    """\
    id: renew-licence
    title: Renew a driving licence
    service: Driver services
    start: https://dmv.example.gov/
    hosts: [login.example.gov]
    limits: {max_steps: 10, max_seconds: 60, step_seconds: 5}
    steps:
      - click: {role: link, name: Renew a licence}
        expect: {heading: Your licence}
      - fill: {label: Licence number}
        value: "${secret:LICENCE}"
      - select: {label: County}
        option: Fulton
      - check: {label: I confirm}
      - click: Continue
        expect: {url: /renew/2}
      - press: Enter
        at: {role: textbox, name: Search}
      - wait_for: {text: Thank you}
      - expect: {role: button, name: Pay}
      - goto: https://login.example.gov/start
      - click: {role: button, name: Pay}
        submit: allowed
    """
)


def _errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_journey(text, "j.yaml")
    return info.value.lines()


def test_a_good_file_reads_as_steps_a_person_would_take():
    j = parse_journey(GOOD, "j.yaml").journey
    assert [s.action for s in j.steps] == [
        "click", "fill", "select", "check", "click", "press", "wait_for", "expect", "goto", "click",
    ]  # fmt: skip
    assert j.steps[4].click is not None and j.steps[4].click.text == "Continue"  # shorthand: visible text
    assert j.secret_names == ["LICENCE"]
    assert j.allowed_hosts == {"dmv.example.gov", "login.example.gov"}
    assert j.steps[9].submit == "allowed" and j.steps[0].submit == "refused"
    # Described without values (a value may be a secret).
    assert j.steps[1].describe() == 'fill in the field labelled "Licence number"'
    assert "LICENCE" not in j.steps[1].describe()


@pytest.mark.parametrize(
    ("step", "key", "words"),
    [
        ("{click: {role: buton, name: Go}}", "steps[0].click", "unknown ARIA role"),
        ("{click: {role: button, label: Go}}", "steps[0].click", "exactly one of"),
        ("{click: {name: Go}}", "steps[0].click", "exactly one of"),
        ("{fill: {label: Email}}", "steps[0]", "fill needs a value"),
        ("{select: {label: County}}", "steps[0]", "select needs an option"),
        ("{click: Go, fill: {label: x}, value: y}", "steps[0]", "one action per step"),
        ("{press: Entr}", "steps[0]", "unknown key"),
        ("{goto: 'javascript:alert(1)'}", "steps[0]", "http(s)"),
        ("{goto: '/a?p=${secret:PW}'}", "steps[0]", "a secret may not be part of an address"),
        ("{fill: {label: x}, value: '${secret:pw}'}", "steps[0]", "capitals"),
        ("{select: {label: x}, option: '${secret:PW}'}", "steps[0]", "only be a fill value"),
        ("{click: Go, submit: yes}", "steps[0].submit", "allowed"),
        ("{clik: Go}", "steps[0].clik", "unknown key"),
        ("{expect: {heading: A, text: B}}", "steps[0].expect", "exactly one of"),
        ("{goto: 'https://elsewhere.example/'}", "steps[0].goto", "neither the start's host nor listed"),
    ],
)
def test_a_bad_step_is_refused_with_its_key_path(step, key, words):
    text = f"id: j\ntitle: T\nservice: S\nstart: https://a.example/\nsteps:\n  - {step}\n"
    first = _errors(text)[0]
    assert first.startswith(f"j.yaml: {key}: "), first
    assert words in first


def test_every_problem_of_a_file_is_listed_at_once():
    text = "id: Bad Id\ntitle: ''\nstart: ftp://x/\nsteps: []\nextra: 1\n"
    lines = _errors(text)
    keys = {line.split(": ")[1] for line in lines}
    assert {"extra", "id", "title", "service", "start", "steps"} <= keys


def test_limits_bound_the_journey():
    steps = "".join("  - {click: Go}\n" for _ in range(4))
    text = f"id: j\ntitle: T\nservice: S\nstart: https://a.example/\nlimits: {{max_steps: 3}}\nsteps:\n{steps}"
    assert "more than limits.max_steps (3)" in _errors(text)[0]
    assert "less than or equal to 200" in _errors(text.replace("max_steps: 3", "max_steps: 5000"))[0]


def test_credentials_in_the_start_address_are_refused():
    text = "id: j\ntitle: T\nservice: S\nstart: https://me:pw@a.example/\nsteps:\n  - {click: Go}\n"
    assert "no credentials" in _errors(text)[0]


def test_yaml_syntax_errors_name_the_line():
    assert "line 2" in _errors("id: j\n  title: : :\n")[0]


def test_secrets_come_from_the_environment_and_are_redacted_everywhere():
    secrets = secrets_from_env(["PW", "PIN"], {"MATURITY_SECRET_PW": "hunter22", "MATURITY_SECRET_PIN": "22"}, "j")
    assert secrets.fill("x${secret:PW}y") == "xhunter22y"
    # The longer value first: the PIN inside the password does not leave "hunter" behind.
    assert secrets.redact("pw hunter22 pin 22") == "pw [secret:PW] pin [secret:PIN]"
    assert secrets.redact_deep({"a": ["hunter22"], "hunter22": 1}) == {"a": ["[secret:PW]"], "[secret:PW]": 1}
    assert "hunter22" not in repr(secrets)
    with pytest.raises(ConfigError, match="MATURITY_SECRET_PW, MATURITY_SECRET_PIN"):
        secrets_from_env(["PW", "PIN"], {}, "j")
    assert Secrets({}).redact("nothing") == "nothing"


@pytest.mark.parametrize(
    ("name", "submits"),
    [
        ("Submit application", True),
        ("Pay £30", True),
        ("Send message", True),
        ("Apply now", True),
        ("Confirm and send", True),
        ("Continue", False),
        ("Search", False),
        ("Payments overview page", False),  # a word boundary, not a prefix
        ("Next", False),
    ],
)
def test_controls_named_like_submit(name, submits):
    assert looks_like_submit(name) is submits


def test_methods_that_change_something():
    assert [m for m in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH") if changes_something(m)] == [
        "POST", "PUT", "DELETE", "PATCH",
    ]  # fmt: skip


def test_keys():
    assert all(valid_key(k) for k in ("Enter", "Shift+Tab", "a", "ControlOrMeta+a", "ArrowDown"))
    assert not any(valid_key(k) for k in ("Entr", "Hyper+Tab", "abc"))


def test_k_runs_give_the_median_and_spread_and_the_first_failure_decides():
    j = parse_journey(GOOD, "j.yaml").journey
    n = len(j.steps) + 1

    def record(times, fail_at=None):
        steps = []
        for i in range(n):
            if fail_at is not None and i == fail_at:
                steps.append(StepRun(outcome="failed", reason="the button was not found"))
            elif fail_at is not None and i > fail_at:
                steps.append(StepRun(outcome="not_reached"))
            else:
                steps.append(StepRun(outcome="completed", ms=times[i], bytes=int(times[i]) * 10))
        return RunRecord(steps=steps)

    base = [100.0] * n
    result = summarise(j, [record(base), record([t + 40 for t in base]), record([t + 10 for t in base])])
    assert result.outcome == "completed" and result.k == 3
    assert result.steps[3].ms_median == 110 and result.steps[3].ms_spread == 40
    assert result.total_ms_median == 110 * n and result.total_ms_spread == 40 * n
    assert result.steps[3].bytes_median == 1100 and result.total_bytes_median == 1100 * n  # bytes: medians too
    assert result.steps[0].description.startswith("open the start page")
    e = result.effort
    assert e is not None and (e.steps, e.interactions, e.fields) == (10, 7, 3)
    assert e.states == 9  # the start page and every step but wait_for and expect

    failed = summarise(j, [record(base, fail_at=5), record(base)])
    assert failed.outcome == "failed" and failed.failed_step == 5 and failed.reason == "the button was not found"
    assert failed.outcomes_by_run == ["failed", "completed"]
    assert failed.steps[6].outcome == "not_reached"
    assert failed.total_ms_median == 100 * n  # only completed runs are timed
    assert failed.total_bytes_median == 1000 * n  # and weighed
    assert "1,000 B received" in journey_text(failed)  # the first step's median, said in the report


def test_journey_validate_command(tmp_path):
    import subprocess
    import sys

    # Validating a journey loads neither Playwright nor httpx.
    (tmp_path / "v.yaml").write_text(GOOD)
    code = (
        "import sys; from maturity.cli import cli; "
        f"cli.main(args=['journey', 'validate', {str(tmp_path / 'v.yaml')!r}], standalone_mode=False); "
        "print(sorted(m for m in ('playwright', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().endswith("[]") and "valid journey" in out, out
    good = tmp_path / "j.yaml"
    good.write_text(GOOD)
    result = CliRunner().invoke(cli, ["journey", "validate", str(good)], standalone_mode=False)
    assert result.exit_code == 0, result.output
    assert "valid journey renew-licence (10 steps" in result.output and "secrets LICENCE" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("role: link", "role: lnk"))
    with pytest.raises(ConfigError, match=r"steps\[0\]\.click: unknown ARIA role"):
        CliRunner().invoke(cli, ["journey", "validate", str(bad)], standalone_mode=False, catch_exceptions=False)


RECORDING = {
    "title": "Renew a licence!",
    "steps": [
        {"type": "setViewport", "width": 412, "height": 915, "deviceScaleFactor": 1, "isMobile": True},
        {"type": "navigate", "url": "https://dmv.example.gov/", "assertedEvents": [{"type": "navigation"}]},
        {
            "type": "click",
            "target": "main",
            "selectors": [['aria/Renew a licence[role="link"]'], ["#renew"], ['xpath///*[@id="renew"]']],
            "offsetX": 10,
            "offsetY": 5,
            "assertedEvents": [{"type": "navigation", "url": "https://dmv.example.gov/renew/1", "title": ""}],
        },
        {"type": "change", "value": "D123", "selectors": [["aria/Licence number"], ["#n"]], "target": "main"},
        {"type": "change", "value": "hunter22", "selectors": [["#password"]], "target": "main"},
        {"type": "click", "selectors": [["div.card > span"]], "offsetX": 1, "offsetY": 1},
        {"type": "keyDown", "key": "Enter"},
        {"type": "keyUp", "key": "Enter"},
        {"type": "scroll", "x": 0, "y": 300},
        {"type": "click", "selectors": [["pierce/#x"], ["xpath//a"]], "offsetX": 1, "offsetY": 1},
        {"type": "navigate", "url": "https://login.example.gov/done"},
        {"type": "waitForElement", "selectors": [["text/Thank you"]]},
    ],
}


def test_a_recorder_export_becomes_a_journey_a_person_can_read():
    from maturity.core.recorder import from_recording

    text, notes = from_recording(RECORDING, "rec.json")
    j = parse_journey(text, "converted").journey
    assert j.id == "renew-a-licence" and j.start == "https://dmv.example.gov/" and j.hosts == ["login.example.gov"]
    assert [s.action for s in j.steps] == ["click", "fill", "fill", "click", "press", "goto", "wait_for"]
    first = j.steps[0]
    assert first.click is not None and (first.click.role, first.click.name) == ("link", "Renew a licence")
    assert first.expect is not None and first.expect.url == "/renew/1"
    assert j.steps[1].fill is not None and j.steps[1].fill.text == "Licence number" and j.steps[1].value == "D123"
    # The typed password is not copied: it is a secret to set, and the notes say so.
    assert j.steps[2].value == "${secret:PASSWORD}" and "hunter22" not in text
    assert any("MATURITY_SECRET_PASSWORD" in n for n in notes)
    assert j.steps[3].click is not None and j.steps[3].click.css == "div.card > span"
    assert any("CSS" in n for n in notes) and any("scroll" in n for n in notes)
    assert any("no selector a person could follow" in n for n in notes)  # pierce/XPath only


def test_what_is_not_a_recording_is_refused():
    from maturity.core.recorder import from_recording

    with pytest.raises(ConfigError, match="not a Chrome DevTools Recorder export"):
        from_recording([1, 2], "x.json")
    with pytest.raises(ConfigError, match="no navigate step"):
        from_recording({"title": "t", "steps": [{"type": "click", "selectors": [["#a"]]}]}, "x.json")


def test_journey_import_command(tmp_path):
    import json

    rec = tmp_path / "rec.json"
    rec.write_text(json.dumps(RECORDING))
    out = tmp_path / "j.yaml"
    result = CliRunner().invoke(cli, ["journey", "import", str(rec), "--out", str(out)], standalone_mode=False)
    assert result.exit_code == 0, result.output
    assert parse_journey(out.read_text(), "j").journey.steps[0].action == "click"


def test_log_records_made_during_a_journey_are_redacted_whoever_logs_them(caplog):
    import logging
    import threading

    from maturity.run.journey import redacted_logs

    secrets = Secrets({"PW": "hunter22"})
    with caplog.at_level(logging.INFO), redacted_logs(secrets):
        logging.getLogger("maturity.browser").info("blocked %s: %s", "http://x.example/?pw=hunter22", "refused")
        t = threading.Thread(target=lambda: logging.getLogger("playwright").warning("typed hunter22"))
        t.start()
        t.join()
    logging.getLogger("maturity.browser").info("after hunter22")  # outside: as it was
    messages = [r.getMessage() for r in caplog.records]
    assert messages[:2] == ["blocked http://x.example/?pw=[secret:PW]: refused", "typed [secret:PW]"]
    assert "hunter22" not in " ".join(messages[:2])


def test_a_secrets_file_is_read_only_when_its_owner_alone_can_read_it(tmp_path):
    import os

    from maturity.run.journey import read_secrets_file

    path = tmp_path / "secrets.yaml"
    path.write_text("PW: 'hunter22'\nPIN: 1234\n")
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        read_secrets_file(path)
    os.chmod(path, 0o600)
    values = read_secrets_file(path)
    assert values == {"PW": "hunter22", "PIN": "1234"}
    # The environment wins over the file.
    secrets = secrets_from_env(["PW", "PIN"], {"MATURITY_SECRET_PIN": "9999"}, "j", values)
    assert secrets.fill("${secret:PW}/${secret:PIN}") == "hunter22/9999"
    path.write_text("pw: [hunter22]\nOK: [1]\n")
    with pytest.raises(ConfigError) as info:
        read_secrets_file(path)
    assert "capitals" in str(info.value) and "hunter22" not in " ".join(info.value.lines())


def test_gates_and_junit_per_step():
    import xml.etree.ElementTree as ET

    from maturity.core.journey import journey_gates
    from reports.journey_junit import journeys_junit

    j = parse_journey(GOOD, "j.yaml").journey
    n = len(j.steps) + 1
    done = RunRecord(steps=[StepRun(outcome="completed", ms=500.0) for _ in range(n)])
    stuck = [StepRun(outcome="completed", ms=1.0)] * 3 + [StepRun(outcome="failed", reason="cannot be reached")]
    keys = RunRecord(steps=stuck + [StepRun(outcome="not_reached")] * (n - 4))
    result = summarise(j, [done], keys)
    gates = journey_gates(result, keyboard_required=True, budget_seconds=5)
    assert [(g.name, g.passed) for g in gates] == [("completion", True), ("keyboard", False), ("time-budget", False)]
    assert "5.5 s" in gates[2].detail and "at step 3: cannot be reached" in gates[1].detail
    assert [g.passed for g in journey_gates(result, budget_seconds=6)] == [True, True]

    person = summarise(j, [RunRecord(steps=[StepRun(outcome="not_assessable", reason="a captcha")] * n)])
    assert journey_gates(person)[0].passed  # a person was needed: nothing for the site to fix

    xml = journeys_junit([(result, gates), (person, journey_gates(person))])
    root = ET.fromstring(xml)
    suites = root.findall("testsuite")
    assert len(suites) == 2 and suites[0].get("tests") == str(n + 3) and suites[0].get("failures") == "2"
    names = [c.get("name") for c in suites[0].findall("testcase")]
    assert names[0].startswith("step 0: open the start page") and names[-1] == "gate: time-budget"
    assert suites[1].get("skipped") == str(n) and root.get("failures") == "2"


def test_two_runs_of_a_journey_compared_beyond_the_noise(tmp_path):
    from maturity.core.journey import AxeSummary, compare_journeys
    from reports.journey_text import comparison_text

    before_j = parse_journey(GOOD, "j.yaml").journey
    after_j = parse_journey(GOOD.replace("  - press: Enter\n    at: {role: textbox, name: Search}\n", "")
                            + "  - expect: {text: Done}\n", "j.yaml").journey  # fmt: skip

    def record(journey, ms, axe):
        steps = [StepRun(outcome="completed", ms=m) for m in ms]
        return RunRecord(steps=steps + [StepRun(outcome="completed", ms=10.0)] * (len(journey.steps) + 1 - len(ms)),
                         axe={0: AxeSummary(url="u", violations=axe)})  # fmt: skip

    before = summarise(before_j, [record(before_j, [100, 1000, 50], {"label": 2, "region": 1})])
    after = summarise(after_j, [record(after_j, [150, 3000, 50], {"label": 2, "color-contrast": 4})])
    c = compare_journeys(before, after)
    assert c.removed == ['press Enter in the textbox "Search"'] and c.added == ['expect the text "Done"']
    verdicts = {t.what.split(":")[0]: t.verdict for t in c.times}
    assert verdicts["step 0"] == "no change"  # 50 ms is within ±100 ms
    assert verdicts["step 1"] == "slower" and verdicts["step 2"] == "no change"
    assert c.axe_new == {"step 0": ["color-contrast"]} and c.axe_fixed == {"step 0": ["region"]}
    text = comparison_text(c)
    assert "step 1: click the link" in text and "slower" in text and "step 0: open" not in text

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(journey_json([before]))
    new.write_text(journey_json([after]))
    result = CliRunner().invoke(cli, ["journey", "compare", str(old), str(new)], standalone_mode=False)
    assert result.exit_code == 0 and "step added" in result.output


def test_audit_with_journeys_refuses_missing_secrets_before_crawling(tmp_path, monkeypatch):
    folder = tmp_path / "journeys"
    folder.mkdir()
    (folder / "renew.yaml").write_text(GOOD)
    monkeypatch.delenv("MATURITY_SECRET_LICENCE", raising=False)
    args = ["audit", "http://127.0.0.1:9/", "--journeys", str(folder), "--db", f"sqlite:///{tmp_path / 'm.db'}"]
    with pytest.raises(ConfigError, match="MATURITY_SECRET_LICENCE"):
        CliRunner().invoke(cli, args, standalone_mode=False, catch_exceptions=False)
    assert not (tmp_path / "m.db").exists()  # nothing was started


def test_resume_refuses_a_run_that_signed_in(tmp_path):
    """The login session was never kept, so the pages left could not be seen signed in."""
    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings
    from maturity.kernel.errors import UsageError
    from maturity.run.audit import resume
    from maturity.store import Store

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    settings = AuditSettings(url="http://127.0.0.1:9/")
    crawl = store.begin_crawl(settings.url, settings=settings.recorded(), tool_version="test")
    login = {"journey": "sign-in", "signed_in": True, "renewals": 0}
    store.finish_crawl(crawl, status="failed", timings={"login": login}, error="interrupted")
    with pytest.raises(UsageError, match="signed in with the login journey sign-in, whose session was not kept"):
        resume(store, crawl, builtin_rubric(), tmp_path / "out")


def test_signing_in_again_is_once_for_all_workers_bounded_and_says_why():
    """The crawl's workers that saw one session end sign in once; after ``max_renewals`` the run
    goes on without a session, and pages say "login required" with the reason (no browser: the
    sign-in itself is replaced)."""
    import asyncio

    from crawlers.journey import Login, LoginSession, login_form
    from maturity.core.journey import Journey

    journey = Journey.model_validate(
        {
            "id": "sign-in",
            "title": "Sign in",
            "service": "Accounts",
            "start": "http://127.0.0.1:9/login",
            "login": True,
            "steps": [
                {"fill": {"label": "Email"}, "value": "a@example.gov"},
                {"fill": {"label": "Password"}, "value": "${secret:PW}"},
                {"click": "Sign in", "submit": "allowed"},
            ],
        }
    )
    # The login form's tell, looked for exactly: the first field filled and the one given a secret.
    assert [(t.label, t.exact) for t in login_form(journey)] == [("Email", True), ("Password", True)]
    login = Login(journey, Secrets({"PW": "x"}), max_renewals=2)
    signed: list[int] = []

    async def sign_in(_browser, **_kw):
        await asyncio.sleep(0.01)  # the others wait for this one
        signed.append(1)
        login.session = LoginSession(cookies=[], storage={}, login_page=journey.start)
        login.generation += 1

    login.sign_in = sign_in  # type: ignore[method-assign]

    async def workers(seen: int, n: int) -> list[bool]:
        return list(await asyncio.gather(*(login.renew(None, seen) for _ in range(n))))  # type: ignore[arg-type]

    asyncio.run(sign_in(None))
    assert asyncio.run(workers(1, 3)) == [True] * 3 and len(signed) == 2  # three saw it end: one sign-in
    assert asyncio.run(workers(2, 1)) == [True] and len(signed) == 3
    assert login.required("x led to the login page") == "login required: x led to the login page"
    assert asyncio.run(workers(3, 2)) == [False, False] and len(signed) == 3  # the bound: no more
    assert login.session is None and login.renewals == 2
    assert login.required("y").startswith("login required: the login session ended again after signing in again 2")
    assert asyncio.run(workers(3, 1)) == [False]  # and never again in this run
