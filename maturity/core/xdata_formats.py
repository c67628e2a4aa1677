"""Survey export formats: a CSV file's text in, responses, tallies and context out (pure).

Formats (``--format``; detected from the header when not given):

=====================  ==========================================================================
``touchpoints-a11``    Touchpoints' response export of an A-11 v1 form: ``ID, UUID``, seven
                       1-5 agree items (satisfaction, trust, effectiveness, ease, efficiency,
                       transparency, employee), two free-text items, then the metadata columns
``touchpoints-a11-v2`` the same export of an A-11 v2 form: the thumbs-up/down trust item, "what
                       went well" and "what didn't go so well" (comma-joined driver values) and
                       a comment, then the metadata columns
``a11-v2``             the 17-column A-11 v2 format (``external_id, question_1, positive_*,
                       negative_*, question_4``), also the quarterly upload format; it carries no
                       date, so the quarter is given (``--quarter FY2025Q2``)
``hisp-details``       the quarterly HISP ``cx_collection_details`` table: per service and
                       quarter, customers served and offered a survey, respondents and the trust
                       question's wording
``hisp-responses``     the quarterly HISP ``cx_responses`` table: ``cx_collection_detail_id`` and
                       the 17 v2 columns; each row's service and quarter come from its collection
                       detail, imported before with ``hisp-details``
``hisp-legacy``        the FY2021-FY2023 ``omb_cx_reporting_collections`` table: counts of each
                       answer 1-5 per question, per service and quarter
``aggregate``          a plain aggregate CSV: ``service, quarter, question, n`` and ``share``,
                       ``positive`` or ``mean``; optional ``offered, volume, question_text``
``mapped``             any other export of one row per respondent (Google Forms, Qualtrics, ...)
                       read through a column map file (:class:`ColumnMap`, ``--map FILE``)
=====================  ==========================================================================

Only what the figures need leaves this module: answers become counts, and every kept text
(comments with ``--comments``, the trust question's wording, service names) is redacted.
Page, query string, referrer, IP address, user agent and every other column are dropped. A bad
cell stops the whole file with its line and column, and the message never repeats the cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from maturity.core.configfile import load_yaml, validate
from maturity.core.xdata import (
    DRIVERS,
    LIKERT,
    MEAN,
    SHARE,
    THUMBS,
    TRUST,
    Context,
    ImportSummary,
    Response,
    Tally,
    fiscal_quarter,
    parse_quarter,
    redact,
)
from maturity.kernel.errors import ConfigError

FORMATS = (
    "touchpoints-a11",
    "touchpoints-a11-v2",
    "a11-v2",
    "hisp-details",
    "hisp-responses",
    "hisp-legacy",
    "aggregate",
    "mapped",
)

# The A-11 v1 items in form order (Touchpoints' `hisp_questions_key`).
V1_MEASURES = ("satisfaction", TRUST, "effectiveness", "ease", "efficiency", "transparency", "employee")
V2_COLUMNS = (
    "external_id",
    "question_1",
    *(f"positive_{d}" for d in DRIVERS),
    *(f"negative_{d}" for d in DRIVERS),
    "question_4",
)
# Touchpoints' export columns after the questions (Form#to_csv); all dropped.
TOUCHPOINTS_META = (
    "Location Code",
    "User Agent",
    "Status",
    "Archived",
    "Flagged",
    "Deleted",
    "Deleted at",
    "Page",
    "Query string",
    "Hostname",
    "Referrer",
    "Created at",
    "IP Address",
    "Tags",
)
HISP_DETAILS_REQUIRED = (
    "cx_collection_fiscal_year",
    "cx_collection_quarter",
    "service_name",
    "volume_of_customers",
    "volume_of_customers_provided_survey_opportunity",
    "volume_of_respondents",
    "trust_question_text",
)
# The legacy table's q1..q7 (omb_cx_reporting_collections): its own order, trust second.
LEGACY_MEASURES = ("satisfaction", TRUST, "effectiveness", "ease", "efficiency", "transparency", "employee")
AGGREGATE_QUESTIONS = ("satisfaction", TRUST, *DRIVERS)


@dataclass(frozen=True, kw_only=True)
class Comment:
    service: str
    fiscal_year: int
    quarter: int
    text: str  # redacted


@dataclass(frozen=True, kw_only=True)
class Parsed:
    summary: ImportSummary
    responses: list[Response] = field(default_factory=list)  # raw formats: tallied after de-duplication
    tallies: list[Tally] = field(default_factory=list)  # aggregate formats
    contexts: list[Context] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # only with comments=True, redacted


@dataclass(frozen=True, kw_only=True)
class Options:
    source: str  # the file name, for messages
    service: str | None = None  # the service the whole file is about (raw formats need it)
    quarter: tuple[int, int] | None = None  # (fiscal year, quarter) for files without dates
    fiscal_year_start: int = 10
    comments: bool = False
    resolve_service: Callable[[str], str] | None = None  # a service named in a file -> its id (raises ValueError)
    column_map: ColumnMap | None = None  # for the "mapped" format
    details: Mapping[str, tuple[str, int, int]] = field(default_factory=dict)  # HISP detail id -> service, FY, Q


class _Table:
    """A CSV file's rows with their line numbers, after the checks every format shares."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        if text.startswith("\ufeff"):  # Excel's "CSV UTF-8" begins with a byte order mark: harmless
            text = text[1:]
        if not text.strip():
            raise ConfigError(source, "the file is empty", "line 1")
        first = text.splitlines()[0]
        if first.count(";") > first.count(",") and first.count(";") >= 2:
            raise ConfigError(
                source,
                "the columns are separated by semicolons (a spreadsheet's regional CSV); save it as CSV with commas",
                "line 1",
            )
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[tuple[int, list[str]]] = []
        try:
            for row in reader:
                rows.append((reader.line_num, row))
        except csv.Error as exc:
            raise ConfigError(source, f"not valid CSV ({exc})", f"line {reader.line_num}") from None
        rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
        if not rows:
            raise ConfigError(source, "the file is empty", "line 1")
        header = [_cell(c) for c in rows[0][1]]
        while header and not header[-1]:  # a spreadsheet's empty columns after the last one
            header.pop()
        width = len(header)
        rows = [(n, r[:width] if not any(c.strip() for c in r[width:]) else r) for n, r in rows]
        self.line, self.header = rows[0][0], header
        if len(set(self.header)) != len(self.header):
            raise ConfigError(source, "a column is named twice", f"line {self.line}")
        self.rows = rows[1:]
        self.index = {name: i for i, name in enumerate(self.header)}
        for n, row in self.rows:
            if len(row) != len(self.header):
                raise ConfigError(source, f"{len(row)} cells but {len(self.header)} columns", f"line {n}")

    def require(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self.index]
        if missing:
            raise ConfigError(self.source, f"missing column {missing[0]!r}", f"line {self.line}")

    def error(self, line: int, column: str, message: str) -> ConfigError:
        return ConfigError(self.source, message, f"line {line}, column {redact(column)}")


