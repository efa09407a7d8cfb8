"""kill -9 at 20 random points of a 500-article ingest, re-run each time: nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch.archives import synthetic_articles, write_jsonl

from ontherecord.archive import Ledger
from ontherecord.batch.local import ingest_paths
from ontherecord.settings import Settings

ARTICLES = 500
KILLS = 20
BAD_LINE = 250  # one unreadable article in the middle: it must be recorded once, not 21 times


def _ingest_command(db: str, archive: Path) -> list[str]:
    return [
        sys.executable, "-m", "ontherecord", "--db", db, "ingest", str(archive), "--no-progress", "--format", "json"
    ]


def _shape(ledger: Ledger) -> dict[str, tuple[int, int, int]]:
    return {a.id: (a.versions, a.attributions, a.sources) for a in ledger.articles()}


@pytest.mark.slow
def test_kill_9_at_random_points_then_rerun_leaves_every_article_once(tmp_path: Path) -> None:
    rows: list = synthetic_articles(ARTICLES, seed=2024)
    rows.insert(BAD_LINE, '{"id": "cut-off-by-the-crawler", "text": "Senator')
    archive = write_jsonl(tmp_path / "archive.jsonl", rows)

    # The reference: one uninterrupted run.
    reference = str(tmp_path / "reference.db")
    done = ingest_paths([archive], Settings(db=reference), progress=False)
    assert (done.new, done.failed) == (ARTICLES, 1)
    with Ledger(reference) as ledger:
        expected_counts = ledger.counts()
        expected_shape = _shape(ledger)
    assert expected_counts["attributions"] > ARTICLES  # real prose: most paragraphs hold attributions

    db = str(tmp_path / "crashed.db")
    watcher = Ledger(db)  # creates the schema; then only reads (WAL: it never blocks the writer)
    stored = lambda: watcher.counts()["versions"]  # noqa: E731
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    rng = random.Random(20)
    # Kill points spread over the archive, each leaving at least two write batches still to do, so a
    # run is always killed mid-way however fast the machine is (a run that finishes proves nothing).
    targets = iter(sorted(rng.sample(range(ARTICLES - 64), KILLS // 2)))
    killed = 0
    for round_ in range(KILLS):
        proc = subprocess.Popen(
            _ingest_command(db, archive), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if round_ % 2:
            # A random moment soon after start: start-up, reading, skipping what is stored, parsing
            # (cut short near the end of the archive, where the run could otherwise finish first).
            until = time.monotonic() + rng.uniform(0.0, 3.0)
            while proc.poll() is None and time.monotonic() < until and stored() < ARTICLES - 64:
                time.sleep(0.01)
        else:
            # A random point in the archive: once that many articles are stored, plus a sliver of time
            # so that the kill lands anywhere inside the next batch (parsing, or mid-transaction).
            target = next(targets)
            deadline = time.monotonic() + 120
            while proc.poll() is None and stored() < target and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
    watcher.close()
    assert killed == KILLS, "the runs must actually be killed mid-way for the test to mean anything"

    final = subprocess.run(_ingest_command(db, archive), env=env, capture_output=True, text=True, timeout=300)
    # Exit 1: the archive holds one bad line, recorded as a failure (issue 12 exit-code table).
    assert final.returncode == 1, final.stderr
    with Ledger(db) as ledger:
        assert ledger.integrity_problems() == []
        shape = _shape(ledger)
        lost = set(expected_shape) - set(shape)
        extra = set(shape) - set(expected_shape)
        assert not lost and not extra
        # Each article once (one version), with all its attributions and sources.
        assert shape == expected_shape
        assert ledger.counts() == expected_counts
        assert len(ledger.failures()) == 1

    # And running the finished archive again changes nothing.
    again = subprocess.run(_ingest_command(db, archive), env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["skipped"]) == (0, ARTICLES)
    with Ledger(db) as ledger:
        assert ledger.counts() == expected_counts


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc), e.g. the fork server and the pool's workers."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_kill_9_with_two_workers_leaves_no_worker_behind_and_resumes(tmp_path: Path) -> None:
    archive = write_jsonl(tmp_path / "archive.jsonl", synthetic_articles(120, seed=99))
    db = str(tmp_path / "jobs2.db")
    watcher = Ledger(db)
    command = [*_ingest_command(db, archive), "--jobs", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and watcher.counts()["versions"] < 16 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _descendants(proc.pid)
    assert proc.poll() is None and len(workers) >= 2, "the run must be killed while its workers are busy"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Orphaned workers notice their parent is gone and exit, instead of holding a pipeline forever.
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)
    partial = watcher.counts()["versions"]
    watcher.close()
    assert 0 < partial < 120

    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["skipped"] == partial and summary["new"] == 120 - partial
    with Ledger(db) as ledger:
        assert ledger.integrity_problems() == []
        assert [a.versions for a in ledger.articles()] == [1] * 120
