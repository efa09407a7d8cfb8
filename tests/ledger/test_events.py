"""The audit log: one hash chain over every flag, that names the first entry tampered with behind its back."""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import sqlite3

import pytest
from ledger.ledger_builders import follow_up_record, open_fresh_ledger, pg_url, seed_record
from sqlalchemy import create_engine, insert, select, text

from ontherecord.archive import Ledger
from ontherecord.errors import LedgerError
from ontherecord.ledger import repo, schema
from ontherecord.ledger.engine import normalize_url
from ontherecord.ledger.events import GENESIS, append_event, entry_hash
from ontherecord.ledger.migrations import LEDGER_MIGRATIONS, Migrations

SOURCES = ("Kulazhanka", "Tsikhanouskaya")


def flagged(url: str, count: int = 5) -> str:
    """A ledger holding the two articles and ``count`` flags (flag n is event seq n)."""
    with Ledger(url) as ledger:
        ledger.write_records([seed_record(), follow_up_record()])
        for n in range(1, count + 1):
            status = "cleared" if n % 3 == 0 else "discredited"
            ledger.flag(SOURCES[n % 2], reason=f"reason {n}", status=status, author=f"editor {n}")
    return url


def tamper(url: str, *statements: str) -> None:
    """Run raw SQL on the ledger, as anyone with sqlite3 or psql could, in one transaction."""
    if "://" not in url:
        conn = sqlite3.connect(url)
        with conn:
            for sql in statements:
                conn.execute(sql)
        conn.close()
        return
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    engine.dispose()


def verify(url: str, anchor: str | None = None):  # type: ignore[no-untyped-def]
    with Ledger(url, create=False) as ledger:
        return ledger.verify_events(anchor=anchor)