def _cell(value: str) -> str:
    """A cell with Excel's quirks undone: ``="0123"`` (text forced by a formula) and outer spaces."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value


def detect(text: str) -> str | None:
    """The format a file's header names, or None."""
    head = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    try:
        header = [_cell(c) for c in next(csv.reader([head]))]
    except (StopIteration, csv.Error):
        return None
    names = set(header)
    if tuple(header) == V2_COLUMNS:
        return "a11-v2"
    if set(HISP_DETAILS_REQUIRED) <= names:
        return "hisp-details"
    if "cx_collection_detail_id" in names and set(V2_COLUMNS[1:-1]) <= names:
        return "hisp-responses"
    if {"collection_year", "collection_quarter", "q1_1", "q2_5"} <= names:
        return "hisp-legacy"
    if header[:2] == ["ID", "UUID"] and "Location Code" in names:
        questions = header[2 : header.index("Location Code")]
        if set(V2_COLUMNS[1:]) <= names or len(questions) == 4:
            return "touchpoints-a11-v2"
        if len(questions) == 9:
            return "touchpoints-a11"
        return None
    if {"service", "quarter", "question", "n"} <= {h.lower() for h in header}:
        return "aggregate"
    return None


def parse(text: str, fmt: str | None, options: Options) -> Parsed:
    """Read a whole file; any error raises :class:`ConfigError` naming the line and column."""
    if options.column_map is not None:
        if fmt not in (None, "mapped"):
            raise ConfigError(options.source, "--map reads the file as the 'mapped' format", "--format")
        fmt = "mapped"
    found = fmt or detect(text)
    if found is None and "aasm_state" in text.split("\n", 1)[0]:
        raise ConfigError(
            options.source,
            "a cx_collections table holds no figures: import its cx_collection_details (volumes and wording) "
            "and the responses (the 17-column format)",
            "line 1",
        )
    if found is None:
        raise ConfigError(
            options.source,
            f"cannot tell the format from the header; give --format (one of {', '.join(FORMATS)})",
            "line 1",
        )
    if found not in FORMATS:
        raise ConfigError(options.source, f"unknown format {found!r}; one of {', '.join(FORMATS)}", "--format")
    table = _Table(text, options.source)
    return _PARSERS[found](table, options)


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------
def _int(table: _Table, line: int, column: str, value: str, *, allowed: Sequence[int] | None = None) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        raise table.error(line, column, "not a whole number") from None
    if number < 0:
        raise table.error(line, column, "a count cannot be negative")
    if allowed is not None and number not in allowed:
        raise table.error(line, column, f"not one of {', '.join(map(str, allowed))}")
    return number


