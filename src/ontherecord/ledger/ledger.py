"""Stage ⑥: the Ledger — one object with the verbs of the archive (write, read, flag, impact, diff).

It owns the engine and the transactions; the SQL lives in repo.py / reads.py / integrity.py, and
the read-side reasoning (name resolution, profiles, impact, drafts, diffs) in ``ontherecord.query``,
which the verbs below import on first use so that writing a Record loads none of it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from ontherecord.errors import LedgerError
from ontherecord.ledger import engine as engines
from ontherecord.ledger import integrity, reads, repo, schema
from ontherecord.ledger.migrations import APPLICATION, LEDGER_MIGRATIONS, Migrations
from ontherecord.ledger.types import ArticleSummary, FlagEvent, SourceSummary, WriteResult
from ontherecord.model import Record

if TYPE_CHECKING:
    from ontherecord.ledger.events import AuditEvent, ChainCheck
    from ontherecord.query.corrections import Impact
    from ontherecord.query.diffs import VersionDiff
    from ontherecord.query.profiles import SourceProfile

log = logging.getLogger(__name__)

# Concurrent writers collide on the unique keys (same article, same canonical source); the loser
# retries its whole transaction and then finds the winner's rows. A few tries settle any race.
_WRITE_ATTEMPTS = 8
# Any fixed 64-bit number: the advisory lock's name while a PostgreSQL ledger migrates.
_MIGRATION_LOCK = 0x6F74725F6D6967


class Ledger:
    """The archive of Records: a SQLite file by default, PostgreSQL by URL.

    Args:
        url: a path to a SQLite file (created when missing), ``:memory:``, or an SQLAlchemy URL
            such as ``postgresql://user@host/db``.
        create: when False, a missing ledger is an error instead of a new empty one.

    Raises:
        LedgerError: the database is someone else's, not a database, missing (``create=False``),
            unreachable, or written by a newer ontherecord. A refused database is left untouched.
    """

    def __init__(
        self, url: str = "ontherecord.db", *, create: bool = True, migrations: Migrations | None = None
    ) -> None:
        self.url = url
        self.shown = engines.display_url(url)
        full = engines.normalize_url(url)
        self._migrations = migrations or LEDGER_MIGRATIONS
        engines.check_sqlite_file(full, self.shown, create=create)
        self.engine = engines.make_engine(full)
        try:
            self._open(create=create, sqlite_file=engines.sqlite_path(full) is not None)
        except LedgerError:
            self.engine.dispose()
            raise
        except DBAPIError as exc:
            self.engine.dispose()
            raise LedgerError(f"{self.shown}: cannot open ({_reason(exc)})") from exc

    def _open(self, *, create: bool, sqlite_file: bool) -> None:
        tables = engines.table_names(self.engine)
        if not sqlite_file:  # files were checked read-only before connecting
            engines.refuse_foreign(tables, self.shown, has_mark=self._has_mark(tables))
        if not tables and not create:
            raise LedgerError(f"{self.shown}: no ledger there (ingest some articles first)")
        if sqlite_file:
            engines.set_wal(self.engine)
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                # Processes opening a new ledger at once would race on CREATE TABLE; SQLite's
                # BEGIN IMMEDIATE already serialises them, PostgreSQL needs a lock of its own.
                conn.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            try:
                applied = self._migrations.apply(conn)
            except LedgerError as exc:
                raise LedgerError(f"{self.shown}: {exc}") from exc
        if applied:
            log.info("%s: applied migrations %s", self.shown, ", ".join(applied))

    def _has_mark(self, tables: list[str]) -> bool:
        if "meta" not in tables:
            return False
        with self.engine.connect() as conn:
            value = conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "application")
            ).scalar()
        return value == APPLICATION

    # -- transactions ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(ledger_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.shown!r})"

    # -- writes ---------------------------------------------------------------------------------

    def write_record(self, record: Record, *, origin: str | None = None) -> WriteResult:
        """Store one Record: a new article, a new version of a known one, or nothing if unchanged."""
        return self.write_records([record], origins=None if origin is None else [origin])[0]

    def write_records(
        self, records: Sequence[Record], *, origins: Sequence[str] | None = None
    ) -> list[WriteResult]:
        """Store many Records in ONE transaction: after a crash either all of them are stored or none.

        Raises:
            LedgerError: a Record is invalid (spans outside its text, dangling source ids), in which
                case nothing of the batch is written.
        """
        if origins is not None and len(origins) != len(records):
            raise ValueError("origins must have one entry per record")
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self._write() as conn:
                    return repo.write_records(conn, records, origins)
            except (IntegrityError, OperationalError) as exc:
                if attempt == _WRITE_ATTEMPTS:
                    raise LedgerError(
                        f"{self.shown}: write failed after {attempt} attempts ({_reason(exc)})"
                    ) from exc
                log.debug("write conflict (%s), retrying", _reason(exc))
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def has_version(self, article_id: str, content_hash: str) -> bool:
        """True when this exact text of this article is stored (so batch ingest can skip parsing it)."""
        with self._read() as conn:
            return repo.find_version(conn, article_id, content_hash) is not None

    def record_failure(self, origin: str, stage: str, message: str) -> None:
        """Record an article the reader could not read; batch runs go on after it."""
        with self._write() as conn:
            repo.record_failure(conn, origin, stage, message)

    def flag(
        self, name: str, *, reason: str, status: str = "discredited", author: str | None = None
    ) -> FlagEvent:
        """Append a flag event (discredited, disputed, cleared) to the source ``name`` resolves to."""
        from ontherecord.query.names import resolve_source

        with self._write() as conn:
            source = resolve_source(conn, name)
            return repo.add_flag(conn, source.id, source.name, status=status, reason=reason, author=author)

    # -- reads ----------------------------------------------------------------------------------

    def failures(self) -> list[dict[str, Any]]:
        """Recorded failures, oldest first: origin, stage, message, created_at."""
        with self._read() as conn:
            return reads.failure_rows(conn)

    def get_record(self, article_id: str, version: int | None = None) -> Record:
        """The Record as written (latest version unless ``version``); NotFoundError if absent."""
        with self._read() as conn:
            return reads.read_record(conn, article_id, version)

    def versions(self, article_id: str) -> list[int]:
        """The stored versions of an article, oldest first."""
        with self._read() as conn:
            return reads.versions(conn, article_id)

    def latest_records(self) -> Iterator[Record]:
        """Every article's latest Record, in article id order (one read transaction)."""
        with self._read() as conn:
            yield from reads.iter_latest_records(conn)

    def articles(self) -> list[ArticleSummary]:
        """Every article at its latest version."""
        with self._read() as conn:
            return reads.article_summaries(conn)

    def sources(self) -> list[SourceSummary]:
        """Canonical sources of the latest versions, with counts and their flag status."""
        with self._read() as conn:
            return reads.source_summaries(conn)

    def source(self, name: str) -> SourceProfile:
        """A source's attributions across the archive in time order; NotFoundError if none."""
        from ontherecord.query.profiles import source_profile

        with self._read() as conn:
            return source_profile(conn, name)

    def impact(self, name: str) -> Impact:
        """Every sentence resting on the source, per article, and a drafted correction."""
        from ontherecord.query.corrections import impact

        with self._read() as conn:
            return impact(conn, name)

    def diff(self, article_id: str, old: int | None = None, new: int | None = None) -> VersionDiff:
        """What changed between two versions of an article (default: the last two)."""
        from ontherecord.query.diffs import version_diff

        with self._read() as conn:
            return version_diff(conn, article_id, old, new)

    def integrity_problems(self) -> list[str]:
        """Orphan rows, spans that no longer match the text, version gaps; empty means clean."""
        with self._read() as conn:
            return integrity.integrity_problems(conn)

    def counts(self) -> dict[str, int]:
        """Rows stored: articles, versions, attributions, sources, failures, flags."""
        with self._read() as conn:
            return reads.table_counts(conn)

    def copy_to_sqlite(self, path: Any) -> dict[str, int]:
        """Write the whole ledger, plus analysis views, into a new standalone SQLite file."""
        from ontherecord.ledger.sqlite_copy import copy_to_sqlite

        with self._read() as conn:
            return copy_to_sqlite(conn, path)

    # -- the event chain (audit log) ------------------------------------------------------------

    def events(self, *, limit: int | None = None) -> list[AuditEvent]:
        """The latest ``limit`` audit-log events (all when None), oldest first."""
        from ontherecord.ledger import events

        with self._read() as conn:
            return events.events(conn, limit=limit)

    def verify_events(self, *, anchor: str | None = None) -> ChainCheck:
        """Recompute the audit log's hash chain and cross-check the flags; names the first problem."""
        from ontherecord.ledger import events

        with self._read() as conn:
            return events.verify_events(conn, anchor=anchor)


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
