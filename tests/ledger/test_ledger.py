"""The ledger on real Records: round trips, versions, idempotency, flags, refusal of foreign databases."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.ledger_builders import SEED_TEXT, follow_up_record, records, seed_record
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, delete, insert, select, update

from ontherecord.archive import Ledger
from ontherecord.errors import LedgerError, NotFoundError
from ontherecord.ledger import WriteResult, schema
from ontherecord.ledger.engine import sqlite_settings


def test_seed_record_round_trips_exactly(ledger: Ledger) -> None:
    record = seed_record()
    assert ledger.write_record(record, origin="seed.txt") == WriteResult(record.article.id, 1, "new")
    assert ledger.get_record(record.article.id) == record
    assert ledger.integrity_problems() == []


_examples = itertools.count()
_shared_ledger = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_shared_ledger
@given(record=records())
def test_any_valid_record_round_trips(ledger: Ledger, record) -> None:  # type: ignore[no-untyped-def]
    # The ledger outlives the examples: a fresh id keeps each example's round trip its own.
    record = replace(record, article=replace(record.article, id=f"{record.article.id}#{next(_examples)}"))
    result = ledger.write_record(record)
    assert result.status == "new"
    assert ledger.get_record(record.article.id) == record
    # Writing it again is a no-op that points at the same version.
    assert ledger.write_record(record) == replace(result, status="unchanged")


@_shared_ledger
@given(batch=st.lists(records(), min_size=1, max_size=4))
def test_versions_follow_distinct_texts(ledger: Ledger, batch) -> None:  # type: ignore[no-untyped-def]
    article_id = f"versioned#{next(_examples)}"
    batch = [replace(r, article=replace(r.article, id=article_id)) for r in batch]
    results = ledger.write_records(batch)
    first_with_text = {}
    for record, result in zip(batch, results, strict=True):
        first_with_text.setdefault(record.article.text, (record, result.version))
    assert ledger.versions(article_id) == list(range(1, len(first_with_text) + 1))
    for record, version in first_with_text.values():
        assert ledger.get_record(article_id, version) == record
    assert [r.status for r in results].count("unchanged") == len(batch) - len(first_with_text)


def test_records_from_the_shared_model_strategy_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from strategies import records as model_records

    with Ledger(str(tmp_path / "model.db")) as ledger:

        @settings(max_examples=25, deadline=None)
        @given(record=model_records())
        def round_trip(record) -> None:  # type: ignore[no-untyped-def]
            record = replace(
                record, article=replace(record.article, id=f"{record.article.id}#{next(_examples)}")
            )
            ledger.write_record(record)
            assert ledger.get_record(record.article.id) == record

        round_trip()


def test_writing_the_same_record_twice_changes_nothing(ledger: Ledger) -> None:
    record = seed_record()
    ledger.write_records([record, follow_up_record()])
    before = ledger.counts()
    assert [r.status for r in ledger.write_records([record, follow_up_record()])] == ["unchanged"] * 2
    assert ledger.counts() == before
    assert before["articles"] == 2 and before["versions"] == 2


def test_new_text_adds_a_version_and_keeps_the_old_one(ledger: Ledger) -> None:
    v1 = seed_record()
    edited = SEED_TEXT.replace(
        "He left the country in 2011 and landed in New York City, where he became a mixed martial arts fighter. ",
        "",
    )
    v2 = seed_record(text=edited)
    assert ledger.write_record(v1).status == "new"
    assert ledger.write_record(v2) == WriteResult(v1.article.id, 2, "new_version")
    assert ledger.get_record(v1.article.id, 1) == v1
    assert ledger.get_record(v1.article.id) == v2
    assert ledger.get_record(v1.article.id, 2) == v2
    # Re-writing the first text is recognised as the stored version 1, not a third version.
    assert ledger.write_record(v1) == WriteResult(v1.article.id, 1, "unchanged")
    assert ledger.articles()[0].versions == 2
    assert ledger.has_version(v1.article.id, v1.article.content_hash)
    assert ledger.has_version(v1.article.id, v2.article.content_hash)
    assert not ledger.has_version(v1.article.id, hashlib.sha256(b"other").hexdigest())
    assert ledger.integrity_problems() == []


def test_a_batch_is_atomic(ledger: Ledger) -> None:
    good = seed_record()
    broken = follow_up_record()
    # A sentence resting on a source the Record does not hold: the whole batch is refused.
    bad_sentence = replace(
        broken.sentences[0], rests_on=(replace(broken.sentences[0].rests_on[0], source_id="s-nobody"),)
    )
    broken = replace(broken, sentences=(bad_sentence, *broken.sentences[1:]))
    with pytest.raises(LedgerError, match="unknown source s-nobody"):
        ledger.write_records([good, broken])
    assert ledger.counts()["articles"] == 0


def test_spans_outside_the_text_are_refused(ledger: Ledger) -> None:
    record = seed_record()
    short = replace(record, article=replace(record.article, text=record.article.text[:100], content_hash=""))
    with pytest.raises(LedgerError, match="outside the text"):
        ledger.write_record(short)


def test_a_stale_content_hash_is_refused(ledger: Ledger) -> None:
    record = follow_up_record()
    stale = replace(record, article=replace(record.article, text=record.article.text + " Edited."))
    assert stale.article.content_hash == record.article.content_hash
    with pytest.raises(LedgerError, match="content_hash is not the sha256"):
        ledger.write_record(stale)


def test_named_sources_are_canonical_across_articles_and_unnamed_stay_local(ledger: Ledger) -> None:
    ledger.write_records([seed_record(), follow_up_record()])
    by_name = {s.name: s for s in ledger.sources()}
    # "Pável Kulazhanka" in the second article is the same person as "Pavel Kulazhanka".
    kul = by_name["Pavel Kulazhanka"]
    assert "Pável Kulazhanka" not in by_name
    assert (kul.articles, kul.attributions, kul.identification) == (2, 4, "named")
    assert by_name["Vadim Prokopiev"].articles == 1
    assert by_name["Aleksandr"].identification == "partial"
    # A collective source is not merged with anything else and lists one article.
    assert by_name["other recruits"].articles == 1
    ids = [s.id for s in ledger.sources()]
    assert len(ids) == len(set(ids))


def test_flags_are_events_and_the_latest_is_the_status(ledger: Ledger) -> None:
    ledger.write_records([seed_record(), follow_up_record()])
    first = ledger.flag(
        "Kulazhanka", reason="his account of the protests could not be verified", author="standards desk"
    )
    assert (first.source_name, first.status) == ("Pavel Kulazhanka", "discredited")
    second = ledger.flag(
        "Pavel Kulazhanka", reason="new documents support him", status="cleared", author="ed"
    )
    assert second.id > first.id
    status = {s.name: s.status for s in ledger.sources()}
    assert status["Pavel Kulazhanka"] == "cleared"
    assert status["Vadim Prokopiev"] is None
    history = ledger.source("Kulazhanka").flags
    assert [(f.status, f.reason) for f in history] == [
        ("discredited", "his account of the protests could not be verified"),
        ("cleared", "new documents support him"),
    ]
    assert ledger.counts()["flags"] == 2
    with pytest.raises(LedgerError, match="unknown flag status"):
        ledger.flag("Kulazhanka", reason="x", status="retracted")
    with pytest.raises(LedgerError, match="needs a reason"):
        ledger.flag("Kulazhanka", reason="  ")
    with pytest.raises(NotFoundError):
        ledger.flag("Nobody Known", reason="x")


def test_failures_are_recorded_in_order(ledger: Ledger) -> None:
    ledger.record_failure("a.html", "clean", "no article body")
    ledger.record_failure("b.warc:3", "parse", "too long")
    assert [(f["origin"], f["stage"], f["message"]) for f in ledger.failures()] == [
        ("a.html", "clean", "no article body"),
        ("b.warc:3", "parse", "too long"),
    ]
    assert ledger.counts()["failures"] == 2


def test_unknown_article_and_version(ledger: Ledger) -> None:
    ledger.write_record(seed_record())
    with pytest.raises(NotFoundError, match="no article"):
        ledger.get_record("nope")
    with pytest.raises(NotFoundError, match="has no version 7"):
        ledger.get_record("wapo-belarus-battalion", 7)


def test_integrity_detects_a_tampered_span(ledger: Ledger) -> None:
    ledger.write_record(seed_record())
    assert ledger.integrity_problems() == []
    # Someone edits a stored span's offsets behind the ledger's back.
    with ledger.engine.begin() as conn:
        conn.execute(
            update(schema.spans)
            .where(schema.spans.c.role == "cue", schema.spans.c.text == "has reiterated")
            .values(start_char=schema.spans.c.start_char + 1, end_char=schema.spans.c.end_char + 1)
        )
    problems = ledger.integrity_problems()
    assert len(problems) == 1
    assert "spans" in problems[0] and "does not match the article text" in problems[0]


def test_integrity_detects_an_edited_article_text(ledger: Ledger) -> None:
    ledger.write_record(follow_up_record())
    assert ledger.integrity_problems() == []
    edited = follow_up_record().article.text.replace("LVIV", "KYIV")
    with ledger.engine.begin() as conn:
        conn.execute(update(schema.article_versions).values(text=edited))
    problems = ledger.integrity_problems()
    assert "article follow-up-lviv v1: text does not match its content hash" in problems
    # The sentence that held "LVIV" no longer matches its stored text either.
    assert any(p.startswith("sentences: sentence follow-up-lviv/1/0 [0,") for p in problems)


def test_integrity_detects_a_version_gap(ledger: Ledger) -> None:
    for i in range(3):
        ledger.write_record(seed_record(text=SEED_TEXT + "\n" * i))
    assert ledger.integrity_problems() == []
    # Version 2 disappears (children first, as the foreign keys demand).
    with ledger.engine.begin() as conn:
        for table in (*schema.VERSION_TABLES, schema.article_versions):
            conn.execute(delete(table).where(table.c.version == 2))
    problems = ledger.integrity_problems()
    assert problems == ["article wapo-belarus-battalion: version gap (versions 1..3, 2 rows)"]


def test_reopening_keeps_everything(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ledger.db"
    with Ledger(str(path)) as ledger:
        ledger.write_record(seed_record())
    with Ledger(str(path), create=False) as again:
        assert again.get_record("wapo-belarus-battalion") == seed_record()


def test_missing_ledger_is_not_created_when_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "absent.db"
    with pytest.raises(LedgerError, match="no ledger there"):
        Ledger(str(path), create=False)
    assert not path.exists()


def _foreign_sqlite(path) -> None:  # type: ignore[no-untyped-def]
    md = MetaData()
    customers = Table("customers", md, Column("id", Integer, primary_key=True))
    engine = create_engine(f"sqlite:///{path}")
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(customers).values(id=1))
    engine.dispose()


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.db"
    _foreign_sqlite(path)
    before = path.read_bytes()
    with pytest.raises(LedgerError, match=r"not an ontherecord ledger \(it has tables customers\)"):
        Ledger(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.db"
    path.write_bytes(SEED_TEXT.encode("utf-8"))
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="not an ontherecord ledger"):
        Ledger(str(path))
    assert path.read_bytes() == before


def test_sqlite_is_in_wal_mode_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ledger.db"
    with Ledger(str(path)) as ledger:
        found = sqlite_settings(ledger.engine)
    assert found["journal_mode"] == "wal"
    assert found["foreign_keys"] == 1
    assert found["busy_timeout"] >= 1000


def test_memory_ledger(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Ledger(":memory:") as ledger:
        ledger.write_record(follow_up_record())
        assert ledger.get_record("follow-up-lviv") == follow_up_record()


def test_a_foreign_database_is_refused_on_either_dialect(ledger_url: str) -> None:
    from ontherecord.ledger.engine import normalize_url

    md = MetaData()
    invoices = Table("invoices", md, Column("id", Integer, primary_key=True))
    engine = create_engine(normalize_url(ledger_url))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(invoices).values(id=7))
    try:
        with pytest.raises(LedgerError, match=r"not an ontherecord ledger \(it has tables invoices\)"):
            Ledger(ledger_url)
        with engine.connect() as conn:
            assert conn.execute(select(invoices.c.id)).scalars().all() == [7]
            assert not engine.dialect.has_table(conn, "articles")
    finally:
        engine.dispose()


def test_an_empty_database_is_not_a_ledger_when_not_creating(ledger_url: str) -> None:
    with pytest.raises(LedgerError, match="no ledger there"):
        Ledger(ledger_url, create=False)