def _optional_int(table: _Table, line: int, column: str, value: str) -> int | None:
    return None if value in ("", "null", "NULL") else _int(table, line, column, value)


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S UTC",  # Touchpoints (Ruby CSV, Rails, UTC)
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",  # a spreadsheet's US dates after opening and saving the export
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


def _date(table: _Table, line: int, column: str, value: str) -> date:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise table.error(line, column, "not a date (2025-01-14 15:03:22 UTC, 2025-01-14 or 1/14/2025)")


def _text(value: str) -> str:
    return " ".join(redact(value).split())


def _service(table: _Table, line: int, column: str, value: str, options: Options) -> str:
    if options.service:
        return options.service
    if not value:
        raise table.error(line, column, "the service is empty")
    if options.resolve_service is not None:
        try:
            return options.resolve_service(value)
        except ValueError as exc:
            raise table.error(line, column, str(exc)) from None
    return _text(value)


def _need_service(table: _Table, options: Options) -> str:
    if not options.service:
        raise ConfigError(table.source, "this format is one service's responses: give --service", "--service")
    return options.service


# ---------------------------------------------------------------------------
# Touchpoints exports and the 17-column format (one row per respondent)
# ---------------------------------------------------------------------------
def _skip(table: _Table, row: list[str], skipped: dict[str, int]) -> bool:
    """Touchpoints leaves flagged and deleted submissions out of its export; a file that still
    carries them (an edited export) has them skipped here too."""
    for column in ("Flagged", "Deleted"):
        i = table.index.get(column)
        if i is not None and _cell(row[i]).lower() == "true":
            skipped[column.lower()] = skipped.get(column.lower(), 0) + 1
            return True
    return False


def _when(table: _Table, line: int, row: list[str], options: Options) -> tuple[int, int]:
    if options.quarter is not None:
        return options.quarter
    i = table.index.get("Created at")
    if i is None:
        raise ConfigError(table.source, "the file has no dates: give --quarter (e.g. FY2025Q2)", "--quarter")
    return fiscal_quarter(_date(table, line, "Created at", _cell(row[i])), options.fiscal_year_start)


def _dropped(table: _Table, kept: Sequence[str]) -> tuple[str, ...]:
    return tuple(h for h in table.header if h not in kept)


