"""Stage ⑤: the layout of an article body that resolution and reliance share — paragraphs and quoted regions."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ontherecord.model import Attribution, AttributionKind, CharSpan
from ontherecord.nlp.sentences import sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_OPEN = "“«„"
_CLOSE = "”»"


def paragraphs(text: str) -> tuple[CharSpan, ...]:
    """Spans of the paragraphs of ``text`` (blank-line separated), stripped of surrounding whitespace."""
    spans = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append(CharSpan(start, m.start()))
        start = m.end()
    spans.append(CharSpan(start, len(text)))
    out = []
    for span in spans:
        chunk = span.slice(text)
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if chunk.strip():
            out.append(CharSpan(span.start + lead, span.end - trail))
    return tuple(out)


class ParagraphIndex:
    """Which paragraph a character offset falls in (offsets between paragraphs go to the next one)."""

    def __init__(self, text: str) -> None:
        self.spans = paragraphs(text)
        self._ends = [s.end for s in self.spans]

    def of(self, offset: int) -> int:
        """The index of the paragraph holding ``offset``."""
        return min(bisect.bisect_right(self._ends, offset), max(len(self.spans) - 1, 0))


def _scan_quotes(text: str, para: CharSpan) -> list[CharSpan]:
    regions: list[CharSpan] = []
    chunk = para.slice(text)
    opened: int | None = None
    for i, ch in enumerate(chunk):
        if opened is None:
            if ch in _OPEN or ch == '"':
                opened = i
            continue
        rest = chunk[i + 1 :]
        # Some sites close a quote with an opening mark at the end of a paragraph (“ … text. “).
        closes = ch in _CLOSE or ch == '"' or (ch in _OPEN and not rest.strip())
        if closes:
            regions.append(CharSpan(para.start + opened, para.start + i + 1))
            opened = None
    if opened is not None:
        # News convention: a quotation left open runs to the end of its paragraph.
        regions.append(CharSpan(para.start + opened, para.end))
    return regions


def quote_regions(text: str, attributions: Iterable[Attribution] = ()) -> Regions:
    """Character ranges of quoted speech: text between quote marks plus direct-quote content spans.

    Both are used because an extractor may miss a quotation, and a page may pair its marks badly.
    """
    regions: list[CharSpan] = []
    for para in paragraphs(text):
        regions.extend(_scan_quotes(text, para))
    for attribution in attributions:
        if attribution.kind == AttributionKind.DIRECT:
            regions.extend(attribution.content)
    return Regions(regions)


def inside(offset: int, regions: Sequence[CharSpan]) -> bool:
    """True when ``offset`` lies strictly inside one of ``regions``."""
    if isinstance(regions, Regions):
        return regions.holds(offset)
    return any(r.start < offset < r.end for r in regions)


class Regions(Sequence[CharSpan]):
    """Sorted regions that answer :func:`inside` by bisection (the readers ask tens of thousands of
    times per article). Overlapping regions are merged for the search: an offset strictly inside
    the union of two overlapping regions is strictly inside one of them, so no answer changes."""

    def __init__(self, regions: Iterable[CharSpan]) -> None:
        self._regions = tuple(sorted(regions))
        self._starts: list[int] = []
        self._ends: list[int] = []
        for r in self._regions:
            if self._starts and r.start < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], r.end)
            else:
                self._starts.append(r.start)
                self._ends.append(r.end)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._regions[index]

    def __len__(self) -> int:
        return len(self._regions)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def holds(self, offset: int) -> bool:
        i = bisect.bisect_left(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]


def body_sentences(doc: Doc) -> list[Span]:
    """The doc's sentences that hold any text (whitespace-only segments dropped)."""
    return [s for s in sentences(doc) if s.text.strip()]


def sentence_pieces(doc: Doc) -> list[tuple[CharSpan, Span]]:
    """The body's sentences as char spans, each cut at paragraph breaks and trimmed of whitespace.

    The parser sometimes runs a sentence over a blank line (a stray closing quote mark joins the
    next paragraph's first sentence); a sentence of the Record never crosses a paragraph, and a
    piece with no letters or digits in it is no sentence.
    """
    text = doc.text
    paras = paragraphs(text)
    out: list[tuple[CharSpan, Span]] = []
    for sent in sentences(doc):
        for para in paras:
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
