"""The store: crawls, their content-addressed artifacts, and scorings of them.

A **crawl** is what was gathered (settings, versions, timings, one row per page
pointing at artifact blobs); a **scoring** is one rubric applied to a crawl.
Re-scoring adds a scoring and never touches the crawl, so old crawls can be
scored under new rubrics with no browser. Artifacts live in ``blob`` keyed by the
sha256 of their canonical JSON, so identical facts are stored once.

Every page is committed in its own transaction as it finishes, so an interrupted
run loses nothing that was finished. The schema is created and upgraded by the
Alembic migrations in ``maturity/migrations`` (SQLite by default; any SQLAlchemy
URL, PostgreSQL included).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import delete, event, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, InterfaceError, NoSuchModuleError, OperationalError
from sqlmodel import Session, col, create_engine, select

from maturity.core.model import PageArtifacts, SiteFacts, canonical_json
from maturity.core.rubric import LoadedRubric, parse_rubric
from maturity.core.scoring import Finding, Scorecard
from maturity.kernel.errors import ConfigError, StoreUnavailable, UsageError
from maturity.store.documents import keep_facts, known_facts
from maturity.store.tables import PENDING, Blob, Crawl, Page, Scoring, utcnow


class DuplicateTask(Exception):
    """A crawl with this task key exists already: the task was delivered twice."""


@dataclass(frozen=True)
class RunRow:
    crawl: Crawl
    scoring: Scoring | None  # the published scoring (see :func:`published_scoring`)
    pages: int
    not_assessable: int
    scorings: int = 0  # how many scorings the run has (under any rubric)


FIRST_SCORING = "first"  # the published pin when no rubric is given: the rubric each run was first scored with


def published_scoring(scorings: Sequence[Scoring], pin: str) -> Scoring | None:
    """The scoring a run publishes under ``pin``: the newest scoring under the pinned rubric (the
    sha256 of its bytes), or, for :data:`FIRST_SCORING`, under the rubric of the run's first
    scoring (the audit's, or the portfolio's). A scoring under any other rubric (a trial
    ``rescore --rubric x.yaml``) never replaces it; None when the run has no scoring under the pin."""
    if not scorings:
        return None
    sha = scorings[0].rubric_sha256 if pin == FIRST_SCORING else pin
    same = [s for s in scorings if s.rubric_sha256 == sha]
    return same[-1] if same else None


def redact_url(url: str) -> str:
    """A database URL with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def database_url(value: str, option: str = "--db") -> str:
    """Any SQLAlchemy URL, or a bare file path meaning SQLite.

    A URL that cannot be parsed, or a SQLite URL naming no file (which would keep the runs in
    memory and lose them), is a usage error naming ``option``; the password is never repeated.
    """
    url = value if "://" in value else f"sqlite:///{value}"
    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:300]
        raise UsageError(f"{option}: not a database URL: {shown!r} ({reason})") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise UsageError(f"{option}: {shown!r} names no database file (give sqlite:///path/to/file.db or a path)")
    return url