def _touchpoints_a11(table: _Table, options: Options) -> Parsed:
    service = _need_service(table, options)
    table.require(("ID", "UUID", "Location Code"))
    questions = table.header[2 : table.index["Location Code"]]
    if len(questions) != 9:
        raise ConfigError(table.source, f"an A-11 v1 export has 9 questions, this one {len(questions)}", "line 1")
    likert, free = questions[:7], questions[7:]
    responses: list[Response] = []
    comments: list[Comment] = []
    skipped: dict[str, int] = {}
    for line, row in table.rows:
        if _skip(table, row, skipped):
            continue
        fy, q = _when(table, line, row, options)
        answers: dict[str, int] = {}
        for measure, column in zip(V1_MEASURES, likert, strict=True):
            value = _cell(row[table.index[column]])
            if value:
                answers[measure] = _int(table, line, column, value, allowed=(1, 2, 3, 4, 5))
        key = _cell(row[table.index["UUID"]]) or _cell(row[table.index["ID"]]) or None
        responses.append(Response(key=key, service=service, fiscal_year=fy, quarter=q, scale=LIKERT, answers=answers))
        if options.comments:
            for column in free:
                text = _text(row[table.index[column]])
                if text:
                    comments.append(Comment(service=service, fiscal_year=fy, quarter=q, text=text))
    kept = [*likert, *(free if options.comments else ()), "Created at"]
    context = _wording(responses, likert[1])
    return Parsed(
        summary=ImportSummary(
            format="touchpoints-a11",
            rows=len(table.rows),
            kept=(*kept, "trust question wording (header)"),
            dropped=_dropped(table, kept),
            skipped_rows=skipped,
        ),
        responses=responses,
        contexts=context,
        comments=comments,
    )


def _wording(responses: Sequence[Response], question: str) -> list[Context]:
    """The trust question's wording (the header of its column) for each quarter the file covers."""
    quarters = sorted({(r.service, r.fiscal_year, r.quarter) for r in responses})
    return [Context(service=s, fiscal_year=fy, quarter=q, trust_question=_text(question)) for s, fy, q in quarters]


def _drivers(table: _Table, line: int, column: str, value: str) -> frozenset[str]:
    if not value:
        return frozenset()
    chosen = frozenset(v.strip() for v in value.split(","))
    unknown = chosen - set(DRIVERS)
    if unknown:
        raise table.error(line, column, f"not a driver ({', '.join(DRIVERS)})")
    return chosen


def _v2_row(table: _Table, line: int, row: list[str]) -> tuple[int, frozenset[str], frozenset[str], frozenset[str]]:
    """question_1 and the 14 driver cells of a 17-column row: thumb, went well, went badly, asked."""
    thumb = _int(table, line, "question_1", _cell(row[table.index["question_1"]]), allowed=(0, 1))
    well: set[str] = set()
    badly: set[str] = set()
    asked: set[str] = set()
    for driver in DRIVERS:
        for prefix, chosen in (("positive", well), ("negative", badly)):
            column = f"{prefix}_{driver}"
            value = _cell(row[table.index[column]])
            if value == "null":  # the option is not on the form ("not asked")
                continue
            if _int(table, line, column, value, allowed=(0, 1)):
                chosen.add(driver)
            if (prefix == "positive") == (thumb == 1):  # the follow-up this respondent was shown
                asked.add(driver)
    return thumb, frozenset(well), frozenset(badly), frozenset(asked)


def _touchpoints_a11_v2(table: _Table, options: Options) -> Parsed:
    service = _need_service(table, options)
    table.require(("ID", "UUID", "Location Code"))
    questions = table.header[2 : table.index["Location Code"]]
    combined = set(V2_COLUMNS[1:]) <= set(table.index)  # to_combined_a11_v2_csv: the 17 columns after
    if not combined and len(questions) != 4:
        raise ConfigError(table.source, f"an A-11 v2 export has 4 questions, this one {len(questions)}", "line 1")
    trust_column, well_column, badly_column, comment_column = questions[:4]
    responses: list[Response] = []
    comments: list[Comment] = []
    skipped: dict[str, int] = {}
    for line, row in table.rows:
        if _skip(table, row, skipped):
            continue
        fy, q = _when(table, line, row, options)
        if combined:
            thumb, well, badly, asked = _v2_row(table, line, row)
        else:
            thumb = _int(table, line, trust_column, _cell(row[table.index[trust_column]]), allowed=(0, 1))
            well = _drivers(table, line, well_column, _cell(row[table.index[well_column]]))
            badly = _drivers(table, line, badly_column, _cell(row[table.index[badly_column]]))
            asked = frozenset(DRIVERS)  # narrowed below to the options the file shows
        key = _cell(row[table.index["UUID"]]) or _cell(row[table.index["ID"]]) or None
        responses.append(
            Response(
                key=key,
                service=service,
                fiscal_year=fy,
                quarter=q,
                scale=THUMBS,
                answers={TRUST: thumb},
                went_well=well if thumb == 1 else frozenset(),
                went_badly=badly if thumb == 0 else frozenset(),
                asked=asked,
            )
        )
        if options.comments:
            text = _text(row[table.index[comment_column]])
            if text:
                comments.append(Comment(service=service, fiscal_year=fy, quarter=q, text=text))
    if not combined:  # the generic export does not say which options the form offered: those ticked at least once
        offered = frozenset().union(*(r.went_well | r.went_badly for r in responses))
        responses = [replace(r, asked=offered) for r in responses]
    kept = [trust_column, well_column, badly_column, "Created at"]
    if combined:
        kept += [c for c in V2_COLUMNS[1:-1]]
    if options.comments:
        kept.append(comment_column)
    return Parsed(
        summary=ImportSummary(
            format="touchpoints-a11-v2",
            rows=len(table.rows),
            kept=(*kept, "trust question wording (header)"),
            dropped=_dropped(table, kept),
            skipped_rows=skipped,
        ),
        responses=responses,
        contexts=_wording(responses, trust_column),
        comments=comments,
    )


