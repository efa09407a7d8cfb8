"""Stage ⑥: the ledger — Records stored as versioned, append-only rows (SQLite or PostgreSQL).

>>> from ontherecord.ledger import Ledger
>>> with Ledger("ontherecord.db") as ledger:
...     ledger.write_record(record)
"""

from __future__ import annotations

from ontherecord.ledger.ledger import Ledger
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
    "Ledger",
    "RelianceRow",
    "SourceRow",
    "SourceSummary",
    "WriteResult",
]
