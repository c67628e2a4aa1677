"""Survey files in the exact export formats, with our own invented rows (issue 18).

Headers follow ../shared/reference/XDATA.md (Touchpoints' Form#to_csv and to_a11_v2_csv, the HISP
tables); every respondent, id, date and comment below is made up. ``PII`` lists personal data
the privacy test plants in every free column.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

META = [
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
    "Tags",
]
_DRIVERS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")
V2 = [
    "external_id",
    "question_1",
    *(f"positive_{d}" for d in _DRIVERS),
    *(f"negative_{d}" for d in _DRIVERS),
    "question_4",
]
V1_QUESTIONS = [
    "I am satisfied with the service I received from the Columbia licence office.",
    "I trust the Columbia licence office to keep its promises to drivers.",
    "My need was addressed.",
    "It was easy to complete what I needed to do.",
    "It took a reasonable amount of time to do what I needed to do.",
    "I was treated fairly.",
    "Employees I interacted with were helpful.",
    "Any additional feedback on your scores above?",
    "Any additional feedback for the Columbia licence office?",
]
V2_TRUST = "Based on my visit today, I trust the Columbia licence office to deliver on its mission."
PII = {
    "email": "rosa.quintero.1987@mailbox.example",
    "phone": "(555) 014-2297",
    "ssn": "078-05-1120",
    "card": "4111 1111 1111 1111",
    "ip": "203.0.113.77",
    "name": "Rosalind Quintero-Vasquez",
    "ua": "Mozilla/5.0 (PlantedAgent 9.9)",
    "path": "/renew/rosa-quintero-private",
    "query": "?email=rosa%40mailbox.example&token=zz91kk",
}


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _stamp(start: datetime, i: int) -> str:
    return (start + timedelta(minutes=7 * i)).strftime("%Y-%m-%d %H:%M:%S UTC")


def touchpoints_v2(quarters: list[tuple[datetime, int, int, int, int]], *, first_id: int = 90000) -> str:
    """The generic Touchpoints export of an A-11 v2 form. Each quarter: (first day, rows, thumbs-up,
    thumbs-up rows that ticked ease, thumbs-down rows that ticked efficiency)."""
    header = ["ID", "UUID", V2_TRUST, "What went well?", "What didn't go so well?", "Additional Comments", *META]
    rows = []
    n = first_id
    for start, total, up, ease, efficiency in quarters:
        for i in range(total):
            n += 1
            thumb = 1 if i < up else 0
            well = ("effectiveness,ease" if i < ease else "effectiveness") if thumb else ""
            badly = "" if thumb else ("efficiency,other" if i - up < efficiency else "other")
            meta = ["DC", "Mozilla/5.0 (X11)", "received", "false", "false", "false", "", "/renew/done", "?step=5"]
            meta += ["www.columbia.example", "https://www.columbia.example/renew", _stamp(start, i), "[]"]
            uuid = f"{n:08x}-1a2b-4c3d-8e9f-{n:012x}"
            rows.append([str(n), uuid, str(thumb), well, badly, "Quick and clear." if thumb else "Too slow.", *meta])
    return to_csv(header, rows)


def touchpoints_v1(counts: dict[int, list[int]], start: datetime) -> str:
    """The generic Touchpoints export of an A-11 v1 (Likert) form; ``counts`` gives, per item
    (1-7), how many answered 1, 2, 3, 4, 5 (every item the same number of rows)."""
    header = ["ID", "UUID", *V1_QUESTIONS, *META]
    total = sum(counts[1])
    columns = {}
    for item in range(1, 8):
        values = [str(k + 1) for k, c in enumerate(counts.get(item, counts[1])) for _ in range(c)]
        assert len(values) == total
        columns[item] = values
    rows = []
    for i in range(total):
        meta = ["", "Mozilla/5.0 (iPhone)", "received", "false", "false", "false", "", "/licence", ""]
        meta += ["www.columbia.example", "", _stamp(start, i), "[]"]
        answers = [columns[item][i] for item in range(1, 8)]
        rows.append([str(70000 + i), f"uuid-{i:05d}", *answers, "Fine.", "", *meta])
    return to_csv(header, rows)


def a11_v2(rows: list[tuple[int, list[str]]]) -> str:
    """The 17-column format: (thumb, the 14 driver cells) per row."""
    out = []
    for i, (thumb, drivers) in enumerate(rows):
        assert len(drivers) == 14
        out.append([f"ext-{i + 1}", str(thumb), *drivers, "ok"])
    return to_csv(V2, out)


HISP_DETAILS_HEADER = [
    "id",
    "organization_id",
    "organization_abbreviation",
    "organization_name",
    "cx_collection_id",
    "cx_collection_fiscal_year",
    "cx_collection_quarter",
    "cx_collection_name",
    "cx_collection_service_provider_id",
    "cx_collection_service_provider_name",
    "cx_collection_service_provider_slug",
    "service_id",
    "service_name",
    "transaction_point",
    "channel",
    "service_stage_id",
    "service_stage_name",
    "service_stage_position",
    "service_stage_count",
    "volume_of_customers",
    "volume_of_customers_provided_survey_opportunity",
    "volume_of_respondents",
    "omb_control_number",
    "survey_type",
    "survey_title",
    "trust_question_text",
    "created_at",
    "updated_at",
]


def hisp_details(rows: list[dict[str, str]]) -> str:
    base = {
        "id": "701",
        "organization_id": "41",
        "organization_abbreviation": "CLO",
        "organization_name": "Columbia Licence Office",
        "cx_collection_id": "310",
        "cx_collection_name": "CX Quarterly Reporting",
        "cx_collection_service_provider_id": "12",
        "cx_collection_service_provider_name": "Columbia Licence Office",
        "cx_collection_service_provider_slug": "clo",
        "service_id": "55",
        "transaction_point": "post_interaction",
        "channel": "website",
        "service_stage_id": "3",
        "service_stage_name": "end",
        "service_stage_position": "2",
        "service_stage_count": "2",
        "omb_control_number": "9999-0001",
        "survey_type": "thumbs_up_down",
        "survey_title": "Renewal feedback",
        "created_at": "2025-01-20 10:00:00 UTC",
        "updated_at": "2025-01-21 10:00:00 UTC",
    }
    return to_csv(HISP_DETAILS_HEADER, [[{**base, **r}.get(c, "") for c in HISP_DETAILS_HEADER] for r in rows])


def hisp_legacy_header() -> list[str]:
    head = [
        "id",
        "collection_id",
        "collection_year",
        "collection_quarter",
        "collection_name",
        "collection_organization_id",
        "collection_organization_name",
        "collection_organization_abbreviation",
        "service_provider_id",
        "service_provider_name",
        "service_provider_organization_id",
        "service_provider_organization_name",
        "service_provider_organization_abbreviation",
        "service_provided",
        "service_id",
        "service_name",
        "transaction_point",
        "channel",
        "volume_of_customers",
        "volume_of_customers_provided_survey_opportunity",
        "volume_of_respondents",
        "omb_control_number",
        "federal_register_url",
    ]
    for q in range(1, 12):
        head += [f"q{q}_text", *(f"q{q}_{k}" for k in range(1, 6))]
    return [*head, "created_at", "updated_at", "operational_metrics"]


def hisp_legacy(rows: list[dict[str, str]]) -> str:
    header = hisp_legacy_header()
    return to_csv(header, [[r.get(c, "") for c in header] for r in rows])


QUALTRICS_META = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
QUALTRICS_MAP = """\
scale: likert
header_rows: 3
id: ResponseId
date: RecordedDate
questions: {satisfaction: Q1, trust: Q2, ease: Q3}
comments: [Q4]
values: {Strongly disagree: 1, Disagree: 2, Neither agree nor disagree: 3, Agree: 4, Strongly agree: 5}
"""


def qualtrics(answers: list[tuple[int, int, int]], start: datetime, meta: dict[str, str] | None = None) -> str:
    """A Qualtrics-style export: three header rows, choice text answers (1-5 given as numbers here)."""
    header = [*QUALTRICS_META, "Q1", "Q2", "Q3", "Q4"]
    texts = [
        *QUALTRICS_META,
        "I was satisfied.",
        "I trust the licence office to do right by me.",
        "It was easy.",
        "Anything else?",
    ]
    imports = [*(f'{{"ImportId":"{m}"}}' for m in QUALTRICS_META), *(f'{{"ImportId":"QID{i}"}}' for i in range(1, 5))]
    rows = [texts, imports]
    for i, (a, b, c) in enumerate(answers):
        when = (start + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S")
        values = {m: "" for m in QUALTRICS_META} | {
            "RecordedDate": when,
            "ResponseId": f"R_{i:06d}x",
            "Status": "IP Address",
        }
        values |= meta or {}
        rows.append([*(values[m] for m in QUALTRICS_META), AGREE[a - 1], AGREE[b - 1], AGREE[c - 1], "Thanks."])
    return to_csv(header, rows)


def quarter_start(day: datetime, back: int = 0) -> datetime:
    """The first day of the federal fiscal quarter ``back`` quarters before ``day``'s (quarters
    start in October, January, April and July)."""
    months = day.year * 12 + (day.month - 1)
    months -= months % 3 + 3 * back  # calendar quarters start where federal ones do
    return datetime(months // 12, months % 12 + 1, 1)