def _a11_v2(table: _Table, options: Options) -> Parsed:
    service = _need_service(table, options)
    table.require(V2_COLUMNS)
    if options.quarter is None:
        raise ConfigError(
            table.source, "the 17-column format has no dates: give --quarter (e.g. FY2025Q2)", "--quarter"
        )
    fy, q = options.quarter
    responses: list[Response] = []
    comments: list[Comment] = []
    for line, row in table.rows:
        thumb, well, badly, asked = _v2_row(table, line, row)
        key = _cell(row[table.index["external_id"]]) or None
        responses.append(
            Response(
                key=key,
                service=service,
                fiscal_year=fy,
                quarter=q,
                scale=THUMBS,
                answers={TRUST: thumb},
                went_well=well if thumb == 1 else frozenset(),
                went_badly=badly if thumb == 0 else frozenset(),
                asked=asked,
            )
        )
        if options.comments:
            text = _text(row[table.index["question_4"]])
            if text:
                comments.append(Comment(service=service, fiscal_year=fy, quarter=q, text=text))
    kept = [*V2_COLUMNS[1:-1], *(("question_4",) if options.comments else ())]
    return Parsed(
        summary=ImportSummary(format="a11-v2", rows=len(table.rows), kept=tuple(kept), dropped=_dropped(table, kept)),
        responses=responses,
        comments=comments,
    )


# ---------------------------------------------------------------------------
# Quarterly tables and aggregates (one row per service and quarter, or per question)
# ---------------------------------------------------------------------------
def _hisp_responses(table: _Table, options: Options) -> Parsed:
    table.require(("cx_collection_detail_id", *V2_COLUMNS[1:-1]))
    responses: list[Response] = []
    comments: list[Comment] = []
    for line, row in table.rows:
        detail = _cell(row[table.index["cx_collection_detail_id"]])
        if detail not in options.details:
            raise table.error(
                line,
                "cx_collection_detail_id",
                "no collection detail with this id was imported for the agency (import cx_collection_details first)",
            )
        service, fy, q = options.details[detail]
        thumb, well, badly, asked = _v2_row(table, line, row)
        external = _cell(row[table.index["external_id"]]) if "external_id" in table.index else ""
        responses.append(
            Response(
                key=f"hisp:{detail}:{external}" if external else None,
                service=service,
                fiscal_year=fy,
                quarter=q,
                scale=THUMBS,
                answers={TRUST: thumb},
                went_well=well if thumb == 1 else frozenset(),
                went_badly=badly if thumb == 0 else frozenset(),
                asked=asked,
            )
        )
        if options.comments and "question_4" in table.index:
            text = _text(row[table.index["question_4"]])
            if text:
                comments.append(Comment(service=service, fiscal_year=fy, quarter=q, text=text))
    kept = ["cx_collection_detail_id", *V2_COLUMNS[1:-1], *(("question_4",) if options.comments else ())]
    return Parsed(
        summary=ImportSummary(
            format="hisp-responses", rows=len(table.rows), kept=tuple(kept), dropped=_dropped(table, kept)
        ),
        responses=responses,
        comments=comments,
    )


