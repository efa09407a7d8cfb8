"""The malformed-input suite: each generated case through the real `ontherecord ingest`, beside a good one.

For each case: no abort (exit 0 or 1, never 70, never a traceback), the good article stored, no
hang past the per-case limit, and every failure one line that names its item (its origin lies in
the case's folder) in our words (no "internal error"). Cases run in batches, one ingest run and
one fresh SQLite ledger per batch; a batch that breaks a rule is re-run one case at a time, so
the report names the cases. The fast tier (``fast_cases``) runs in ``make test``; the whole set
is marked ``malformed_full`` and runs with ``--malformed-full`` (docs/testing.md).

The tests run as root here, and root reads files and folders whatever their mode. So the
unreadable file and folder are also refused on purpose as the OS would refuse another user:
``os.open`` and ``os.scandir`` raise PermissionError for exactly those paths during the run.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from ingest.malformed.generator import MAX_ARTICLE_BYTES, Case, build, cases, fast_cases, generate, good_text

from ontherecord.cli import main
from ontherecord.ingest.files import display

#: Seconds one case may take on its own (the 2-core CI machine, shared); a batch gets this per case.
CASE_LIMIT_S = 20
BATCH = 40


class Hang(Exception):
    """The per-case (or per-batch) time limit ran out."""


@dataclass
class Outcome:
    code: int | None
    output: str
    seconds: float
    good: set[str] = field(default_factory=set)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    hung: bool = False


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"past {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _refused(paths: set[str]) -> Iterator[None]:
    """Make ``paths`` unreadable even to root: the OS calls the readers make raise EACCES for them."""
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(path) in paths:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_scandir(path="."):  # type: ignore[no-untyped-def]
        if os.fspath(path) in paths:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    os.open, os.scandir = fake_open, fake_scandir  # type: ignore[assignment]
    try:
        yield
    finally:
        os.open, os.scandir = real_open, real_scandir  # type: ignore[assignment]


def _layout(batch: list[Case], root: Path) -> tuple[list[str], set[str]]:
    """Build each case in its folder beside its good article; the CLI arguments and the refused paths."""
    args: list[str] = []
    refused: set[str] = set()
    for case in batch:
        folder = root / case.name
        item = build(case, folder)
        good = folder / f"good_{case.name}.txt"
        good.write_text(good_text(len(args)), encoding="utf-8")
        if case.special in ("unreadable_file", "unreadable_dir"):
            refused.add(os.fspath(item))
        args += [os.fspath(item), os.fspath(good)] if case.direct else [os.fspath(folder)]
    return args, refused


def _ingest(batch: list[Case], root: Path, limit: int) -> Outcome:
    root.mkdir(parents=True)
    args, refused = _layout(batch, root)
    db = root / "ledger.db"
    settings = root / "settings.toml"
    settings.write_text(f"max_article_bytes = {MAX_ARTICLE_BYTES}\nbatch_size = 32\n", encoding="utf-8")
    argv = ["--db", os.fspath(db), "--config", os.fspath(settings), "ingest", "--format", "json", *args]
    # Each run configures logging afresh on its own captured stderr (the CLI's basicConfig runs once).
    saved = logging.root.handlers[:]
    logging.root.handlers = []
    started = time.monotonic()
    code: int | None = 0
    hung = False
    runner = CliRunner()
    with runner.isolation() as streams:
        try:
            with _time_limit(limit), _refused(refused):
                main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Hang:
            hung, code = True, None
        except BaseException as exc:  # an exception past main() is an abort too
            code = None
            print(f"raised past main(): {type(exc).__name__}: {exc}")
        output = streams[0].getvalue().decode("utf-8", "replace") + streams[1].getvalue().decode(
            "utf-8", "replace"
        )
    logging.root.handlers = saved
    outcome = Outcome(code, output, time.monotonic() - started, hung=hung)
    if db.exists():
        with sqlite3.connect(db) as conn:
            outcome.good = {row[0] for row in conn.execute("SELECT id FROM articles WHERE id LIKE 'good_%'")}
            outcome.failures = [
                tuple(row) for row in conn.execute("SELECT origin, stage, message FROM failures")
            ]
    return outcome


def _problems(batch: list[Case], root: Path, outcome: Outcome) -> list[str]:
    """What the run did wrong, one line each, naming the case."""
    problems = []
    if outcome.hung:
        problems.append(f"hung: {outcome.seconds:.0f} s")
    elif outcome.code not in (0, 1):
        problems.append(f"aborted: exit {outcome.code}: {outcome.output.strip()[-300:]!r}")
    if "Traceback" in outcome.output:
        problems.append("printed a traceback")
    if outcome.hung or outcome.code not in (0, 1):
        return problems
    for case in batch:
        if f"good_{case.name}" not in outcome.good:
            problems.append(f"{case.name}: its good neighbour was not stored")
    folders = [display(root / case.name) for case in batch]
    for origin, stage, message in outcome.failures:
        text = f"{origin}: {stage}: {message}"
        if "\n" in text or "\r" in text:
            problems.append(f"a failure is not one line: {text[:200]!r}")
        if not any(origin.startswith(folder) for folder in folders):
            problems.append(f"a failure names no item of the batch: {text[:200]!r}")
        if "internal error" in message or "Traceback" in message:
            problems.append(f"a failure is a raw exception: {text[:200]!r}")
    return problems


def run_suite(selected: list[Case], tmp: Path) -> tuple[list[str], float, float]:
    """Run ``selected`` in batches: (problems naming cases, total seconds, slowest seconds per case)."""
    started = time.monotonic()
    problems: list[str] = []
    slowest = 0.0
    for start in range(0, len(selected), BATCH):
        batch = selected[start : start + BATCH]
        root = tmp / f"batch{start:05d}"
        outcome = _ingest(batch, root, CASE_LIMIT_S * len(batch))
        found = _problems(batch, root, outcome)
        slowest = max(slowest, outcome.seconds / len(batch))
        if not found:
            continue
        for case in batch:  # name the culprits: each case alone, with its own limit
            alone = tmp / f"alone-{case.name}"
            result = _ingest([case], alone, CASE_LIMIT_S)
            slowest = max(slowest, result.seconds)
            problems += [f"{case.name} ({case.filename}): {p}" for p in _problems([case], alone, result)]
        if not problems:
            problems += [f"batch at {start}: {p}" for p in found]
    return problems, time.monotonic() - started, slowest


@lru_cache(maxsize=1)
def _all() -> list[Case]:
    return cases()


def test_generator_is_deterministic_and_big_enough() -> None:
    first, second = generate(), cases()
    assert [(c.name, c.data) for c in first] == [(c.name, c.data) for c in second]
    assert len(first) >= 2000
    assert len({c.name for c in first}) == len(first)
    assert 200 <= len(fast_cases()) <= 450


def _report(label: str, selected: list[Case], tmp: Path) -> None:
    problems, seconds, slowest = run_suite(selected, tmp)
    print(f"\n{label}: {len(selected)} cases in {seconds:.1f} s (slowest {slowest:.2f} s per case)")
    assert problems == [], "\n".join(problems)


def test_fast_tier(tmp_path: Path) -> None:
    _report("malformed fast tier", fast_cases(), tmp_path)


@pytest.mark.malformed_full
def test_every_case(tmp_path: Path) -> None:
    _report("malformed full set", _all(), tmp_path)
