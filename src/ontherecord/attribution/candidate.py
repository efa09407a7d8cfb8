"""Stage ④: a rule's finding (source, cue, content, kind) before it becomes an Attribution."""

from __future__ import annotations

from dataclasses import dataclass, field

from ontherecord.model.attribution import AttributionKind
from ontherecord.model.spans import CharSpan


@dataclass(slots=True)
class Candidate:
    """One attribution as a rule found it; mutable so continuation fragments can be added.

    Attributes:
        source: Spans of the speaker mention (empty when the text names none).
        cue: Spans of the cue words.
        content: Spans of what is attributed, possibly several fragments.
        kind: What sort of attribution the rule recognised.
        confidence: The rule's own estimate, in [0, 1].
        rule: Name of the rule that produced it (kept for debugging and tuning).
        cue_tokens: Token indices of the cue, so later rules do not reuse a cue.
        paragraph: Index of the paragraph holding the cue.
    """

    source: list[CharSpan]
    cue: list[CharSpan]
    content: list[CharSpan]
    kind: AttributionKind
    confidence: float
    rule: str
    cue_tokens: frozenset[int] = field(default_factory=frozenset)
    paragraph: int = -1

    @property
    def start(self) -> int:
        return min(s.start for s in (*self.cue, *self.content, *self.source))
