"""Loading a Spark job's Parquet output into the ledger (pyarrow only: runs without Spark or Java)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from batch.archives import BATCH_DATA
from click.testing import CliRunner

from ontherecord.archive import Ledger
from ontherecord.batch.parquet import load_parquet
from ontherecord.cli import cli
from ontherecord.errors import InputError
from ontherecord.ingest.readers import read_path
from ontherecord.model import Record
from ontherecord.model.serialize import record_to_dict, record_to_json
from ontherecord.pipeline import process_pages
from ontherecord.settings import Settings


@pytest.fixture(scope="module")
def job_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layout `ontherecord spark` writes, made here from three real articles and one failure."""
    out = tmp_path_factory.mktemp("spark-out")
    pages = list(read_path(BATCH_DATA, Settings()))[:3]
    records = [r for r in process_pages(pages, settings=Settings()) if isinstance(r, Record)]
    assert len(records) == 3
    (out / "records").mkdir()
    (out / "failures").mkdir()
    rows = [
        {
            "id": r.article.id,
            "content_hash": r.article.content_hash,
            "origin": p.origin,
            "record_json": record_to_json(r),
        }
        for r, p in zip(records, pages, strict=True)
    ]
    pq.write_table(pa.Table.from_pylist(rows[:2]), out / "records" / "part-00000.parquet")
    pq.write_table(pa.Table.from_pylist(rows[2:]), out / "records" / "part-00001.parquet")
    (out / "records" / "_SUCCESS").write_text("")
    failure = {"origin": "crawl.jsonl:17", "stage": "read", "message": 'no "text" or "html" string'}
    pq.write_table(pa.Table.from_pylist([failure]), out / "failures" / "part-00000.parquet")
    return out


def test_load_parquet_writes_the_records_exactly(job_output: Path, tmp_path: Path) -> None:
    with Ledger(str(tmp_path / "l.db")) as ledger:
        summary = load_parquet(ledger, job_output)
        assert (summary.read, summary.new, summary.failed) == (4, 3, 1)
        stored = {r.article.id: record_to_dict(r) for r in ledger.latest_records()}
        written = {}
        for part in sorted((job_output / "records").glob("*.parquet")):
            for row in pq.read_table(part).to_pylist():
                written[row["id"]] = row
        assert set(stored) == set(written)
        for article_id, row in written.items():
            assert stored[article_id] == json.loads(row["record_json"])
        assert ledger.failures()[0]["origin"] == "crawl.jsonl:17"
        # Loading twice (or again after a crash) changes nothing.
        counts = ledger.counts()
        again = load_parquet(ledger, job_output)
        assert (again.new, again.skipped) == (0, 3)
        assert ledger.counts() == counts


def test_load_parquet_refuses_a_folder_that_is_not_job_output(tmp_path: Path) -> None:
    with Ledger(str(tmp_path / "l.db")) as ledger, pytest.raises(InputError, match="records/"):
        load_parquet(ledger, tmp_path)


def test_spark_cli_load_only(job_output: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(cli, ["--db", db, "spark", "--output", str(job_output), "--load", "--no-progress"])
    # Exit 1: one input failed (and was recorded), the other three are stored (issue 12 exit-code table).
    assert result.exit_code == 1, result.output
    assert "1 article(s) failed" in result.output and "crawl.jsonl:17" in result.output
    with Ledger(db) as ledger:
        assert ledger.counts()["articles"] == 3


def test_spark_cli_needs_input_or_load(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "spark", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "--input" in result.output
