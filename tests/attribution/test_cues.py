"""The cue lexicons: data files with provenance, read into the roles the rules use."""

from __future__ import annotations

from importlib import resources

import pytest

from ontherecord.attribution.cues import load_lexicon, read_lexicon
from ontherecord.model.attribution import AttributionKind

FILES = [
    "cues_speech.en.txt",
    "cues_belief.en.txt",
    "cues_noun.en.txt",
    "cues_phrases.en.txt",
    "cues_connectives.en.txt",
]


@pytest.mark.parametrize("name", FILES)
def test_each_lexicon_opens_with_provenance_and_has_entries(name: str) -> None:
    text = resources.files("ontherecord.resources").joinpath(name).read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert read_lexicon(name)


def test_roles() -> None:
    lex = load_lexicon()
    assert {"say", "tell", "add", "warn", "accuse", "describe"} <= set(lex.speech)
    assert "recipient" in lex.speech["tell"] and "clause" in lex.speech["say"]
    assert {"believe", "think", "hope", "expect", "convinced"} <= lex.belief
    assert lex.nouns["hope"] == AttributionKind.INTERNAL_STATE
    assert lex.nouns["claim"] == AttributionKind.INDIRECT
    assert ("according", "to") in lex.phrases
    # Longest phrases first, so "in the words of" is tried before any shorter phrase inside it.
    assert [len(p) for p in lex.phrases] == sorted((len(p) for p in lex.phrases), reverse=True)
    assert all(kind in {k.value for k in AttributionKind} for kind in lex.nouns.values())
