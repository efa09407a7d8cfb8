"""Stage ①: what resolution found in one article, handed to the claims stages (qualify, rely)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ontherecord.model.article import Note
from ontherecord.model.attribution import Attribution
from ontherecord.model.source import Source
from ontherecord.model.spans import CharSpan


@dataclass(frozen=True, slots=True)
class Resolution:
    """What resolution found in one article.

    Attributes:
        sources: every source an attribution rests on, in order of first attribution.
        attributions: the input attributions, in input order, with ``source_id`` set
            (None only when an attribution has no source span at all).
        notes: the input notes, each with the ids of every source it names.
        mentions: every mention of a source (names, surnames, pronouns, descriptions) and its id.
        shared: attribution id -> ids of every source that shares it ("X and other recruits said"
            -> X and the group "other recruits"); only shared attributions appear.
    """

    sources: tuple[Source, ...]
    attributions: tuple[Attribution, ...]
    notes: tuple[Note, ...]
    mentions: tuple[tuple[CharSpan, str], ...]
    shared: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def source(self, source_id: str) -> Source | None:
        """The source with ``source_id``, or None."""
        return next((s for s in self.sources if s.id == source_id), None)
