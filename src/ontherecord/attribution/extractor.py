"""Stage ④: the entry point — attributions of one article, from the trained model and the rules.

The trained model (``ontherecord.attribution.learned``) finds cue, source and content spans well
but knows nothing of quotation marks or of news conventions; the rules know both. So the model's
attributions come first, and the rules add what the model cannot give: the kind of each
attribution, the continuation fragments of quotations that run over several sentences or
paragraphs, nested "according to" sources inside quotes, and any attribution whose cue the model
missed. Without a model (none shipped, or ``settings.use_model`` off) the rules alone answer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from ontherecord.attribution.candidate import Candidate
from ontherecord.attribution.context import Context
from ontherecord.attribution.direct import find_direct, find_labelled
from ontherecord.attribution.indirect import find_indirect
from ontherecord.attribution.rules import kind_of, to_attribution
from ontherecord.errors import ModelError
from ontherecord.model.attribution import Attribution
from ontherecord.model.spans import CharSpan, Spans, spans_overlap
from ontherecord.nlp.layout import ArticleLayout

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ontherecord.model import Article
    from ontherecord.settings import Settings

log = logging.getLogger(__name__)


class Prediction(Protocol):
    """What the trained model returns for one attribution (read-only, so frozen dataclasses fit)."""

    @property
    def cue(self) -> Spans: ...
    @property
    def source(self) -> Spans: ...
    @property
    def content(self) -> Spans: ...
    @property
    def confidence(self) -> float: ...


class AttributionPredictor(Protocol):
    def predict(
        self, doc: Doc, keep: Callable[[CharSpan, float], bool] | None = None
    ) -> Sequence[Prediction]: ...


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> AttributionPredictor | None:
    """The trained attribution model, loaded once per process; None (warned once) if unavailable.

    Args:
        path: A model directory, or None for the model shipped in the package.
    """
    try:
        # lazy: the model pulls in numpy (+90 ms measured after the reading door), which reading with
        # the rules alone never needs; as in pipeline.model_predictions.
        from ontherecord.attribution.learned import AttributionModel

        model = AttributionModel.load(path)
    except (ModelError, ImportError) as exc:
        log.warning("attribution model unavailable (%s); using rules only", exc)
        return None
    return model


def merge(
    ctx: Context, predicted: Sequence[Prediction], ruled: list[Candidate], min_confidence: float
) -> list[Candidate]:
    """Combine rule candidates with model predictions; the one place the merge policy lives.

    Policy, chosen on PolNeAR dev (docs/evaluation.md has the figures of each policy tried):
      1. Every rule candidate is kept as it is. Where the rules fire they are more exact than the
         model: they read quote marks, paragraph conventions and the parse, and their spans follow
         PolNeAR's boundaries (dev exact F1 .506 rules alone, .421 model alone).
      2. A model attribution whose cue overlaps no rule cue is added, when its confidence is at
         least ``min_confidence``: these are the cues the lexicons miss ("called for", "seeks",
         "is pushing"), which lift recall (dev overlap F1 .811 -> .854) at almost no cost in
         exactness (.506 -> .501). Its kind is read from its spans and the quote marks.
      Putting the model first instead gives .436 exact / .864 overlap: its span boundaries are
      looser than the rules' where both fire.

    Args:
        ctx: The article's reading context.
        predicted: The model's attributions.
        ruled: The rules' candidates for the same article.
        min_confidence: The least confidence of a model attribution the rules did not find.

    Returns:
        The combined candidates, unsorted.
    """
    out = list(ruled)
    rule_cues = [c for r in ruled for c in r.cue]
    for pred in predicted:
        cue, content = list(pred.cue), list(pred.content)
        if not cue or pred.confidence < min_confidence or spans_overlap(cue, rule_cues):
            continue
        out.append(
            Candidate(
                source=list(pred.source),
                cue=cue,
                content=content,
                kind=kind_of(ctx, cue, content),
                confidence=float(pred.confidence),
                rule="model",
            )
        )
    return out


def extract_attributions(
    article: Article, doc: Doc, layout: ArticleLayout, settings: Settings
) -> list[Attribution]:
    """Every attribution in ``article``, sorted by position.

    Args:
        article: The cleaned article (``article.text == doc.text``).
        doc: Its parse by the shared spaCy pipeline.
        layout: Its lines and quotes (``ArticleLayout.of(article.text)``).
        settings: ``use_model`` and ``model`` choose whether and which trained model is used.

    Returns:
        Attributions with ``source_id`` unset (the resolver fills it) and no qualifiers yet.
    """
    ctx = Context.build(doc, layout)
    ruled = find_direct(ctx) + find_labelled(ctx) + find_indirect(ctx)
    model = load_model(settings.model) if settings.use_model else None
    found = ruled
    if model is not None:
        rule_cues = [c for r in ruled for c in r.cue]
        least = settings.model_min_confidence

        def wanted(cue: CharSpan, confidence: float) -> bool:
            # What merge() would drop anyway is not worth tagging sources and contents for.
            return confidence >= least and not spans_overlap([cue], rule_cues)

        found = merge(ctx, model.predict(doc, keep=wanted), ruled, least)
    attributions = [to_attribution(article, c) for c in found if c.cue or c.content]
    unique = {a.id: a for a in attributions}
    return sorted(
        unique.values(),
        key=lambda a: (min(s.start for s in (*a.cue, *a.content, *a.source)), a.id),
    )
