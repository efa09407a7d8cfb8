"""Stage ⑥: the ledger's store — one database opened, marked and migrated, and its transactions.

Storage only: the engine, the refusal of someone else's database, migrations, read and write
transactions and the retry of write conflicts. What the archive does with them (write Records,
flag, impact, diff, …) is ``ontherecord.archive.Ledger``, which holds one Store.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from ontherecord.errors import LedgerError
from ontherecord.ledger import engine as engines
from ontherecord.ledger import schema
from ontherecord.ledger.migrations import APPLICATION, LEDGER_MIGRATIONS, Migrations

log = logging.getLogger(__name__)

T = TypeVar("T")

# Concurrent writers collide on the unique keys (same article, same canonical source); the loser
# retries its whole transaction and then finds the winner's rows. A few tries settle any race.
_WRITE_ATTEMPTS = 8
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
        with self.write() as conn:
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

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed on leaving, rolled back on an error."""
        with self.engine.connect() as conn:
            conn.execution_options(ledger_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction: one consistent view of the ledger."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def write_retrying(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction, again in a fresh one when a concurrent writer won.

        Raises:
            LedgerError: the conflict outlasted every attempt.
        """
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self.write() as conn:
                    return work(conn)
            except (IntegrityError, OperationalError) as exc:
                if attempt == _WRITE_ATTEMPTS:
                    raise LedgerError(
                        f"{self.shown}: write failed after {attempt} attempts ({_reason(exc)})"
                    ) from exc
                log.debug("write conflict (%s), retrying", _reason(exc))
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.shown!r})"


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
