"""Stage ③ layout: an article body's lines, paragraphs and quotations, computed once per article.

Every reading stage after the parse asks where paragraphs break and what is quoted. They are
computed here, from the text alone (no spaCy), by ``ArticleLayout.of`` in ``pipeline.read_doc``,
and the one layout is handed to extract, resolve, qualify and rely.

Two readings of each are kept, because the stages were tuned on them and they differ on real
pages (17 of the 84 PolNeAR dev texts break paragraphs differently, 16 quote differently):

* ``lines`` are the non-blank lines, what extraction calls paragraphs: on web text each line is a
  paragraph, and the quotation conventions of news (a quote reopened on every paragraph) are read
  line by line. ``paragraphs`` are the blank-line separated blocks, what resolution's salience
  and reliance's profile runs count, and what a Record's sentence never crosses.
* ``quotes`` / ``single_quotes`` are quotation marks *paired* strictly (``nlp.quotes``): a mark
  that cannot be paired is dropped, since extraction builds spans from them. ``marked_regions``
  is the loose reading resolution and reliance use to tell the narrator's words from a speaker's:
  any double mark opens, the next closing mark (or the paragraph's end) closes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import overload

from ontherecord.model import Attribution, AttributionKind, CharSpan
from ontherecord.nlp.quotes import Quote, find_quotes

_LINE = re.compile(r"[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_OPEN = "“«„"
_CLOSE = "”»"


def split_lines(text: str) -> tuple[CharSpan, ...]:
    """Non-blank lines of ``text``, stripped of surrounding blanks: a page's paragraphs to extraction."""
    out = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(CharSpan(s, e))
    return tuple(out)


def split_paragraphs(text: str) -> tuple[CharSpan, ...]:
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


def _scan_marks(text: str, para: CharSpan) -> list[CharSpan]:
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

    @overload
    def __getitem__(self, index: int) -> CharSpan: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CharSpan, ...]: ...

    def __getitem__(self, index: int | slice) -> CharSpan | tuple[CharSpan, ...]:
        return self._regions[index]

    def __len__(self) -> int:
        return len(self._regions)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def holds(self, offset: int) -> bool:
        """True when ``offset`` lies strictly inside one of the regions."""
        i = bisect.bisect_left(self._starts, offset) - 1
        return i >= 0 and offset < self._ends[i]


def inside(offset: int, regions: Sequence[CharSpan]) -> bool:
    """True when ``offset`` lies strictly inside one of ``regions``."""
    if isinstance(regions, Regions):
        return regions.holds(offset)
    return any(r.start < offset < r.end for r in regions)


@dataclass(frozen=True, slots=True)
class ArticleLayout:
    """The layout of one article body; build it with :meth:`ArticleLayout.of`.

    Attributes:
        text: The article body the offsets index into (``article.text == doc.text``).
        lines: Non-blank lines, stripped: extraction's paragraphs (``Quote.paragraph`` indexes them).
        paragraphs: Blank-line separated blocks, stripped: resolution's and reliance's paragraphs.
        quotes: Double-quoted passages, marks strictly paired line by line.
        single_quotes: ‘Single-quoted’ passages outside double quotes.
        marked_regions: Stretches between double marks read loosely, paragraph by paragraph.
    """

    text: str = field(repr=False)
    lines: tuple[CharSpan, ...]
    paragraphs: tuple[CharSpan, ...]
    quotes: tuple[Quote, ...]
    single_quotes: tuple[Quote, ...]
    marked_regions: tuple[CharSpan, ...]
    _line_starts: tuple[int, ...] = field(repr=False, compare=False)
    _paragraph_ends: tuple[int, ...] = field(repr=False, compare=False)

    @classmethod
    def of(cls, text: str) -> ArticleLayout:
        """The layout of ``text``, the cleaned article body.

        Args:
            text: ``article.text``.

        Returns:
            Its lines, paragraphs, paired quotes and loosely marked regions.
        """
        lines = split_lines(text)
        paragraphs = split_paragraphs(text)
        found = find_quotes(text, lines)
        return cls(
            text=text,
            lines=lines,
            paragraphs=paragraphs,
            quotes=tuple(q for q in found if not q.single),
            single_quotes=tuple(q for q in found if q.single),
            marked_regions=tuple(r for para in paragraphs for r in _scan_marks(text, para)),
            _line_starts=tuple(s.start for s in lines),
            _paragraph_ends=tuple(s.end for s in paragraphs),
        )

    def line_of(self, char: int) -> int:
        """Index of the line at or before character ``char`` (-1 before the first)."""
        return bisect.bisect_right(self._line_starts, char) - 1

    def paragraph_of(self, offset: int) -> int:
        """Index of the paragraph holding ``offset`` (offsets between paragraphs go to the next one)."""
        return min(bisect.bisect_right(self._paragraph_ends, offset), max(len(self.paragraphs) - 1, 0))

    def quoted_regions(self, attributions: Iterable[Attribution] = ()) -> Regions:
        """Quoted speech: the marked regions plus the content of every direct quotation.

        Both are used because an extractor may miss a quotation, and a page may pair its marks badly.

        Args:
            attributions: The article's attributions; only direct ones add their content.
        """
        regions = list(self.marked_regions)
        for attribution in attributions:
            if attribution.kind == AttributionKind.DIRECT:
                regions.extend(attribution.content)
        return Regions(regions)
