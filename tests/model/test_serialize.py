from __future__ import annotations

import json

import pytest
from hypothesis import given
from strategies import records

from ontherecord.model.serialize import record_from_dict, record_from_json, record_to_dict, record_to_json

RECORD_KEYS = {"article", "notes", "sources", "attributions", "sentences"}


@given(records())
def test_record_json_round_trip(record) -> None:
    assert record_from_json(record_to_json(record)) == record


@given(records())
def test_record_has_exactly_the_design_keys(record) -> None:
    data = json.loads(record_to_json(record))
    assert set(data) == RECORD_KEYS
    assert set(data["article"]) == {"id", "title", "text", "url", "published", "content_hash"}
    for s in data["sources"]:
        assert set(s) == {"id", "name", "kind", "identification", "aliases", "descriptors", "protected"}
        assert set(s["descriptors"]) == {"age", "role", "gender"}
    for a in data["attributions"]:
        assert set(a) == {"id", "source_id", "source", "cue", "content", "kind", "qualifiers", "confidence"}
        for role in ("source", "cue", "content"):
            for start, end in a[role]:
                assert 0 <= start < end <= len(data["article"]["text"])
    for s in data["sentences"]:
        assert set(s) == {"span", "rests_on"}


def test_malformed_record_is_refused() -> None:
    with pytest.raises(KeyError):
        record_from_dict({"notes": []})
    with pytest.raises(ValueError):
        record_from_dict({"article": {"id": "x", "text": "t"}, "attributions": [
            {"id": "a", "source": [], "cue": [], "content": [], "kind": "rumour"}]})


@given(records())
def test_content_hash_is_stable(record) -> None:
    again = record_from_dict(record_to_dict(record))
    assert again.article.content_hash == record.article.content_hash
