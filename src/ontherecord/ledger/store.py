"""Stage ⑥: the ledger's store — one database opened, marked and migrated, and its transactions.

Storage only: the engine, the refusal of someone else's database, migrations, read and write
transactions and the retry of write conflicts. What the archive does with them (write Records,
flag, impact, diff, …) is ``ontherecord.archive.Ledger``, which holds one Store.

Opening reads first and writes only when something needs writing (a new ledger, a migration), so a
read-only ledger can be read and readers never wait for another process's write lock. Every
database error leaves here as a LedgerError in our words (``faults.py``): transient ones (a lock, a
conflict, a lost server) after retrying with backoff, permanent ones at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import StatementError

from ontherecord.errors import LedgerError, LedgerFault
from ontherecord.ledger import engine as engines
from ontherecord.ledger import schema
from ontherecord.ledger.faults import classify, ledger_error
from ontherecord.ledger.migrations import APPLICATION, LEDGER_MIGRATIONS, Migrations

log = logging.getLogger(__name__)

T = TypeVar("T")

# Concurrent writers collide on the unique keys (same article, same canonical source); the loser
# retries its whole transaction and then finds the winner's rows. A few tries settle any race.
_WRITE_ATTEMPTS = 8
# Retrying stops once this much time has gone by since the first try. On SQLite every locked try
# has already waited the busy timeout (30 s), so a lock held for minutes costs two tries, not eight.
RETRY_WINDOW_S = 45.0
_BACKOFF_S = (0.02, 2.0)  # first pause, longest pause (doubling, with jitter, between them)
# Errors a transaction may raise that are not SQLAlchemy's own: a driver that refuses a value while
# binding it (a lone surrogate cannot be encoded to UTF-8).
_DRIVER_ERRORS = (StatementError, UnicodeError)
# Any fixed 64-bit number: the advisory lock's name while a PostgreSQL ledger migrates.
_MIGRATION_LOCK = 0x6F74725F6D6967


class Store:
    """One ledger database: a SQLite file by default, PostgreSQL by URL, opened and migrated.

    Args:
        url: a path to a SQLite file (created when missing), ``:memory:``, or an SQLAlchemy URL
            such as ``postgresql://user@host/db``.
        create: when False, a missing ledger is an error instead of a new empty one.
        migrations: the migrations to bring the database up to (tests pass older sets).

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
        self.engine = engines.make_engine(engines.read_only_medium_url(full, self.shown))
        try:
            self._open(create=create, sqlite_file=engines.sqlite_path(full) is not None)
        except LedgerError:
            self.engine.dispose()
            raise
        except _DRIVER_ERRORS as exc:
            self.engine.dispose()
            raise ledger_error(exc, self.shown) from exc

    def _open(self, *, create: bool, sqlite_file: bool) -> None:
        # Read first, in a plain read transaction: an up-to-date ledger needs no write at all, so
        # opening one takes no write lock and works where nothing may be written.
        with self.engine.connect() as conn, conn.begin():
            tables = engines.table_names(conn)
            if not sqlite_file:  # files were checked read-only before connecting
                engines.refuse_foreign(tables, self.shown, has_mark=self._has_mark(conn, tables))
            if not tables and not create:
                raise LedgerError(f"{self.shown}: no ledger there (ingest some articles first)")
            try:
                current = bool(tables) and self._migrations.up_to_date(conn)
            except LedgerError as exc:
                raise LedgerError(f"{self.shown}: {exc}") from exc
            wal = not sqlite_file or engines.journal_mode(conn) == "wal"
        if current and wal:
            return
        try:
            self._migrate(set_wal=not wal)
        except LedgerFault as exc:
            if exc.kind != "read_only":
                raise
            if current:
                return  # a read-only ledger in another journal mode: readable as it is
            raise LedgerFault(
                f"{exc}, and it needs migrating to this version of ontherecord: "
                "open it once where it can be written",
                kind=exc.kind,
                transient=False,
            ) from exc

    def _migrate(self, *, set_wal: bool) -> None:
        try:
            if set_wal:
                engines.set_wal(self.engine)
            with self.write() as conn:
                if conn.dialect.name == "postgresql":
                    # Processes opening a new ledger at once would race on CREATE TABLE; SQLite's
                    # BEGIN IMMEDIATE already serialises them, PostgreSQL needs a lock of its own.
                    conn.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
                try:
                    applied = self._migrations.apply(conn)
                except LedgerError as exc:
                    if isinstance(exc, LedgerFault):
                        raise
                    raise LedgerError(f"{self.shown}: {exc}") from exc
        except _DRIVER_ERRORS as exc:
            raise ledger_error(exc, self.shown) from exc
        if applied:
            log.info("%s: applied migrations %s", self.shown, ", ".join(applied))

    def _has_mark(self, conn: Connection, tables: list[str]) -> bool:
        if "meta" not in tables:
            return False
        value = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "application")).scalar()
        return value == APPLICATION

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed on leaving, rolled back on an error.

        Raises:
            LedgerError: a database error, in our words (a LedgerFault for faults of the database).
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(ledger_write=True)
                with conn.begin():
                    yield conn
        except _DRIVER_ERRORS as exc:
            raise ledger_error(exc, self.shown) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction: one consistent view of the ledger.

        Raises:
            LedgerError: a database error, in our words.
        """
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except _DRIVER_ERRORS as exc:
            raise ledger_error(exc, self.shown) from exc

    def read_retrying(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a read transaction, again in a fresh one after a transient error.

        Raises:
            LedgerError: a database error, in our words, at once or once retrying gave up.
        """
        return self._retrying(work, write=False)

    def write_retrying(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction, again in a fresh one after a transient error.

        Locks, conflicts with a concurrent writer and a lost server are retried with growing,
        jittered pauses, for at most 8 tries and :data:`RETRY_WINDOW_S` seconds; anything else
        (read-only, disk full, I/O, damage, a value the database refuses) is raised at once.

        Raises:
            LedgerFault: the database failed, or a transient error outlasted the retries.
            LedgerError: what the work wrote was refused (a Record's own problem).
        """
        return self._retrying(work, write=True)

    def _retrying(self, work: Callable[[Connection], T], *, write: bool) -> T:
        started = time.monotonic()
        pause = _BACKOFF_S[0]
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self.engine.connect() as conn:
                    if write:
                        conn.execution_options(ledger_write=True)
                    with conn.begin():
                        return work(conn)
            except _DRIVER_ERRORS as exc:
                fault = classify(exc)
                waited = time.monotonic() - started
                if not fault.transient or attempt == _WRITE_ATTEMPTS or waited + pause > RETRY_WINDOW_S:
                    raise ledger_error(exc, self.shown, waited=waited if fault.transient else None) from exc
                log.debug("%s: %s, retrying (try %d)", self.shown, fault.problem, attempt)
                time.sleep(random.uniform(pause / 2, pause))
                pause = min(pause * 2, _BACKOFF_S[1])
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.shown!r})"

