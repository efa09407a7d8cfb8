"""Run the ``ontherecord`` CLI with a pause inside every write commit, so a test's kill can land there.

    python tests/batch/commit_pause.py --db URL ingest ARCHIVE ...

Environment: ``COMMIT_PAUSE_MARKS`` names a file that gets a line ``before`` when a write
transaction's COMMIT is about to be sent (every statement done, SQLite's pages already spilled into
the write-ahead log: the cache is kept tiny for that) and ``after`` when the COMMIT has returned but
the program has not yet learned it; ``COMMIT_PAUSE_S`` is how long to stay at each point. A kill
during ``before`` must leave nothing of the batch; one during ``after`` must leave all of it, and
the re-run must not write it twice.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from sqlalchemy import Engine, event

from ontherecord.ledger import engine as engines

_MARKS = os.environ["COMMIT_PAUSE_MARKS"]
_PAUSE = float(os.environ.get("COMMIT_PAUSE_S", "0.3"))
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _mark(what: str) -> None:
    with open(_MARKS, "a", encoding="utf-8") as fh:
        fh.write(what + "\n")


def _paused(engine: Engine) -> Engine:
    dialect: Any = engine.dialect
    wrote = {"now": False}
    execute, executemany, commit = dialect.do_execute, dialect.do_executemany, dialect.do_commit

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> Any:
        wrote["now"] |= statement.lstrip().upper().startswith(_WRITES)
        return execute(cursor, statement, parameters, context)

    def do_executemany(cursor: Any, statement: str, parameters: Any, context: Any = None) -> Any:
        wrote["now"] |= statement.lstrip().upper().startswith(_WRITES)
        return executemany(cursor, statement, parameters, context)

    def do_commit(dbapi_connection: Any) -> Any:
        if not wrote["now"]:
            return commit(dbapi_connection)
        wrote["now"] = False
        _mark("before")
        time.sleep(_PAUSE)
        done = commit(dbapi_connection)
        _mark("after")
        time.sleep(_PAUSE)
        return done

    dialect.do_execute, dialect.do_executemany, dialect.do_commit = do_execute, do_executemany, do_commit
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _tiny_cache(dbapi_connection: Any, _record: Any) -> None:
            # 16 KiB of page cache: a batch's pages reach the WAL file before its COMMIT does.
            dbapi_connection.execute("PRAGMA cache_size = -16")

    return engine


_make_engine = engines.make_engine
engines.make_engine = lambda url: _paused(_make_engine(url))  # type: ignore[assignment]

if __name__ == "__main__":
    from ontherecord.cli import main

    sys.argv[0] = "ontherecord"
    main(sys.argv[1:])
