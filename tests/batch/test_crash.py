"""kill -9 at random points of an ingest, inside commits too, re-run each time: nothing lost, nothing
twice, and the database engine finds the file sound (SQLite's integrity_check, PostgreSQL's amcheck).

The CI tier kills 10 runs of a 300-article ingest per dialect; ``-m crash_full`` kills 30 runs of
500 articles per dialect. Four kinds of kill points take turns: a random moment after start (start-up,
reading, skipping, parsing), a random point in the archive (once that many articles are stored),
and two inside a write commit, through ``commit_pause.py``: just before the COMMIT is sent (every
statement done, SQLite's pages already in the write-ahead log) and just after it returned.
"""

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
from ledger.fault_injection import storage_problems
from ledger.ledger_builders import ledger_params, open_fresh_ledger

from ontherecord.archive import Ledger
from ontherecord.batch.local import ingest_paths
from ontherecord.settings import Settings

BAD_AT = 0.5  # one unreadable article in the middle: it must be recorded once, not once per run
COMMIT_PAUSE = Path(__file__).resolve().parent / "commit_pause.py"
ROUNDS = ("moment", "target", "before_commit", "after_commit")


def _ingest_command(db: str, archive: Path, *, paused: bool = False) -> list[str]:
    head = [sys.executable, str(COMMIT_PAUSE)] if paused else [sys.executable, "-m", "ontherecord"]
    return [*head, "--db", db, "ingest", str(archive), "--no-progress", "--format", "json"]


def _shape(ledger: Ledger) -> dict[str, tuple[int, int, int]]:
    return {a.id: (a.versions, a.attributions, a.sources) for a in ledger.articles()}


def _marks(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return []


def _kill_9_rounds(dialect: str, tmp_path: Path, articles: int, kills: int) -> None:
    rows: list = synthetic_articles(articles, seed=2024)
    rows.insert(int(articles * BAD_AT), '{"id": "cut-off-by-the-crawler", "text": "Senator')
    archive = write_jsonl(tmp_path / "archive.jsonl", rows)

    # The reference: one uninterrupted run (on SQLite; what is stored does not depend on the dialect).
    reference = str(tmp_path / "reference.db")
    done = ingest_paths([archive], Settings(db=reference), progress=False)
    assert (done.new, done.failed) == (articles, 1)
    with Ledger(reference) as ledger:
        expected_counts = ledger.counts()
        expected_shape = _shape(ledger)
    assert expected_counts["attributions"] > articles  # real prose: most paragraphs hold attributions

    db = open_fresh_ledger(dialect, tmp_path)
    watcher = Ledger(db)  # creates the schema; then only reads (it never blocks the writer)
    stored = lambda: watcher.counts()["versions"]  # noqa: E731
    marks = tmp_path / "commit-marks"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COMMIT_PAUSE_MARKS": str(marks), "COMMIT_PAUSE_S": "0.4"}
    rng = random.Random(f"{dialect}-{kills}")
    # Kill points spread over the archive, each leaving at least two write batches still to do, so a
    # run is always killed mid-way however fast the machine is (a run that finishes proves nothing).
    aimed = sum(1 for r in range(kills) if ROUNDS[r % len(ROUNDS)] == "target")
    targets = iter(sorted(rng.sample(range(articles - 64), aimed)))
    killed: dict[str, int] = dict.fromkeys(ROUNDS, 0)
    for round_ in range(kills):
        how = ROUNDS[round_ % len(ROUNDS)]
        if stored() >= articles - 64:
            how = "moment"  # too near the end for a run to reach another commit before finishing
        marks.unlink(missing_ok=True)
        command = _ingest_command(db, archive, paused=how.endswith("commit"))
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        if how == "moment":
            # A random moment soon after start (cut short near the end of the archive).
            until = time.monotonic() + rng.uniform(0.0, 3.0)
            while proc.poll() is None and time.monotonic() < until and stored() < articles - 64:
                time.sleep(0.01)
        elif how == "target":
            # Once that many articles are stored, plus a sliver of time so that the kill lands
            # anywhere inside the next batch (parsing, or mid-transaction).
            target = next(targets)
            while proc.poll() is None and stored() < target and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
        else:
            # Inside the n-th write commit of this run: before COMMIT is sent, or after it returned.
            point, nth = how.split("_")[0], rng.randint(1, 3)
            while proc.poll() is None and _marks(marks).count(point) < nth and time.monotonic() < deadline:
                time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed[how] += 1
        proc.wait()
    watcher.close()
    assert sum(killed.values()) == kills, f"every run must be killed mid-way to mean anything: {killed}"
    assert killed["before_commit"] and killed["after_commit"], killed

    final = subprocess.run(_ingest_command(db, archive), env=env, capture_output=True, text=True, timeout=300)
    # Exit 1: the archive holds one bad line, recorded as a failure (issue 12 exit-code table).
    assert final.returncode == 1, final.stderr
    with Ledger(db) as ledger:
        assert storage_problems(ledger.engine) == []
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
    assert (summary["new"], summary["skipped"]) == (0, articles)
    with Ledger(db) as ledger:
        assert ledger.counts() == expected_counts


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ledger_params())
def test_kill_9_at_random_points_and_inside_commits_then_rerun_leaves_every_article_once(
    dialect: str, tmp_path: Path
) -> None:
    _kill_9_rounds(dialect, tmp_path, articles=300, kills=10)


@pytest.mark.slow
@pytest.mark.crash_full
@pytest.mark.parametrize("dialect", ledger_params())
def test_kill_9_thirty_times_then_rerun_leaves_every_article_once(dialect: str, tmp_path: Path) -> None:
    _kill_9_rounds(dialect, tmp_path, articles=500, kills=30)


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
        assert storage_problems(ledger.engine) == []
        assert ledger.integrity_problems() == []
        assert [a.versions for a in ledger.articles()] == [1] * 120
