"""Stage ①: character spans into an article's cleaned body text, and their geometry.

Offsets are Python ``str`` indices, end exclusive. Content can be discontinuous
("X," he said, "Y"), so a role is a tuple of spans, kept sorted and non-overlapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class CharSpan:
    """A half-open range ``[start, end)`` of characters."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: CharSpan) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: CharSpan) -> bool:
        return self.start <= other.start and other.end <= self.end

    def slice(self, text: str) -> str:
        """The characters of ``text`` this span covers."""
        return text[self.start : self.end]

    def to_list(self) -> list[int]:
        return [self.start, self.end]

    @classmethod
    def from_list(cls, pair: Iterable[int]) -> CharSpan:
        start, end = pair
        return cls(int(start), int(end))


Spans = tuple[CharSpan, ...]


def normalize_spans(spans: Iterable[CharSpan]) -> Spans:
    """Sort, drop empties and merge overlapping or touching spans."""
    out: list[CharSpan] = []
    for span in sorted(s for s in spans if len(s)):
        if out and span.start <= out[-1].end:
            out[-1] = CharSpan(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return tuple(out)


def spans_text(spans: Iterable[CharSpan], text: str, joiner: str = " … ") -> str:
    """The text of discontinuous spans, joined with an ellipsis as an editor would quote it."""
    return joiner.join(s.slice(text) for s in spans)


def spans_cover(spans: Iterable[CharSpan]) -> CharSpan | None:
    """The smallest single span holding all of ``spans`` (None when there are none)."""
    spans = list(spans)
    if not spans:
        return None
    return CharSpan(min(s.start for s in spans), max(s.end for s in spans))


def spans_overlap(a: Iterable[CharSpan], b: Iterable[CharSpan]) -> bool:
    b = list(b)
    return any(x.overlaps(y) for x in a for y in b)
