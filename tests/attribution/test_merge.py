"""The rules/model merge: rule spans where the rules fire; the model adds the cues they miss."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from ontherecord.attribution import extractor
from ontherecord.errors import ModelError
from ontherecord.model import Article
from ontherecord.model.attribution import AttributionKind
from ontherecord.model.spans import CharSpan
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.settings import Settings

TEXT = (
    "“We will rebuild the bridge,” the mayor said on Monday.\n\n"
    "“It will take years, but we will.”\n\n"
    "Prices will rise next year, according to the central bank.\n\n"
    "The senator argued that the plan was too expensive.\n\n"
    "The union is pushing for a shorter week. Its leader floated a strike."
)


def span(words: str, nth: int = 0) -> CharSpan:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return CharSpan(start, start + len(words))


@dataclass(frozen=True)
class Pred:
    cue: tuple[CharSpan, ...]
    source: tuple[CharSpan, ...]
    content: tuple[CharSpan, ...]
    confidence: float


class FakeModel:
    """Finds the mayor's quote with looser spans than the rules', and two cues the rules miss."""

    def predict(self, doc, keep=None):
        return [
            Pred((span("said on Monday"),), (span("the mayor"),), (span("We will rebuild"),), 0.97),
            Pred((span("is pushing for"),), (span("The union"),), (span("a shorter week"),), 0.81),
            Pred((span("floated"),), (span("Its leader"),), (span("a strike"),), 0.05),
        ]


def read(nlp, settings: Settings):
    return extractor.extract_attributions(Article(id="m", text=TEXT), nlp(TEXT), ArticleLayout.of(TEXT), settings)


def test_rule_spans_win_and_the_model_adds_what_the_rules_missed(nlp, monkeypatch) -> None:
    monkeypatch.setattr(extractor, "load_model", lambda path=None: FakeModel())
    found = read(nlp, Settings(use_model=True))
    by_cue = {TEXT[a.cue[0].start : a.cue[0].end]: a for a in found}
    assert sorted(by_cue) == ["according to", "argued", "is pushing for", "said"]
    assert len(found) == len(by_cue)  # one attribution per cue: the model's mayor is not added twice
    mayor = by_cue["said"]
    assert mayor.kind is AttributionKind.DIRECT
    # The rules' spans, with the continuation paragraph, not the model's looser ones.
    assert [s.slice(TEXT) for s in mayor.content] == [
        "“We will rebuild the bridge,”",
        "“It will take years, but we will.”",
    ]
    assert by_cue["according to"].kind is AttributionKind.ACCORDING_TO
    union = by_cue["is pushing for"]
    assert union.kind is AttributionKind.INDIRECT
    assert union.confidence == pytest.approx(0.81)
    assert [s.slice(TEXT) for s in union.source] == ["The union"]


def test_low_confidence_model_attributions_are_left_out(nlp, monkeypatch) -> None:
    monkeypatch.setattr(extractor, "load_model", lambda path=None: FakeModel())
    cues = sorted(TEXT[a.cue[0].start : a.cue[0].end] for a in read(nlp, Settings(use_model=True)))
    assert cues == ["according to", "argued", "is pushing for", "said"]
    keep_all = read(nlp, Settings(use_model=True, model_min_confidence=0.0))
    assert sorted(TEXT[a.cue[0].start : a.cue[0].end] for a in keep_all) == [*cues[:2], "floated", *cues[2:]]


def test_rules_only_when_use_model_is_off(nlp, monkeypatch) -> None:
    def refuse(path=None):
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(extractor, "load_model", refuse)
    found = read(nlp, Settings(use_model=False))
    assert sorted(TEXT[a.cue[0].start : a.cue[0].end] for a in found) == ["according to", "argued", "said"]


def test_missing_model_falls_back_to_rules_with_one_warning(nlp, monkeypatch, caplog) -> None:
    from ontherecord.attribution import learned

    def missing(path=None):
        raise ModelError(f"{path}: no attribution model here")

    monkeypatch.setattr(
        learned.AttributionModel, "load", classmethod(lambda cls, path=None: missing(path))
    )
    extractor.load_model.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="ontherecord.attribution.extractor"):
            first = read(nlp, Settings(use_model=True, model="/nonexistent/model"))
            second = read(nlp, Settings(use_model=True, model="/nonexistent/model"))
    finally:
        extractor.load_model.cache_clear()
    assert first == second == read(nlp, Settings(use_model=False))
    warnings = [r for r in caplog.records if "rules only" in r.getMessage()]
    assert len(warnings) == 1
