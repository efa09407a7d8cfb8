"""The archive door: ``Ledger``, one object with the verbs of the archive (write, read, flag, impact, diff).

It sits above storage and the read side and is the only place they meet: the CLI, the desk and the
Python API go through it. A Record's sources are identified (``ontherecord.identity``) before it is
written; the SQL lives in ``ontherecord.ledger`` (repo, reads, integrity, a Store for the engine
and transactions) and the read-side reasoning (names, profiles, impact, drafts, diffs) in
``ontherecord.query``, both of which take a Connection and know nothing of this door.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from ontherecord.identity import identify
from ontherecord.ledger import events as event_log
from ontherecord.ledger import integrity, reads, repo
from ontherecord.ledger.events import AuditEvent, ChainCheck
from ontherecord.ledger.migrations import Migrations
from ontherecord.ledger.sqlite_copy import copy_to_sqlite
from ontherecord.ledger.store import Store
from ontherecord.ledger.types import ArticleSummary, FlagEvent, SourceSummary, WriteResult
from ontherecord.model import Record
from ontherecord.query.corrections import Impact, impact
from ontherecord.query.diffs import VersionDiff, version_diff
from ontherecord.query.names import resolve_source
from ontherecord.query.profiles import SourceProfile, source_profile


class Ledger:
    """The archive of Records: a SQLite file by default, PostgreSQL by URL.

    Args:
        url: a path to a SQLite file (created when missing), ``:memory:``, or an SQLAlchemy URL
            such as ``postgresql://user@host/db``.
        create: when False, a missing ledger is an error instead of a new empty one.
        migrations: the migrations to bring the database up to (default: all of them).

    Raises:
        LedgerError: the database is someone else's, not a database, missing (``create=False``),
            unreachable, or written by a newer ontherecord. A refused database is left untouched.
    """

    def __init__(
        self, url: str = "ontherecord.db", *, create: bool = True, migrations: Migrations | None = None
    ) -> None:
        self.store = Store(url, create=create, migrations=migrations)

    @property
    def url(self) -> str:
        """The URL or path the ledger was opened with."""
        return self.store.url

    @property
    def shown(self) -> str:
        """The URL as it may be shown (no password)."""
        return self.store.shown

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tools and tests that inspect the database itself)."""
        return self.store.engine

    # A verb is one transaction: `self.store.read_retrying(work)` or `write_retrying(work)` (a
    # transient error runs `work` again in a fresh one), or `with self._read() as conn:` where
    # trying again is not safe; `work` calls into ledger/ and query/ with the connection.
    def _read(self) -> AbstractContextManager[Connection]:
        return self.store.read()

    def _write(self) -> AbstractContextManager[Connection]:
        return self.store.write()

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

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
                case nothing of the batch is written; or concurrent writers kept conflicting.
        """
        if origins is not None and len(origins) != len(records):
            raise ValueError("origins must have one entry per record")
        identities = [identify(record) for record in records]
        return self.store.write_retrying(lambda conn: repo.write_records(conn, records, origins, identities))

    def has_version(self, article_id: str, content_hash: str) -> bool:
        """True when this exact text of this article is stored (so batch ingest can skip parsing it)."""
        found = self.store.read_retrying(lambda conn: repo.find_version(conn, article_id, content_hash))
        return found is not None

    def record_failure(self, origin: str, stage: str, message: str) -> None:
        """Record an article the reader could not read; batch runs go on after it."""
        self.record_failures([(origin, stage, message)])

    def record_failures(self, failures: Sequence[tuple[str, str, str]]) -> None:
        """Record ``(origin, stage, message)`` failures in one transaction (retried like any write).

        Raises:
            LedgerFault: the ledger cannot be written (locked past the retries, read-only, disk full, …).
        """
        if failures:
            self.store.write_retrying(lambda conn: repo.record_failures(conn, failures))

    def flag(
        self, name: str, *, reason: str, status: str = "discredited", author: str | None = None
    ) -> FlagEvent:
        """Append a flag event (discredited, disputed, cleared) to the source ``name`` resolves to."""

        def work(conn: Connection) -> FlagEvent:
            source = resolve_source(conn, name)
            return repo.add_flag(conn, source.id, source.name, status=status, reason=reason, author=author)

        return self.store.write_retrying(work)

    # -- reads ----------------------------------------------------------------------------------

    def failures(self, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Recorded failures, oldest first: origin, stage, message, created_at (the latest ``limit``)."""
        return self.store.read_retrying(lambda conn: reads.failure_rows(conn, limit))

    def get_record(self, article_id: str, version: int | None = None) -> Record:
        """The Record as written (latest version unless ``version``); NotFoundError if absent."""
        return self.store.read_retrying(lambda conn: reads.read_record(conn, article_id, version))

    def versions(self, article_id: str) -> list[int]:
        """The stored versions of an article, oldest first."""
        return self.store.read_retrying(lambda conn: reads.versions(conn, article_id))

    def latest_records(self) -> Iterator[Record]:
        """Every article's latest Record, in article id order (one read transaction)."""
        with self._read() as conn:
            yield from reads.iter_latest_records(conn)

    def articles(self) -> list[ArticleSummary]:
        """Every article at its latest version."""
        return self.store.read_retrying(reads.article_summaries)

    def sources(self) -> list[SourceSummary]:
        """Canonical sources of the latest versions, with counts and their flag status."""
        return self.store.read_retrying(reads.source_summaries)

    def source(self, name: str) -> SourceProfile:
        """A source's attributions across the archive in time order; NotFoundError if none."""
        return self.store.read_retrying(lambda conn: source_profile(conn, name))

    def impact(self, name: str) -> Impact:
        """Every sentence resting on the source, per article, and a drafted correction."""
        return self.store.read_retrying(lambda conn: impact(conn, name))

    def diff(self, article_id: str, old: int | None = None, new: int | None = None) -> VersionDiff:
        """What changed between two versions of an article (default: the last two)."""
        return self.store.read_retrying(lambda conn: version_diff(conn, article_id, old, new))

    def integrity_problems(self) -> list[str]:
        """Orphan rows, spans that no longer match the text, version gaps; empty means clean."""
        return self.store.read_retrying(integrity.integrity_problems)

    def counts(self) -> dict[str, int]:
        """Rows stored: articles, versions, attributions, sources, failures, flags."""
        return self.store.read_retrying(reads.table_counts)

    def copy_to_sqlite(self, path: Any) -> dict[str, int]:
        """Write the whole ledger, plus analysis views, into a new standalone SQLite file."""
        with self._read() as conn:  # not retried: a second try would find the first one's file
            return copy_to_sqlite(conn, path)

    # -- the event chain (audit log) ------------------------------------------------------------

    def events(self, *, limit: int | None = None) -> list[AuditEvent]:
        """The latest ``limit`` audit-log events (all when None), oldest first."""
        return self.store.read_retrying(lambda conn: event_log.events(conn, limit=limit))

    def verify_events(self, *, anchor: str | None = None) -> ChainCheck:
        """Recompute the audit log's hash chain and cross-check the flags; names the first problem."""
        return self.store.read_retrying(lambda conn: event_log.verify_events(conn, anchor=anchor))

