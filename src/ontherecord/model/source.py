"""Stage ①: a source — a person, group or organisation whose word an article rests on."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class SourceKind(enum.StrEnum):
    PERSON = "person"
    GROUP = "group"
    ORGANIZATION = "organization"
    UNNAMED = "unnamed"


class Identification(enum.StrEnum):
    NAMED = "named"  # full name published
    PARTIAL = "partial"  # first name only, or a name with a stated reason it is incomplete
    ANONYMOUS = "anonymous"  # a single unnamed person
    COLLECTIVE = "collective"  # a group


@dataclass(frozen=True, slots=True)
class Descriptors:
    """What the article says about the source. ``gender`` only from the article's pronouns."""

    age: int | None = None
    role: str | None = None
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    kind: SourceKind
    identification: Identification
    aliases: tuple[str, ...] = ()
    descriptors: Descriptors = field(default_factory=Descriptors)
    protected: bool = False


def source_id(content_hash: str, name: str) -> str:
    """A deterministic id, local to one article version."""
    return "s-" + hashlib.sha1(f"{content_hash}|{name}".encode()).hexdigest()[:10]
