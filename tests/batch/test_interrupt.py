"""Ctrl-C during ingest (issue 12): every article already parsed is stored, the workers stop, the
user is told what was saved and that the same command resumes; exit 130. Progress counts stored
articles, so it never claims more than the ledger holds."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from batch.archives import synthetic_articles, write_jsonl

from ontherecord import pipeline
from ontherecord.archive import Ledger
from ontherecord.batch import local
from ontherecord.batch.local import WRITE_BATCH, IngestInterrupted, ingest_paths
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

REPO = Path(__file__).resolve().parent.parent.parent


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, pages_read: int) -> None:
    """Make the reading door raise KeyboardInterrupt (as Ctrl-C would) when asked for one page more."""
    real = pipeline.pages

    def pages(path: str | Path, settings: Settings) -> Iterator[Page | Failure]:
        for n, page in enumerate(real(path, settings)):
            if n == pages_read:
                raise KeyboardInterrupt
            yield page

    monkeypatch.setattr(pipeline, "pages", pages)


def test_ctrl_c_stores_what_was_parsed_and_a_rerun_resumes(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = write_jsonl(tmp_path / "archive.jsonl", synthetic_articles(12))
    # batch_size 1: each page is parsed as soon as it is read, so 7 are parsed when Ctrl-C comes,
    # and all of them still wait in the write batch (WRITE_BATCH is larger): nothing was stored yet.
    settings = Settings(db=db, batch_size=1)
    assert WRITE_BATCH > 7
    _interrupt_after(monkeypatch, 7)
    with pytest.raises(IngestInterrupted) as caught:
        ingest_paths([archive], settings, progress=False)
    summary = caught.value.summary
    assert summary.interrupted and (summary.new, summary.stored) == (7, 7)
    assert isinstance(caught.value, KeyboardInterrupt)  # code that stops on Ctrl-C still stops
    with Ledger(db) as ledger:
        assert sorted(a.id for a in ledger.articles()) == [f"synth-{i:04d}" for i in range(7)]
    monkeypatch.undo()
    again = ingest_paths([archive], settings, progress=False)
    assert (again.skipped, again.new, again.interrupted) == (7, 5, False)
    with Ledger(db) as ledger:
        assert ledger.counts()["articles"] == 12 and ledger.counts()["versions"] == 12
        assert ledger.integrity_problems() == []


def test_progress_never_counts_more_than_the_ledger_holds(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list = synthetic_articles(WRITE_BATCH + 6)
    rows.insert(3, "{not json")
    archive = write_jsonl(tmp_path / "archive.jsonl", rows)
    seen: list[tuple[int, int]] = []

    class Watching(local.Progress):
        def advance(self, articles: int = 1, words: int = 0) -> None:
            super().advance(articles, words)
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            seen.append((self.count, stored))

    monkeypatch.setattr(local, "Progress", Watching)
    summary = ingest_paths([archive], Settings(db=db, batch_size=1), progress=False)
    assert (summary.new, summary.failed) == (WRITE_BATCH + 6, 1)
    # The count is stored articles plus failures; parsed-but-unwritten ones are not counted.
    assert all(count <= stored + 1 for count, stored in seen), seen
    assert seen[-1] == (WRITE_BATCH + 7, WRITE_BATCH + 6)


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created or not migrated yet
        return 0


def test_sigint_to_a_running_ingest_with_workers(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "archive.jsonl", synthetic_articles(400))
    db = tmp_path / "ledger.db"
    env = {**os.environ, "ONTHERECORD_BATCH_SIZE": "2", "PYTHONPATH": str(REPO / "src")}
    # Its own session, so the signal goes to the whole group as a terminal's Ctrl-C does: the
    # parent, the fork server and the workers all receive it.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ontherecord",
            "--db",
            str(db),
            "ingest",
            "--jobs",
            "2",
            "--no-progress",
            str(archive),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 240
        while _stored(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Traceback" not in out
    said = re.search(r"Interrupted: (\d+) article\(s\) stored before stopping", err)
    assert said, err
    assert "Run the same command again to resume" in err
    stored = int(said.group(1))
    assert 0 < stored < 400
    assert re.search(rf"^  new +{stored}$", out, re.M), out
    with Ledger(str(db)) as ledger:
        assert ledger.counts()["articles"] == stored
        assert ledger.integrity_problems() == []
    # The workers and the fork server are gone too, not left holding a pipeline each.
    for _ in range(100):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("processes of the interrupted ingest were still running 10 s later")
