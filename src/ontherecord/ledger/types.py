"""Stage ⑥: the plain results the ledger hands back (written rows, summaries, flag events)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

WriteStatus = Literal["new", "new_version", "unchanged"]
FLAG_STATUSES = ("discredited", "disputed", "cleared")


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What writing one Record did: ``new`` article, ``new_version`` of a known one, or ``unchanged``."""

    article_id: str
    version: int
    status: WriteStatus


@dataclass(frozen=True, slots=True)
class FlagEvent:
    """One flag on a source. Events are appended, never edited; the latest is the status."""

    id: int
    source_id: str
    source_name: str
    status: str
    reason: str
    author: str | None
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A canonical source as stored, with its latest flag (None when never flagged)."""

    id: str
    name: str
    kind: str
    identification: str
    scope: str
    flag: FlagEvent | None = None

    @property
    def status(self) -> str | None:
        return self.flag.status if self.flag else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "identification": self.identification,
            "scope": self.scope,
            "status": self.status,
            "flag": self.flag.to_dict() if self.flag else None,
        }


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article at its latest version: how many versions, attributions and sources it has."""

    id: str
    title: str | None
    published: str | None
    versions: int
    attributions: int
    sources: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A canonical source across the latest versions of the archive's articles."""

    id: str
    name: str
    kind: str
    identification: str
    articles: int
    attributions: int
    status: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AttributionRow:
    """One attribution of a source in one article (latest version), with the text of its spans."""

    article_id: str
    version: int
    title: str | None
    published: str | None
    written_at: str
    attribution_id: str
    position: int
    kind: str
    confidence: float
    local_name: str
    source_text: str
    cue_text: str
    content_text: str
    content_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class RelianceRow:
    """One sentence (latest version) that rests on a source, and how."""

    article_id: str
    version: int
    title: str | None
    published: str | None
    sentence_position: int
    start: int
    end: int
    text: str
    how: str
    gender: str | None
