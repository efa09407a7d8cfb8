"""The reading half end to end on the seed page, with the real extractor: what `impact "Pavel Kulazhanka"` needs."""

from __future__ import annotations

import pytest
from conftest import SEED

from ontherecord.model import Identification, Page, RelianceHow


@pytest.fixture(scope="module")
def record(nlp):
    from ontherecord.pipeline import process_page

    page = Page(id="seed", text=SEED.read_text(encoding="utf-8"), origin=str(SEED), format="text")
    return process_page(page, nlp)


def _named(record, name):
    return next(s for s in record.sources if s.name == name)


def test_sources_and_identification(record):
    for name in ("Pavel Kulazhanka", "Vadim Prokopiev", "Pavel Latushko", "Sergey Bulba", "Alexander Lukashenko"):
        assert _named(record, name).identification == Identification.NAMED
    for name, age in (("Aleksandr", 38), ("Aleks", 61)):
        source = _named(record, name)
        assert (source.identification, source.descriptors.age, source.protected) == (Identification.PARTIAL, age, True)


def test_kulazhanka_impact(record):
    kulazhanka = _named(record, "Pavel Kulazhanka").id
    text = record.article.text
    rests = {
        s.span.slice(text): r.how for s in record.sentences for r in s.rests_on if r.source_id == kulazhanka
    }
    expected = {
        "He left the country in 2011": RelianceHow.SELF_REPORTED,
        "But he believes": RelianceHow.PARAPHRASED,
        "“Life is about leaps and bounds,”": RelianceHow.QUOTED,
        "About 200 members": RelianceHow.SHARED,
    }
    for prefix, how in expected.items():
        assert [h for t, h in rests.items() if t.startswith(prefix)] == [how], prefix
    others = {_named(record, n).id for n in ("Vadim Prokopiev", "Pavel Latushko", "Sergey Bulba")}
    for sentence in record.sentences:
        ids = {r.source_id for r in sentence.rests_on}
        assert not (kulazhanka in ids and ids & others), sentence.span.slice(text)


def test_unproven_claim_and_note(record):
    flagged = [a for a in record.attributions if any(q.kind == "unproven" for q in a.qualifiers)]
    assert {record.source(a.source_id).name for a in flagged} == {"Ukraine’s military"}
    assert _named(record, "Pavel Kulazhanka").id in record.notes[0].source_ids