def test_an_untouched_chain_verifies(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        empty = ledger.verify_events()
    assert (empty.intact, empty.events, empty.head_seq, empty.head_hash) == (True, 0, 0, GENESIS)
    check = verify(flagged(ledger_url))
    assert check.intact and check.problem is None
    assert (check.events, check.head_seq) == (5, 5)


def test_many_flags_chain_in_order_with_the_documented_hash(ledger_url: str) -> None:
    flagged(ledger_url, count=120)
    with Ledger(ledger_url) as ledger:
        found = ledger.events()
        check = ledger.verify_events()
        history = ledger.source("Kulazhanka").flags
    assert [e.seq for e in found] == list(range(1, 121))
    assert found[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(found):
        assert after.prev_hash == before.hash
    for e in found:
        # docs/ledger.md's recipe, independent of events.py: anyone can recheck the chain with it.
        body = {k: v for k, v in e.to_dict().items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")
        assert hashlib.sha256(canonical).hexdigest() == e.hash == entry_hash(body)
    assert check.intact and check.events == 120 and check.head_hash == found[-1].hash
    # Each flag's event says what the flag says.
    flag = history[-1]
    event = next(e for e in found if e.detail["flag_id"] == flag.id)
    assert (event.action, event.subject_kind, event.subject_id, event.actor, event.at) == (
        "flag",
        "source",
        flag.source_id,
        flag.author,
        flag.created_at,
    )
    assert event.detail == {
        "flag_id": flag.id,
        "source_name": "Pavel Kulazhanka",
        "status": flag.status,
        "reason": flag.reason,
    }
    assert event.fields == ("status", "reason")


# Each row: raw SQL run behind the ledger's back, and what `audit verify` must say first.
TAMPERING = [
    pytest.param(
        ["UPDATE audit_log SET detail = replace(detail, 'reason 3', 'reason three') WHERE seq = 3"],
        "edited",
        "seq 3: edited",
        id="edit-detail",
    ),
    pytest.param(
        ["UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"],
        "edited",
        "seq 2: edited",
        id="edit-actor",
    ),
    pytest.param(
        ["UPDATE audit_log SET detail = '{oops' WHERE seq = 4"],
        "edited",
        "seq 4: edited",
        id="detail-not-json",
    ),
    pytest.param(["DELETE FROM audit_log WHERE seq = 3"], "deleted", "seq 3: deleted", id="delete-middle"),
    pytest.param(["DELETE FROM audit_log WHERE seq = 1"], "deleted", "seq 1: deleted", id="delete-first"),
    pytest.param(
        ["DELETE FROM audit_log WHERE seq IN (2, 3)"], "deleted", "seq 2–3: deleted", id="delete-two"
    ),
    pytest.param(
        ["DELETE FROM audit_log WHERE seq = 5"], "flag_unrecorded", "flag 5: has no event", id="delete-last"
    ),
    pytest.param(
        [
            "UPDATE audit_log SET seq = -1 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = -1",
        ],
        "reordered",
        "seq 2: reordered (this entry was written as seq 3)",
        id="swap-seq",
    ),
    pytest.param(
        [
            "DELETE FROM audit_log WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = 5",
        ],
        "reordered",
        "seq 3: reordered (this entry was written as seq 4)",
        id="delete-and-renumber",
    ),
    pytest.param(
        ["UPDATE flags SET reason = 'a kinder reason' WHERE id = 2"],
        "flag_edited",
        "seq 2: flag 2 no longer matches its event (reason changed)",
        id="edit-flag-reason",
    ),
    pytest.param(
        ["UPDATE flags SET status = 'cleared', author = NULL WHERE id = 4"],
        "flag_edited",
        "seq 4: flag 4 no longer matches its event (status, author changed)",
        id="edit-flag-status",
    ),
    pytest.param(
        ["DELETE FROM flags WHERE id = 2"], "flag_deleted", "seq 2: flag 2 was deleted", id="delete-flag"
    ),
    pytest.param(
        [
            (
                "INSERT INTO flags (source_id, status, reason, author, created_at) "
                "SELECT source_id, 'cleared', 'never happened', NULL, created_at FROM flags WHERE id = 1"
            )
        ],
        "flag_unrecorded",
        "flag 6: has no event",
        id="insert-flag",
    ),
]


@pytest.mark.parametrize(("statements", "kind", "message"), TAMPERING)
def test_tampering_is_named(ledger_url: str, statements: list[str], kind: str, message: str) -> None:
    flagged(ledger_url)
    tamper(ledger_url, *statements)
    check = verify(ledger_url)
    assert not check.intact
    assert check.problem is not None
    assert check.problem.kind == kind
    assert check.problem.message.startswith(message), check.problem.message


def _rehash(url: str, seq: int, **changes: str) -> None:
    """Rewrite one entry and recompute its own hash, as a careful forger would."""
    with Ledger(url) as ledger, ledger.engine.connect() as conn:
        row = dict(
            conn.execute(select(schema.audit_log).where(schema.audit_log.c.seq == seq)).mappings().one()
        )
    decoded = row | {"fields": json.loads(row["fields"]), "detail": json.loads(row["detail"])} | changes
    sets = ", ".join(f"{k} = '{v}'" for k, v in changes.items())
    tamper(url, f"UPDATE audit_log SET {sets}, hash = '{entry_hash(decoded)}' WHERE seq = {seq}")


def test_an_entry_rewritten_with_its_hash_recomputed_is_still_named(ledger_url: str) -> None:
    flagged(ledger_url)
    with Ledger(ledger_url) as ledger:
        with ledger._write() as conn:
            append_event(conn, "test.note", actor="tester", detail={"note": "not a flag"})
        ledger.flag("Kulazhanka", reason="after the note")
    # A flag's event rewritten: the flag row no longer matches it.
    _rehash(ledger_url, 3, actor="forger")
    problem = verify(ledger_url).problem
    assert problem is not None
    assert problem.message == "seq 3: flag 3 no longer matches its event (author changed)"
    # An event no row vouches for, rewritten: the next entry's link to it is broken.
    _rehash(ledger_url, 6, actor="forger")
    tamper(ledger_url, "UPDATE audit_log SET actor = 'editor 3' WHERE seq = 3")
    problem = verify(ledger_url).problem
    assert problem is not None and problem.message.startswith("seq 3: edited")
    _rehash(ledger_url, 3, actor="editor 3")
    problem = verify(ledger_url).problem
    assert problem is not None and problem.kind == "deleted"
    assert problem.message.startswith("seq 7: not chained to seq 6")


def test_a_deleted_tail_without_a_flag_needs_the_anchor(ledger_url: str) -> None:
    # An event no flag vouches for (a later issue's dossier read, say): deleting it from the end
    # leaves a consistent chain, which only a head hash kept elsewhere shows.
    flagged(ledger_url, count=2)
    with Ledger(ledger_url) as ledger:
        with ledger._write() as conn:
            append_event(
                conn, "test.note", actor="tester", subject_kind="source", subject_id="x", fields=("notes",)
            )
        anchor = ledger.verify_events().head_hash
    assert verify(ledger_url, anchor=anchor).intact
    tamper(ledger_url, "DELETE FROM audit_log WHERE seq = 3")
    assert verify(ledger_url).intact
    problem = verify(ledger_url, anchor=anchor).problem
    assert problem is not None and problem.kind == "anchor" and anchor in problem.message


def test_an_event_and_its_write_commit_together(ledger_url: str) -> None:
    flagged(ledger_url, count=1)
    with Ledger(ledger_url) as ledger:
        source = ledger.source("Kulazhanka").source
        with pytest.raises(RuntimeError), ledger._write() as conn:
            repo.add_flag(conn, source.id, source.name, status="disputed", reason="rolled back", author=None)
            raise RuntimeError("the write fails after the flag")
        assert ledger.counts()["flags"] == 1
        assert len(ledger.events()) == 1 and ledger.verify_events().intact


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "Flag!"}, "not an event action"),
        ({"action": "dossier.read", "detail": {"key": object()}}, "plain JSON data"),
        ({"action": "dossier.read", "fields": ("",)}, "field names"),
    ],
)
def test_malformed_events_are_refused(kwargs: dict[str, object], message: str) -> None:
    with Ledger(":memory:") as ledger, ledger._write() as conn, pytest.raises(LedgerError, match=message):
        append_event(conn, actor=None, **kwargs)  # type: ignore[arg-type]


