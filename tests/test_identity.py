"""The identity rule: which of a Record's sources are one canonical source across the archive."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ledger.ledger_builders import follow_up_record, seed_record

from ontherecord.identity import identify, identify_source
from ontherecord.ledger.repo import canonical_id
from ontherecord.model import Descriptors, Identification, Source, SourceKind
from ontherecord.model.identity import Scope, SourceIdentity


def _source(
    name: str,
    kind: SourceKind = SourceKind.PERSON,
    identification: Identification = Identification.NAMED,
    *,
    protected: bool = False,
) -> Source:
    return Source("s-1", name, kind, identification, (), Descriptors(), protected)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pavel Kulazhanka", "Pável Kulazhanka"),
        ("Pavel Kulazhanka", "PAVEL KULAZHANKA"),
        ("Sen. Jane Doe", "Jane Doe"),
        ("Sviatlana Tsikhanouskaya", "Sviatlana Tsikhanouskaya’s"),
    ],
)
def test_the_same_full_name_is_one_archive_key(a: str, b: str) -> None:
    first, second = identify_source(_source(a)), identify_source(_source(b))
    assert first.scope == second.scope == Scope.ARCHIVE
    assert first.key == second.key


def test_different_full_names_are_different_keys() -> None:
    assert identify_source(_source("Pavel Kulazhanka")).key != identify_source(_source("Pavel Latushko")).key


def test_a_named_organisation_is_archive_wide() -> None:
    decided = identify_source(_source("Freedom House", SourceKind.ORGANIZATION))
    assert (decided.scope, decided.key) == (Scope.ARCHIVE, "name:freedom house")


@pytest.mark.parametrize(
    "source",
    [
        _source("Aleksandr", identification=Identification.PARTIAL),
        # The resolver protects only partial or anonymous sources, which stay local for that reason.
        _source("Aleksandr", identification=Identification.PARTIAL, protected=True),
        _source("a source familiar with the situation", SourceKind.UNNAMED, Identification.ANONYMOUS, protected=True),
        _source("other recruits", SourceKind.GROUP, Identification.COLLECTIVE),
        _source("Ukraine’s military", SourceKind.ORGANIZATION, Identification.COLLECTIVE),
        # A named group is not a person: two articles' "the Kalinouski Regiment fighters" need not match.
        _source("Kalinouski Regiment", SourceKind.GROUP, Identification.NAMED),
        # A name that folds to nothing has no key to share.
        _source("—"),
    ],
    ids=["partial", "protected-partial", "anonymous", "collective", "collective-org", "named-group", "no-key"],
)
def test_everyone_else_stays_local(source: Source) -> None:
    assert identify_source(source) == SourceIdentity(source.id, Scope.LOCAL)


def test_identify_decides_every_source_of_a_record_in_order() -> None:
    record = seed_record()
    decided = identify(record)
    assert list(decided) == [s.id for s in record.sources]
    assert all(d.source_id == sid for sid, d in decided.items())


def test_a_local_key_belongs_to_one_article_version() -> None:
    local = SourceIdentity("s-1", Scope.LOCAL)
    assert local.canonical_key("story", 1) == "local:story:1:s-1"
    assert local.canonical_key("story", 2) != local.canonical_key("story", 1)
    assert local.last_name is None
    named = identify_source(_source("Pavel Kulazhanka"))
    assert named.canonical_key("story", 1) == named.canonical_key("other", 7) == "name:pavel kulazhanka"
    assert named.last_name == "kulazhanka"


def test_an_archive_identity_needs_a_key_and_a_local_one_has_none() -> None:
    with pytest.raises(ValueError):
        SourceIdentity("s-1", Scope.ARCHIVE)
    with pytest.raises(ValueError):
        SourceIdentity("s-1", Scope.LOCAL, "name:someone")


# What the rule gave when it lived in ledger/repo.py: the canonical ids must not move.
_PINNED = [
    ("wapo-belarus-battalion", "s-7223a97335", "name:pavel kulazhanka", "src-834c8083c32b2a4e"),
    ("wapo-belarus-battalion", "s-0bc609ed17", "local:wapo-belarus-battalion:1:s-0bc609ed17", "src-06274ca68598c376"),
    ("wapo-belarus-battalion", "s-88b72c77d4", "name:vadim prokopiev", "src-63adcbb4bea4fd09"),
    ("wapo-belarus-battalion", "s-b0cf735141", "local:wapo-belarus-battalion:1:s-b0cf735141", "src-75918f61eb4b92db"),
    ("wapo-belarus-battalion", "s-5e5e04c3c2", "name:pavel latushko", "src-46f67fa987b9f292"),
    ("wapo-belarus-battalion", "s-4f01508297", "local:wapo-belarus-battalion:1:s-4f01508297", "src-34fdc6c84d1ce3a6"),
    ("follow-up-lviv", "s-cf56caee71", "name:pavel kulazhanka", "src-834c8083c32b2a4e"),
    ("follow-up-lviv", "s-cf7015f675", "name:sviatlana tsikhanouskaya", "src-8630e8f8a4b7a9b2"),
    ("follow-up-lviv", "s-0850f58abd", "local:follow-up-lviv:1:s-0850f58abd", "src-7db055534d24cca1"),
]


def test_canonical_keys_and_ids_are_those_the_ledger_always_gave() -> None:
    got = []
    for record in (seed_record(), follow_up_record()):
        for sid, decided in identify(record).items():
            key = decided.canonical_key(record.article.id, 1)
            got.append((record.article.id, sid, key, canonical_id(key)))
    assert got == _PINNED


def test_the_rule_reads_the_name_not_the_record_around_it() -> None:
    # Descriptors and aliases do not (yet) change the decision; candidates and evidence come later.
    plain = _source("Pavel Kulazhanka")
    described = replace(plain, aliases=("Kulazhanka",), descriptors=Descriptors(age=30, role="recruit"))
    assert identify_source(described) == identify_source(plain)
