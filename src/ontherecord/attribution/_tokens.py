"""Stage ④: spaCy tokens turned into character spans, trimmed the way PolNeAR draws its spans.

The rules think in tokens (the parse) but the Record speaks in character offsets; every
conversion goes through here so the trimming is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ontherecord.model.spans import CharSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Punctuation trimmed from the ends of a span: sentence ends and clause commas are never part of
# a source or content, while quotation marks are kept (PolNeAR's content includes them).
_TRIM = set(".,;:!?…—–-") | {"--"}
_PAIRS = {"(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def _edge_bracket(doc: Doc, start: int, end: int) -> tuple[bool, bool]:
    """Whether the first / last token is a bracket left without its partner inside the span
    ("(R-Ind.)" keeps its closing bracket, a stray "(" does not)."""
    # The span's words are read only when an edge is a bracket: spans can be most of a long text.
    first = last = False
    partner = _PAIRS.get(doc[start].text)
    if partner is not None:
        first = all(doc[i].text != partner for i in range(start + 1, end))
    partner = _CLOSERS.get(doc[end - 1].text)
    if partner is not None:
        last = all(doc[i].text != partner for i in range(start, end - 1))
    return first, last


def char_span(doc: Doc, start: int, end: int) -> CharSpan | None:
    """Tokens ``doc[start:end]`` as a character span with edge punctuation and blanks trimmed."""
    while start < end:
        while start < end and (doc[start].is_space or doc[start].text in _TRIM):
            start += 1
        while end > start and (doc[end - 1].is_space or doc[end - 1].text in _TRIM):
            end -= 1
        if start >= end:
            break
        first, last = _edge_bracket(doc, start, end)
        if not first and not last:
            break
        start += first
        end -= last
    if end <= start:
        return None
    return CharSpan(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))


def tokens_span(doc: Doc, tokens: Iterable[Token]) -> CharSpan | None:
    """The trimmed span from the first to the last of ``tokens`` (gaps included)."""
    idx = [t.i for t in tokens]
    if not idx:
        return None
    return char_span(doc, min(idx), max(idx) + 1)


def subtree_range(token: Token) -> tuple[int, int]:
    """Token range ``[left, right)`` of a token's subtree."""
    return token.left_edge.i, token.right_edge.i + 1


def clip(span: CharSpan | None, bounds: CharSpan) -> CharSpan | None:
    """``span`` cut to ``bounds``; None when nothing is left."""
    if span is None:
        return None
    start, end = max(span.start, bounds.start), min(span.end, bounds.end)
    return CharSpan(start, end) if end > start else None


def strip_chars(text: str, span: CharSpan, chars: str = " \t\n,.;:") -> CharSpan | None:
    """Shrink ``span`` past blanks and the given punctuation at both ends."""
    start, end = span.start, span.end
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return CharSpan(start, end) if end > start else None
