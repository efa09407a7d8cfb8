"""Stage ② read: the one table of input formats — which file names are which format, and what a folder holds.

Every place that asks what a path is (the readers, ``ingest``'s page count, the Spark job, and
``ontherecord.read`` telling a path from text) asks this table, so they cannot disagree:

    text     .txt .text .md                    one article per file (the first line is the headline)
    html     .html .htm .xhtml                 one article per file
    jsonl    .jsonl .ndjson (+ .gz)            one article per line
    warc     .warc .warc.gz                    one article per HTML response record
    parquet  .parquet                          rows with JSONL's fields; only the Spark job reads it

Suffixes match case-insensitively. In a folder walk, hidden files and folders, files of no format
above, and the folder's own documentation (``README``, ``README.md``, ``LICENSE.txt``, any case) are
not articles. A single file named on its own is read whatever its name (sniffed when it has none).
Stdlib only: ``import ontherecord`` asks this table without loading a reader.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

TEXT = "text"
HTML = "html"
JSONL = "jsonl"
WARC = "warc"
PARQUET = "parquet"

# Longest first where one suffix ends another (".jsonl.gz" before a bare ".gz" rule could match).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", JSONL),
    (".ndjson.gz", JSONL),
    (".jsonl", JSONL),
    (".ndjson", JSONL),
    (".warc.gz", WARC),
    (".warc", WARC),
    (".parquet", PARQUET),
    (".html", HTML),
    (".htm", HTML),
    (".xhtml", HTML),
    (".txt", TEXT),
    (".text", TEXT),
    (".md", TEXT),
)

#: Formats whose file is one article.
SINGLE = frozenset({TEXT, HTML})
#: Formats whose file holds many articles, read as a stream.
CONTAINERS = frozenset({JSONL, WARC})
#: Formats the readers (``ingest/readers.py``) read; Parquet is the Spark job's alone.
READABLE = SINGLE | CONTAINERS

# A folder's own documentation, by the name before its suffix: a README beside the articles
# describes them and is not one of them.
_FOLDER_DOCS = frozenset({"readme", "license", "licence", "copying", "changelog"})
# Compressed containers and WARC cannot be counted without reading them through.
_UNCOUNTABLE = (".gz", ".warc")


def split_name(name: str) -> tuple[str | None, str]:
    """The format a file name says and the name without its format suffix.

    Args:
        name: A file name (not a path).

    Returns:
        ``(format, stem)``; format is None when no suffix of the table ends the name, and then the
        stem is the name less its last suffix (as ``Path.stem``).
    """
    lower = name.lower()
    for suffix, fmt in _SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return fmt, name[: -len(suffix)]
    return None, Path(name).stem


def format_of(path: str | Path) -> str | None:
    """The format a path's file name says, or None."""
    return split_name(Path(path).name)[0]


def suffixes(*formats: str) -> tuple[str, ...]:
    """The suffixes of ``formats``, in the table's order."""
    return tuple(suffix for suffix, fmt in _SUFFIXES if fmt in formats)


def is_folder_doc(name: str) -> bool:
    """Whether a file name is a folder's documentation (README, LICENSE, ...), whatever its case and suffix."""
    return name.split(".", 1)[0].lower() in _FOLDER_DOCS


def walk(
    folder: Path, on_error: Callable[[OSError], None] | None = None
) -> Iterator[tuple[Path, str | None]]:
    """Every non-hidden file under ``folder``, lazily and unsorted, with the format a folder walk reads it as.

    A folder of 500,000 files is never listed in memory. Hidden folders are not entered.

    Args:
        folder: The folder to walk.
        on_error: Called with the error for each folder that cannot be listed (a reader records it
            as a failure); without it such a folder is passed over, as by ``os.walk``.

    Yields:
        ``(path, format)``: format None for a file that is not an article file here (no format of the
        table, or the folder's README or licence).
    """
    for root, dirs, names in os.walk(folder, onerror=on_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            fmt = None if is_folder_doc(name) else split_name(name)[0]
            yield Path(root, name), fmt


def files_of(path: Path, *formats: str) -> Iterator[Path]:
    """The files a path holds in ``formats``: the path itself when it is a file, else its walk's files."""
    if not path.is_dir():
        yield path
        return
    for file, fmt in walk(path):
        if fmt in formats:
            yield file


def is_countable(path: Path) -> bool:
    """Whether the pages of a file can be counted without reading it through.

    One-article files count one; uncompressed JSONL counts its lines. Gzipped files and WARC would
    have to be read whole.
    """
    return not path.name.lower().endswith(_UNCOUNTABLE)
