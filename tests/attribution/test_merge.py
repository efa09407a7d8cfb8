"""The model/rules merge: model spans first; rules add kinds, continuations and what it missed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from ontherecord.attribution import extractor
from ontherecord.errors import ModelError
from ontherecord.model import Article
from ontherecord.model.attribution import AttributionKind
from ontherecord.model.spans import CharSpan
from ontherecord.settings import Settings

TEXT = (
    "“We will rebuild the bridge,” the mayor said on Monday.\n\n"
    "“It will take years, but we will.”\n\n"
    "Prices will rise next year, according to the central bank.\n\n"
    "The senator argued that the plan was too expensive."
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
    """Finds the mayor's first quote and the senator's claim, as a sentence-level model would."""

    def predict(self, doc):
        return [
            Pred(
                (span("said"),),
                (span("the mayor"),),
                (span("“We will rebuild the bridge,”"),),
                0.97,
            ),
            Pred(
                (span("argued"),),
                (span("The senator"),),
                (span("that the plan was too expensive"),),
                0.88,
            ),
        ]


def read(nlp, settings: Settings):
    return extractor.extract_attributions(Article(id="m", text=TEXT), nlp(TEXT), settings)


def test_model_spans_win_and_rules_fill_the_rest(nlp, monkeypatch) -> None:
    monkeypatch.setattr(extractor, "load_model", lambda path=None: FakeModel())
    found = read(nlp, Settings(use_model=True))
    by_cue = {TEXT[a.cue[0].start : a.cue[0].end]: a for a in found}
    assert set(by_cue) == {"said", "according to", "argued"}
    mayor = by_cue["said"]
    assert mayor.confidence == pytest.approx(0.97)
    assert mayor.kind is AttributionKind.DIRECT
    # The continuation paragraph the model cannot see comes from the rules.
    assert [s.slice(TEXT) for s in mayor.content] == [
        "“We will rebuild the bridge,”",
        "“It will take years, but we will.”",
    ]
    assert by_cue["according to"].kind is AttributionKind.ACCORDING_TO
    assert by_cue["argued"].kind is AttributionKind.INDIRECT
    assert by_cue["argued"].confidence == pytest.approx(0.88)


def test_rules_only_when_use_model_is_off(nlp, monkeypatch) -> None:
    def refuse(path=None):
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(extractor, "load_model", refuse)
    found = read(nlp, Settings(use_model=False))
    assert {TEXT[a.cue[0].start : a.cue[0].end] for a in found} == {
        "said",
        "according to",
        "argued",
    }


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
