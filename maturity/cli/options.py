"""Options shared by the commands, declared once.

Every audit option is a field of :class:`~maturity.core.settings.AuditSettings` with the same name;
its command-line option defaults to ``None`` ("not given"), so a value from maturity.yml or a
portfolio file shows through unless the option is given. Adding an audit option means: a field in
the settings model, one entry in :data:`AUDIT_OPTIONS`, and a line in the README.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click

from maturity.core.settings import SETTING_KEYS, AuditSettings, MachineSettings, default_user_agent
from maturity.kernel.errors import InvalidURL
from maturity.kernel.urls import redact_credentials, strip_credentials

if TYPE_CHECKING:
    from maturity.core.rubric import LoadedRubric

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = "sqlite:///maturity.db"


def validate_start_url(url: str) -> str:
    """An absolute http(s) URL with a host, or :class:`InvalidURL` with a hint. Credentials in it
    (``user:password@``) are dropped, and never repeated in a message: the crawler sends none."""
    shown = redact_credentials(url)
    url = strip_credentials(url)
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "http://[::1" and other broken brackets
        raise InvalidURL(f"not a valid URL: {shown!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        hint = f" (did you mean https://{url.strip()}?)" if not parts.scheme and url.strip() else ""
        raise InvalidURL(f"not an http(s) URL: {shown!r}{hint}")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise InvalidURL(f"bad port in URL: {shown!r}") from None
    return url.strip()


def _default(name: str) -> str:
    field = AuditSettings.model_fields[name]
    if field.default_factory is not None:  # worked out on the machine that runs it (workers: its cores)
        value = field.get_default(call_default_factory=True)
        return f" [default: {value} on this machine]"
    value = field.get_default(call_default_factory=False)
    return "" if value is None else f" [default: {value}]"


def _help(name: str, text: str) -> str:
    return text if "[default:" in text else text + _default(name)


# The audit options: (flags, settings field, click keyword arguments). Help texts name the default
# from the settings model, so the two never disagree.
AUDIT_OPTIONS: list[tuple[tuple[str, ...], str, dict[str, Any]]] = [
    (("--max-pages",), "max_pages", {"type": click.IntRange(1), "help": "Pages to audit."}),
    (("--max-depth",), "max_depth", {"type": click.IntRange(0), "help": "Link depth from the start page."}),
    (("--include",), "include", {"multiple": True, "help": "Only URLs matching this regular expression (repeatable)."}),
    (("--exclude",), "exclude", {"multiple": True, "help": "Skip URLs matching this regular expression (repeatable)."}),
    (("--concurrency",), "concurrency", {"type": click.IntRange(1, 32), "help": "Browser workers."}),
    (("--page-timeout",), "page_timeout", {"type": click.FloatRange(1, 600), "help": "Seconds per page load."}),
    (
        ("--throttle",),
        "throttle",
        {
            "type": click.Choice(["mobile", "desktop", "none"]),
            "help": "Performance profile (Lighthouse-like mobile: 4x CPU, slow 4G).",
        },
    ),
    (
        ("--perf-runs",),
        "perf_runs",
        {"type": click.IntRange(1, 9), "help": "Loads per page in the performance phase (median reported)."},
    ),
    (("--perf-pages",), "perf_pages", {"type": click.IntRange(0), "help": "Pages measured for performance (0: all)."}),
    (
        ("--block-third-party",),
        "block_third_party",
        {"is_flag": True, "help": "Abort browser requests to other sites (analytics, CDNs); they are still recorded."},
    ),
    (("--ignore-robots",), "ignore_robots", {"is_flag": True, "help": "Do not obey robots.txt (your own sites only)."}),
    (
        ("--max-page-bytes",),
        "max_page_bytes",
        {"type": click.IntRange(1000), "help": "Pages larger than this are not rendered (not assessable: too large)."},
    ),
    (
        ("--allow-private",),
        "allow_private",
        {
            "is_flag": True,
            "help": "Let a public site lead the crawl to private, loopback and link-local addresses "
            "(refused by default; a site on such an address may always use its own kind).",
        },
    ),
    (
        ("--max-retry-after",),
        "max_retry_after",
        {
            "type": click.FloatRange(0, 3600),
            "help": "Longest wait, in seconds, before asking again after a 429 or 503 (Retry-After) or a 502/504.",
        },
    ),
    (
        ("--max-requests",),
        "max_requests",
        {
            "type": click.IntRange(10),
            "help": "Requests discovery may make in all, 404s, redirects and duplicates included "
            "[default: 4 x max pages + link checks (200) + 30].",
        },
    ),
    (
        ("--sample",),
        "sample",
        {
            "type": click.Choice(["crawl", "stratified", "random", "traffic"]),
            "help": "How the audited pages are chosen: the first found (crawl), or drawn from a larger "
            "population found first: one or more of every template and section (stratified) or at random "
            "(random), both giving every figure a 95% interval; or the most visited first (traffic, from "
            "`maturity traffic import`) [default: crawl].",
        },
    ),
    (
        ("--target-margin",),
        "target_margin",
        {
            "type": click.FloatRange(0, 50, min_open=True),
            "help": "With --sample stratified|random: audit a quarter of --max-pages (at least 10) first, "
            "then double the sample until the overall score's 95% interval is at most +/- this many "
            "points or --max-pages is reached; the run says which.",
        },
    ),
    (("--sample-seed",), "sample_seed", {"type": click.IntRange(0), "help": "Seed of the sample [default: 1]."}),
    (
        ("--population",),
        "population",
        {
            "type": click.IntRange(1, 100_000),
            "help": "Pages to find before drawing a stratified or random sample [default: 10 x max pages].",
        },
    ),
    (
        ("--max-page-memory-mb",),
        "max_page_memory_mb",
        {
            "type": click.IntRange(256, 65536),
            "help": "Stop a page whose browser renderer grows past this many MiB; the page is "
            "'not assessable: too much memory' [default: 2048].",
        },
    ),
    (
        ("--delay",),
        "delay",
        {
            "type": click.FloatRange(0, 60),
            "help": "Seconds between page loads (and discovery requests) to one host; the site's "
            "robots.txt Crawl-delay wins when longer [default: Crawl-delay, else 0.2 s between page loads].",
        },
    ),
    (("--user-agent",), "user_agent", {"help": "User agent [default: one naming maturity and the --contact URL]."}),
    (
        ("--max-documents",),
        "max_documents",
        {
            "type": click.IntRange(0, 1000),
            "help": "Documents (PDF, Word, Excel, PowerPoint) linked from the pages or listed in the sitemaps "
            "to fetch and check, the most linked first; 0: none [default: 25].",
        },
    ),
    (
        ("--max-document-bytes",),
        "max_document_bytes",
        {"type": click.IntRange(1000), "help": "Larger documents are not assessable: too large [default: 20000000]."},
    ),
]
assert {name for _, name, _ in AUDIT_OPTIONS} == set(SETTING_KEYS), "every audit setting has one option"


def audit_options(fn: F) -> F:
    """The audit settings as options (each ``None`` unless given), plus ``--contact``."""
    for flags, name, kwargs in reversed(AUDIT_OPTIONS):
        kwargs = dict(kwargs)
        if not kwargs.get("is_flag") and not kwargs.get("multiple"):
            kwargs["help"] = _help(name, kwargs["help"])
        fn = click.option(*flags, name, default=None, **kwargs)(fn)
    fn = click.option(
        "--contact", default=None, envvar="MATURITY_CONTACT", help="Contact URL for the default user agent."
    )(fn)
    return fn


def settings_layer(kw: dict[str, Any]) -> dict[str, Any]:
    """The settings the command line gives (options left off are not in it)."""
    out: dict[str, Any] = {}
    for _, name, kwargs in AUDIT_OPTIONS:
        value = kw.get(name)
        if kwargs.get("multiple"):
            value = tuple(value) if value else None
        elif kwargs.get("is_flag"):
            value = True if value else None
        if value is not None:
            out[name] = value
    if "user_agent" not in out and kw.get("contact"):
        out["user_agent"] = default_user_agent(kw["contact"])
    return out


def machine_options(fn: F) -> F:
    """This machine's side: which browser and axe-core script."""
    fn = click.option(
        "--axe-script",
        "axe_path",
        default=None,
        type=click.Path(dir_okay=False),
        help="A newer axe.min.js to use instead of the packaged one.",
    )(fn)
    fn = browser_option(fn)
    return fn


