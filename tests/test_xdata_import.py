"""Experience data end to end: import (one transaction, idempotent, de-duplicated), the portfolio's
services and fiscal year, ``xdata show``, and privacy by default (issue 18)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select
from xdata_fixtures import (
    HISP_DETAILS_HEADER,
    PII,
    QUALTRICS_MAP,
    QUALTRICS_META,
    V1_QUESTIONS,
    V2,
    V2_TRUST,
    a11_v2,
    hisp_details,
    hisp_legacy,
    hisp_legacy_header,
    qualtrics,
    to_csv,
    touchpoints_v1,
    touchpoints_v2,
)

from maturity.core.portfolio import load_portfolio
from maturity.core.xdata import INSUFFICIENT, THUMBS, ImportSummary, Tally, two_proportion_z
from maturity.kernel.errors import ConfigError
from maturity.run.xdata import agency_figures, import_file
from maturity.store import Store
from maturity.store.xdata import Batch, XdataImport, XdataSeen, XdataStore, XdataTally

AGENCY = "Columbia Licence Office"
# The reference's worked quarters (XDATA.md §5): FY2025 Q1-Q4, n and thumbs-up
QUARTERS = [
    (datetime(2024, 10, 1, 8), 412, 331, 250, 40),
    (datetime(2025, 1, 2, 8), 389, 301, 200, 30),
    (datetime(2025, 4, 1, 8), 27, 22, 10, 2),
    (datetime(2025, 7, 1, 8), 455, 382, 300, 35),
]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "maturity", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'x.db'}"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _trust(store: Store, service: str = "renew") -> dict[tuple[int, int], object]:
    figs = agency_figures(store, AGENCY)[AGENCY]
    return {(f.fiscal_year, f.quarter): f for f in figs if f.service == service and f.measure == "trust"}


def test_import_then_show_on_the_command_line(tmp_path, db):
    path = _write(tmp_path, "touchpoints-a11-v2-form-responses.csv", touchpoints_v2(QUARTERS))
    done = cli("xdata", "import", str(path), "--agency", AGENCY, "--service", "renew", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "touchpoints-a11-v2, 1283 rows" in done.stdout
    assert "responses counted: 1283" in done.stdout
    dropped = done.stdout.split("dropped: ")[1]
    for column in ("User Agent", "Page", "Query string", "Referrer", "Additional Comments", "ID", "UUID"):
        assert column in dropped
    assert "comments are dropped" in done.stdout
    shown = cli("xdata", "show", "--agency", AGENCY, "--db", db)
    assert shown.returncode == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert "FY2025 Q1" in out and "80.3%" in out and "76.2%-83.9%" in out  # Wilson, as computed by hand
    assert "insufficient responses" in out  # FY2025 Q3: 27 responses
    assert "two-proportion z-test" in out
    assert V2_TRUST in out  # the trust question's wording, with the figures
    again = cli("xdata", "import", str(path), "--agency", AGENCY, "--service", "renew", "--db", db)
    assert again.returncode == 0 and "already imported" in again.stdout


def test_show_exports_csv_and_json(tmp_path, db):
    import json

    text = "service,quarter,question,n,positive,offered,question_text\n"
    text += "=HYPERLINK(1),FY2025 Q1,trust,412,331,15000,I trust the office.\nrenew,FY2025 Q2,trust,20,15,,\n"
    import_file(Store(db), _write(tmp_path, "a.csv", text), agency=AGENCY)
    done = cli("xdata", "show", "--db", db, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    first = next(r for r in rows if r["quarter"] == "1")
    assert first["service"] == "'=HYPERLINK(1)"  # never run as a formula in a spreadsheet
    assert (first["n"], first["share"], first["wilson_low"], first["wilson_high"]) == (
        "412",
        "0.8034",
        "0.7623",
        "0.8389",
    )
    assert first["response_rate"] == "0.0275" and first["trust_question"] == "I trust the office."
    small = next(r for r in rows if r["quarter"] == "2")
    assert small["status"] == "insufficient responses" and small["share"] == "" and small["positive"] == ""
    doc = json.loads(cli("xdata", "show", "--db", db, "--format", "json").stdout)
    assert doc["schema"] == "maturity/xdata-figures" and len(doc["figures"]) == 2


def test_figures_per_quarter(tmp_path, db):
    store = Store(db)
    import_file(store, _write(tmp_path, "a.csv", touchpoints_v2(QUARTERS)), agency=AGENCY, service="renew")
    trust = _trust(store)
    q1, _q2, q3, q4 = (trust[(2025, q)] for q in (1, 2, 3, 4))
    assert (q1.n, q1.positive, q1.kind) == (412, 331, THUMBS)
    assert q1.low == pytest.approx(0.762294, abs=2e-6)
    assert q3.status == INSUFFICIENT and q3.share is None and q3.n == 27
    assert q4.change is not None and q4.change.z == pytest.approx(two_proportion_z(301, 389, 382, 455))
    drivers = {
        (f.measure, f.kind): f for f in agency_figures(store, AGENCY)[AGENCY] if (f.fiscal_year, f.quarter) == (2025, 1)
    }
    assert (drivers[("ease", "went_well")].n, drivers[("ease", "went_well")].positive) == (331, 250)
    assert (drivers[("efficiency", "went_badly")].n, drivers[("efficiency", "went_badly")].positive) == (81, 40)


def test_the_same_file_twice_and_overlapping_exports_count_each_response_once(tmp_path, db):
    store = Store(db)
    whole = touchpoints_v2([(datetime(2024, 10, 1), 60, 45, 0, 0)])
    lines = whole.splitlines(keepends=True)
    first = _write(tmp_path, "first.csv", "".join(lines[:41]))  # header + responses 1-40
    later = _write(tmp_path, "later.csv", lines[0] + "".join(lines[21:]))  # responses 21-60
    a = import_file(store, first, agency=AGENCY, service="renew")
    b = import_file(store, first, agency=AGENCY, service="renew")
    assert a.stored.new and not b.stored.new and b.stored.id == a.stored.id
    assert _trust(store)[(2025, 1)].n == 40
    c = import_file(store, later, agency=AGENCY, service="renew")
    assert (c.responses, c.already_counted) == (20, 20)
    assert _trust(store)[(2025, 1)].n == 60
    assert _trust(store)[(2025, 1)].positive == 45


def test_a_bad_file_is_refused_whole(tmp_path, db):
    store = Store(db)
    text = touchpoints_v2([(datetime(2024, 10, 1), 50, 40, 0, 0)])
    rows = list(csv.reader(io.StringIO(text)))
    rows[50][2] = "2"  # the last respondent's thumb
    bad = _write(tmp_path, "bad.csv", to_csv(rows[0], rows[1:]))
    done = cli("xdata", "import", str(bad), "--agency", AGENCY, "--service", "renew", "--db", db)
    assert done.returncode == 2
    assert f"bad.csv: line 51, column {V2_TRUST}: not one of 0, 1" in " ".join(done.stderr.split())
    with Session(store.engine) as session:
        assert session.exec(select(XdataImport)).all() == []
        assert session.exec(select(XdataTally)).all() == []


def test_a_write_that_fails_half_way_leaves_nothing(db):
    store = Store(db)
    xs = XdataStore(store.engine)
    tallies = [Tally(service="s", fiscal_year=2025, quarter=1, measure="trust", kind=THUMBS, n=40, positive=30)]
    batch = Batch(
        agency=AGENCY,
        service="s",
        format="a11-v2",
        sha256="0" * 64,
        summary=ImportSummary(format="a11-v2", rows=2, kept=(), dropped=()),
        tallies_from_responses=tallies,
        tallies_from_table=[],
        contexts=[],
        seen=["d" * 64, "d" * 64],  # the same digest twice: the commit fails after every row was added
        comments=[],
    )
    with pytest.raises(Exception):  # noqa: B017  (the database's own integrity error)
        xs.write(batch)
    with Session(store.engine) as session:
        assert session.exec(select(XdataImport)).all() == []
        assert session.exec(select(XdataTally)).all() == []
        assert session.exec(select(XdataSeen)).all() == []


PORTFOLIO = f"""\
fiscal_year_start: 7
agencies:
  - name: {AGENCY}
    sites: [https://licence.columbia.example/]
    services:
      - {{id: renew, name: Renewing a licence, urls: [https://licence.columbia.example/renew/], channel: website}}
"""


def test_the_portfolio_checks_services_and_sets_the_fiscal_year(tmp_path, db):
    store = Store(db)
    portfolio = load_portfolio(_write(tmp_path, "p.yaml", PORTFOLIO))
    responses = _write(tmp_path, "r.csv", touchpoints_v2([(datetime(2025, 7, 1), 40, 30, 0, 0)]))
    with pytest.raises(ConfigError, match="lists no such service"):
        import_file(store, responses, agency=AGENCY, service="road-test", portfolio=portfolio)
    with pytest.raises(ConfigError, match="not in the portfolio"):
        import_file(store, responses, agency="Another Office", service="renew", portfolio=portfolio)
    import_file(store, responses, agency=AGENCY, service="Renewing a licence", portfolio=portfolio)
    assert set(_trust(store)) == {(2026, 1)}  # July 2025 in a July year: FY2026 Q1, stored under the id
    details = hisp_details(
        [
            {
                "cx_collection_fiscal_year": "2026",
                "cx_collection_quarter": "1",
                "service_name": "Renewing a licence",
                "volume_of_customers": "9000",
                "volume_of_customers_provided_survey_opportunity": "800",
                "volume_of_respondents": "40",
                "trust_question_text": "I trust the licence office.",
            }
        ]
    )
    import_file(store, _write(tmp_path, "d.csv", details), agency=AGENCY, portfolio=portfolio)
    fig = _trust(store)[(2026, 1)]
    assert fig.offered == 800 and fig.volume == 9000 and fig.response_rate == pytest.approx(40 / 800)
    assert fig.trust_question == "I trust the licence office."
    unknown = details.replace("Renewing a licence", "Passports")
    with pytest.raises(ConfigError) as err:
        import_file(store, _write(tmp_path, "u.csv", unknown), agency=AGENCY, portfolio=portfolio)
    assert err.value.key == "line 2, column service_name"


def test_hisp_responses_take_service_and_quarter_from_their_collection_detail(tmp_path, db):
    store = Store(db)
    details = hisp_details(
        [
            {
                "id": "701",
                "cx_collection_fiscal_year": "2025",
                "cx_collection_quarter": "3",
                "service_name": "renew",
                "volume_of_customers": "5000",
                "volume_of_customers_provided_survey_opportunity": "400",
                "volume_of_respondents": "40",
                "trust_question_text": "I trust the office.",
            }
        ]
    )
    header = ["cx_collection_detail_id", "cx_collection_detail_upload_id", *V2, "job_id"]
    rows = [["701", "9", f"r{i}", str(int(i < 30)), *(["1"] * 7 + ["0"] * 7), "", "j1"] for i in range(40)]
    responses = _write(tmp_path, "cx_responses.csv", to_csv(header, rows))
    with pytest.raises(ConfigError) as err:
        import_file(store, responses, agency=AGENCY)
    assert err.value.key == "line 2, column cx_collection_detail_id"
    import_file(store, _write(tmp_path, "details.csv", details), agency=AGENCY)
    result = import_file(store, responses, agency=AGENCY)
    assert result.summary is not None and result.summary.format == "hisp-responses"
    fig = _trust(store)[(2025, 3)]
    assert (fig.n, fig.positive, fig.offered) == (40, 30, 400)
    assert fig.response_rate == pytest.approx(0.1) and fig.trust_question == "I trust the office."


def test_a_newer_quarterly_table_replaces_the_older_figure(tmp_path, db):
    store = Store(db)
    first = "service,quarter,question,n,positive\nrenew,FY2025 Q1,trust,100,70\n"
    fixed = "service,quarter,question,n,positive\nrenew,FY2025 Q1,trust,100,75\n"
    import_file(store, _write(tmp_path, "a.csv", first), agency=AGENCY)
    import_file(store, _write(tmp_path, "b.csv", fixed), agency=AGENCY)
    assert _trust(store)[(2025, 1)].positive == 75


def test_not_utf8_is_refused_with_its_line(tmp_path, db):
    path = tmp_path / "ansi.csv"
    path.write_bytes(
        "service,quarter,question,n,positive\nrenew,2025Q1,trust,40,30\nr\xe9new,2025Q1,ease,40,30\n".encode("latin-1")
    )
    with pytest.raises(ConfigError) as err:
        import_file(Store(db), path, agency=AGENCY)
    assert err.value.key == "line 3" and "UTF-8" in err.value.message


# ---------------------------------------------------------------------------
# Privacy: personal data planted in every column of every format reaches nothing written
# ---------------------------------------------------------------------------
PATTERNED = (PII["email"], PII["phone"], PII["ssn"], PII["card"], PII["ip"])  # what redaction recognises
ALL = tuple(PII.values())


def _cycle(values: tuple[str, ...], i: int) -> str:
    return f"note {values[i % len(values)]} end"


def _planted_files(comment: tuple[str, ...]) -> dict[str, tuple[str, list[str]]]:
    """A file per format with personal data in every column the format does not require to be a
    number, a date or a code. Where the import keeps text, redacted (the trust wording and service
    names always, comments with --comments), a name would be kept: only what redaction recognises
    goes there (``PATTERNED``); ``comment`` is what goes into the comment columns."""
    kept_text = PATTERNED
    files: dict[str, tuple[str, list[str]]] = {}
    # Touchpoints v2: every metadata column, the ids, the comment and an IP Address column
    v2 = list(csv.reader(io.StringIO(touchpoints_v2([(datetime(2024, 10, 1), 35, 30, 5, 2)]))))
    header = [*v2[0][:-1], "IP Address", "Tags"]
    header[2] = f"{V2_TRUST} Call {kept_text[0]}"
    rows = []
    for i, row in enumerate(v2[1:]):
        meta = [_cycle(ALL, i + k) for k in range(11)]  # Location Code .. Referrer
        ids = [f"{_cycle(ALL, i)} {i}", f"{_cycle(ALL, i + 1)} {i}"]
        rows.append([*ids, *row[2:5], _cycle(comment, i), *meta, row[17], PII["ip"], PII["name"]])
    files["touchpoints-a11-v2"] = (to_csv(header, rows), ["--service", "renew"])
    # Touchpoints v1: the two free-text items and the metadata
    v1 = list(csv.reader(io.StringIO(touchpoints_v1({1: [1, 2, 3, 14, 15]}, datetime(2025, 1, 5)))))
    header = list(v1[0])
    header[3] = f"{V1_QUESTIONS[1]} {kept_text[1]}"
    rows = []
    for i, row in enumerate(v1[1:]):
        meta = [_cycle(ALL, i + k) for k in range(11)]
        ids = [f"{_cycle(ALL, i)} {i}", f"{_cycle(ALL, i + 2)} {i}"]
        texts = [_cycle(comment, i), _cycle(comment, i + 1)]
        rows.append([*ids, *row[2:9], *texts, *meta, row[-2], PII["name"]])
    files["touchpoints-a11"] = (to_csv(header, rows), ["--service", "renew"])
    # the 17-column format: the external id and the comment
    v17 = list(csv.reader(io.StringIO(a11_v2([(1, ["1"] * 7 + ["0"] * 7)] * 31))))
    rows = [[f"{_cycle(ALL, i)} {i}", *row[1:16], _cycle(comment, i)] for i, row in enumerate(v17[1:])]
    files["a11-v2"] = (to_csv(V2, rows), ["--service", "renew", "--quarter", "FY2025Q2"])
    # HISP details: every text column
    numeric = {
        "cx_collection_fiscal_year": "2025",
        "cx_collection_quarter": "2",
        "volume_of_customers": "100",
        "volume_of_customers_provided_survey_opportunity": "50",
        "volume_of_respondents": "31",
    }
    free = {c: _cycle(ALL, i) for i, c in enumerate(HISP_DETAILS_HEADER) if c not in numeric}
    free["service_name"] = f"Renewing {kept_text[2]}"
    free["trust_question_text"] = f"I trust them. {kept_text[3]}"
    free["channel"] = f"web {kept_text[4]}"
    files["hisp-details"] = (hisp_details([{**free, **numeric, "id": "701"}]), [])
    # HISP responses: the upload id, job id, external id and comment around the 17 columns
    header = ["cx_collection_detail_id", "cx_collection_detail_upload_id", *V2, "job_id"]
    answers = ["1", *(["1"] * 7 + ["0"] * 7)]
    rows = []
    for i in range(31):
        ids = [_cycle(ALL, i), f"{_cycle(ALL, i + 1)} {i}"]
        rows.append(["701", *ids, *answers, _cycle(comment, i), _cycle(ALL, i + 2)])
    files["hisp-responses"] = (to_csv(header, rows), [])
    # HISP legacy: every text column
    legacy: dict[str, str] = {c: _cycle(ALL, i) for i, c in enumerate(hisp_legacy_header())}
    legacy |= {"collection_year": "2023", "collection_quarter": "1", "service_name": f"Renewing {kept_text[0]}"}
    legacy |= {"q2_text": f"Trust {kept_text[1]}", "channel": f"web {kept_text[2]}"}
    for c in ("volume_of_customers", "volume_of_customers_provided_survey_opportunity", "volume_of_respondents"):
        legacy[c] = "40"
    for q in range(1, 12):
        for k in range(1, 6):
            legacy[f"q{q}_{k}"] = str(k + 5)
    files["hisp-legacy"] = (hisp_legacy([legacy]), [])
    # a plain aggregate with extra columns
    agg = "service,quarter,question,n,positive,question_text,contact,respondent\n"
    agg += f"Renew {kept_text[3]},2025Q1,trust,40,30,Trust {kept_text[4]},{PII['email']},{PII['name']}\n"
    files["aggregate"] = (agg, [])
    # another tool's export through a column map (Qualtrics-style: IP, name, email, location)
    q = list(csv.reader(io.StringIO(qualtrics([(5, 4, 4)] * 31, datetime(2025, 2, 1)))))
    for i, row in enumerate(q[3:]):
        for k, column in enumerate(QUALTRICS_META):
            if column != "RecordedDate":
                row[k] = _cycle(ALL, i + k) + (f" {i}" if column == "ResponseId" else "")
        row[-1] = _cycle(comment, i)
    files["mapped"] = (to_csv(q[0], q[1:]), ["--service", "renew", "--map", "MAP"])
    return files


@pytest.mark.parametrize("comments", [False, True])
def test_personal_data_planted_everywhere_is_never_stored_or_printed(tmp_path, comments):
    db_path = tmp_path / "private.db"
    db = f"sqlite:///{db_path}"
    outputs = ""
    for fmt, (text, extra) in _planted_files(PATTERNED if comments else ALL).items():
        path = _write(tmp_path, f"{fmt}.csv", text)
        map_file = _write(tmp_path, "qualtrics.yaml", QUALTRICS_MAP)
        extra = [str(map_file) if a == "MAP" else a for a in extra]
        args = ["xdata", "import", str(path), "--agency", AGENCY, "--format", fmt, "--db", db, *extra]
        done = cli(*args, *(["--comments"] if comments else []))
        assert done.returncode == 0, (fmt, done.stderr)
        outputs += done.stdout + done.stderr
    for fmt in ("text", "csv", "json"):
        shown = cli("xdata", "show", "--db", db, "--format", fmt)
        assert shown.returncode == 0, shown.stderr
        outputs += shown.stdout + shown.stderr
    assert "insufficient responses" in outputs or "%" in outputs  # figures were shown
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("private.db*"))
    with Session(Store(db).engine) as session:
        assert session.exec(select(XdataImport)).all()  # every file was imported
    for secret in ALL:
        for form in {secret, secret.replace(" ", ""), secret.replace("-", "")}:
            assert form.encode() not in stored, (secret, "database")
            assert form not in outputs, (secret, "output")
    if comments:
        assert b"[email]" in stored  # the comments were kept, redacted
        kept = cli("xdata", "comments", "--agency", AGENCY, "--db", db)
        assert "[email]" in kept.stdout and not any(secret in kept.stdout for secret in ALL)
        forgot = cli("xdata", "comments", "--agency", AGENCY, "--db", db, "--forget")
        assert forgot.returncode == 0 and "deleted" in forgot.stdout
        assert "no comments kept" in cli("xdata", "comments", "--agency", AGENCY, "--db", db).stdout
