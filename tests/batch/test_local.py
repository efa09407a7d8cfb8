"""Batch ingest on one machine: idempotent re-runs, failures recorded, --jobs 2 == --jobs 1, progress."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from batch.archives import BATCH_DATA, article_texts, synthetic_articles, write_jsonl, write_warc

from ontherecord.archive import Ledger
from ontherecord.batch.local import count_pages, ingest_paths
from ontherecord.batch.progress import Progress
from ontherecord.errors import InputError
from ontherecord.ingest.readers import read_path
from ontherecord.model.serialize import record_to_dict
from ontherecord.settings import Settings


def _contents(db: str) -> list[dict]:
    with Ledger(db) as ledger:
        return [record_to_dict(r) for r in ledger.latest_records()]


def test_directory_of_real_articles_then_rerun_changes_nothing(db: str) -> None:
    settings = Settings(db=db)
    first = ingest_paths([BATCH_DATA], settings, progress=False)
    assert (first.read, first.new, first.failed) == (6, 6, 0)
    assert first.words > 1000
    with Ledger(db) as ledger:
        counts = ledger.counts()
        assert counts["articles"] == 6 and counts["versions"] == 6
        assert counts["attributions"] > 0
        assert ledger.integrity_problems() == []
    second = ingest_paths([BATCH_DATA], settings, progress=False)
    # Every article is known by (id, content hash): skipped before parsing, nothing written.
    assert (second.skipped, second.new, second.unchanged, second.words) == (6, 0, 0, 0)
    with Ledger(db) as ledger:
        assert ledger.counts() == counts


def test_bad_article_in_the_middle_is_recorded_and_the_rest_go_in(tmp_path: Path, db: str) -> None:
    rows: list = synthetic_articles(9)
    rows.insert(4, '{"id": "broken", "text": "An unterminated')  # a truncated line, as a crashed crawler leaves
    rows.insert(7, {"id": "empty-one", "title": "Nothing here", "text": "   "})
    archive = write_jsonl(tmp_path / "archive.jsonl", rows)
    summary = ingest_paths([archive], Settings(db=db), progress=False)
    assert summary.new == 9
    assert summary.failed == 2
    with Ledger(db) as ledger:
        failures = ledger.failures()
        assert {f["origin"] for f in failures} == {f"{archive}:5", f"{archive}:8"}
        assert all(f["stage"] and f["message"] for f in failures)
        assert {a.id for a in ledger.articles()} == {f"synth-{i:04d}" for i in range(9)}
    # A re-run meets the same bad lines again but does not record them twice.
    again = ingest_paths([archive], Settings(db=db), progress=False)
    assert again.failed == 2 and again.skipped == 9
    with Ledger(db) as ledger:
        assert len(ledger.failures()) == 2


def test_changed_text_adds_a_version(tmp_path: Path, db: str) -> None:
    rows = synthetic_articles(3)
    ingest_paths([write_jsonl(tmp_path / "a.jsonl", rows)], Settings(db=db), progress=False)
    rows[1] = {**rows[1], "text": rows[1]["text"] + "\n\nThe campaign did not respond to a request for comment."}
    summary = ingest_paths([write_jsonl(tmp_path / "b.jsonl", rows)], Settings(db=db), progress=False)
    assert (summary.skipped, summary.new_versions) == (2, 1)
    with Ledger(db) as ledger:
        assert ledger.versions("synth-0001") == [1, 2]


@pytest.mark.slow
def test_two_processes_give_the_same_ledger_as_one(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "archive.jsonl", synthetic_articles(40, seed=11))
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    s1 = ingest_paths([archive], Settings(db=one), jobs=1, progress=False)
    rss: list[float] = []
    s2 = ingest_paths([archive], Settings(db=two), jobs=2, progress=False, worker_rss=rss)
    assert s1.new == s2.new == 40
    assert s2.jobs == 2 and len(rss) == 2 and all(0 < mb < 1024 for mb in rss)
    assert _contents(one) == _contents(two)
    with Ledger(one) as a, Ledger(two) as b:
        assert a.counts() == b.counts()


def test_missing_path_is_refused_before_anything_is_written(tmp_path: Path, db: str) -> None:
    with pytest.raises(InputError, match="nope.jsonl"):
        ingest_paths([BATCH_DATA, tmp_path / "nope.jsonl"], Settings(db=db), progress=False)
    assert not Path(db).exists()


def test_count_pages_is_cheap_and_exact_where_it_can_be(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "a.jsonl", synthetic_articles(7))
    with (tmp_path / "a.jsonl").open("a") as fh:
        fh.write("\n\n")  # blank lines are not pages
    assert count_pages([archive]) == 7
    assert count_pages([BATCH_DATA, archive]) == 7 + len(list(BATCH_DATA.glob("*.txt")))
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    assert count_pages([tmp_path]) is None  # a WARC's record count costs a full read: rate only


def test_progress_line_shows_count_rate_and_eta() -> None:
    stream = io.StringIO()
    bar = Progress(total=200, stream=stream, log_every=0.0)
    bar.advance(50, words=10_000)
    line = stream.getvalue().strip().splitlines()[-1]
    assert line.startswith("50/200 articles")
    assert "art/s" in line and "words/s" in line and "ETA" in line
    unknown = Progress(total=None, stream=io.StringIO(), log_every=0.0)
    unknown.advance(5)
    assert "ETA" not in unknown.line() and unknown.line().startswith("5 articles")
    quiet = io.StringIO()
    Progress(total=3, stream=quiet, enabled=False).advance(3)
    assert quiet.getvalue() == ""


def test_summary_json_shape(db: str) -> None:
    article = BATCH_DATA / "politico_2016-09-28_axelrod-calls-on-dean-to-apologi.txt"
    summary = ingest_paths([article], Settings(db=db), progress=False)
    data = json.loads(json.dumps(summary.to_dict()))
    keys = {"read", "new", "new_versions", "unchanged", "skipped", "failed", "words", "seconds", "words_per_s"}
    assert keys <= set(data)
    assert data["new"] == 1


@pytest.mark.slow
def test_workers_never_run_far_ahead_of_the_writer() -> None:
    """Memory stays flat: however long the archive, at most 2 x jobs chunks are in flight."""
    from ontherecord.batch.local import _ordered_map
    from ontherecord.pipeline import cleaned

    settings = Settings()
    pages = list(read_path(BATCH_DATA, settings))
    jobs = [cleaned(p) for p in pages]
    produced = 0

    def chunks():
        nonlocal produced
        for _ in range(10):  # an "archive" of 60 articles, in chunks of 6
            produced += 1
            yield list(jobs)

    consumed = 0
    for chunk, results in _ordered_map(chunks(), settings, 2):
        consumed += 1
        assert [r.article.id for r in results] == [a.id for _, a, _ in chunk]
        assert produced - consumed <= 2 * 2
    assert consumed == 10


def test_warc_archive_keeps_target_uri(tmp_path: Path, db: str) -> None:
    texts = dict(list(article_texts().items())[:3])
    archive = write_warc(tmp_path / "crawl.warc.gz", texts)
    summary = ingest_paths([archive], Settings(db=db), progress=False)
    assert (summary.new, summary.failed) == (3, 0)
    with Ledger(db) as ledger:
        ids = {a.id for a in ledger.articles()}
        assert ids == {f"https://news.example.org/{stem}" for stem in texts}
        record = ledger.get_record(f"https://news.example.org/{next(iter(texts))}")
        assert record.article.url == record.article.id
        # The page chrome (navigation, footer) is not part of the article.
        assert "Copyright the publisher" not in record.article.text
