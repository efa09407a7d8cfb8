"""Stage ①: the Record — one article read in full, the contract between reading and the ledger."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ontherecord.model.article import Article, Note
from ontherecord.model.attribution import Attribution
from ontherecord.model.source import Source
from ontherecord.model.spans import CharSpan


class RelianceHow(enum.StrEnum):
    QUOTED = "quoted"  # the sentence holds the source's direct words
    PARAPHRASED = "paraphrased"  # reported speech, "according to", beliefs
    SHARED = "shared"  # one attribution with several sources ("X and other recruits said")
    SELF_REPORTED = "self_reported"  # unattributed biography the source supplied


@dataclass(frozen=True, slots=True)
class Reliance:
    source_id: str
    how: RelianceHow


@dataclass(frozen=True, slots=True)
class Sentence:
    span: CharSpan
    rests_on: tuple[Reliance, ...] = ()


@dataclass(frozen=True, slots=True)
class Record:
    article: Article
    notes: tuple[Note, ...] = ()
    sources: tuple[Source, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    sentences: tuple[Sentence, ...] = ()

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