def _migrations_config(engine_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("maturity.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine_url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = _migrations_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


# A server database that drops the connection (a restart, a failover, an idle timeout, an
# administrator's pg_terminate_backend) is tried again this many times, after these pauses (7.5 s in
# all), before the command stops with one line. SQLite waits on its own lock timeout instead.
RECONNECT_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
_depth = threading.local()


def _first_line(exc: OperationalError | InterfaceError) -> str:
    """The driver's own first line of a database error (what a user can act on)."""
    return (str(exc.orig) if exc.orig else str(exc)).splitlines()[0]


def _reconnecting(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a store method (one transaction each) again when the connection to a server database
    was lost; after the last try, :class:`StoreUnavailable` with the reason, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        if getattr(_depth, "n", 0):  # called from another store method: the outer one retries
            return method(self, *args, **kwargs)
        _depth.n = 1
        try:
            for delay in (*RECONNECT_DELAYS, None):
                try:
                    return method(self, *args, **kwargs)
                except (OperationalError, InterfaceError) as exc:
                    if delay is None or self.engine.dialect.name == "sqlite":
                        reason = _first_line(exc)
                        raise StoreUnavailable(f"database unavailable: {redact_url(self.url)}: {reason}") from None
                    time.sleep(delay)
        finally:
            _depth.n = 0
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


class Store:
    def __init__(self, url: str, *, create: bool = True) -> None:
        """Open (and migrate) the database at ``url``. ``create=False`` is for commands that only
        read: a SQLite file that does not exist is an error then, never created (nor its folder)."""
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise UsageError(f"--db: not a database URL: {redact_url(url)!r} (try sqlite:///maturity.db)") from None
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            connect_args = {"timeout": 30, "check_same_thread": False}
            if not create and parsed.database and not Path(parsed.database).is_file():
                raise UsageError(
                    f"--db: no database at {parsed.database} (nothing is stored yet: `maturity audit URL` stores a run)"
                )
            if parsed.database and parsed.database != ":memory:":
                try:
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreUnavailable(f"database unavailable: {url}: {exc.strerror}") from None
        try:
            # pool_pre_ping: a pooled connection the server dropped while idle is replaced, not used.
            self.engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise UsageError(f"--db: cannot use {redact_url(url)}: {exc}") from None
        except ImportError as exc:
            raise UsageError(f"--db: driver for {parsed.get_backend_name()} is not installed ({exc.name})") from None
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            upgrade(self.engine)
        except OperationalError as exc:
            reason = _first_line(exc)
            raise StoreUnavailable(f"database unavailable: {redact_url(url)}: {reason}") from None

    # -- blobs -------------------------------------------------------------
    def _put_blob(self, session: Session, data: Any, raw: bytes | None = None) -> str:
        """Store ``data`` once under its hash. Another run (a portfolio's other site, another worker)
        may be storing the same blob at the same moment: the insert yields to it, never fails.
        ``raw`` is ``data`` already serialised (a scorecard: pydantic writes its JSON without
        building the dictionaries first)."""
        if raw is None:
            raw = canonical_json(data)  # serialised once: the key is its hash, the row its compressed bytes
        sha = hashlib.sha256(raw).hexdigest()
        if session.get(Blob, sha) is None:
            data_z = zlib.compress(raw, 6)
            row: dict[str, Any] = {"sha256": sha, "size": len(raw), "data": data_z}
            dialect = self.engine.dialect.name
            if dialect in ("sqlite", "postgresql"):
                insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
                session.execute(insert(Blob).values(**row).on_conflict_do_nothing(index_elements=["sha256"]))
            else:
                session.add(Blob(sha256=sha, size=len(raw), data=data_z))
                session.flush()
        return sha

    def put_json(self, data: Any) -> str:
        """Store JSON data as a blob; returns its hash (kept while a crawl's timings name it)."""
        with Session(self.engine) as session:
            sha = self._put_blob(session, data)
            session.commit()
        return sha

    def get_blob(self, sha: str) -> Any:
        return json.loads(self.blob_bytes(sha))

    def blob_bytes(self, sha: str) -> bytes:
        """A blob's JSON text, as stored (decompressed)."""
        with Session(self.engine) as session:
            blob = session.get(Blob, sha)
            if blob is None:
                raise KeyError(sha)
            return zlib.decompress(blob.data)

    # -- crawls ------------------------------------------------------------
    def begin_crawl(
        self,
        target_url: str,
        *,
        settings: dict[str, Any],
        tool_version: str,
        axe_version: str = "",
        browser_version: str = "",
        task_key: str | None = None,
    ) -> int:
        """Start a crawl. A ``task_key`` already used raises :class:`DuplicateTask` (see distributed)."""
        with Session(self.engine) as session:
            crawl = Crawl(
                task_key=task_key,
                target_url=target_url,
                settings=json.dumps(settings, sort_keys=True, default=str),
                tool_version=tool_version,
                axe_version=axe_version,
                browser_version=browser_version,
                heartbeat_at=utcnow() if task_key is not None else None,  # a distributed crawl's lease
            )
            session.add(crawl)
            try:
                session.commit()
            except IntegrityError:
                if task_key is None:
                    raise
                raise DuplicateTask(task_key) from None
            assert crawl.id is not None
            return crawl.id

    # -- leases of distributed crawls ---------------------------------------
    def renew_lease(self, task_key: str, worker: str) -> None:
        """The worker auditing the crawl of ``task_key`` is alive (no-op before the crawl exists)."""
        with Session(self.engine) as session:
            session.execute(
                update(Crawl)
                .where(col(Crawl.task_key) == task_key, col(Crawl.status) != "finished")
                .values(worker=worker, heartbeat_at=utcnow())
            )
            session.commit()

    def take_lease(self, crawl_id: int, worker: str, stale_after: float) -> bool:
        """Take over an unfinished crawl if nobody holds it: its lease is ours, absent, or older
        than ``stale_after`` seconds. Atomic, so of two deliveries of one job only one wins."""
        cutoff = utcnow() - timedelta(seconds=stale_after)
        with Session(self.engine) as session:
            done = session.execute(
                update(Crawl)
                .where(
                    col(Crawl.id) == crawl_id,
                    or_(
                        col(Crawl.heartbeat_at).is_(None),
                        col(Crawl.heartbeat_at) < cutoff,
                        col(Crawl.worker) == worker,
                    ),
                )
                .values(worker=worker, heartbeat_at=utcnow())
            )
            session.commit()
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def stale_keys(self, task_keys: list[str], stale_after: float) -> list[str]:
        """Of these task keys, those whose crawl is unfinished and whose worker stopped renewing."""
        cutoff = utcnow() - timedelta(seconds=stale_after)
        with Session(self.engine) as session:
            rows = session.exec(
                select(Crawl.task_key).where(
                    col(Crawl.task_key).in_(task_keys),
                    col(Crawl.status) != "finished",
                    col(Crawl.heartbeat_at).is_not(None),
                    col(Crawl.heartbeat_at) < cutoff,
                )
            ).all()
            return [k for k in rows if k]

    def crawl_for_key(self, task_key: str) -> Crawl | None:
        with Session(self.engine) as session:
            return session.exec(select(Crawl).where(Crawl.task_key == task_key)).first()

    def update_crawl(self, crawl_id: int, **fields: Any) -> None:
        with Session(self.engine) as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise KeyError(crawl_id)
            for key, value in fields.items():
                if key in ("timings", "settings") and not isinstance(value, str):
                    value = json.dumps(value, sort_keys=True, default=str)
                setattr(crawl, key, value)
            session.add(crawl)
            session.commit()

    def set_site(self, crawl_id: int, site: SiteFacts, pages_found: int) -> None:
        with Session(self.engine) as session:
            sha = self._put_blob(session, site.model_dump(mode="json"))
            crawl = session.get(Crawl, crawl_id)
            assert crawl is not None
            crawl.site_sha = sha
            crawl.pages_found = pages_found
            session.add(crawl)
            session.commit()

    def plan_pages(self, crawl_id: int, pages: list[PageArtifacts]) -> None:
        """Record every page discovery chose, in crawl order, as ``pending`` (one transaction).

        A page that finishes replaces its pending row (:meth:`add_page`), so after an
        interruption the pending rows are exactly what is left to do (``maturity resume``).
        Pages already known to be not assessable are stored as such here.
        """
        with Session(self.engine) as session:
            for page in pages:
                refs = {name: self._put_blob(session, data) for name, data in sorted(page.artifacts.items())}
                session.add(
                    Page(
                        crawl_id=crawl_id,
                        url=page.url,
                        depth=page.depth,
                        status=page.status,
                        reason=page.reason,
                        artifacts=json.dumps(refs, sort_keys=True),
                    )
                )
            session.commit()

    def add_page(self, crawl_id: int, page: PageArtifacts, elapsed_ms: float = 0.0) -> None:
        """Commit one finished page in its own transaction (replacing its pending row, if any)."""
        with Session(self.engine) as session:
            refs = {name: self._put_blob(session, data) for name, data in sorted(page.artifacts.items())}
            row = session.exec(select(Page).where(Page.crawl_id == crawl_id, Page.url == page.url)).first()
            if row is None:
                row = Page(crawl_id=crawl_id, url=page.url)
            else:
                refs = {**json.loads(row.artifacts), **refs}
            row.depth, row.status, row.reason = page.depth, page.status, page.reason
            row.artifacts = json.dumps(refs, sort_keys=True)
            row.elapsed_ms, row.finished_at = elapsed_ms, utcnow()
            session.add(row)
            session.commit()

    def add_artifact(self, crawl_id: int, url: str, name: str, data: dict[str, Any]) -> None:
        """Attach one more artifact to a stored page (the performance phase runs after the others)."""
        with Session(self.engine) as session:
            row = session.exec(select(Page).where(Page.crawl_id == crawl_id, Page.url == url)).one()
            refs = json.loads(row.artifacts)
            refs[name] = self._put_blob(session, data)
            row.artifacts = json.dumps(refs, sort_keys=True)
            session.add(row)
            session.commit()

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str = "finished",
        timings: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        self.update_crawl(crawl_id, status=status, finished_at=utcnow(), timings=timings or {}, error=error)

    def crawl(self, crawl_id: int) -> Crawl:
        with Session(self.engine) as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise UsageError(f"no run {crawl_id} in {redact_url(self.url)} (see `maturity runs`)")
            return crawl

    def done_urls(self, crawl_id: int) -> set[str]:
        """URLs of finished pages: not assessable, or audited with every artifact (performance included)."""
        with Session(self.engine) as session:
            rows = session.exec(select(Page).where(Page.crawl_id == crawl_id, Page.status != PENDING)).all()
            return {r.url for r in rows if r.status != "ok" or "performance" in json.loads(r.artifacts)}

    def load_pages(self, crawl_id: int, *, include_pending: bool = False) -> list[PageArtifacts]:
        """A crawl's pages in crawl order. Pending pages (never audited: the run stopped first) are
        left out, or with ``include_pending`` returned with status ``pending``."""
        with Session(self.engine) as session:
            query = select(Page).where(Page.crawl_id == crawl_id).order_by(col(Page.id))
            rows = session.exec(query).all()
            refs = [(row, json.loads(row.artifacts)) for row in rows if include_pending or row.status != PENDING]
        return [
            PageArtifacts(
                url=row.url,
                depth=row.depth,
                status=row.status,
                reason=row.reason,
                artifacts={n: self.get_blob(sha) for n, sha in names.items()},
            )
            for row, names in refs
        ]

    def iter_pages(
        self, crawl_id: int, *, names: Collection[str] | None = None, include_pending: bool = False, chunk: int = 200
    ) -> Iterator[PageArtifacts]:
        """A crawl's pages in crawl order, read one at a time (the rows ``chunk`` at a time), so a
        run of any size is never in memory whole; ``names`` reads only those artifacts. Pending
        pages are left out as in :meth:`load_pages`."""
        last = 0
        while True:
            rows = self.page_rows(crawl_id, after=last, limit=chunk)
            if not rows:
                return
            for row_id, url, depth, status, reason, refs in rows:
                last = row_id
                if status == PENDING and not include_pending:
                    continue
                wanted = {n: sha for n, sha in json.loads(refs).items() if names is None or n in names}
                yield PageArtifacts(url=url, depth=depth, status=status, reason=reason, artifacts=self.blobs(wanted))

    def page_rows(
        self, crawl_id: int, *, after: int = 0, limit: int = 200
    ) -> list[tuple[int, str, int, str, str | None, str]]:
        """(row id, URL, depth, status, reason, artifact keys as JSON) of up to ``limit`` pages after row ``after``."""
        with Session(self.engine) as session:
            query = (
                select(Page).where(Page.crawl_id == crawl_id, col(Page.id) > after).order_by(col(Page.id)).limit(limit)
            )
            return [(r.id or 0, r.url, r.depth, r.status, r.reason, r.artifacts) for r in session.exec(query).all()]

    def blobs(self, refs: dict[str, str]) -> dict[str, Any]:
        """name -> the JSON of the blob ``refs[name]`` names (one query for them all)."""
        if not refs:
            return {}
        with Session(self.engine) as session:
            rows = session.exec(select(Blob.sha256, Blob.data).where(col(Blob.sha256).in_(set(refs.values())))).all()
        data = {sha: raw for sha, raw in rows}
        missing = [sha for sha in refs.values() if sha not in data]
        if missing:
            raise KeyError(missing[0])
        return {name: json.loads(zlib.decompress(data[sha])) for name, sha in refs.items()}

    def load_page(self, crawl_id: int, url: str) -> PageArtifacts | None:
        """One stored page of a crawl with all its artifacts (None when the crawl has no such page)."""
        with Session(self.engine) as session:
            row = session.exec(select(Page).where(Page.crawl_id == crawl_id, Page.url == url)).first()
        if row is None:
            return None
        artifacts = self.blobs(json.loads(row.artifacts))
        return PageArtifacts(url=row.url, depth=row.depth, status=row.status, reason=row.reason, artifacts=artifacts)

    def load_site(self, crawl_id: int) -> SiteFacts:
        crawl = self.crawl(crawl_id)
        if crawl.site_sha is None:
            return SiteFacts(start_url=crawl.target_url)
        return SiteFacts.model_validate(self.get_blob(crawl.site_sha))

    # -- document facts by content hash (maturity.store.documents) -----------
    def document_facts(self, site: str, parser: str, hashes: Iterable[str]) -> dict[str, tuple[str, Any]]:
        """Facts an earlier run of ``site`` kept for these documents: sha256 -> (kind, facts as JSON data)."""
        return known_facts(self.engine, site, parser, hashes)

    def keep_document_facts(self, site: str, parser: str, facts: Mapping[str, tuple[str, Any]]) -> None:
        """Keep what parsing these documents of ``site`` gave, for later runs of it."""
        keep_facts(self.engine, site, parser, facts)

    # -- scorings ----------------------------------------------------------
    def add_scoring(
        self,
        crawl_id: int,
        card: Scorecard,
        *,
        rubric: LoadedRubric | None = None,
        tool_version: str | None = None,
        checks_digest: str | None = None,
    ) -> int:
        """Store a scorecard with what produced it: the rubric's exact text (a blob, stored once
        however many scorings use it), the tool version and the check catalogue's digest."""
        with Session(self.engine) as session:
            sha = self._put_blob(session, None, raw=card.model_dump_json().encode())
            rubric_blob = self._put_blob(session, rubric.text) if rubric is not None and rubric.text else None
            row = Scoring(
                rubric_blob=rubric_blob,
                tool_version=tool_version,
                checks_digest=checks_digest,
                crawl_id=crawl_id,
                rubric_id=card.rubric.id,
                rubric_version=card.rubric.version,
                rubric_sha256=card.rubric.sha256,
                rubric_source=card.rubric.source,
                overall=card.overall,
                level=card.level,
                level_name=card.level_name,
                complete=card.complete,
                scorecard_sha=sha,
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    FINDINGS_CHUNK = 2000  # findings a blob (JSON lines)

    def put_findings(self, findings: Iterable[Finding]) -> list[str]:
        """Store findings as blobs of up to :attr:`FINDINGS_CHUNK` JSON lines each, read and
        written a chunk at a time; returns the blobs' hashes in order (a scorecard's ``finding_blobs``)."""
        shas: list[str] = []
        chunk: list[str] = []

        def put() -> None:
            with Session(self.engine) as session:
                shas.append(self._put_blob(session, None, raw=("\n".join(chunk) + "\n").encode()))
                session.commit()
            chunk.clear()

        for f in findings:
            chunk.append(f.model_dump_json())
            if len(chunk) >= self.FINDINGS_CHUNK:
                put()
        if chunk:
            put()
        return shas

    def findings_of(self, shas: Sequence[str]) -> Iterator[Finding]:
        """The findings :meth:`put_findings` stored, one at a time (one chunk in memory)."""
        for sha in shas:
            for line in self.blob_bytes(sha).splitlines():
                if line:
                    yield Finding.model_validate_json(line)

    def scorings(self, crawl_id: int) -> list[Scoring]:
        with Session(self.engine) as session:
            query = select(Scoring).where(Scoring.crawl_id == crawl_id).order_by(col(Scoring.id))
            return list(session.exec(query).all())

    def scorecard(self, scoring: Scoring) -> Scorecard:
        # straight from the JSON text: a large run's scorecard is never a tree of dictionaries too
        card = Scorecard.model_validate_json(self.blob_bytes(scoring.scorecard_sha))
        return self.attach_findings(card)

    def attach_findings(self, card: Scorecard) -> Scorecard:
        """``card`` reading its findings kept apart (``finding_blobs``) from this store."""
        if card.finding_count is not None and card.finding_count and card.finding_blobs:
            shas = list(card.finding_blobs)
            card.with_findings(lambda: self.findings_of(shas))
        elif card.finding_count == 0:
            card.with_findings(lambda: iter(()))
        return card

    def scoring_rubric(self, scoring: Scoring) -> LoadedRubric | None:
        """The rubric a scoring was made under, from its stored text; None for a scoring stored
        before rubrics were kept (or whose text no longer parses under this version)."""
        if scoring.rubric_blob is None:
            return None
        text = self.get_blob(scoring.rubric_blob)
        try:
            loaded = parse_rubric(text.encode("utf-8"), scoring.rubric_source or scoring.rubric_id)
        except ConfigError:
            return None
        return loaded if loaded.sha256 == scoring.rubric_sha256 else None

    def rubric_by_sha(self, sha256: str) -> LoadedRubric | None:
        """A rubric some scoring stored, by the sha256 of its bytes; None when none stored its text."""
        with Session(self.engine) as session:
            query = select(Scoring).where(Scoring.rubric_sha256 == sha256, col(Scoring.rubric_blob).is_not(None))
            row = session.exec(query.limit(1)).first()
        return self.scoring_rubric(row) if row is not None else None

    def latest_scorecard(self, crawl_id: int) -> tuple[Scoring, Scorecard]:
        self.crawl(crawl_id)  # "no run N" before "not scored"
        rows = self.scorings(crawl_id)
        if not rows:
            raise UsageError(f"run {crawl_id} has not been scored yet (use `maturity rescore {crawl_id}`)")
        return rows[-1], self.scorecard(rows[-1])

    def runs(self, limit: int = 50, pin: str = FIRST_SCORING) -> list[RunRow]:
        """The newest ``limit`` runs, each with its published scoring under ``pin``."""
        with Session(self.engine) as session:
            crawls = session.exec(select(Crawl).order_by(col(Crawl.id).desc()).limit(limit)).all()
            out = []
            for crawl in crawls:
                scorings = session.exec(
                    select(Scoring).where(Scoring.crawl_id == crawl.id).order_by(col(Scoring.id))
                ).all()
                scoring = published_scoring(scorings, pin)
                statuses = session.exec(select(Page.status).where(Page.crawl_id == crawl.id)).all()
                out.append(
                    RunRow(
                        crawl=crawl,
                        scoring=scoring,
                        pages=len(statuses),
                        not_assessable=sum(1 for s in statuses if s != "ok"),
                        scorings=len(scorings),
                    )
                )
            return out

    # -- agencies, portfolios and history (issue 5) ------------------------
    def set_membership(
        self, crawl_id: int, *, agency: str | None, portfolio: str | None, tags: dict[str, str] | None = None
    ) -> None:
        """Record which agency and portfolio a crawl belongs to, with the site's tags."""
        self.update_crawl(
            crawl_id,
            agency=agency,
            portfolio=portfolio,
            tags=json.dumps(tags, sort_keys=True) if tags else None,
        )

    def last_crawl_id(self) -> int:
        """The highest crawl id so far (0 when there is none)."""
        with Session(self.engine) as session:
            return session.exec(select(func.max(Crawl.id))).one() or 0

    def crawls_after(self, crawl_id: int) -> list[Crawl]:
        """Crawls with a higher id than ``crawl_id``, oldest first."""
        with Session(self.engine) as session:
            return list(session.exec(select(Crawl).where(col(Crawl.id) > crawl_id).order_by(col(Crawl.id))).all())

    def agency_of(self, target_url: str) -> str | None:
        """The agency of the newest crawl of ``target_url`` that has one (a portfolio run's), or None."""
        with Session(self.engine) as session:
            return session.exec(
                select(Crawl.agency)
                .where(Crawl.target_url == target_url, col(Crawl.agency).is_not(None))
                .order_by(col(Crawl.id).desc())
                .limit(1)
            ).first()

    def history(self, portfolio: str | None = None) -> list[StoredRun]:
        """Every crawl (of ``portfolio``, or all), oldest first, with its scorings and page list.

        Three queries whatever the number of runs; pages never audited (``pending``) are left out.
        """
        with Session(self.engine) as session:
            crawls = select(Crawl).order_by(col(Crawl.id))
            scorings = select(Scoring).join(Crawl, col(Crawl.id) == col(Scoring.crawl_id)).order_by(col(Scoring.id))
            pages = (
                select(Page.crawl_id, Page.url, Page.status, Page.reason)
                .join(Crawl, col(Crawl.id) == col(Page.crawl_id))
                .order_by(col(Page.id))
            )
            if portfolio is not None:
                crawls = crawls.where(Crawl.portfolio == portfolio)
                scorings = scorings.where(Crawl.portfolio == portfolio)
                pages = pages.where(Crawl.portfolio == portfolio)
            by_crawl: dict[int, StoredRun] = {
                c.id: StoredRun(crawl=c) for c in session.exec(crawls).all() if c.id is not None
            }
            for s in session.exec(scorings).all():
                by_crawl[s.crawl_id].scorings.append(s)
            for crawl_id, url, status, reason in session.exec(pages).all():
                if status != "pending":
                    by_crawl[crawl_id].pages.append((url, status, reason))
            return list(by_crawl.values())

    def page_artifact(self, crawl_id: int, name: str) -> dict[str, Any]:
        """One artifact (``performance``, ...) of every page of a crawl: URL -> its JSON (pages without it left out)."""
        with Session(self.engine) as session:
            rows = session.exec(select(Page.url, Page.artifacts).where(Page.crawl_id == crawl_id)).all()
        out: dict[str, Any] = {}
        for url, refs in rows:
            sha = json.loads(refs).get(name)
            if sha is not None:
                out[url] = self.get_blob(sha)
        return out

    def delete_crawl(self, crawl_id: int) -> None:
        """Remove a crawl with its pages and scorings (blobs stay: see :meth:`delete_unused_blobs`)."""
        with Session(self.engine) as session:
            session.execute(delete(Scoring).where(col(Scoring.crawl_id) == crawl_id))
            session.execute(delete(Page).where(col(Page.crawl_id) == crawl_id))
            session.execute(delete(Crawl).where(col(Crawl.id) == crawl_id))
            session.commit()

    def reclaim(self) -> str:
        """Give the space of deleted rows back: SQLite's VACUUM rewrites the file smaller; PostgreSQL's
        VACUUM makes the space reusable (the files shrink only with VACUUM FULL, which locks the
        tables: left to the database's administrator). Returns what was done, in words."""
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            path = Path(self.engine.url.database or "")
            before = path.stat().st_size if path.is_file() else 0
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("VACUUM")
            after = path.stat().st_size if path.is_file() else 0
            return f"the database file went from {before:,} to {after:,} bytes"
        if dialect == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
            return "PostgreSQL can reuse the space (VACUUM); its files shrink only with VACUUM FULL"
        return f"{dialect} reclaims the space itself"

    def _finding_blobs(self, scorecard_sha: str) -> list[str]:
        """The findings blobs a stored scorecard names (schema 3; none before)."""
        try:
            card = json.loads(self.blob_bytes(scorecard_sha))
        except KeyError:
            return []
        return list(card.get("finding_blobs") or [])

    def delete_unused_blobs(self) -> tuple[int, int]:
        """Remove every blob no page, crawl or scoring refers to. Returns (blobs removed, bytes freed)."""
        with Session(self.engine) as session:
            used: set[str] = set()
            for refs in session.exec(select(Page.artifacts)).all():
                used.update(json.loads(refs).values())
            used.update(s for s in session.exec(select(Crawl.site_sha)).all() if s)
            for timings in session.exec(select(Crawl.timings)).all():  # a margin run's population
                kept = json.loads(timings or "{}").get("target_margin_population")
                if isinstance(kept, str):
                    used.add(kept)
            for sha in session.exec(select(Scoring.scorecard_sha)).all():
                used.add(sha)
                used.update(self._finding_blobs(sha))
            unused = [
                (sha, size) for sha, size in session.exec(select(Blob.sha256, Blob.size)).all() if sha not in used
            ]
            for i in range(0, len(unused), 500):
                chunk = [sha for sha, _ in unused[i : i + 500]]
                session.execute(delete(Blob).where(col(Blob.sha256).in_(chunk)))
            session.commit()
        return len(unused), sum(size for _, size in unused)


for _name, _method in list(vars(Store).items()):
    if callable(_method) and not _name.startswith("_"):
        setattr(Store, _name, _reconnecting(_method))


@dataclass(frozen=True)
class StoredPages:
    """A stored crawl's pages as scoring reads them (maturity.core.tally.PageSource): streamed from
    the database one at a time, never all in memory."""

    store: Store
    crawl_id: int

    def pages(self, names: Collection[str] | None = None) -> Iterator[PageArtifacts]:
        return self.store.iter_pages(self.crawl_id, names=names)

    def page(self, url: str) -> PageArtifacts | None:
        return self.store.load_page(self.crawl_id, url)


@dataclass
class StoredRun:
    """One crawl as history sees it: the crawl row, every scoring of it (oldest first) and its pages."""

    crawl: Crawl
    scorings: list[Scoring] = field(default_factory=list)
    pages: list[tuple[str, str, str | None]] = field(default_factory=list)  # (url, status, reason)

    @property
    def tags(self) -> dict[str, str]:
        return json.loads(self.crawl.tags) if self.crawl.tags else {}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
