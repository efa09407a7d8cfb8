"""Storage faults as a user meets them (issue 12, items 3 and 4): read-only ledgers, a writer holding
the lock, permanent errors reported at once, failure recording that never takes a run down, and
messages that carry no SQL, no bound values and no article text.

Tests run as root here, for whom file permissions mean nothing; so a read-only ledger is made two
ways that hold for root too: SQLite's own read-only open (``sqlite:///file:…?mode=ro&uri=true``),
and a read-only bind mount of the ledger's folder in a private mount namespace (``unshare -m``;
skipped, saying so, where that is not allowed). A read-only PostgreSQL ledger is a session with
``default_transaction_read_only``. Other faults are the drivers' own errors raised at the DBAPI
calls (``fault_injection.py``).
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ledger.fault_injection import Injector, injected, is_bulk_write
from ledger.ledger_builders import SEED_TEXT, follow_up_record, ledger_params, open_fresh_ledger, seed_record

from ontherecord.archive import Ledger
from ontherecord.batch.local import IngestSummary, failure_recorder, write_batch
from ontherecord.errors import LedgerError, LedgerFault
from ontherecord.ledger import store
from ontherecord.ledger.faults import classify
from ontherecord.ledger.migrations import LEDGER_MIGRATIONS, Migrations
from ontherecord.model import Failure, Record

CANARY = "Quixotic-canary-41b9"
SQL_WORDS = ("INSERT", "SELECT", "UPDATE", "VALUES", "FROM ", "[SQL", "[parameters", "sqlite3", "psycopg.")


def assert_ours(message: str, shown: str) -> None:
    """One line in our words: the ledger named, then no SQL, bound values or article text."""
    assert message.startswith(f"{shown}: "), message
    rest = message.removeprefix(f"{shown}: ")
    assert "\n" not in rest and CANARY not in rest
    for word in SQL_WORDS:
        assert word not in rest, message


def canary_record(i: int = 0) -> Record:
    return seed_record(SEED_TEXT + f"\n\nEdition {i}. {CANARY}", article_id=f"seed-{i}")


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "_BACKOFF_S", (0.001, 0.01))


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    with Ledger(str(path)) as ledger:
        ledger.write_records([canary_record(0), follow_up_record()])
    return path


# -- what an error means --------------------------------------------------------------------------


def _sqlite_error(code: int) -> sqlite3.Error:
    exc = sqlite3.OperationalError("boom")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


def _pg_error(name: str) -> Exception:
    import psycopg.errors

    return getattr(psycopg.errors, name)("boom")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("make", "kind", "transient"),
    [
        (lambda: _sqlite_error(5), "locked", True),  # SQLITE_BUSY
        (lambda: _sqlite_error(517), "locked", True),  # SQLITE_BUSY_SNAPSHOT
        (lambda: _sqlite_error(2067), "conflict", True),  # SQLITE_CONSTRAINT_UNIQUE
        (lambda: _sqlite_error(1299), "constraint", False),  # SQLITE_CONSTRAINT_NOTNULL
        (lambda: _sqlite_error(8), "read_only", False),
        (lambda: _sqlite_error(13), "disk_full", False),
        (lambda: _sqlite_error(778), "io", False),  # SQLITE_IOERR_WRITE
        (lambda: _sqlite_error(11), "corrupt", False),
        (lambda: _sqlite_error(26), "corrupt", False),  # SQLITE_NOTADB
        (lambda: _sqlite_error(20), "other", False),  # SQLITE_MISMATCH
        (lambda: _pg_error("SerializationFailure"), "conflict", True),
        (lambda: _pg_error("DeadlockDetected"), "conflict", True),
        (lambda: _pg_error("UniqueViolation"), "conflict", True),
        (lambda: _pg_error("LockNotAvailable"), "locked", True),
        (lambda: _pg_error("ReadOnlySqlTransaction"), "read_only", False),
        (lambda: _pg_error("DiskFull"), "disk_full", False),
        (lambda: _pg_error("IoError"), "io", False),
        (lambda: _pg_error("DataCorrupted"), "corrupt", False),
        (lambda: _pg_error("NotNullViolation"), "constraint", False),
        (lambda: _pg_error("ForeignKeyViolation"), "constraint", False),
        (lambda: _pg_error("AdminShutdown"), "unreachable", True),
        (lambda: UnicodeEncodeError("utf-8", "\ud83d", 0, 1, "surrogates not allowed"), "record", False),
    ],
)
def test_each_database_error_is_classified_transient_or_permanent(make, kind, transient) -> None:  # type: ignore[no-untyped-def]
    fault = classify(make())
    assert (fault.kind, fault.transient) == (kind, transient)
    assert "boom" not in fault.problem  # the driver's text is never passed on


# -- read-only ledgers ----------------------------------------------------------------------------


def test_a_read_only_sqlite_ledger_is_read_and_a_write_is_refused_at_once(filled: Path) -> None:
    url = f"sqlite:///file:{filled}?mode=ro&uri=true"
    with Ledger(url) as ledger:
        assert [a.id for a in ledger.articles()] == ["follow-up-lviv", "seed-0"]
        assert ledger.get_record("seed-0") == canary_record(0)
        with injected(ledger.engine, Injector("sqlite")) as counter, pytest.raises(LedgerFault) as caught:
            ledger.flag("Pavel Kulazhanka", reason="false timeline")
        assert caught.value.kind == "read_only" and str(caught.value) == f"{url}: ledger is read-only"
        calls_one_try = counter.calls
        with injected(ledger.engine, Injector("sqlite")) as counter, pytest.raises(LedgerFault):
            ledger.write_records([canary_record(1)])
        assert counter.calls <= calls_one_try + 12  # one try: reads, the refused write, no retries
    assert_ours(str(caught.value), url)


def test_a_read_only_ledger_that_needs_migrating_says_so(tmp_path: Path) -> None:
    older = Migrations(steps=LEDGER_MIGRATIONS.steps[:-1])
    path = tmp_path / "old.db"
    Ledger(str(path), migrations=older).close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with pytest.raises(LedgerFault, match="ledger is read-only, and it needs migrating"):
        Ledger(url)


def _can_mount_read_only(folder: Path) -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def test_a_ledger_on_a_read_only_mount_is_read_and_a_write_is_one_line(filled: Path) -> None:
    folder = filled.parent
    if not _can_mount_read_only(folder):
        pytest.skip("needs `unshare -m` and mount (root in a private mount namespace) for a read-only mount")
    cli = f"{sys.executable} -m ontherecord --db {filled}"
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && touch {folder}/probe "
        f"2>/dev/null; echo touched=$?; {cli} articles --format json; echo rc=$?; "
        f"{cli} flag 'Pavel Kulazhanka' --reason 'false timeline'; echo rc=$?"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    out = done.stdout
    assert "touched=1" in out  # the mount really refuses writes, root or not
    assert '"seed-0"' in out and "rc=0" in out
    assert out.rstrip().endswith("rc=1")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: {filled}: ledger is read-only"]
    assert not (folder / "probe").exists()


def test_a_read_only_postgresql_ledger_is_read_and_a_write_is_refused(tmp_path: Path) -> None:
    from ledger.ledger_builders import pg_url

    url = pg_url()
    if url is None:
        pytest.skip("needs ONTHERECORD_TEST_PG_URL (run under scripts/test_services.py)")
    url = open_fresh_ledger("postgresql", tmp_path)
    with Ledger(url) as ledger:
        ledger.write_records([canary_record(0)])
    sep = "&" if "?" in url else "?"
    read_only = f"{url}{sep}options=-c%20default_transaction_read_only%3Don"
    with Ledger(read_only) as ledger:
        assert [a.id for a in ledger.articles()] == ["seed-0"]
        with pytest.raises(LedgerFault) as caught:
            ledger.flag("Pavel Kulazhanka", reason="false timeline")
    assert caught.value.kind == "read_only"
    assert_ours(str(caught.value), ledger.shown)


# -- another process holds the write lock ---------------------------------------------------------


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_reads_go_on_while_another_process_holds_the_write_lock(filled: Path) -> None:
    # A 50 ms busy timeout and no retry window: any command that asked for the lock would fail.
    holder = _hold_write_lock(filled)
    try:
        url = f"sqlite:///{filled}?timeout=0.05"
        with Ledger(url) as ledger:
            assert [a.id for a in ledger.articles()] == ["follow-up-lviv", "seed-0"]
            assert ledger.has_version("seed-0", canary_record(0).article.content_hash)
            assert ledger.impact("Kulazhanka").articles
    finally:
        holder.close()


def test_a_write_waits_out_a_short_lock_and_reports_a_long_one(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "RETRY_WINDOW_S", 2.0)
    url = f"sqlite:///{filled}?timeout=0.1"
    with Ledger(url) as ledger:
        holder = _hold_write_lock(filled)
        releaser = threading.Timer(0.5, holder.rollback)
        releaser.start()
        try:
            ledger.flag("Pavel Kulazhanka", reason="false timeline")  # retried until the lock was let go
        finally:
            releaser.join(5)
            holder.close()
        holder = _hold_write_lock(filled)
        try:
            with pytest.raises(LedgerFault) as caught:
                ledger.write_records([canary_record(1)])
        finally:
            holder.close()
    assert caught.value.kind == "locked" and caught.value.transient
    assert "ledger is locked by another process (gave up after" in str(caught.value)
    assert_ours(str(caught.value), url)


# -- permanent errors at once, and in our words -----------------------------------------------------


@pytest.mark.parametrize("dialect", ledger_params())
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("disk_full", "disk full"),
        ("io", "I/O error on the ledger's storage"),
        ("read_only", "ledger is read-only"),
        ("corrupt", "ledger file is damaged"),
    ],
)
def test_a_permanent_error_is_reported_at_once_without_sql_or_text(
    dialect: str, kind: str, says: str, tmp_path: Path
) -> None:
    with Ledger(open_fresh_ledger(dialect, tmp_path)) as ledger:
        writes = Injector(dialect, at=1, kind=kind, times=10_000, only=is_bulk_write)
        with injected(ledger.engine, writes), pytest.raises(LedgerFault) as caught:
            ledger.write_records([canary_record(0)])
        assert writes.raised == 1  # not retried
        assert str(caught.value) == f"{ledger.shown}: {says}" or str(caught.value).startswith(
            f"{ledger.shown}: {says}"
        )
        assert_ours(str(caught.value), ledger.shown)
        assert ledger.articles() == []


@pytest.mark.parametrize("dialect", ledger_params())
def test_a_lock_is_retried_and_the_write_goes_through(dialect: str, tmp_path: Path) -> None:
    with Ledger(open_fresh_ledger(dialect, tmp_path)) as ledger:
        lock = Injector(dialect, at=1, kind="lock", times=3, only=is_bulk_write)
        with injected(ledger.engine, lock):
            ledger.write_records([canary_record(0)])
        assert lock.raised == 3
        assert [a.id for a in ledger.articles()] == ["seed-0"]


# -- batches: one bad Record, a full disk, a locked failures table ---------------------------------


@pytest.mark.parametrize("dialect", ledger_params())
def test_text_the_database_cannot_store_fails_that_article_alone(dialect: str, tmp_path: Path) -> None:
    nul = seed_record(SEED_TEXT + f"\n\nA NUL\x00 here. {CANARY}", article_id="with-nul")
    follow_up = follow_up_record()
    bad_title = dataclasses.replace(
        follow_up, article=dataclasses.replace(follow_up.article, title=f"{CANARY} \ud83d")
    )
    batch = [(canary_record(0), "a.txt"), (nul, "b.txt"), (bad_title, "c.jsonl:2"), (canary_record(1), "d.txt")]
    with Ledger(open_fresh_ledger(dialect, tmp_path)) as ledger:
        summary = IngestSummary()
        fail = failure_recorder(ledger, summary)
        write_batch(ledger, batch, summary, fail)
        failures = {f["origin"]: f["message"] for f in ledger.failures()}
        stored = [a.id for a in ledger.articles()]
    # SQLite stores a NUL as any other character; PostgreSQL's text cannot hold one.
    on_pg = dialect == "postgresql"
    assert set(failures) == {"c.jsonl:2", *(["b.txt"] if on_pg else [])}
    assert sorted(stored) == ["seed-0", "seed-1", *([] if on_pg else ["with-nul"])]
    assert failures["c.jsonl:2"].endswith("the text is not valid Unicode (a lone surrogate), which cannot be stored")
    if dialect == "postgresql":
        assert failures["b.txt"].endswith("the text holds a NUL character, which the database cannot store")
    for message in failures.values():
        assert_ours(message, ledger.shown)


def test_a_nearly_full_disk_stops_the_batch_and_leaves_no_false_write_failure(filled: Path) -> None:
    # The big inserts of a batch no longer fit but a one-row failure would: the old runner wrote a
    # "write failed" row for every article of the batch, which stayed after the disk was freed.
    with Ledger(str(filled)) as ledger:
        summary = IngestSummary()
        fail = failure_recorder(ledger, summary)
        full = Injector("sqlite", at=1, kind="disk_full", times=10_000, only=is_bulk_write)
        batch = [(canary_record(i), f"{i}.txt") for i in range(1, 4)]
        with injected(ledger.engine, full), pytest.raises(LedgerFault, match="disk full"):
            write_batch(ledger, batch, summary, fail)
        assert ledger.failures() == [] and summary.failed == 0
        write_batch(ledger, batch, summary, fail)  # the disk was freed: the same batch goes in
        assert summary.new == 3 and ledger.failures() == []


def test_a_lock_on_the_failures_table_never_takes_the_run_down(filled: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store, "RETRY_WINDOW_S", 0.05)

    def failure_insert(statement: str) -> bool:
        return statement.lstrip().upper().startswith("INSERT INTO FAILURES")

    with Ledger(str(filled)) as ledger:
        summary = IngestSummary()
        fail = failure_recorder(ledger, summary)
        lock = Injector("sqlite", at=1, kind="lock", times=10_000, only=failure_insert)
        with injected(ledger.engine, lock):
            fail(Failure("crawl.jsonl:3", "read", "line 3 is not JSON"))  # kept, not raised
            assert summary.unrecorded == 1
            write_batch(ledger, [(canary_record(5), "5.txt")], summary, fail)  # parsed work is stored
        assert summary.new == 1 and summary.failed == 1
        assert fail.flush() and summary.unrecorded == 0  # the lock is gone: the failure is recorded
        assert [f["origin"] for f in ledger.failures()] == ["crawl.jsonl:3"]


def test_ingest_reports_a_ledger_fault_with_what_was_stored(tmp_path: Path) -> None:
    from batch.archives import synthetic_articles, write_jsonl

    from ontherecord.batch.local import ingest_paths
    from ontherecord.settings import Settings

    archive = write_jsonl(tmp_path / "a.jsonl", synthetic_articles(3, seed=1, per_article=1))
    db = tmp_path / "ledger.db"
    with Ledger(str(db)) as ledger:
        full = Injector("sqlite", at=1, kind="disk_full", times=10_000, only=is_bulk_write)
        with injected(ledger.engine, full), pytest.raises(LedgerError) as caught:
            ingest_paths([archive], Settings(db=str(db)), progress=False, ledger=ledger)
        assert ledger.failures() == []
    message = str(caught.value)
    assert "disk full" in message and "0 article(s) of this run were stored" in message
    assert "run the same command again to resume" in message
