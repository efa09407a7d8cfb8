"""Stage ④: the rule-based reader — direct quotations first, then reported speech."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ontherecord.attribution.candidate import Candidate
from ontherecord.attribution.context import Context
from ontherecord.attribution.cues import Lexicon
from ontherecord.attribution.direct import find_direct, find_labelled
from ontherecord.attribution.indirect import find_indirect
from ontherecord.model.attribution import Attribution, AttributionKind, attribution_id
from ontherecord.model.spans import CharSpan, normalize_spans
from ontherecord.nlp.layout import ArticleLayout

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ontherecord.model import Article


def find_candidates(doc: Doc, layout: ArticleLayout, lexicon: Lexicon | None = None) -> list[Candidate]:
    """Every attribution the rules find in a parsed article, sorted by position.

    Direct quotations run first so that their cue verbs are not read again as reported speech.
    """
    ctx = Context.build(doc, layout, lexicon)
    found = find_direct(ctx) + find_labelled(ctx) + find_indirect(ctx)
    found.sort(key=lambda c: (c.start, c.cue[0].start if c.cue else 0))
    return found


def kind_of(ctx: Context, cue: list[CharSpan], content: list[CharSpan]) -> AttributionKind:
    """The kind of an attribution known only by its spans (a model's prediction).

    "according to"-style phrases give according_to; a belief verb, adjective or noun gives
    internal_state; content made only of quotations gives direct, content holding a quotation
    among the writer's own words gives mixed; anything else is indirect.
    """
    lex = ctx.lexicon
    cue_tokens = [t for span in cue for t in ctx.tokens_in(span)]
    words = tuple(t.lower_ for t in cue_tokens)
    if any(words[-len(p) :] == p for p in lex.phrases if len(words) >= len(p)):
        return AttributionKind.ACCORDING_TO
    if any(lex.verb_kind(t) == "belief" for t in cue_tokens) or any(
        lex.nouns.get(t.lemma_.lower()) == AttributionKind.INTERNAL_STATE for t in cue_tokens
    ):
        return AttributionKind.INTERNAL_STATE
    quotes = [q.span for q in ctx.quotes + ctx.single_quotes]
    inside = [q for q in quotes if any(c.overlaps(q) for c in content)]
    if not inside:
        return AttributionKind.INDIRECT
    text = ctx.text
    outside = "".join(
        ch
        for c in content
        for i, ch in enumerate(text[c.start : c.end], start=c.start)
        if not any(q.start <= i < q.end for q in inside)
    )
    return AttributionKind.MIXED if any(ch.isalnum() for ch in outside) else AttributionKind.DIRECT


def to_attribution(article: Article, cand: Candidate) -> Attribution:
    """A Candidate as the Record's Attribution (spans normalised, id derived from them)."""
    source, cue, content = (normalize_spans(s) for s in (cand.source, cand.cue, cand.content))
    return Attribution(
        id=attribution_id(article.content_hash, source, cue, content),
        source_id=None,
        source=source,
        cue=cue,
        content=content,
        kind=cand.kind,
        qualifiers=(),
        confidence=round(min(1.0, max(0.0, cand.confidence)), 3),
    )


def extract_by_rules(article: Article, doc: Doc, layout: ArticleLayout) -> list[Attribution]:
    """Rule-based attributions of ``article`` (``doc`` must be its parse).

    Args:
        article: The cleaned article; offsets point into ``article.text``.
        doc: ``article.text`` parsed by the shared spaCy pipeline.
        layout: Its lines and quotes (``ArticleLayout.of(article.text)``).

    Returns:
        Attributions sorted by position, ``source_id`` unset (the resolver fills it).
    """
    return [to_attribution(article, c) for c in find_candidates(doc, layout)]
