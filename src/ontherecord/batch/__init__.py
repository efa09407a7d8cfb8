"""Stage ⑨: scale-out without touching stages ①–⑥ — a multiprocess runner, a Spark job, a Parquet loader.

Importing this package loads neither spaCy nor pyspark; each entry point loads what it needs.
"""

from __future__ import annotations

from ontherecord.batch.local import IngestSummary, ingest_paths
from ontherecord.batch.parquet import load_parquet

__all__ = ["IngestSummary", "ingest_paths", "load_parquet"]
