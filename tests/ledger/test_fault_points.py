"""The fault-point loop: fail the N-th database call of writing 20 articles (and a failure, and a
flag) with a lock, a full disk and an I/O error, for N over the whole run; then run it again cleanly.

Whatever N and the fault, the faulted run either finishes or stops with one LedgerError in our words
(no SQL, no article text), and leaves no false "write" failure behind; the clean re-run then gives
exactly the rows of a ledger that never met a fault, and the database engine finds nothing wrong.
The CI tier samples N; ``-m faults_full`` runs every N.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ledger.fault_injection import FAULT_KINDS, Injector, injected, storage_problems, table_rows
from ledger.ledger_builders import SEED_TEXT, follow_up_record, ledger_params, open_fresh_ledger, seed_record

from ontherecord.archive import Ledger
from ontherecord.batch.local import IngestSummary, failure_recorder, write_batch
from ontherecord.errors import LedgerError
from ontherecord.ledger import store
from ontherecord.model import Failure, Record

CANARY = "Zyzzogeton-canary-7f3a"
BATCH = 5
SAMPLED = 6  # fault points per fault kind and dialect in the CI tier


def _records() -> list[Record]:
    """20 articles (10 seed editions, 10 follow-ups) and a new version of the first: read once."""
    out = [seed_record(SEED_TEXT + f"\n\nEdition {i}. {CANARY}", article_id=f"seed-{i}") for i in range(10)]
    base = follow_up_record()
    out += [follow_up_record(base.article.text + f"\n\nUpdate {i}. {CANARY}", f"lviv-{i}") for i in range(10)]
    out.append(seed_record(SEED_TEXT + f"\n\nEdition 0, corrected. {CANARY}", article_id="seed-0"))
    return out


RECORDS = _records()
BAD_PAGE = Failure("crawl.jsonl:7", "read", "line 7 is not JSON")


def _workload(ledger: Ledger) -> IngestSummary:
    """What an ingest and an editor do: a failure, 21 Records in batches, a flag if not yet flagged.

    Re-runnable like the real commands: stored versions are skipped, a known failure is not
    recorded twice, and the flag is added only while the source has none.
    """
    summary = IngestSummary()
    fail = failure_recorder(ledger, summary)
    fail(BAD_PAGE)
    todo = [(r, r.article.id) for r in RECORDS if not ledger.has_version(r.article.id, r.article.content_hash)]
    for i in range(0, len(todo), BATCH):
        write_batch(ledger, todo[i : i + BATCH], summary, fail)
    fail.flush()
    if not any(s.status for s in ledger.sources() if s.name == "Pavel Kulazhanka"):
        ledger.flag("Pavel Kulazhanka", reason=f"his account was false {CANARY}", author="desk")
    return summary


def _assert_clean_message(message: str, shown: str) -> None:
    assert CANARY not in message
    assert message.startswith(f"{shown}: ")
    message = message.removeprefix(f"{shown}: ")
    for word in ("INSERT", "SELECT", "UPDATE", "VALUES", "[parameters", "[SQL", "sqlite3.", "psycopg"):
        assert word not in message, message
    assert "\n" not in message


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, int]:
    """The never-faulted result on SQLite (the rows are dialect-neutral), and how many calls it takes."""
    path = tmp_path_factory.mktemp("reference") / "reference.db"
    with Ledger(str(path)) as ledger:
        with injected(ledger.engine, Injector("sqlite")) as counter:
            _workload(ledger)
        return table_rows(ledger.engine), counter.calls


def _fresh(dialect: str, folder: Path) -> str:
    folder.mkdir()
    return open_fresh_ledger(dialect, folder)


def _calls(dialect: str, tmp_path: Path) -> int:
    with Ledger(_fresh(dialect, tmp_path)) as ledger, injected(ledger.engine, Injector(dialect)) as counter:
        _workload(ledger)
    return counter.calls


def _fault_then_rerun(dialect: str, tmp_path: Path, kind: str, at: int, reference: dict) -> None:
    url = _fresh(dialect, tmp_path)
    with Ledger(url) as ledger:
        # A lock is met once and retried; a full or failing disk stays so for the rest of the run.
        injector = Injector(dialect, at=at, kind=kind, times=1 if kind == "lock" else 10_000)
        try:
            with injected(ledger.engine, injector):
                _workload(ledger)
        except LedgerError as exc:
            assert kind != "lock", f"a lock at call {at} was not retried: {exc}"
            _assert_clean_message(str(exc), ledger.shown)
        assert injector.raised, f"call {at} was never made"
        # No article's failure is invented from a fault of the ledger.
        assert [f["stage"] for f in ledger.failures()] in ([], ["read"])
        if kind == "lock":
            assert table_rows(ledger.engine) == reference
    with Ledger(url) as ledger:  # a fresh process's view: open, then the same commands again
        _workload(ledger)
        assert table_rows(ledger.engine) == reference
        assert ledger.integrity_problems() == []
        assert storage_problems(ledger.engine) == []


def _points(total: int, k: int, seed: str) -> list[int]:
    """``k`` call numbers spread over 1..total: the first, the last, and a seeded sample between."""
    rng = random.Random(seed)
    middle = rng.sample(range(2, total), min(k - 2, total - 2)) if total > 2 else []
    return sorted({1, total, *middle})


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "_BACKOFF_S", (0.001, 0.01))


@pytest.mark.parametrize("dialect", ledger_params())
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_a_fault_at_sampled_calls_then_a_clean_rerun_gives_the_clean_result(
    dialect: str, kind: str, tmp_path: Path, reference: tuple[dict, int]
) -> None:
    rows, _ = reference
    total = _calls(dialect, tmp_path / "count")
    assert total > 50  # the whole run: reads, writes and commits of 21 Records, a failure and a flag
    for at in _points(total, SAMPLED, f"{dialect}-{kind}"):
        _fault_then_rerun(dialect, tmp_path / f"at-{at}", kind, at, rows)


@pytest.mark.faults_full
@pytest.mark.parametrize("dialect", ledger_params())
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_a_fault_at_every_call_then_a_clean_rerun_gives_the_clean_result(
    dialect: str, kind: str, tmp_path: Path, reference: tuple[dict, int]
) -> None:
    rows, _ = reference
    total = _calls(dialect, tmp_path / "count")
    for at in range(1, total + 1):
        _fault_then_rerun(dialect, tmp_path / f"at-{at}", kind, at, rows)
