"""Stage ①: an identity decision — whether a Record's source is one person across the archive.

The identify stage (``ontherecord.identity``) makes these decisions and the ledger stores them; this
plain type is what passes between the two, so storage needs no knowledge of how they were made.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Scope(enum.StrEnum):
    ARCHIVE = "archive"  # one canonical source across every article that names it
    LOCAL = "local"  # this source in this article version only


@dataclass(frozen=True, slots=True)
class SourceIdentity:
    """Where one of a Record's sources belongs in the archive.

    Attributes:
        source_id: the source's id within its Record.
        scope: archive (shared by every article that names it) or local.
        key: the archive-wide key (``"name:pavel kulazhanka"``); None for a local source, whose
            key exists only once its article version is known (see ``canonical_key``).
    """

    source_id: str
    scope: Scope
    key: str | None = None

    def __post_init__(self) -> None:
        if (self.scope == Scope.ARCHIVE) != (self.key is not None):
            raise ValueError("an archive-scope identity needs a key, and only it has one")

    def canonical_key(self, article_id: str, version: int) -> str:
        """The key of the canonical source this identity stands for, in ``article_id`` at ``version``.

        A local source gets one canonical source per article version: "a senior official" in two
        stories, or in two versions of one story, need not be one person.
        """
        if self.key is not None:
            return self.key
        return f"local:{article_id}:{version}:{self.source_id}"

    @property
    def last_name(self) -> str | None:
        """The last word of an archive key, by which an editor's surname-only lookup finds it."""
        if self.key is None:
            return None
        return self.key.rsplit(" ", 1)[-1].removeprefix("name:")