def _fiscal(table: _Table, line: int, year_column: str, quarter_column: str, row: list[str]) -> tuple[int, int]:
    year = _int(table, line, year_column, _cell(row[table.index[year_column]]))
    if not 2000 <= year <= 2100:
        raise table.error(line, year_column, "not a fiscal year")
    quarter = _int(table, line, quarter_column, _cell(row[table.index[quarter_column]]), allowed=(1, 2, 3, 4))
    return year, quarter


def _reader(table: _Table, row: list[str]) -> Callable[[str], str]:
    return lambda column: _cell(row[table.index[column]])


def _hisp_details(table: _Table, options: Options) -> Parsed:
    table.require(HISP_DETAILS_REQUIRED)
    contexts: list[Context] = []
    for line, row in table.rows:
        cell = _reader(table, row)
        fy, q = _fiscal(table, line, "cx_collection_fiscal_year", "cx_collection_quarter", row)
        channel = cell("channel") if "channel" in table.index else ""
        contexts.append(
            Context(
                service=_service(table, line, "service_name", cell("service_name"), options),
                fiscal_year=fy,
                quarter=q,
                volume=_optional_int(table, line, "volume_of_customers", cell("volume_of_customers")),
                offered=_optional_int(
                    table,
                    line,
                    "volume_of_customers_provided_survey_opportunity",
                    cell("volume_of_customers_provided_survey_opportunity"),
                ),
                respondents=_optional_int(table, line, "volume_of_respondents", cell("volume_of_respondents")),
                trust_question=_text(cell("trust_question_text")) or None,
                channel=_text(channel) or None,
                detail=cell("id") if "id" in table.index and cell("id").isdigit() else None,
            )
        )
    kept = [*HISP_DETAILS_REQUIRED, *(("channel",) if "channel" in table.index else ())]
    kept += ["id"] if "id" in table.index else []
    return Parsed(
        summary=ImportSummary(
            format="hisp-details", rows=len(table.rows), kept=tuple(kept), dropped=_dropped(table, kept)
        ),
        contexts=contexts,
    )


def _hisp_legacy(table: _Table, options: Options) -> Parsed:
    service_column = "service_name"
    questions = [f"q{i}" for i in range(1, 8)]
    table.require(
        ("collection_year", "collection_quarter", service_column, *(f"{q}_{k}" for q in questions for k in range(1, 6)))
    )
    tallies: list[Tally] = []
    contexts: list[Context] = []
    for line, row in table.rows:
        cell = _reader(table, row)
        fy, q = _fiscal(table, line, "collection_year", "collection_quarter", row)
        service = _service(table, line, service_column, cell(service_column), options)
        for measure, question in zip(LEGACY_MEASURES, questions, strict=True):
            counts = tuple(
                _optional_int(table, line, f"{question}_{k}", cell(f"{question}_{k}")) or 0 for k in range(1, 6)
            )
            if sum(counts):
                tallies.append(
                    Tally(
                        service=service,
                        fiscal_year=fy,
                        quarter=q,
                        measure=measure,
                        kind=LIKERT,
                        n=sum(counts),
                        positive=counts[3] + counts[4],
                        counts=counts,
                    )
                )
        get = {c: cell(c) for c in table.header}
        contexts.append(
            Context(
                service=service,
                fiscal_year=fy,
                quarter=q,
                volume=_optional_int(table, line, "volume_of_customers", get.get("volume_of_customers", "")),
                offered=_optional_int(
                    table,
                    line,
                    "volume_of_customers_provided_survey_opportunity",
                    get.get("volume_of_customers_provided_survey_opportunity", ""),
                ),
                respondents=_optional_int(table, line, "volume_of_respondents", get.get("volume_of_respondents", "")),
                trust_question=_text(get.get("q2_text", "")) or None,
                channel=_text(get.get("channel", "")) or None,
            )
        )
    extra = (
        "volume_of_customers",
        "volume_of_customers_provided_survey_opportunity",
        "volume_of_respondents",
        "q2_text",
        "channel",
    )
    kept = [
        "collection_year",
        "collection_quarter",
        service_column,
        *(f"{q}_{k}" for q in questions for k in range(1, 6)),
        *(c for c in extra if c in table.index),
    ]
    return Parsed(
        summary=ImportSummary(
            format="hisp-legacy", rows=len(table.rows), kept=tuple(kept), dropped=_dropped(table, kept)
        ),
        tallies=tallies,
        contexts=contexts,
    )