def browser_option(fn: F) -> F:
    return click.option(
        "--browser",
        "browser_path",
        default=None,
        envvar="MATURITY_BROWSER",
        help="Chromium or Chrome executable [default: found automatically].",
    )(fn)


def machine_settings(kw: dict[str, Any], **extra: Any) -> MachineSettings:
    return MachineSettings(browser_path=kw.get("browser_path"), axe_path=kw.get("axe_path"), **extra)


def store_options(fn: F) -> F:
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        envvar="MATURITY_DB",
        help="Database: any SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://...) or a file path.",
    )(fn)


def output_options(fn: F) -> F:
    fn = click.option(
        "--out",
        "out_dir",
        default="maturity-out",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Directory for the HTML and JSON scorecards.",
    )(fn)
    fn = click.option("--quiet", "-q", is_flag=True, help="No progress display.")(fn)
    fn = click.option("--verbose", "-v", is_flag=True, help="Log what the crawler decided and why.")(fn)
    return fn


def rubric_option(fn: F) -> F:
    return click.option(
        "--rubric", "rubric_spec", default=None, help="Rubric YAML file or built-in name [default: default]."
    )(fn)


def published_rubric_option(fn: F) -> F:
    """``--rubric`` for publishing commands: which rubric's figures to show (no default file)."""
    return click.option(
        "--rubric",
        "rubric_spec",
        default=None,
        help="Publish figures scored under this rubric (YAML file or built-in name) "
        "[default: the rubric each run was first scored with].",
    )(fn)


def pinned_rubric(spec: str | None) -> LoadedRubric | None:
    """The rubric ``--rubric`` names for a publishing command, or None (each run's first scoring)."""
    if spec is None:
        return None
    from maturity.core.rubric import resolve_rubric

    return resolve_rubric(spec)


def attestations_option(what: str) -> Callable[[F], F]:
    """``--attestations FILE``: the agency's answers to the rubric's questions (``what`` it does here)."""
    return click.option(
        "--attestations",
        "attestations",
        default=None,
        type=click.Path(dir_okay=False),
        help=f"The agency's attestation file (YAML answers to the rubric's questions); {what}.",
    )


def rollup_option(fn: F) -> F:
    return click.option(
        "--rollup",
        "method",
        type=click.Choice(["mean", "page-weighted", "minimum"]),
        default="mean",
        show_default=True,
        help="How site figures combine into agency and portfolio figures.",
    )(fn)


def portfolio_filter(fn: F) -> F:
    return click.option(
        "--portfolio", "portfolio_id", default=None, help="Only runs of this portfolio id [default: every run]."
    )(fn)


def open_store(db: str, *, create: bool = False) -> Any:
    """The store at ``--db`` (importing the store only when a command needs it). Only commands that
    store a run pass ``create``: the others never create a database file or its folder."""
    from maturity.store import Store
    from maturity.store.store import database_url

    return Store(database_url(db), create=create)
