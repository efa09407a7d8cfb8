"""Stage ② read: the entry points that turn text, files and folders into Pages.

Formats are chosen by file name, from the one table in ``ingest/formats.py`` (text, HTML, JSONL
including ``.ndjson``, WARC), and by sniffing the bytes for a single file with another name. Bad
input is an InputError naming the file and the problem; inside a folder, JSONL or WARC a bad item
becomes a Failure and reading goes on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from ontherecord.errors import InputError
from ontherecord.ingest import formats
from ontherecord.ingest.decoding import check_file, declared_charset, decode, normalize_newlines, read_bytes
from ontherecord.ingest.files import display, problem_of
from ontherecord.ingest.html import page_from_html
from ontherecord.ingest.jsonl import iter_jsonl
from ontherecord.ingest.warc import iter_warc
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

__all__ = ["iter_jsonl", "read_file", "read_path", "read_text"]

logger = logging.getLogger(__name__)

_HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_HTML_TAGS = re.compile(rb"<(p|div|article|section|span|br|a)\b[^>]{0,200}>", re.IGNORECASE)
_SNIFF_BYTES = 4096
# A text file quoting a tag or two is still text; a page is dense with them.
_MIN_SNIFFED_TAGS = 3


def _sniff(data: bytes) -> str:
    head = data[:_SNIFF_BYTES]
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= _MIN_SNIFFED_TAGS:
        return formats.HTML
    return formats.TEXT


def read_text(text: str, id: str = "text", origin: str = "<text>") -> Page:
    """A Page for article text already in memory (first line the headline, as in a text file).

    Args:
        text: The page text.
        id: The article id.
        origin: Where the text came from, for messages.

    Raises:
        InputError: the text is empty or only whitespace.
    """
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError(origin, "text is empty")
    return Page(id=id, text=text, origin=origin, format="text")


def _read_article(path: Path, settings: Settings, article_id: str | None = None) -> Page:
    kind, name_id = formats.split_name(path.name)
    if kind == formats.PARQUET:
        check_file(path)
        raise InputError(
            display(path), "a Parquet file holds rows of articles; read it with `ontherecord spark`"
        )
    if kind in formats.CONTAINERS:
        check_file(path)
        raise InputError(
            display(path),
            f"a {kind.upper()} file holds many articles; read it with read_path or `ontherecord ingest`",
        )
    data = read_bytes(path, settings)
    kind = kind or _sniff(data)
    origin = display(path)
    article_id = article_id or display(name_id)
    if kind == formats.HTML:
        html = decode(data, origin, declared=declared_charset(data))
        return page_from_html(html, id=article_id, origin=origin)
    return Page(id=article_id, text=decode(data, origin), origin=origin, format="text")


def read_file(path: Path, settings: Settings) -> Page:
    """Read one article file into a Page; its id is the file name without the extension.

    Args:
        path: A text (``.txt``, ``.text``, ``.md``) or HTML (``.html``, ``.htm``, ``.xhtml``) file;
            any other name is sniffed (HTML if it opens like a page or is dense with tags).
        settings: For ``max_article_bytes``.

    Returns:
        The Page: text files keep their first line as the headline (``has_title_line``); HTML pages
        carry title, url, date and author from their metadata.

    Raises:
        InputError: missing file, a directory, larger than ``max_article_bytes`` (checked before
            reading), empty or whitespace-only, binary, a JSONL/WARC/Parquet file, or HTML without article text.
    """
    return _read_article(Path(path), settings)


def _iter_folder(folder: Path) -> Iterator[tuple[Path, str | None, str]]:
    """(path, format, id relative to the folder) for each article file, sorted (see ``formats.walk``).

    A sub-folder that cannot be listed comes in its sorted place with format None and, for id,
    the problem: it is a failure to record, not a silent gap in the archive.
    """
    found: list[tuple[str, Path, str | None, str]] = []
    skipped = 0

    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        key = where.relative_to(folder).as_posix() if where != folder else ""
        found.append((key, where, None, f"cannot list this folder: {problem_of(exc)}"))

    for path, kind in formats.walk(folder, on_error=unlisted):
        if kind not in formats.READABLE:
            skipped += 1
            continue
        relative = path.relative_to(folder).parent / formats.split_name(path.name)[1]
        found.append((path.relative_to(folder).as_posix(), path, kind, display(relative.as_posix())))
    if skipped:
        logger.info(
            "%s: skipped %d files that are not articles (text, HTML, JSONL or WARC)", display(folder), skipped
        )
    for _, path, kind, article_id in sorted(found, key=lambda item: item[0]):
        yield path, kind, article_id


def _iter_container(path: Path, kind: str, settings: Settings) -> Iterator[Page | Failure]:
    if kind == formats.JSONL:
        yield from iter_jsonl(path, settings)
    else:
        yield from iter_warc(path, settings)


def read_path(path: str | Path, settings: Settings) -> Iterator[Page | Failure]:
    """Read every article under a path: one file, a JSONL or WARC file, or a folder of them.

    A folder is walked recursively in sorted order, skipping hidden files and folders, files of
    other types and the folder's README or licence (``formats.walk``); the id of a file found
    there is its path relative to the folder, without the extension (``2016/axelrod``). A single
    file's id is its name without the extension.

    Args:
        path: A file or a folder.
        settings: For ``max_article_bytes``.

    Yields:
        Pages, and a Failure (stage ``"read"``) for each file, JSONL line or WARC record that
        cannot be read, in place, so that a batch can record it and go on.

    Raises:
        InputError: the path does not exist, or it is a single article file that cannot be read.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise InputError(display(path), "no such file or directory")
    if not path.is_dir():
        kind = formats.format_of(path)
        if kind in formats.CONTAINERS:
            yield from _iter_container(path, kind, settings)
        else:
            yield _read_article(path, settings)
        return
    for file, kind, article_id in _iter_folder(path):
        if kind is None:
            yield Failure(display(file), "read", article_id)
            continue
        try:
            if kind in formats.CONTAINERS:
                yield from _iter_container(file, kind, settings)
            else:
                yield _read_article(file, settings, article_id)
        except InputError as exc:
            yield Failure(exc.origin, "read", exc.problem)
        except Exception as exc:  # a bug met on one file: that file fails, its neighbours are still read
            logger.debug("reading %s failed", display(file), exc_info=True)
            yield Failure(display(file), "read", f"internal error while reading ({type(exc).__name__})")
