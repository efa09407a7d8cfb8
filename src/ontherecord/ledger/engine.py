"""Stage ⑥: turn a ledger URL into an SQLAlchemy engine, and refuse databases that are not ours.

A plain path is a SQLite file (WAL, foreign keys on, a busy timeout so a second writer waits instead
of failing); anything with ``://`` is an SQLAlchemy URL, ``postgresql://`` meaning psycopg 3. SQLite's
own URIs work too (``sqlite:///file:/data/news.db?mode=ro&uri=true`` opens a ledger read-only), and a
ledger on a read-only medium (a read-only mount, a directory nobody may write) is opened ``immutable``
when SQLite could not otherwise read it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SAWarning
from sqlalchemy.pool import StaticPool

from ontherecord.errors import LedgerError
from ontherecord.ledger.faults import ledger_error

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


# user:password@ in a URL that SQLAlchemy cannot parse: the password must not be shown either.
_PASSWORD = re.compile(r"(?<=://)([^/@:]*):[^/@]*@")


def normalize_url(url: str) -> str:
    """A full SQLAlchemy URL for ``url``: paths become ``sqlite:///``, bare postgresql uses psycopg 3.

    A relative SQLite URL (``sqlite:///relative.db``) is made absolute against the working directory,
    as a plain path is, so that every message and comparison names one file.

    Raises:
        LedgerError: the URL cannot be parsed (a port that is not a number, say); the message never
            shows the password.
    """
    if url == ":memory:":
        return "sqlite://"
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    shown = display_url(url)
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            url = "postgresql+psycopg://" + url[len(bare) :]
            break
    parsed = parse_url(url, shown)
    if parsed.get_backend_name() == "sqlite" and parsed.query:
        # Options are checked before the file is: a typo is the problem to report, not a missing ledger.
        _sqlite_engine(url, {}, shown).dispose()
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    relative = database and not Path(database).is_absolute()
    if database and relative and database != ":memory:" and not database.startswith("file:"):
        absolute = str(Path(database).expanduser().resolve())
        return parsed.set(database=absolute).render_as_string(hide_password=False)
    return url


def parse_url(url: str, shown: str | None = None) -> URL:
    """``url`` parsed by SQLAlchemy, or a LedgerError that says what is wrong with it.

    Args:
        url: A full SQLAlchemy URL.
        shown: How messages name the URL (default: ``url`` without its password).
    """
    shown = display_url(url) if shown is None else shown
    try:
        parsed = make_url(url)
        port = parsed.port
    except ValueError as exc:  # SQLAlchemy reads the port with int()
        raise LedgerError(f"{shown}: not a valid database URL (the port must be a number)") from exc
    except ArgumentError as exc:
        raise LedgerError(f"{shown}: not a valid database URL (cannot parse it)") from exc
    if port is not None and not 0 < port < 65536:
        raise LedgerError(f"{shown}: not a valid database URL (port {port} is out of range)")
    return parsed


def display_url(url: str) -> str:
    """The URL as it may appear in messages: never with a password."""
    if "://" not in url:
        return url
    try:
        parsed = make_url(url)
        # As typed unless there is a password to hide (rendering would escape a file: URI's colon).
        return url if parsed.password is None else parsed.render_as_string(hide_password=True)
    except Exception:  # unparsable: hide whatever sits where a password would
        return _PASSWORD.sub(r"\1:***@", url)


def _is_uri(parsed: Any) -> bool:
    uri = str(parsed.query.get("uri", "")).lower() in ("true", "1")
    return uri and str(parsed.database).startswith("file:")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (a path or a ``file:`` URI); None for memory databases and other
    dialects."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if _is_uri(parsed):
        parts = urlsplit(parsed.database)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        if not parts.path or parts.path == ":memory:" or query.get("mode") == "memory":
            return None
        return Path(unquote(parts.path))
    return Path(parsed.database)


# The journal mode byte pair at offset 18 of a SQLite header: 2 means WAL (sqlite.org/fileformat.html).
_WAL_VERSION = b"\x02\x02"


def _needs_immutable(path: Path) -> bool:
    """True when SQLite can only read this file as ``immutable``: a WAL ledger in a directory that
    cannot be written (a read-only mount, say), whose ``-shm`` index SQLite can neither find nor make."""
    if os.access(path.parent, os.W_OK) or Path(f"{path}-shm").exists():
        return False
    with open(path, "rb") as fh:
        header = fh.read(20)
    return header[18:20] == _WAL_VERSION


def _unflushed_wal(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def read_only_medium_url(url: str, shown: str) -> str:
    """``url``, or for a WAL ledger SQLite could not read on a read-only medium, an ``immutable`` URI.

    Immutable is right there: nothing can write the file through that medium. A ledger whose
    write-ahead log still holds writes is refused instead, since immutable would not see them.
    """
    path = sqlite_path(url)
    if path is None or not path.is_file() or not _needs_immutable(path):
        return url
    if _unflushed_wal(path):
        raise LedgerError(
            f"{shown}: ledger is read-only and holds writes not yet checkpointed; "
            "open it once where it can be written"
        )
    return f"sqlite:///{path.as_uri()}?immutable=1&uri=true"


def _connect_readonly(path: Path) -> sqlite3.Connection:
    mode = "immutable=1" if _needs_immutable(path) and not _unflushed_wal(path) else "mode=ro"
    return sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True)


def sqlite_files(url: str) -> tuple[Path, ...]:
    """The files a SQLite ledger at ``url`` (a path or URL) lives in: the database, then its -wal,
    -shm and -journal companions (whether they exist now or not). Empty for other databases.

    Raises:
        LedgerError: ``url`` is not a valid database URL.
    """
    path = sqlite_path(normalize_url(url))
    if path is None:
        return ()
    path = path.resolve()
    return (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")))


def _sqlite_tables_readonly(path: Path, shown: str) -> list[str]:
    """Table names of an existing SQLite file, read without changing a byte of it."""
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise LedgerError(f"{shown}: not an ontherecord ledger (it is not a SQLite database)")
    if not header:
        return []  # an empty file is what sqlite3 itself treats as a new database
    try:
        conn = _connect_readonly(path)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ledger_error(exc, shown) from exc
    return sorted(r[0] for r in rows if not r[0].startswith("sqlite_"))


def check_sqlite_file(url: str, shown: str, *, create: bool) -> None:
    """Refuse a missing file (unless creating), a non-database and a foreign SQLite database."""
    path = sqlite_path(url)
    if path is None:
        return
    if not path.exists():
        if not create:
            raise LedgerError(f"{shown}: no ledger there (ingest some articles first)")
        if not path.parent.is_dir():
            raise LedgerError(f"{shown}: directory {path.parent} does not exist")
        return
    if path.is_dir():
        raise LedgerError(f"{shown}: is a directory, not a ledger file")
    tables = _sqlite_tables_readonly(path, shown)
    refuse_foreign(tables, shown, has_mark=_has_mark_readonly(path) if "meta" in tables else False)


def _has_mark_readonly(path: Path) -> bool:
    conn = _connect_readonly(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return bool(row) and row[0] == "ontherecord"


def refuse_foreign(tables: list[str], shown: str, *, has_mark: bool) -> None:
    """Raise unless the database is empty or carries our mark."""
    if tables and not has_mark:
        listed = ", ".join(tables[:8]) + (" …" if len(tables) > 8 else "")
        raise LedgerError(f"{shown}: not an ontherecord ledger (it has tables {listed})")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, busy_timeout: bool = True) -> None:
    # The driver's own transaction handling would defer BEGIN past our first SELECT; we emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    if busy_timeout:  # unless the URL set its own (``?timeout=5``: seconds, as sqlite3 takes it)
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # deadlocking when both try to upgrade a read lock.
    immediate = conn.get_execution_options().get("ledger_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for a full SQLAlchemy URL (see :func:`normalize_url`), with SQLite set up for the ledger."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {}
        if sqlite_path(url) is None:
            # One shared connection, or every checkout would see a different empty memory database.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        engine = _sqlite_engine(url, kwargs, display_url(url))
        own_timeout = "timeout" not in parsed.query

        def on_connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record, busy_timeout=own_timeout)

        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:
        hint = " — pip install 'ontherecord[postgres]'" if parsed.get_backend_name() == "postgresql" else ""
        raise LedgerError(f"{display_url(url)}: the database driver is missing ({exc}){hint}") from exc
    except Exception as exc:  # an unknown dialect or a malformed URL
        raise LedgerError(f"{display_url(url)}: cannot open ({exc})") from exc


def _sqlite_engine(url: str, kwargs: dict[str, Any], shown: str) -> Engine:
    """``create_engine`` for SQLite, with the URL's options checked (a LedgerError names a bad one)."""
    try:
        with warnings.catch_warnings():
            # An option the driver would ignore is a typo to report, not a warning to scroll past.
            warnings.simplefilter("error", SAWarning)
            return create_engine(url, **kwargs)
    except (ValueError, TypeError, SAWarning) as exc:  # `?timeout=abc`, `?tiemout=5`
        option = ", ".join(sorted(make_url(url).query)) or "?"
        # The driver's first sentence says which option and why; the rest is a link.
        reason = str(exc).split(";")[0].split(" (Background")[0]
        raise LedgerError(f"{shown}: a bad option in the URL ({option}): {reason}") from exc



def table_names(bind: Engine | Connection) -> list[str]:
    """The tables in the database behind ``bind``."""
    return sorted(inspect(bind).get_table_names())


def journal_mode(conn: Connection) -> str:
    """The journal mode of the SQLite database ``conn`` is connected to (``wal``, ``delete``, …)."""
    return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()


def set_wal(engine: Engine) -> None:
    """Put a SQLite file in WAL mode (persistent in the file: readers no longer block the writer)."""
    if engine.dialect.name == "sqlite" and sqlite_path(str(engine.url)) is not None:
        # Outside any transaction: SQLite refuses to change the journal mode inside one.
        raw = engine.raw_connection()
        try:
            assert raw.driver_connection is not None  # None only once the connection is closed
            raw.driver_connection.execute("PRAGMA journal_mode = WAL")
        finally:
            raw.close()


def sqlite_settings(engine: Engine) -> dict[str, Any]:
    """The SQLite settings a ledger connection runs with (journal mode, foreign keys, busy timeout)."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # None only once the connection is closed
        return {
            name: raw.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
