"""The local runner and the Spark job read through one door, so one bad page is one Failure, recorded once."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch.archives import synthetic_articles, write_jsonl

from ontherecord.archive import Ledger
from ontherecord.batch.local import ingest_paths
from ontherecord.batch.parquet import FAILURE_COLUMNS, FAILURES_DIR, RECORD_COLUMNS, RECORDS_DIR, load_parquet
from ontherecord.batch.spark import _file_pages, read_partition
from ontherecord.settings import Settings

# Nothing but page chrome: the page reads, and cleaning leaves no article text.
CHROME_ONLY = {"id": "chrome-only", "title": "Subscribe", "text": "Advertisement\n\nShare this article"}


def _spark_output(rows: list[tuple], out: Path) -> Path:
    """Write read_partition's rows as the Spark job would (one part file each), without Spark."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    records = [dict(zip(RECORD_COLUMNS, (r[1], r[2], r[3], r[4]), strict=True)) for r in rows if r[0] == "record"]
    failures = [dict(zip(FAILURE_COLUMNS, (r[3], r[5], r[6]), strict=True)) for r in rows if r[0] == "failure"]
    for folder, columns, table in ((RECORDS_DIR, RECORD_COLUMNS, records), (FAILURES_DIR, FAILURE_COLUMNS, failures)):
        (out / folder).mkdir(parents=True)
        schema = pa.schema([(c, pa.string()) for c in columns])
        pq.write_table(pa.Table.from_pylist(table, schema=schema), out / folder / "part-00000.parquet")
    return out


def test_a_page_empty_after_cleaning_is_one_failure_both_ways(tmp_path: Path) -> None:
    """Issue 11: it was stage "read" locally and "clean" on Spark, so the ledger kept it twice."""
    rows: list = synthetic_articles(2)
    rows.insert(1, CHROME_ONLY)
    archive = write_jsonl(tmp_path / "archive.jsonl", rows)
    db = str(tmp_path / "ledger.db")
    settings = Settings(db=db, use_model=False)

    local = ingest_paths([archive], settings, progress=False)
    assert local.failed == 1
    spark_rows = list(read_partition(_file_pages([str(archive)], settings), settings))
    spark_failures = [(r[3], r[5], r[6]) for r in spark_rows if r[0] == "failure"]

    expected = (f"{archive}:2", "clean", "no article text left after removing page chrome")
    assert [(f.origin, f.stage, f.message) for f in local.failures] == [expected]
    assert spark_failures == [expected]

    # Loading the Spark output into the ledger the local run filled changes nothing: one failure.
    with Ledger(db) as ledger:
        summary = load_parquet(ledger, _spark_output(spark_rows, tmp_path / "out"))
        assert summary.skipped == 2 and summary.new == 0
        assert [(f["origin"], f["stage"], f["message"]) for f in ledger.failures()] == [expected]
