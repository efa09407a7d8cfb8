"""Stage ② read: a JSONL file (optionally gzipped) of articles -> Pages, one per line.

Each line is an object ``{"id", "text" | "html", "url"?, "title"?, "published"?, "author"?}``.
A line that is not JSON, not an object, or lacks ``id`` or ``text``/``html`` becomes a Failure
for that line (origin ``path:lineno``) and reading goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ontherecord.errors import InputError
from ontherecord.ingest.decoding import check_file, normalize_newlines, too_big
from ontherecord.ingest.html import page_from_html
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

_OPTIONAL_FIELDS = ("url", "title", "published", "author")


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f'"{name}" must be a string, not {type(value).__name__}')
    return str(value)


def page_from_record(record: Any, origin: str, settings: Settings) -> Page:
    """Turn one parsed JSONL record into a Page.

    Args:
        record: The parsed JSON value of one line.
        origin: ``path:lineno``, for messages and ``Page.origin``.
        settings: For ``max_article_bytes``.

    Returns:
        The Page: ``format="text"`` for a ``text`` field (the text is the body; ``title`` is taken
        from its field, not from the first line), ``format="html"`` for an ``html`` field.

    Raises:
        InputError: the record is not an object, lacks ``id`` or ``text``/``html``, or is too big.
    """
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, got {type(record).__name__}")
    try:
        article_id = _field(record, "id")
        fields = {name: _field(record, name) for name in _OPTIONAL_FIELDS}
    except ValueError as exc:
        raise InputError(origin, str(exc)) from None
    if article_id is None:
        raise InputError(origin, 'no "id"')
    body_key = "text" if isinstance(record.get("text"), str) else "html"
    body = record.get(body_key)
    if not isinstance(body, str):
        raise InputError(origin, 'no "text" or "html" string')
    size = len(body.encode("utf-8", errors="surrogatepass"))
    if size > settings.max_article_bytes:
        raise InputError(origin, too_big(size, settings, what=f'"{body_key}"'))
    if not body.strip():
        raise InputError(origin, f'"{body_key}" is empty')
    if body_key == "html":
        return page_from_html(
            body,
            id=article_id,
            origin=origin,
            url=fields["url"],
            title=fields["title"],
            published=fields["published"],
        )
    return Page(
        id=article_id,
        text=normalize_newlines(body),
        origin=origin,
        format="text",
        title=fields["title"],
        url=fields["url"],
        published=fields["published"],
        author=fields["author"],
        # Records carry their title in a field; the text is the body from its first line.
        has_title_line=False,
    )


def iter_jsonl(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """Read a ``.jsonl`` or ``.jsonl.gz`` file of articles, streaming, one Page per line.

    Args:
        path: The JSONL file.
        settings: For ``max_article_bytes`` (per line).

    Yields:
        A Page per good line; a ``Failure(origin="path:lineno", stage="read", message)`` per bad
        line; one Failure for the file if it breaks off (truncated gzip, unreadable bytes).
        Blank lines are skipped.

    Raises:
        InputError: the file itself is missing or is a directory.
    """
    check_file(path)
    # A line holds one article, JSON-escaped; escapes can at most double its size in practice.
    max_line = 2 * settings.max_article_bytes + 65_536
    lineno = 0
    try:
        with _open(path) as fh:
            for lineno, raw in enumerate(fh, start=1):
                origin = f"{path}:{lineno}"
                if len(raw) > max_line:
                    yield Failure(origin, "read", too_big(len(raw), settings, what="line"))
                    continue
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, deep nesting
                    yield Failure(origin, "read", f"not JSON: {exc}")
                    continue
                try:
                    yield page_from_record(record, origin, settings)
                except InputError as exc:
                    yield Failure(origin, "read", exc.problem)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip.BadGzipFile is an OSError; a truncated .gz ends in EOFError.
        yield Failure(f"{path}:{lineno + 1}", "read", f"file breaks off: {exc}")
