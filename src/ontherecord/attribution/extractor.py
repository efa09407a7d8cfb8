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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ontherecord.attribution.candidate import Candidate
from ontherecord.attribution.context import Context
from ontherecord.attribution.direct import find_direct, find_labelled
from ontherecord.attribution.indirect import find_indirect
from ontherecord.attribution.rules import kind_of, to_attribution
from ontherecord.errors import ModelError
from ontherecord.model.attribution import Attribution, AttributionKind
from ontherecord.model.spans import CharSpan, Spans, spans_overlap

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ontherecord.model import Article
    from ontherecord.settings import Settings

log = logging.getLogger(__name__)


class Prediction(Protocol):
    """What the trained model returns for one attribution."""

    cue: Spans
    source: Spans
    content: Spans
    confidence: float


class AttributionPredictor(Protocol):
    def predict(self, doc: Doc) -> Sequence[Prediction]: ...


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> AttributionPredictor | None:
    """The trained attribution model, loaded once per process; None (warned once) if unavailable.

    Args:
        path: A model directory, or None for the model shipped in the package.
    """
    try:
        from ontherecord.attribution.learned import AttributionModel

        model: Any = AttributionModel.load(path)
    except (ModelError, ImportError) as exc:
        log.warning("attribution model unavailable (%s); using rules only", exc)
        return None
    return model  # type: ignore[no-any-return]


def merge(ctx: Context, predicted: Sequence[Prediction], ruled: list[Candidate]) -> list[Candidate]:
    """Combine model predictions with rule candidates; the one place the merge policy lives.

    Policy (tune on PolNeAR dev):
      1. Every model attribution is kept with the model's spans and confidence.
      2. Its kind comes from the rule candidate whose cue overlaps it (the rules read quote
         marks and cue lexicons), else from the spans themselves (``kind_of``).
      3. When that rule candidate is a direct quotation whose content has fragments the model's
         content does not touch, those fragments are added: the model reads one sentence at a
         time and cannot see that the next paragraph's quote continues the speaker.
      4. Rule candidates whose cue overlaps no model cue are added as they are (this brings
         nested "according to" inside quotes and attributions the model missed).

    Args:
        ctx: The article's reading context.
        predicted: The model's attributions.
        ruled: The rules' candidates for the same article.

    Returns:
        The combined candidates, unsorted.
    """
    out: list[Candidate] = []
    model_cues: list[CharSpan] = []
    for pred in predicted:
        cue, content = list(pred.cue), list(pred.content)
        if not cue and not content:
            continue
        model_cues.extend(cue)
        rule = next((r for r in ruled if cue and spans_overlap(r.cue, cue)), None)
        kind = rule.kind if rule is not None else kind_of(ctx, cue, content)
        if rule is not None and rule.kind is AttributionKind.DIRECT:
            content += [f for f in rule.content if not spans_overlap([f], content)]
        out.append(
            Candidate(
                source=list(pred.source),
                cue=cue,
                content=content,
                kind=kind,
                confidence=float(pred.confidence),
                rule="model" if rule is None else f"model+{rule.rule}",
            )
        )
    out.extend(r for r in ruled if not spans_overlap(r.cue, model_cues))
    return out


def extract_attributions(article: Article, doc: Doc, settings: Settings) -> list[Attribution]:
    """Every attribution in ``article``, sorted by position.

    Args:
        article: The cleaned article (``article.text == doc.text``).
        doc: Its parse by the shared spaCy pipeline.
        settings: ``use_model`` and ``model`` choose whether and which trained model is used.

    Returns:
        Attributions with ``source_id`` unset (the resolver fills it) and no qualifiers yet.
    """
    ctx = Context.build(doc)
    ruled = find_direct(ctx) + find_labelled(ctx) + find_indirect(ctx)
    model = load_model(settings.model) if settings.use_model else None
    found = merge(ctx, model.predict(doc), ruled) if model is not None else ruled
    attributions = [to_attribution(article, c) for c in found if c.cue or c.content]
    unique = {a.id: a for a in attributions}
    return sorted(
        unique.values(),
        key=lambda a: (min(s.start for s in (*a.cue, *a.content, *a.source)), a.id),
    )
