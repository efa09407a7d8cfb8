"""Stage ①: an attribution — who (source) said (cue) what (content) — and the qualifiers on its claim."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from ontherecord.model.spans import CharSpan, Spans


class AttributionKind(enum.StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"
    ACCORDING_TO = "according_to"
    INTERNAL_STATE = "internal_state"


@dataclass(frozen=True, slots=True)
class Qualifier:
    """Words the article attaches to a claim that lower its standing ("have not been proven")."""

    kind: str
    text: str
    span: CharSpan


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution relation. ``source`` may be empty (PolNeAR's Attribution-no-source)."""

    id: str
    source_id: str | None
    source: Spans
    cue: Spans
    content: Spans
    kind: AttributionKind
    qualifiers: tuple[Qualifier, ...] = ()
    confidence: float = 1.0


def attribution_id(content_hash: str, source: Spans, cue: Spans, content: Spans) -> str:
    """A deterministic id: the same article text and spans always give the same id."""
    key = "|".join(
        [content_hash]
        + [";".join(f"{s.start}-{s.end}" for s in role) for role in (source, cue, content)]
    )
    return "a-" + hashlib.sha1(key.encode()).hexdigest()[:12]
