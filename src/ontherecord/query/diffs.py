"""Stage ⑦: what changed between two versions of an article — text, notes, sources, attributions.

Attribution ids hash the text, so they change with any edit; attributions are compared by what a
reader sees instead: who (source name), how (kind, cue) and what (content text).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from ontherecord.errors import LedgerError
from ontherecord.ledger import reads
from ontherecord.model import Record
from ontherecord.model.spans import spans_text


@dataclass(frozen=True, slots=True)
class AttributionSig:
    """An attribution as a reader sees it, independent of offsets and ids."""

    source: str
    kind: str
    cue: str
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "kind": self.kind, "cue": self.cue, "content": self.content}


@dataclass(frozen=True, slots=True)
class VersionDiff:
    article_id: str
    old: int
    new: int
    title: tuple[str | None, str | None]
    text_diff: tuple[str, ...]  # unified diff lines of the body, by paragraph
    notes_added: tuple[str, ...]
    notes_removed: tuple[str, ...]
    sources_added: tuple[str, ...]
    sources_removed: tuple[str, ...]
    attributions_added: tuple[AttributionSig, ...]
    attributions_removed: tuple[AttributionSig, ...]

    @property
    def unchanged(self) -> bool:
        return not (
            self.text_diff
            or self.notes_added
            or self.notes_removed
            or self.sources_added
            or self.sources_removed
            or self.attributions_added
            or self.attributions_removed
            or self.title[0] != self.title[1]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "old": self.old,
            "new": self.new,
            "title": {"old": self.title[0], "new": self.title[1]},
            "text_diff": list(self.text_diff),
            "notes": {"added": list(self.notes_added), "removed": list(self.notes_removed)},
            "sources": {"added": list(self.sources_added), "removed": list(self.sources_removed)},
            "attributions": {
                "added": [a.to_dict() for a in self.attributions_added],
                "removed": [a.to_dict() for a in self.attributions_removed],
            },
        }


def signatures(record: Record) -> list[AttributionSig]:
    """Every attribution of a Record as an :class:`AttributionSig`, in the Record's order."""
    text = record.article.text
    out = []
    for a in record.attributions:
        source = record.source(a.source_id) if a.source_id else None
        out.append(
            AttributionSig(
                source=source.name if source else spans_text(a.source, text),
                kind=str(a.kind),
                cue=spans_text(a.cue, text),
                content=spans_text(a.content, text),
            )
        )
    return out


def _added_removed(old: list[Any], new: list[Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    old_set, new_set = set(old), set(new)
    added = tuple(dict.fromkeys(x for x in new if x not in old_set))
    removed = tuple(dict.fromkeys(x for x in old if x not in new_set))
    return added, removed


def diff_records(old: Record, new: Record, old_version: int, new_version: int) -> VersionDiff:
    """The differences between two Records of one article."""
    text_diff = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old.article.text.splitlines(),
            new.article.text.splitlines(),
            fromfile=f"version {old_version}",
            tofile=f"version {new_version}",
            n=0,
            lineterm="",
        )
    )
    notes_added, notes_removed = _added_removed([n.text for n in old.notes], [n.text for n in new.notes])
    sources_added, sources_removed = _added_removed(
        [s.name for s in old.sources], [s.name for s in new.sources]
    )
    attributions_added, attributions_removed = _added_removed(signatures(old), signatures(new))
    return VersionDiff(
        article_id=new.article.id,
        old=old_version,
        new=new_version,
        title=(old.article.title, new.article.title),
        text_diff=text_diff,
        notes_added=notes_added,
        notes_removed=notes_removed,
        sources_added=sources_added,
        sources_removed=sources_removed,
        attributions_added=attributions_added,
        attributions_removed=attributions_removed,
    )


def version_diff(
    conn: Connection, article_id: str, old: int | None = None, new: int | None = None
) -> VersionDiff:
    """Diff two stored versions; by default the newest against the one before it.

    Raises:
        NotFoundError: no such article or version.
        LedgerError: the article has a single version and no pair was asked for.
    """
    known = reads.versions(conn, article_id)
    if not known:
        reads.read_record(conn, article_id)  # raises NotFoundError with the usual message
    new = known[-1] if new is None else new
    if old is None:
        earlier = [v for v in known if v < new]
        if not earlier:
            raise LedgerError(f"article {article_id!r} has no version before {new} to compare with")
        old = earlier[-1]
    return diff_records(
        reads.read_record(conn, article_id, old), reads.read_record(conn, article_id, new), old, new
    )