def _share(table: _Table, line: int, column: str, value: str) -> float:
    try:
        share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise table.error(line, column, "not a share (0.83 or 83%)") from None
    if not 0 <= share <= 1:
        raise table.error(line, column, "a share is between 0 and 1 (or 0% and 100%)")
    return share


def _aggregate(table: _Table, options: Options) -> Parsed:
    lower = {h.lower(): h for h in table.header}
    table.header = [h.lower() for h in table.header]
    table.index = {h: i for i, h in enumerate(table.header)}
    table.require(("service", "quarter", "question", "n"))
    if not {"share", "positive", "mean"} & set(table.index):
        raise ConfigError(table.source, "give a 'share', 'positive' or 'mean' column", f"line {table.line}")
    tallies: list[Tally] = []
    contexts: dict[tuple[str, int, int], Context] = {}
    for line, row in table.rows:
        get: Mapping[str, str] = {c: _cell(row[i]) for c, i in table.index.items()}
        service = _service(table, line, "service", get["service"], options)
        try:
            fy, q = parse_quarter(get["quarter"])
        except ValueError as exc:
            raise table.error(line, "quarter", str(exc)) from None
        question = get["question"].lower()
        if question not in AGGREGATE_QUESTIONS:
            raise table.error(line, "question", f"not a question ({', '.join(AGGREGATE_QUESTIONS)})")
        n = _int(table, line, "n", get["n"])
        if get.get("positive"):
            positive = _int(table, line, "positive", get["positive"])
            if positive > n:
                raise table.error(line, "positive", "more positive answers than n")
        elif get.get("share"):
            positive = round(_share(table, line, "share", get["share"]) * n)
        else:
            positive = -1
        mean = None
        if get.get("mean"):
            try:
                mean = float(get["mean"])
            except ValueError:
                raise table.error(line, "mean", "not a number") from None
            if not 1 <= mean <= 5:
                raise table.error(line, "mean", "a mean on the 5-point scale is between 1 and 5")
        if positive < 0 and mean is None:
            raise table.error(line, "share", "give a share, positive or mean on every line")
        kind = SHARE if positive >= 0 else MEAN  # a mean alone is shown, never turned into a share
        tallies.append(
            Tally(
                service=service,
                fiscal_year=fy,
                quarter=q,
                measure=question,
                kind=kind,
                n=n,
                positive=max(positive, 0),
                mean=mean,
            )
        )
        ctx = contexts.get((service, fy, q)) or Context(service=service, fiscal_year=fy, quarter=q)
        updates: dict[str, object] = {}
        for column in ("offered", "volume"):
            if get.get(column):
                updates[column] = _int(table, line, column, get[column])
        if question == TRUST and get.get("question_text"):
            updates["trust_question"] = _text(get["question_text"])
        if updates:
            ctx = replace(ctx, **updates)  # type: ignore[arg-type]
        contexts[(service, fy, q)] = ctx
    columns = ("service", "quarter", "question", "n", "positive", "share", "mean", "offered", "volume", "question_text")
    kept = [lower.get(c, c) for c in columns if c in table.index]
    return Parsed(
        summary=ImportSummary(
            format="aggregate",
            rows=len(table.rows),
            kept=tuple(kept),
            dropped=tuple(lower[h] for h in table.header if h not in columns),
        ),
        tallies=tallies,
        contexts=[c for c in contexts.values() if c.offered or c.volume or c.trust_question],
    )


