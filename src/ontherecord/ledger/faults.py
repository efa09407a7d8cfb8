"""Stage ⑥: what a database error means — transient or permanent, the ledger's or one Record's — in our words.

Every SQLAlchemy or driver exception the store meets is turned into a ``LedgerError`` here, and
only here. The driver's own text is never passed on: it can hold SQL, bound values (an article's
text), file paths of the ledger's internals or, on a connection error, server details. What
survives is a short message we wrote and, for errors we have no words for, the driver's error
code (``SQLITE_MISMATCH``, ``SQLSTATE 22P02``), which says enough to look it up.

Kinds:

============  =========  ==================================================================
kind          transient  meaning
============  =========  ==================================================================
locked        yes        another process holds the write lock (SQLite busy, PostgreSQL lock)
conflict      yes        a concurrent writer won: serialization failure, deadlock, unique key
unreachable   yes        the server could not be reached or dropped the connection
read_only     no         the file, directory, mount or server refuses writes
disk_full     no         no space left for the database
io            no         the operating system reported an I/O error
corrupt       no         the file is damaged or not a database
cannot_open   no         the file cannot be opened (permissions, missing directory)
record        no         this Record holds what the database cannot store (NUL, bad Unicode)
constraint    no         a constraint that retrying cannot satisfy (not null, foreign key, check)
other         no         anything else (the message carries the driver's error code)
============  =========  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, StatementError

from ontherecord.errors import LedgerError, LedgerFault


@dataclass(frozen=True, slots=True)
class Fault:
    """One database error, classified.

    Attributes:
        kind: one of the kinds in the module docstring.
        transient: True when trying the same transaction again may succeed.
        problem: the short message, in our words.
    """

    kind: str
    transient: bool
    problem: str

    @property
    def of_ledger(self) -> bool:
        """True for faults of the database itself; False for what one Record holds."""
        return self.kind not in ("record", "constraint")


_LOCKED = Fault("locked", True, "ledger is locked by another process")
_CONFLICT = Fault("conflict", True, "a concurrent writer changed the same rows")
_UNREACHABLE = Fault("unreachable", True, "cannot reach the database server")
_READ_ONLY = Fault("read_only", False, "ledger is read-only")
_DISK_FULL = Fault("disk_full", False, "disk full")
_IO = Fault("io", False, "I/O error on the ledger's storage")
_CORRUPT = Fault("corrupt", False, "ledger file is damaged (not a readable database)")
_CANNOT_OPEN = Fault("cannot_open", False, "cannot open the ledger file")
_NUL = Fault("record", False, "the text holds a NUL character, which the database cannot store")
_UNICODE = Fault("record", False, "the text is not valid Unicode (a lone surrogate), which cannot be stored")
_OUT_OF_MEMORY = Fault("other", False, "the database ran out of memory")

# SQLite primary result codes (the low byte of the extended code), https://sqlite.org/rescode.html.
_SQLITE = {
    5: _LOCKED,  # SQLITE_BUSY
    6: _LOCKED,  # SQLITE_LOCKED
    7: _OUT_OF_MEMORY,  # SQLITE_NOMEM
    8: _READ_ONLY,  # SQLITE_READONLY
    10: _IO,  # SQLITE_IOERR
    11: _CORRUPT,  # SQLITE_CORRUPT
    13: _DISK_FULL,  # SQLITE_FULL
    14: _CANNOT_OPEN,  # SQLITE_CANTOPEN
    23: Fault("read_only", False, "permission denied on the ledger"),  # SQLITE_AUTH
    26: _CORRUPT,  # SQLITE_NOTADB
}
_SQLITE_CONSTRAINT = 19
# Extended constraint codes a concurrent insert of the same key produces (PRIMARYKEY, UNIQUE).
_SQLITE_KEY_CONFLICT = {1555, 2067}

# PostgreSQL SQLSTATEs, https://www.postgresql.org/docs/current/errcodes-appendix.html.
_PG_EXACT = {
    "40001": _CONFLICT,  # serialization_failure
    "40P01": _CONFLICT,  # deadlock_detected
    "23505": _CONFLICT,  # unique_violation: the loser of a race on a key finds the winner's rows
    "55P03": _LOCKED,  # lock_not_available
    "55006": _LOCKED,  # object_in_use
    "57014": _LOCKED,  # query_canceled (statement or lock timeout)
    "25006": _READ_ONLY,  # read_only_sql_transaction (hot standby, default_transaction_read_only)
    "42501": Fault("read_only", False, "permission denied on the ledger"),  # insufficient_privilege
    "53100": _DISK_FULL,  # disk_full
    "53200": _OUT_OF_MEMORY,  # out_of_memory
    "53300": _UNREACHABLE,  # too_many_connections
    "58030": _IO,  # io_error
    "XX001": _CORRUPT,  # data_corrupted
    "XX002": _CORRUPT,  # index_corrupted
    "22021": _UNICODE,  # character_not_in_repertoire
    "22P05": _NUL,  # untranslatable_character
    "57P01": _UNREACHABLE,  # admin_shutdown
    "57P02": _UNREACHABLE,  # crash_shutdown
    "57P03": _UNREACHABLE,  # cannot_connect_now
}
_PG_CLASS = {
    "08": _UNREACHABLE,  # connection exceptions
    "23": Fault("constraint", False, "the database refused a value (a constraint failed)"),
}


def classify(exc: BaseException) -> Fault:
    """What ``exc`` (an SQLAlchemy, driver or encoding error) means for the ledger."""
    if isinstance(exc, UnicodeError):
        return _UNICODE
    orig = exc.orig if isinstance(exc, StatementError) else exc
    if isinstance(orig, UnicodeError):
        return _UNICODE
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return _UNREACHABLE
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code & 0xFF == _SQLITE_CONSTRAINT:
            if code in _SQLITE_KEY_CONFLICT:
                return _CONFLICT
            return _PG_CLASS["23"]
        if code & 0xFF in _SQLITE:
            return _SQLITE[code & 0xFF]
        return Fault("other", False, f"database error ({getattr(orig, 'sqlite_errorname', code)})")
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        found = _PG_EXACT.get(state) or _PG_CLASS.get(state[:2])
        return found or Fault("other", False, f"database error (SQLSTATE {state})")
    # psycopg refuses some values itself, before a server could give them a SQLSTATE.
    if type(orig).__name__ == "DataError" and "NUL" in str(orig):
        return _NUL
    if type(orig).__name__ == "OperationalError" and type(orig).__module__.startswith("psycopg"):
        return _UNREACHABLE  # psycopg's connection failures carry no SQLSTATE
    return Fault("other", False, f"database error ({type(orig).__name__})")


def ledger_error(exc: BaseException, shown: str, *, waited: float | None = None) -> LedgerError:
    """The LedgerError to raise for ``exc`` on the ledger ``shown``: a LedgerFault for faults of
    the database, a plain LedgerError for what a Record holds. Never carries the driver's text."""
    fault = classify(exc)
    problem = fault.problem
    if waited is not None and fault.transient:
        problem += f" (gave up after {waited:.0f} s)"
    if fault.kind == "locked":
        problem += "; try again when the other process is done"
    if fault.of_ledger:
        return LedgerFault(f"{shown}: {problem}", kind=fault.kind, transient=fault.transient)
    return LedgerError(f"{shown}: the ledger cannot store this: {problem}")
