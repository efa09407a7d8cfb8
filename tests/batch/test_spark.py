"""The Spark job in local mode on six real articles: Parquet out, loaded into a SQLite ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from batch.archives import article_texts, synthetic_articles, write_jsonl, write_warc

from ontherecord.archive import Ledger
from ontherecord.batch.parquet import load_parquet
from ontherecord.model.serialize import record_to_dict
from ontherecord.settings import Settings

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'ontherecord[spark]')")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (scripts/java.sh installs one)"),
]


@pytest.fixture(scope="module")
def spark():
    from ontherecord.batch.spark import make_session

    session = make_session("local[2]", app_name="ontherecord-tests")
    yield session
    session.stop()


def _jsonl_archive(folder: Path) -> Path:
    rows = [
        {"id": stem, "title": text.split("\n", 1)[0], "text": text.split("\n", 1)[1].strip()}
        for stem, text in article_texts().items()
    ]
    rows.insert(3, {"id": "blank", "text": ""})  # an article with no text: a failure, not a lost job
    return write_jsonl(folder / "archive.jsonl", rows)


def test_spark_job_writes_records_the_ledger_loads(spark, tmp_path: Path) -> None:
    from ontherecord.batch.spark import run_job

    archive = _jsonl_archive(tmp_path)
    out = tmp_path / "out"
    counts = run_job(str(archive), str(out), settings=Settings(), spark=spark)
    assert counts == {"records": 6, "failures": 1}
    assert list((out / "records").glob("*.parquet")) and list((out / "failures").glob("*.parquet"))

    db = str(tmp_path / "spark.db")
    with Ledger(db) as ledger:
        summary = load_parquet(ledger, out)
        assert (summary.new, summary.failed) == (6, 1)
        assert ledger.counts()["articles"] == 6
        assert ledger.integrity_problems() == []
        assert [f["origin"] for f in ledger.failures()] == [f"{archive}:4"]
        impact = ledger.impact("David Axelrod")
        found = [a for a in impact.articles if "axelrod" in a.id]
        assert found and any("outrageous" in s.text for s in found[0].sentences)
        # Loading the same output again changes nothing.
        counts_before = ledger.counts()
        again = load_parquet(ledger, out)
        assert again.skipped == 6 and ledger.counts() == counts_before

    # The cluster reads exactly what a local ingest reads: same Records, field for field.
    from ontherecord.batch.local import ingest_paths

    local_db = str(tmp_path / "local.db")
    ingest_paths([archive], Settings(db=local_db), progress=False)
    with Ledger(db) as a, Ledger(local_db) as b:
        assert [record_to_dict(r) for r in a.latest_records()] == [record_to_dict(r) for r in b.latest_records()]


def test_spark_job_reads_parquet_input(spark, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ontherecord.batch.spark import run_job

    rows = synthetic_articles(12, seed=7)
    table = pa.Table.from_pylist(rows)
    (tmp_path / "in").mkdir()
    pq.write_table(table.slice(0, 6), tmp_path / "in" / "part-0.parquet")
    pq.write_table(table.slice(6), tmp_path / "in" / "part-1.parquet")
    out = tmp_path / "out"
    counts = run_job(str(tmp_path / "in"), str(out), settings=Settings(), spark=spark, partitions=3)
    assert counts == {"records": 12, "failures": 0}
    with Ledger(str(tmp_path / "p.db")) as ledger:
        assert load_parquet(ledger, out).new == 12
        stored = {a.id: a for a in ledger.articles()}
        assert set(stored) == {r["id"] for r in rows}
        assert stored["synth-0003"].published == "2016-10-04"


def test_spark_job_reads_a_folder_of_warc_files(spark, tmp_path: Path) -> None:
    from ontherecord.batch.spark import run_job

    texts = list(article_texts().items())
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "CC-NEWS-00000.warc.gz", dict(texts[:3]))
    write_warc(crawl / "CC-NEWS-00001.warc.gz", dict(texts[3:]))
    out = tmp_path / "out"
    assert run_job(str(crawl), str(out), settings=Settings(), spark=spark) == {"records": 6, "failures": 0}
    with Ledger(str(tmp_path / "w.db")) as ledger:
        assert load_parquet(ledger, out).new == 6
        assert {a.id for a in ledger.articles()} == {f"https://news.example.org/{stem}" for stem, _ in texts}
