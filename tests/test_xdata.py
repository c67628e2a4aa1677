"""Experience data, the pure core: statistics against hand-computed values, fiscal quarters,
redaction, tallies, and every format with its malformed files (issue 18)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from xdata_fixtures import (
    V1_QUESTIONS,
    V2_TRUST,
    a11_v2,
    hisp_details,
    hisp_legacy,
    to_csv,
    touchpoints_v1,
    touchpoints_v2,
)

from maturity.core.xdata import (
    INSUFFICIENT,
    LIKERT,
    LOW_RELIABILITY,
    OK,
    THUMBS,
    WENT_BADLY,
    WENT_WELL,
    Response,
    Tally,
    change,
    figures,
    fiscal_quarter,
    parse_quarter,
    redact,
    tally,
    two_proportion_z,
    wilson_interval,
)
from maturity.core.xdata_formats import Options, detect, parse
from maturity.kernel.errors import ConfigError


# ---------------------------------------------------------------------------
# Statistics, checked against values computed by hand (z = 1.959964)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("positive", "n", "low", "high"),
    [
        # p = 0.803398, z²/n = 0.0093239: centre 0.808060/1.0093239 = 0.800595,
        # half 1.959964·sqrt(0.00038337 + 0.00000566)/1.0093239 = 0.038301
        (331, 412, 0.762294, 0.838896),
        # p = 342/412 = 0.830097 (a top-two-box): centre 0.827048, half 0.036224
        (342, 412, 0.790824, 0.863272),
        # p = 0: centre (z²/2n)/(1 + z²/n) = 0.0640/1.1280 = 0.056744 = half; low is 0
        (0, 30, 0.0, 0.113513),
    ],
)
def test_wilson_interval_matches_the_hand_computation(positive, n, low, high):
    got = wilson_interval(positive, n)
    assert got == pytest.approx((low, high), abs=2e-6)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(5, 0)
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


def test_two_proportion_z_matches_the_hand_computation():
    # 331/412 then 382/455: pooled 713/867 = 0.822376; se = sqrt(0.146074 · 0.00462498) = 0.0259921;
    # difference 0.0361623; z = 1.39128: not a significant change
    assert two_proportion_z(331, 412, 382, 455) == pytest.approx(1.39128, abs=1e-4)
    assert not change(331, 412, 382, 455).significant
    # 100/200 then 130/200: pooled 0.575; se = sqrt(0.244375 · 0.01) = 0.0494343; z = 0.15/0.0494343
    moved = change(100, 200, 130, 200)
    assert moved.z == pytest.approx(3.03433, abs=1e-4)
    assert moved.significant and moved.delta == pytest.approx(0.15)
    assert "two-proportion z-test" in moved.test
    assert two_proportion_z(30, 30, 40, 40) == 0.0  # no variation: no evidence of change


# ---------------------------------------------------------------------------
# Fiscal quarters
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "start", "expected"),
    [
        (date(2024, 10, 1), 10, (2025, 1)),
        (date(2024, 12, 31), 10, (2025, 1)),
        (date(2025, 1, 14), 10, (2025, 2)),
        (date(2025, 6, 30), 10, (2025, 3)),
        (date(2025, 9, 30), 10, (2025, 4)),
        (date(2025, 7, 1), 7, (2026, 1)),  # a July state year
        (date(2025, 6, 30), 7, (2025, 4)),
        (date(2025, 2, 1), 1, (2025, 1)),  # the calendar year
    ],
)
def test_fiscal_quarter(day, start, expected):
    assert fiscal_quarter(day, start) == expected


def test_parse_quarter():
    assert parse_quarter("FY2025 Q2") == (2025, 2)
    assert parse_quarter("2025q4") == (2025, 4)
    assert parse_quarter("2025-Q1") == (2025, 1)
    with pytest.raises(ValueError):
        parse_quarter("2025 Q5")


# ---------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "secret",
    [
        "ana.b+x@mail.example.org",
        "(555) 014-2297",
        "555.014.2297",
        "+1 555 014 2297",
        "+44 20 7946 0958",
        "078-05-1120",
        "078051120",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "203.0.113.77",
    ],
)
def test_redaction_removes_personal_numbers_and_addresses(secret):
    out = redact(f"Call me on {secret} please, it failed twice.")
    assert secret not in out
    assert out.startswith("Call me on [") and out.endswith("please, it failed twice.")


def test_redaction_leaves_ordinary_text():
    text = "Renewed in 15 minutes on 2025-01-14; form 1040 took 3 tries."
    assert redact(text) == text


# ---------------------------------------------------------------------------
# Tallies and figures
# ---------------------------------------------------------------------------
def _thumb(up: int, well: str = "", badly: str = "", asked: tuple[str, ...] = ("ease", "efficiency")) -> Response:
    return Response(
        key=None,
        service="renew",
        fiscal_year=2025,
        quarter=1,
        scale=THUMBS,
        answers={"trust": up},
        went_well=frozenset(well.split(",")) - {""},
        went_badly=frozenset(badly.split(",")) - {""},
        asked=frozenset(asked),
    )


def test_driver_shares_count_over_their_own_respondents():
    responses = [_thumb(1, "ease"), _thumb(1, ""), _thumb(1, "ease", asked=("efficiency",)), _thumb(0, "", "ease")]
    by = {(t.measure, t.kind): (t.n, t.positive) for t in tally(responses)}
    assert by[("trust", THUMBS)] == (4, 3)
    assert by[("ease", WENT_WELL)] == (2, 1)  # the third form did not offer ease: not in the denominator
    assert by[("efficiency", WENT_WELL)] == (3, 0)
    assert by[("ease", WENT_BADLY)] == (1, 1)  # over the one thumbs-down respondent, never all rows


def test_figures_suppress_flag_and_compare_quarters():
    t = [
        Tally(service="s", fiscal_year=2025, quarter=1, measure="trust", kind=THUMBS, n=412, positive=331),
        Tally(service="s", fiscal_year=2025, quarter=2, measure="trust", kind=THUMBS, n=27, positive=22),
        Tally(service="s", fiscal_year=2025, quarter=3, measure="trust", kind=THUMBS, n=45, positive=40),
        Tally(service="s", fiscal_year=2025, quarter=4, measure="trust", kind=THUMBS, n=455, positive=382),
    ]
    q1, q2, q3, q4 = figures(t)
    assert q1.status == OK and q1.share == pytest.approx(331 / 412) and q1.change is None
    assert q2.status == INSUFFICIENT and q2.share is None and q2.low is None and q2.n == 27 and not q2.scored
    assert q3.status == LOW_RELIABILITY and q3.scored  # 30-59 responses: shown with a flag
    assert q3.change is not None  # against Q1: the suppressed Q2 is skipped, never compared
    assert q3.change.z == pytest.approx(two_proportion_z(331, 412, 40, 45)) and q3.compared_with == "FY2025 Q1"
    assert q4.change is not None and q4.change.z == pytest.approx(two_proportion_z(40, 45, 382, 455))


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------
OPTS = Options(source="f.csv", service="renew")


def test_touchpoints_v2_export_counts_trust_and_drivers_per_fiscal_quarter():
    text = touchpoints_v2([(datetime(2024, 10, 2), 40, 30, 12, 4), (datetime(2025, 1, 3), 10, 9, 0, 0)])
    assert detect(text) == "touchpoints-a11-v2"
    parsed = parse(text, None, OPTS)
    by = {(t.fiscal_year, t.quarter, t.measure, t.kind): (t.n, t.positive) for t in tally(parsed.responses)}
    assert by[(2025, 1, "trust", THUMBS)] == (40, 30)
    assert by[(2025, 1, "ease", WENT_WELL)] == (30, 12)
    assert by[(2025, 1, "efficiency", WENT_BADLY)] == (10, 4)
    assert by[(2025, 2, "trust", THUMBS)] == (10, 9)
    assert parsed.contexts[0].trust_question == V2_TRUST
    assert "Referrer" in parsed.summary.dropped and "IP Address" not in parsed.summary.kept
    assert "Additional Comments" in parsed.summary.dropped and parsed.comments == []


def test_touchpoints_v1_likert_top_two_box_and_mean():
    text = touchpoints_v1({1: [12, 18, 40, 150, 192], 2: [10, 20, 40, 150, 192]}, datetime(2025, 4, 1))
    assert detect(text) == "touchpoints-a11"
    figs = {f.measure: f for f in figures(tally(parse(text, None, OPTS).responses))}
    trust = figs["trust"]
    assert (trust.n, trust.positive, trust.kind) == (412, 342, LIKERT)
    assert (trust.fiscal_year, trust.quarter) == (2025, 3)
    assert trust.low == pytest.approx(0.790824, abs=2e-6)
    assert figs["satisfaction"].mean == pytest.approx(1728 / 412)  # (12 + 36 + 120 + 600 + 960) / 412
    assert trust.mean == pytest.approx(1730 / 412)  # (10 + 40 + 120 + 600 + 960) / 412


def test_a11_v2_17_columns_null_means_not_asked():
    off = ["0"] * 4 + ["null"] + ["0"] * 2
    rows = [(1, ["1", "1", *off[2:], *off]), (1, ["0", "1", *off[2:], *off]), (0, [*off, "0", "1", *off[2:]])]
    text = a11_v2(rows)
    assert detect(text) == "a11-v2"
    with pytest.raises(ConfigError, match="--quarter"):
        parse(text, None, OPTS)
    parsed = parse(text, None, Options(source="f.csv", service="renew", quarter=(2025, 2)))
    by = {(t.measure, t.kind): (t.n, t.positive) for t in tally(parsed.responses)}
    assert by[("trust", THUMBS)] == (3, 2)
    assert by[("ease", WENT_WELL)] == (2, 2)
    assert by[("effectiveness", WENT_WELL)] == (2, 1)
    assert by[("ease", WENT_BADLY)] == (1, 1)
    assert ("humanity", WENT_WELL) not in by  # `null`: the form did not offer it


def test_hisp_details_bring_volumes_and_the_trust_wording():
    text = hisp_details(
        [
            {
                "cx_collection_fiscal_year": "2025",
                "cx_collection_quarter": "2",
                "service_name": "Renewing a licence",
                "volume_of_customers": "120000",
                "volume_of_customers_provided_survey_opportunity": "15000",
                "volume_of_respondents": "389",
                "trust_question_text": "I trust the office to do right by drivers.",
            }
        ]
    )
    assert detect(text) == "hisp-details"
    (ctx,) = parse(text, None, Options(source="f.csv")).contexts
    assert (ctx.service, ctx.fiscal_year, ctx.quarter, ctx.offered, ctx.volume, ctx.respondents) == (
        "Renewing a licence",
        2025,
        2,
        15000,
        120000,
        389,
    )
    assert ctx.trust_question == "I trust the office to do right by drivers." and ctx.channel == "website"


def test_hisp_legacy_counts_become_likert_tallies():
    row = {"collection_year": "2023", "collection_quarter": "4", "service_name": "Renewing a licence"}
    row |= {f"q1_{k}": str(c) for k, c in zip(range(1, 6), [12, 18, 40, 150, 192], strict=True)}
    row |= {f"q2_{k}": str(c) for k, c in zip(range(1, 6), [1, 2, 3, 4, 30], strict=True)}
    row |= {"q2_text": "I trust the office.", "volume_of_customers_provided_survey_opportunity": "5000"}
    text = hisp_legacy([row])
    assert detect(text) == "hisp-legacy"
    parsed = parse(text, None, Options(source="f.csv"))
    by = {t.measure: (t.n, t.positive, t.counts) for t in parsed.tallies}
    assert by["satisfaction"] == (412, 342, (12, 18, 40, 150, 192))
    assert by["trust"] == (40, 34, (1, 2, 3, 4, 30))
    assert parsed.contexts[0].offered == 5000 and parsed.contexts[0].trust_question == "I trust the office."


def test_aggregate_csv_share_positive_or_mean():
    text = (
        "service,quarter,question,n,share,positive,mean,offered,question_text\n"
        "renew,FY2025 Q1,trust,412,,331,,15000,I trust the office.\n"
        "renew,2025Q1,ease,400,83%,,,,\n"
        "renew,2025Q1,satisfaction,400,,,4.2,,\n"
    )
    assert detect(text) == "aggregate"
    parsed = parse(text, None, Options(source="f.csv"))
    by = {t.measure: (t.kind, t.n, t.positive, t.mean) for t in parsed.tallies}
    assert by == {
        "trust": ("share", 412, 331, None),
        "ease": ("share", 400, 332, None),
        "satisfaction": ("mean", 400, 0, 4.2),
    }
    figs = {f.measure: f for f in figures(parsed.tallies, parsed.contexts)}
    assert figs["trust"].response_rate == pytest.approx(412 / 15000)
    assert figs["trust"].trust_question == "I trust the office."
    assert figs["satisfaction"].share is None and figs["satisfaction"].mean == 4.2 and not figs["satisfaction"].scored


# ---------------------------------------------------------------------------
# Malformed files: refused whole, with the line and column, never echoing the cell
# ---------------------------------------------------------------------------
def _v2_text() -> str:
    return touchpoints_v2([(datetime(2024, 10, 2), 5, 3, 1, 1)])


def _replace_cell(text: str, line: int, column: int, value: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    rows[line - 1][column] = value
    return to_csv(rows[0], rows[1:])


@pytest.mark.parametrize(
    ("mangle", "where", "message"),
    [
        (lambda t: _replace_cell(t, 3, 2, "7"), "line 3, column " + V2_TRUST, "not one of 0, 1"),
        (lambda t: _replace_cell(t, 4, 17, "31/31/2025"), "line 4, column Created at", "not a date"),
        (lambda t: _replace_cell(t, 2, 3, "effectiveness,speed"), "line 2, column What went well?", "not a driver"),
        (lambda t: t.replace(",Location Code,", ",Where,"), "line 1", "missing column 'Location Code'"),
        (lambda t: t.replace(",", ";"), "line 1", "semicolons"),
        (lambda t: t + "1,2,3\n", "line 7", "3 cells but"),
        (lambda t: t.replace("Quick and clear.", '"unterminated'), "line", "not valid CSV"),
    ],
)
def test_a_bad_file_is_refused_with_line_and_column(mangle, where, message):
    with pytest.raises(ConfigError) as err:
        parse(mangle(_v2_text()), "touchpoints-a11-v2", OPTS)
    assert where in (err.value.key or "")
    assert message in err.value.message


def test_errors_never_repeat_the_cell():
    secret = "jo.private@mail.example"
    with pytest.raises(ConfigError) as err:
        parse(_replace_cell(_v2_text(), 2, 2, secret), "touchpoints-a11-v2", OPTS)
    assert secret not in str(err.value)


def test_excel_quirks_a_bom_and_forced_text_are_read():
    text = "\ufeff" + _replace_cell(_v2_text(), 2, 2, '="1"')
    parsed = parse(text, None, OPTS)
    assert parsed.summary.format == "touchpoints-a11-v2" and parsed.responses[0].answers == {"trust": 1}


def test_a_spreadsheets_empty_trailing_columns_are_ignored():
    text = "service,quarter,question,n,positive,,\nrenew,2025Q1,trust,40,30,,\nrenew,2025Q1,ease,40,20\n"
    assert [t.n for t in parse(text, None, Options(source="f.csv")).tallies] == [40, 40]
    with pytest.raises(ConfigError, match="7 cells but 5 columns"):
        parse(text.replace("30,,", "30,,x"), None, Options(source="f.csv"))


def test_likert_answer_outside_the_scale_is_refused():
    text = touchpoints_v1({1: [0, 0, 0, 10, 20]}, datetime(2025, 4, 1))
    bad = _replace_cell(text, 5, 4, "6")
    with pytest.raises(ConfigError) as err:
        parse(bad, None, OPTS)
    assert err.value.key == f"line 5, column {V1_QUESTIONS[2]}"


def test_a_file_of_responses_needs_a_service_and_an_unknown_header_a_format():
    with pytest.raises(ConfigError, match="--service"):
        parse(_v2_text(), None, Options(source="f.csv"))
    with pytest.raises(ConfigError, match="give --format"):
        parse("a,b,c\n1,2,3\n", None, OPTS)
    with pytest.raises(ConfigError, match="empty"):
        parse(",,,\n,,\n", "aggregate", OPTS)
    with pytest.raises(ConfigError, match="cx_collection_details"):
        parse("id,name,fiscal_year,quarter,rating,aasm_state\n1,x,2025,1,TRUE,published\n", None, OPTS)


def test_a_column_map_reads_a_qualtrics_export():
    from xdata_fixtures import QUALTRICS_MAP, qualtrics

    from maturity.core.xdata_formats import load_column_map

    cmap = load_column_map(QUALTRICS_MAP.encode(), "q.yaml")
    text = qualtrics([(5, 4, 2)] * 20 + [(3, 2, 5)] * 12, datetime(2025, 2, 1))
    assert detect(text) is None  # not a format of its own: the map says how to read it
    parsed = parse(text, None, Options(source="f.csv", service="renew", column_map=cmap))
    assert parsed.summary.skipped_rows == {"header rows": 2}
    by = {t.measure: (t.n, t.positive, t.counts) for t in tally(parsed.responses)}
    assert by["trust"] == (32, 20, (0, 12, 0, 20, 0))
    assert by["ease"] == (32, 12, (0, 20, 0, 0, 12))
    assert {(t.fiscal_year, t.quarter) for t in tally(parsed.responses)} == {(2025, 2)}
    assert parsed.contexts[0].trust_question == "I trust the licence office to do right by me."
    for column in ("IPAddress", "RecipientEmail", "LocationLatitude", "Q4"):
        assert column in parsed.summary.dropped


def test_a_column_map_is_checked():
    from maturity.core.xdata_formats import load_column_map

    with pytest.raises(ConfigError) as err:
        load_column_map(b"scale: stars\ndate: d\nquestions: {trust: Q1}\n", "m.yaml")
    assert err.value.key == "scale"
    with pytest.raises(ConfigError, match="only 'trust'"):
        load_column_map(b"scale: thumbs\ndate: d\nquestions: {trust: Q1, ease: Q2}\n", "m.yaml")
    google = load_column_map(
        b"scale: thumbs\ndate: Timestamp\ndate_format: '%d/%m/%Y %H:%M:%S'\nquestions: {trust: 'Did we do well?'}\n"
        b"values: {'Yes': 1, 'No': 0}\n",
        "google.yaml",
    )
    text = "Timestamp,Did we do well?,Email address\n14/01/2025 10:00:00,Yes,a@b.example\n"
    text += "31/02/2025 10:00:00,No,c@d.example\n"
    with pytest.raises(ConfigError) as err:
        parse(text, None, Options(source="f.csv", service="s", column_map=google))
    assert err.value.key == "line 3, column Timestamp"
    parsed = parse(text.replace("31/02", "28/02"), None, Options(source="f.csv", service="s", column_map=google))
    assert [r.answers for r in parsed.responses] == [{"trust": 1}, {"trust": 0}]
    assert "Email address" in parsed.summary.dropped