# ---------------------------------------------------------------------------
# Any other export of one row per respondent, through a column map
# ---------------------------------------------------------------------------
class ColumnMap(BaseModel):
    """Which column holds what, for a survey tool without a format of its own here.

    ``header_rows``: Qualtrics writes three (column ids, question text, import ids); the first
    names the columns, and the second, when there is one, gives the trust question's wording.
    ``values`` turns answer text into numbers (exports may carry choice text); answers must end
    up 1-5 on the agree scale (``scale: likert``) or 1/0 (``scale: thumbs``, trust only).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    scale: Literal["likert", "thumbs"]
    header_rows: int = Field(default=1, ge=1, le=5)
    id: str | None = None  # the response's own id column (to count a response once)
    date: str  # the column with each response's date
    date_format: str | None = None  # strptime pattern; default: the formats Touchpoints and spreadsheets write
    questions: dict[Literal["satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency",
                            "humanity", "employee"], str] = Field(min_length=1)  # fmt: skip
    comments: list[str] = Field(default_factory=list)
    values: dict[str, int] = Field(default_factory=dict)
    trust_question: str | None = None

    @model_validator(mode="after")
    def _thumbs_is_trust_only(self) -> ColumnMap:
        if self.scale == "thumbs" and set(self.questions) != {TRUST}:
            raise ValueError("a thumbs-up/down survey maps only 'trust'")
        return self


def load_column_map(data: bytes, source: str) -> ColumnMap:
    raw = load_yaml(data, source, "column map")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a column map is a mapping (scale, date, questions, ...)")
    return validate(ColumnMap, raw, source)


def _mapped(table: _Table, options: Options) -> Parsed:
    cmap = options.column_map
    assert cmap is not None
    service = _need_service(table, options)
    extra_headers = table.rows[: cmap.header_rows - 1]
    table.rows = table.rows[cmap.header_rows - 1 :]
    wanted = [cmap.date, *cmap.questions.values(), *cmap.comments, *((cmap.id,) if cmap.id else ())]
    table.require(wanted)
    allowed = (1, 2, 3, 4, 5) if cmap.scale == LIKERT else (0, 1)
    responses: list[Response] = []
    comments: list[Comment] = []
    for line, row in table.rows:
        raw_date = _cell(row[table.index[cmap.date]])
        if cmap.date_format:
            try:
                day = datetime.strptime(raw_date, cmap.date_format).date()
            except ValueError:
                raise table.error(line, cmap.date, f"not a date in the map's format {cmap.date_format!r}") from None
        else:
            day = _date(table, line, cmap.date, raw_date)
        fy, q = options.quarter or fiscal_quarter(day, options.fiscal_year_start)
        answers: dict[str, int] = {}
        for measure, column in cmap.questions.items():
            value = _cell(row[table.index[column]])
            if not value:
                continue
            if value in cmap.values:
                answers[measure] = cmap.values[value]
                if answers[measure] not in allowed:
                    raise table.error(line, column, f"the map gives a value outside {allowed}")
            else:
                answers[measure] = _int(table, line, column, value, allowed=allowed)
        key = _cell(row[table.index[cmap.id]]) if cmap.id else None
        scale = LIKERT if cmap.scale == LIKERT else THUMBS
        responses.append(
            Response(key=key or None, service=service, fiscal_year=fy, quarter=q, scale=scale, answers=answers)
        )
        if options.comments:
            for column in cmap.comments:
                text = _text(row[table.index[column]])
                if text:
                    comments.append(Comment(service=service, fiscal_year=fy, quarter=q, text=text))
    wording = cmap.trust_question
    if wording is None and extra_headers and TRUST in cmap.questions:
        wording = _cell(extra_headers[0][1][table.index[cmap.questions[TRUST]]])
    contexts = _wording(responses, wording) if wording else []
    kept = [cmap.date, *cmap.questions.values(), *(cmap.comments if options.comments else ())]
    return Parsed(
        summary=ImportSummary(
            format="mapped",
            rows=len(table.rows),
            kept=tuple(kept),
            dropped=_dropped(table, kept),
            skipped_rows={"header rows": len(extra_headers)} if extra_headers else {},
        ),
        responses=responses,
        contexts=contexts,
        comments=comments,
    )


_PARSERS: dict[str, Callable[[_Table, Options], Parsed]] = {
    "touchpoints-a11": _touchpoints_a11,
    "touchpoints-a11-v2": _touchpoints_a11_v2,
    "a11-v2": _a11_v2,
    "hisp-details": _hisp_details,
    "hisp-responses": _hisp_responses,
    "hisp-legacy": _hisp_legacy,
    "aggregate": _aggregate,
    "mapped": _mapped,
}
