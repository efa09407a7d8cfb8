"""Stage ③: the Doc's sentences, computed once per Doc, and the body's sentences as the Record cuts them.

spaCy rebuilds ``doc.sents`` by walking every token on each access; the reading stages ask for
the sentences several times per article, which cost about a quarter of their time on PolNeAR dev.
The boundaries (token offsets, plain ints: the Doc stays serialisable) are kept in ``user_data``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ontherecord.model import CharSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_KEY = "otr.sentence_bounds"
_STARTS = "otr.sentence_starts"


def _bounds(doc: Doc) -> tuple[tuple[int, int], ...]:
    bounds: tuple[tuple[int, int], ...] | None = doc.user_data.get(_KEY)
    if bounds is None or (bounds and bounds[-1][1] != len(doc)):
        bounds = doc.user_data[_KEY] = tuple((s.start, s.end) for s in doc.sents)
        doc.user_data[_STARTS] = [start for start, _ in bounds]
    return bounds


def sentences(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, walking the tokens only the first time it is asked for a Doc."""
    return [doc[start:end] for start, end in _bounds(doc)]


def sentence_of(token: Token) -> Span:
    """``token.sent``, found by bisection: spaCy walks the sentence's tokens on every call, which
    is quadratic when every cue of one giant sentence asks."""
    doc = token.doc
    bounds = _bounds(doc)
    k = bisect.bisect_right(doc.user_data[_STARTS], token.i) - 1
    start, end = bounds[k]
    return doc[start:end]


def body_sentences(doc: Doc) -> list[Span]:
    """The doc's sentences that hold any text (whitespace-only segments dropped)."""
    return [s for s in sentences(doc) if s.text.strip()]


def sentence_pieces(doc: Doc, paragraphs: Sequence[CharSpan]) -> list[tuple[CharSpan, Span]]:
    """The body's sentences as char spans, each cut at paragraph breaks and trimmed of whitespace.

    The parser sometimes runs a sentence over a blank line (a stray closing quote mark joins the
    next paragraph's first sentence); a sentence of the Record never crosses a paragraph, and a
    piece with no letters or digits in it is no sentence.

    Args:
        doc: The parsed article.
        paragraphs: Its paragraphs (``ArticleLayout.paragraphs``).

    Returns:
        (piece, the tokens it expands to) for every piece, in order.
    """
    text = doc.text
    out: list[tuple[CharSpan, Span]] = []
    # Paragraphs are sorted and disjoint: bisect to the first one a sentence can reach, rather
    # than trying every paragraph for every sentence (quadratic on a page of short paragraphs).
    para_ends = [para.end for para in paragraphs]
    for sent in sentences(doc):
        for k in range(bisect.bisect_right(para_ends, sent.start_char), len(paragraphs)):
            para = paragraphs[k]
            if para.start >= sent.end_char:
                break
            start, end = max(sent.start_char, para.start), min(sent.end_char, para.end)
            if start >= end:
                continue
            chunk = text[start:end]
            if not any(c.isalnum() for c in chunk):
                continue
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            piece = CharSpan(start + lead, end - trail)
            span = doc.char_span(piece.start, piece.end, alignment_mode="expand")
            if span is not None and len(span):
                out.append((piece, span))
    return out
