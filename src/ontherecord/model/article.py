"""Stage ①: a page as read (Page) and the article cleaned out of it (Article, Note)."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any


class NoteKind(enum.StrEnum):
    CORRECTION = "correction"
    EDITORS_NOTE = "editors_note"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class Page:
    """What a reader got from a file, an HTML page, a JSONL line or a WARC record, before cleaning.

    ``text`` is the page's text (HTML already turned into text by the reader), ``origin``
    says where it came from (a path, ``path:line`` for JSONL, the WARC target URI).
    """

    id: str
    text: str
    origin: str
    format: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    # Set by readers that already separated the title from the body (HTML, JSONL with a title).
    has_title_line: bool = True


@dataclass(frozen=True, slots=True)
class Note:
    """An editor's note, correction or update, kept outside the article body."""

    kind: NoteKind
    text: str
    source_ids: tuple[str, ...] = ()


def content_hash(text: str) -> str:
    """The article's identity for idempotent writes: sha256 of its cleaned body."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """The cleaned body of a news article; every offset in a Record points into ``text``."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    content_hash: str = ""
    # Reader metadata that is not part of the Record contract (author, origin, format).
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))
