"""ontherecord: who said what in the news, and which sentences rest on whose word.

    >>> import ontherecord
    >>> record = ontherecord.read("article.txt")
    >>> ledger = ontherecord.Ledger("ontherecord.db")

Importing this package loads no spaCy, SQLAlchemy or pyspark; they load on first use.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ontherecord.errors import (
    ExtractionError,
    InputError,
    LedgerError,
    ModelError,
    NotFoundError,
    OntherecordError,
)
from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Note,
    Record,
    Source,
)
from ontherecord.model.serialize import record_from_dict, record_from_json, record_to_dict, record_to_json
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from ontherecord.archive import Ledger

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Attribution",
    "AttributionKind",
    "CharSpan",
    "ExtractionError",
    "Identification",
    "InputError",
    "Ledger",
    "LedgerError",
    "ModelError",
    "NotFoundError",
    "Note",
    "OntherecordError",
    "Record",
    "Settings",
    "Source",
    "read",
    "record_from_dict",
    "record_from_json",
    "record_to_dict",
    "record_to_json",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def read(path_or_text: str | Path, settings: Settings | None = None) -> Record:
    """Read one article (a path to a .txt/.html/.htm file, or the article's text itself) into a Record."""
    from ontherecord.ingest.readers import read_file, read_text
    from ontherecord.pipeline import process_page

    if isinstance(path_or_text, Path) or _looks_like_path(str(path_or_text)):
        page = read_file(Path(path_or_text), settings or Settings())
    else:
        page = read_text(str(path_or_text))
    return process_page(page, settings=settings)


_ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml"}


def _looks_like_path(text: str) -> bool:
    # One line naming an existing file, or a file name with an article suffix (so a mistyped
    # path is reported as missing rather than read as a one-line article).
    if "\n" in text or len(text) > 4096:
        return False
    candidate = Path(text)
    return candidate.exists() or candidate.suffix.lower() in _ARTICLE_SUFFIXES


def __getattr__(name: str) -> Any:
    # The archive needs SQLAlchemy; load it only when someone asks for it.
    if name == "Ledger":
        from ontherecord.archive import Ledger

        return Ledger
    raise AttributeError(f"module 'ontherecord' has no attribute {name!r}")
