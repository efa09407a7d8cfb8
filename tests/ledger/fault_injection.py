"""Storage faults on demand: fail the N-th database call of a ledger with the driver's own error.

The faults are raised where the driver would raise them, around the DBAPI calls SQLAlchemy makes
(``do_execute``, ``do_executemany``, ``do_execute_no_params``, ``do_commit`` on the engine's dialect),
and they are the driver's exception classes with the driver's codes, so everything above the
driver — SQLAlchemy's wrapping, the store's classification and retries, the batch runner — meets
exactly what a locked database, a full disk or a failing disk would give it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text

# (message, SQLite extended result code, its name); PostgreSQL: the psycopg.errors class name.
_SQLITE_FAULTS = {
    "lock": ("database is locked", 5, "SQLITE_BUSY"),
    "disk_full": ("database or disk is full", 13, "SQLITE_FULL"),
    "io": ("disk I/O error", 778, "SQLITE_IOERR_WRITE"),
    "read_only": ("attempt to write a readonly database", 8, "SQLITE_READONLY"),
    "corrupt": ("database disk image is malformed", 11, "SQLITE_CORRUPT"),
}
_PG_FAULTS = {
    "lock": ("LockNotAvailable", "canceling statement due to lock timeout"),
    "disk_full": ("DiskFull", 'could not extend file "base/16384/2619": No space left on device'),
    "io": ("IoError", 'could not read block 0 in file "base/16384/2619": Input/output error'),
    "read_only": ("ReadOnlySqlTransaction", "cannot execute INSERT in a read-only transaction"),
    "corrupt": ("DataCorrupted", "invalid page in block 0 of relation base/16384/2619"),
}
FAULT_KINDS = ("lock", "disk_full", "io")


def driver_error(dialect: str, kind: str) -> Exception:
    """The exception the driver of ``dialect`` raises for a fault of ``kind``."""
    if dialect == "sqlite":
        message, code, name = _SQLITE_FAULTS[kind]
        exc = sqlite3.OperationalError(message)
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]
        exc.sqlite_errorname = name  # type: ignore[attr-defined]
        return exc
    import psycopg.errors

    cls_name, message = _PG_FAULTS[kind]
    return getattr(psycopg.errors, cls_name)(message)  # type: ignore[no-any-return]


_WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP)\b", re.IGNORECASE)


@dataclass
class Injector:
    """Counts the database calls on one engine and raises a fault at the chosen ones.

    Attributes:
        calls: database calls made so far (statements and commits).
        at: the call that fails first (1-based); None: count only.
        kind: ``lock``, ``disk_full``, ``io``, ``read_only`` or ``corrupt``.
        times: how many calls fail from ``at`` on (1: that one only; a large number: the disk stays full).
        only: if given, only calls whose statement this accepts are counted and failed.
        raised: faults raised so far.
    """

    dialect: str
    calls: int = 0
    at: int | None = None
    kind: str = "lock"
    times: int = 1
    only: Callable[[str], bool] | None = None
    raised: int = 0
    statements: list[str] = field(default_factory=list)

    def tick(self, statement: str) -> None:
        if self.only is not None and not self.only(statement):
            return
        self.calls += 1
        if self.at is not None and self.at <= self.calls < self.at + self.times:
            self.raised += 1
            raise driver_error(self.dialect, self.kind)


def is_bulk_write(statement: str) -> bool:
    """Statements that write many rows of an article's reading (what a nearly full disk refuses first)."""
    return bool(_WRITES.match(statement)) and "failures" not in statement


@contextmanager
def injected(engine: Engine, injector: Injector) -> Iterator[Injector]:
    """Route ``engine``'s DBAPI calls through ``injector`` while the block runs."""
    dialect: Any = engine.dialect
    originals = {
        name: getattr(dialect, name)
        for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit")
    }

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> Any:
        injector.tick(statement)
        return originals["do_execute"](cursor, statement, parameters, context)

    def do_executemany(cursor: Any, statement: str, parameters: Any, context: Any = None) -> Any:
        injector.tick(statement)
        return originals["do_executemany"](cursor, statement, parameters, context)

    def do_execute_no_params(cursor: Any, statement: str, context: Any = None) -> Any:
        injector.tick(statement)
        return originals["do_execute_no_params"](cursor, statement, context)

    def do_commit(dbapi_connection: Any) -> Any:
        injector.tick("COMMIT")
        return originals["do_commit"](dbapi_connection)

    for name, fn in (
        ("do_execute", do_execute),
        ("do_executemany", do_executemany),
        ("do_execute_no_params", do_execute_no_params),
        ("do_commit", do_commit),
    ):
        setattr(dialect, name, fn)
    try:
        yield injector
    finally:
        for name in originals:
            delattr(dialect, name)  # back to the class's methods


# -- what a database holds, and whether it is sound -------------------------------------------------

# Columns that differ between two equal ledgers: write times, autoincrement ids (a failed insert
# on PostgreSQL consumes a sequence value), and the audit log's hashes and details, which cover times.
_VOLATILE = {
    "applied_at",
    "first_seen",
    "written_at",
    "created_at",
    "at",
    "prev_hash",
    "hash",
    "detail",
}
_AUTO_IDS = {"flags", "failures"}


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ledger table, without the columns that hold times or generated ids, sorted."""
    from ontherecord.ledger import schema

    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            cols = [
                c
                for c in table.columns
                if c.name not in _VOLATILE and not (table.name in _AUTO_IDS and c.name == "id")
            ]
            rows = conn.execute(table.select().with_only_columns(*cols)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def storage_problems(engine: Engine) -> list[str]:
    """What the database engine itself finds wrong: SQLite's integrity and foreign-key checks,
    PostgreSQL's amcheck over every B-tree index of the ledger (when the extension can be created)."""
    problems: list[str] = []
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            if found != ["ok"]:
                problems += [f"integrity_check: {r}" for r in found]
            problems += [f"foreign_key_check: {tuple(r)}" for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
            return problems
        try:
            with conn.begin():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        except Exception:  # not a superuser, or contrib not installed: PostgreSQL checks what it can
            return problems
        with conn.begin():
            indexes = conn.execute(
                text(
                    "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
                )
            ).all()
        if not indexes:
            problems.append("amcheck found no index to check")
        for oid, name in indexes:
            try:
                with conn.begin():
                    conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
            except Exception as exc:
                problems.append(f"amcheck {name}: {str(exc).splitlines()[0]}")
    return problems