def test_a_ledger_from_before_the_event_log_is_upgraded_with_every_flag_chained(ledger_url: str) -> None:
    previous = Migrations([step for step in LEDGER_MIGRATIONS.steps if step[0] != "0003_audit_log"])
    with Ledger(ledger_url, migrations=previous) as old:
        old.write_records([seed_record(), follow_up_record()])
        ids = {name: old.source(name).source.id for name in SOURCES}
        with old._write() as conn:
            assert not conn.dialect.has_table(conn, "audit_log")
            # Flags as the previous release stored them: rows only.
            for n in range(1, 5):
                conn.execute(
                    insert(schema.flags).values(
                        source_id=ids[SOURCES[n % 2]],
                        status="disputed",
                        reason=f"old reason {n}",
                        author=None if n == 2 else "desk",
                        created_at=f"2026-01-0{n}T10:00:00.000000+00:00",
                    )
                )
        before = {name: old.source(name).flags for name in SOURCES}
    with Ledger(ledger_url) as ledger:
        check = ledger.verify_events()
        found = ledger.events()
        after = {name: ledger.source(name).flags for name in SOURCES}
        ledger.flag("Kulazhanka", reason="a new flag", author="desk")
        assert ledger.verify_events().events == 5
    assert after == before  # nothing lost or changed
    assert check.intact and check.events == 4
    assert [(e.seq, e.detail["flag_id"], e.at) for e in found] == [
        (n, n, f"2026-01-0{n}T10:00:00.000000+00:00") for n in range(1, 5)
    ]
    assert all(e.detail["backfilled"] is True for e in found)
    assert found[1].actor is None and found[0].detail["reason"] == "old reason 1"


def test_a_sqlite_export_keeps_a_verifiable_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = flagged(str(tmp_path / "ledger.db"), count=3)
    with Ledger(url) as ledger:
        ledger.copy_to_sqlite(tmp_path / "copy.db")
        head = ledger.verify_events().head_hash
    assert verify(str(tmp_path / "copy.db"), anchor=head).intact


def _flag_many(url: str, which: int, rounds: int, start) -> None:  # type: ignore[no-untyped-def]
    # Module level, so the "spawn" start method can run it in a fresh process.
    from ontherecord.archive import Ledger

    start.wait(60)
    with Ledger(url) as ledger:
        for n in range(rounds):
            ledger.flag(SOURCES[which], reason=f"process {which}, flag {n}", status="disputed")


def _flag_concurrently(url: str, rounds: int) -> None:
    flagged(url, count=0)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [ctx.Process(target=_flag_many, args=(url, i, rounds, start)) for i in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger(url) as ledger:
        check = ledger.verify_events()
        assert ledger.counts()["flags"] == 2 * rounds
        assert [e.seq for e in ledger.events()] == list(range(1, 2 * rounds + 1))
    assert check.intact and check.events == 2 * rounds


@pytest.mark.postgres
@pytest.mark.skipif(
    pg_url() is None, reason="concurrent flagging is tested on PostgreSQL (ONTHERECORD_TEST_PG_URL)"
)
def test_concurrent_flaggers_on_postgresql_never_fork_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _flag_concurrently(open_fresh_ledger("postgresql", tmp_path), rounds=25)


def test_concurrent_flaggers_on_one_sqlite_file_never_fork_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _flag_concurrently(str(tmp_path / "shared.db"), rounds=10)
