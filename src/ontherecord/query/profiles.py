"""Stage ⑦: a source's profile — everything it said across the archive, in time order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from ontherecord.errors import NotFoundError
from ontherecord.ledger import reads
from ontherecord.ledger.types import AttributionRow, FlagEvent, SourceRow
from ontherecord.query.names import resolve_source


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """A canonical source, its flag history, and its attributions (latest versions) in time order."""

    source: SourceRow
    flags: tuple[FlagEvent, ...]
    attributions: tuple[AttributionRow, ...]
    sentences: int  # sentences resting on the source, in any way

    @property
    def articles(self) -> list[str]:
        """Article ids in the order the source first appears in them."""
        return list(dict.fromkeys(a.article_id for a in self.attributions))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
            "articles": len(self.articles),
            "sentences": self.sentences,
            "attributions": [
                {
                    "article_id": a.article_id,
                    "version": a.version,
                    "title": a.title,
                    "published": a.published,
                    "attribution_id": a.attribution_id,
                    "kind": a.kind,
                    "confidence": a.confidence,
                    "named_as": a.local_name,
                    "source_text": a.source_text,
                    "cue_text": a.cue_text,
                    "content_text": a.content_text,
                }
                for a in self.attributions
            ],
        }


def source_profile(conn: Connection, name: str) -> SourceProfile:
    """The profile of the source ``name`` resolves to.

    Raises:
        NotFoundError: no source by that name, or it has no attribution in any article.
    """
    source = resolve_source(conn, name)
    attributions = reads.attribution_rows(conn, source.id)
    sentences = reads.reliance_rows(conn, source.id)
    if not attributions and not sentences:
        raise NotFoundError(f"{source.name} has no attributions in the current articles")
    return SourceProfile(
        source=source,
        flags=tuple(reads.flag_history(conn, source.id)),
        attributions=tuple(attributions),
        sentences=len({(s.article_id, s.sentence_position) for s in sentences}),
    )
