"""Stage ⑨: the Spark job's Parquet output — its layout, and loading it into the ledger.

The job writes two datasets under one output directory:

    DIR/records/*.parquet    one row per article: id, content_hash, origin, record_json
    DIR/failures/*.parquet   one row per page that could not be read: origin, stage, message

``record_json`` is exactly the Record of DESIGN.md (model/serialize.py), so the ledger loads
Spark's output with the same ``write_records`` as a local ingest. Loading needs pyarrow, not Spark.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ontherecord.batch.local import WRITE_BATCH, IngestSummary, failure_recorder, write_batch
from ontherecord.batch.progress import Progress
from ontherecord.errors import InputError
from ontherecord.model import Failure, Record
from ontherecord.model.serialize import record_from_json

if TYPE_CHECKING:
    from ontherecord.archive import Ledger

RECORDS_DIR = "records"
FAILURES_DIR = "failures"
RECORD_COLUMNS = ("id", "content_hash", "origin", "record_json")
FAILURE_COLUMNS = ("origin", "stage", "message")


def _parquet_files(folder: Path) -> list[Path]:
    # Spark also leaves _SUCCESS and .crc files beside its parts; only the parts hold rows.
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def _rows(folder: Path, columns: tuple[str, ...]) -> Iterator[dict[str, object]]:
    """Stream rows batch by batch, so memory stays flat whatever the output's size."""
    import pyarrow.parquet as pq

    for file in _parquet_files(folder):
        with pq.ParquetFile(file) as parquet:
            for batch in parquet.iter_batches(batch_size=256, columns=list(columns)):
                yield from batch.to_pylist()


def load_parquet(ledger: Ledger, directory: str | Path, *, progress: bool = False) -> IngestSummary:
    """Write the Records (and failures) of a Spark job's output directory into ``ledger``.

    Idempotent like a local ingest: versions the ledger already holds are skipped, every batch
    is one transaction, and loading again after a crash finishes the job.

    Args:
        ledger: The ledger to write to.
        directory: The job's ``--output`` directory (holding ``records/`` and ``failures/``).
        progress: Draw a progress line on stderr.

    Returns:
        An :class:`IngestSummary`: ``read`` counts rows, ``skipped`` the versions already held.

    Raises:
        InputError: ``directory`` holds no ``records/`` Parquet dataset.
    """
    started = time.monotonic()
    directory = Path(directory)
    records_dir = directory / RECORDS_DIR
    if not records_dir.is_dir():
        raise InputError(str(directory), f"no {RECORDS_DIR}/ folder: not the output of `ontherecord spark`")
    summary = IngestSummary()
    bar = Progress(None, enabled=progress)
    pending: list[tuple[Record, str]] = []
    fail = failure_recorder(ledger, summary)

    def flush() -> None:
        write_batch(ledger, pending, summary, fail)
        pending.clear()
        if fail.waiting:  # the ledger took the batch: it may take what waited too
            fail.flush()

    try:
        for row in _rows(records_dir, RECORD_COLUMNS):
            summary.read += 1
            if ledger.has_version(str(row["id"]), str(row["content_hash"])):
                summary.skipped += 1
                bar.advance()
                continue
            record = record_from_json(str(row["record_json"]))
            words = len(record.article.text.split())
            summary.words += words
            pending.append((record, str(row["origin"] or record.article.id)))
            bar.advance(1, words)
            if len(pending) >= WRITE_BATCH:
                flush()
        flush()
        failures_dir = directory / FAILURES_DIR
        if failures_dir.is_dir():
            for row in _rows(failures_dir, FAILURE_COLUMNS):
                summary.read += 1
                fail(Failure(str(row["origin"]), str(row["stage"]), str(row["message"])))
        fail.flush()
    finally:
        summary.seconds = time.monotonic() - started
        bar.close()
    return summary
