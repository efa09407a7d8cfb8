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
    """Read one article (a path to a .txt/.html/.htm file, or the article's text itself) into a Record.

    Args:
        path_or_text: A path (a ``Path``, or one line naming an existing file or ending in an
            article suffix), or the article's text, first line the headline.
        settings: Reader settings (default ``Settings()``).

    Raises:
        InputError: The file is missing or unreadable, or the text holds no article.
        ExtractionError: A stage of the reader failed on it.
    """
    # lazy: imported on first use: the reading door imports every stage module, which measured
    # 41 -> 88 ms on `import ontherecord` (paid by every CLI command, even `--help`).
    from ontherecord.pipeline import read as read_with_door

    return read_with_door(path_or_text, settings)


def __getattr__(name: str) -> Any:
    if name == "Ledger":
        # lazy: the archive needs SQLAlchemy (+180 ms measured on `import ontherecord`); load it only
        # when someone asks for it.
        from ontherecord.archive import Ledger

        return Ledger
    raise AttributeError(f"module 'ontherecord' has no attribute {name!r}")
