"""Stage ⑥: the ledger — Records stored as versioned, append-only rows (SQLite or PostgreSQL).

Storage only, and the only package that writes SQL: a Store (engine, migrations, transactions),
the writes (repo), the reads (reads, integrity) and a standalone SQLite copy, each taking a
Connection. The verbs of the archive are ``ontherecord.archive.Ledger``, built on these:

>>> from ontherecord.archive import Ledger
>>> with Ledger("ontherecord.db") as ledger:
...     ledger.write_record(record)
"""

from __future__ import annotations

from ontherecord.ledger.store import Store
from ontherecord.ledger.types import (
    ArticleSummary,
    AttributionRow,
    FlagEvent,
    RelianceRow,
    SourceRow,
    SourceSummary,
    WriteResult,
)

__all__ = [
    "ArticleSummary",
    "AttributionRow",
    "FlagEvent",
    "RelianceRow",
    "SourceRow",
    "SourceSummary",
    "Store",
    "WriteResult",
]
