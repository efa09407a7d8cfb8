"""The ledger's writer stores the identity decisions it is handed; it makes none of its own."""

from __future__ import annotations

import pytest
from ledger.ledger_builders import follow_up_record, seed_record
from sqlalchemy import select

from ontherecord.archive import Ledger
from ontherecord.errors import LedgerError
from ontherecord.identity import identify
from ontherecord.ledger import repo, schema
from ontherecord.model.identity import Scope, SourceIdentity


def _sources_table(ledger: Ledger) -> list[tuple[str, str, str, str | None]]:
    so = schema.sources
    with ledger.engine.connect() as conn:
        q = select(so.c.id, so.c.key, so.c.scope, so.c.last_name).order_by(so.c.id)
        return [tuple(r) for r in conn.execute(q)]  # type: ignore[misc]


def test_the_facade_stores_the_rows_the_ledger_always_stored(ledger: Ledger) -> None:
    ledger.write_records([seed_record(), follow_up_record()])
    assert _sources_table(ledger) == [
        ("src-06274ca68598c376", "local:wapo-belarus-battalion:1:s-0bc609ed17", "local", None),
        ("src-34fdc6c84d1ce3a6", "local:wapo-belarus-battalion:1:s-4f01508297", "local", None),
        ("src-46f67fa987b9f292", "name:pavel latushko", "archive", "latushko"),
        ("src-63adcbb4bea4fd09", "name:vadim prokopiev", "archive", "prokopiev"),
        ("src-75918f61eb4b92db", "local:wapo-belarus-battalion:1:s-b0cf735141", "local", None),
        ("src-7db055534d24cca1", "local:follow-up-lviv:1:s-0850f58abd", "local", None),
        ("src-834c8083c32b2a4e", "name:pavel kulazhanka", "archive", "kulazhanka"),
        ("src-8630e8f8a4b7a9b2", "name:sviatlana tsikhanouskaya", "archive", "tsikhanouskaya"),
    ]


def test_repo_stores_the_keys_it_is_handed(ledger: Ledger) -> None:
    record = seed_record()
    # An editor's decision the rule would not make: the partial "Aleksandr" is a known person.
    decided = identify(record) | {"s-b0cf735141": SourceIdentity("s-b0cf735141", Scope.ARCHIVE, "name:aleksandr k")}
    with ledger.store.write() as conn:
        repo.write_records(conn, [record], None, [decided])
    stored = {key: (scope, last) for _, key, scope, last in _sources_table(ledger)}
    assert stored["name:aleksandr k"] == ("archive", "k")
    assert not any(key.endswith(":s-b0cf735141") for key in stored)


def test_a_source_without_an_identity_is_refused(ledger: Ledger) -> None:
    record = seed_record()
    decided = dict(identify(record))
    del decided["s-88b72c77d4"]
    with pytest.raises(LedgerError, match="no identity for source s-88b72c77d4"), ledger.store.write() as conn:
        repo.write_records(conn, [record], None, [decided])
    assert ledger.articles() == []
