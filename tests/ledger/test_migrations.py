"""Migrations on both dialects, and concurrent writers that must not create duplicate versions."""

from __future__ import annotations

import multiprocessing

import pytest
from ledger.ledger_builders import follow_up_record, ledger_params, open_fresh_ledger, pg_url, seed_record
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from ontherecord.archive import Ledger
from ontherecord.errors import LedgerError
from ontherecord.ledger import schema
from ontherecord.ledger.migrations import LEDGER_MIGRATIONS, Migrations


def test_a_new_ledger_records_every_migration_once(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger, ledger.engine.connect() as conn:
        assert LEDGER_MIGRATIONS.applied(conn) == [name for name, _ in LEDGER_MIGRATIONS.steps]
        assert LEDGER_MIGRATIONS.pending(conn) == []
        mark = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())
    assert mark == {"application": "ontherecord", "schema_version": str(len(LEDGER_MIGRATIONS.steps))}
    # Opening again applies nothing and keeps the data.
    with Ledger(ledger_url) as ledger:
        ledger.write_record(seed_record())
    with Ledger(ledger_url, create=False) as ledger:
        assert ledger.counts()["articles"] == 1


@pytest.fixture(params=ledger_params())
def url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    return open_fresh_ledger(request.param, tmp_path)


def _extended() -> tuple[Migrations, Table]:
    """The shipped migrations plus a later one, as a future release would add it."""
    later = Migrations(list(LEDGER_MIGRATIONS.steps))
    reviews = Table(
        "reviews_test",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("note", Text),
    )

    @later("9001_reviews_test")
    def _add_reviews(conn) -> None:  # type: ignore[no-untyped-def]
        reviews.create(conn)
        conn.execute(insert(reviews).values(id=1, note="added by the migration"))

    return later, reviews


def test_a_later_migration_is_applied_in_order_and_recorded(url: str) -> None:
    with Ledger(url) as ledger:
        ledger.write_record(follow_up_record())
    later, reviews = _extended()
    with Ledger(url, migrations=later) as ledger:
        with ledger.engine.connect() as conn:
            assert later.applied(conn)[-1] == "9001_reviews_test"
            assert conn.execute(select(reviews.c.note)).scalar() == "added by the migration"
            version = conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
            ).scalar()
        assert version == str(len(later.steps))
        assert ledger.get_record("follow-up-lviv") == follow_up_record()
    # Opening it again runs nothing twice (the insert above would fail on its primary key).
    with Ledger(url, migrations=later):
        pass
    # An older ontherecord, which knows only the shipped migrations, refuses the newer ledger.
    with pytest.raises(LedgerError, match="newer ontherecord.*9001_reviews_test"):
        Ledger(url)


def _write_batch(url: str, which: int, rounds: int, start) -> None:  # type: ignore[no-untyped-def]
    # A module-level function, so the "spawn" start method can run it in a fresh process.
    from ontherecord.archive import Ledger

    start.wait(60)  # both processes have imported everything: now they really race
    edited = seed_record(text=seed_record().article.text + "\nUpdated.")
    batches = [[seed_record(), follow_up_record()], [follow_up_record(), edited, seed_record()]]
    with Ledger(url) as ledger:
        for _ in range(rounds):
            ledger.write_records(batches[which])


@pytest.mark.postgres
@pytest.mark.skipif(
    pg_url() is None, reason="concurrent writers are tested on PostgreSQL (ONTHERECORD_TEST_PG_URL)"
)
def test_concurrent_writers_never_duplicate_a_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # An empty database: the two writers race on creating the ledger as well as on its rows.
    url = open_fresh_ledger("postgresql", tmp_path)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [ctx.Process(target=_write_batch, args=(url, i, 10, start)) for i in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger(url) as ledger:
        assert ledger.counts()["versions"] == 3  # the seed's two texts, the follow-up's one
        assert ledger.versions("wapo-belarus-battalion") == [1, 2]
        assert ledger.integrity_problems() == []
        # Whichever writer named him first, both spellings are one source across both articles.
        assert len(ledger.source("Kulazhanka").articles) == 2


def test_concurrent_writers_on_one_sqlite_file_queue_instead_of_failing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = str(tmp_path / "shared.db")
    Ledger(url).close()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [ctx.Process(target=_write_batch, args=(url, i, 3, start)) for i in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger(url) as ledger:
        assert ledger.counts()["versions"] == 3
        assert ledger.integrity_problems() == []
