"""Stage ② read: a JSONL file (optionally gzipped) of articles -> Pages, one per line.

Each line is an object ``{"id", "text" | "html", "url"?, "title"?, "published"?, "author"?}``.
A line that is not JSON, not an object, or lacks ``id`` or ``text``/``html`` becomes a Failure
for that line (origin ``path:lineno``) and reading goes on.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ontherecord.errors import InputError
from ontherecord.ingest.decoding import megabytes, normalize_newlines, too_big
from ontherecord.ingest.files import STREAM_ERRORS, Stream, describe_stream_error, display, open_stream
from ontherecord.ingest.html import page_from_html
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

_OPTIONAL_FIELDS = ("url", "title", "published", "author")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(name: str, value: str) -> str:
    # JSON may escape half of a UTF-16 pair ("\ud83d") on its own: that is no character, and no
    # UTF-8 database, export or terminal can take it. Guessing what it was would be inventing text.
    found = _SURROGATE.search(value)
    if found:
        code = f"\\u{ord(found.group()):04x}"
        where = f"{code} at character {found.start()}"
        raise ValueError(f'"{name}" holds a lone surrogate escape ({where}), not text')
    return value


def _field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    # bool is an int to Python, but "published": true is a wrong type, not the date "True".
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f'"{name}" must be a string, not {type(value).__name__}')
    # NUL is no character of any text; PostgreSQL refuses it in a string, so it never reaches the ledger.
    return _check_text(name, str(value).replace("\x00", "")) or None


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
    try:
        _check_text(body_key, body)
    except ValueError as exc:
        raise InputError(origin, str(exc)) from None
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


def _max_line(settings: Settings) -> int:
    # A line holds one article, JSON-escaped; escapes can at most double its size in practice.
    return 2 * settings.max_article_bytes + 65_536


def iter_jsonl(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """Read a ``.jsonl`` or ``.jsonl.gz`` file of articles, streaming, one Page per line.

    No line is held whole past the limit: a line longer than ``2 * max_article_bytes + 64 KiB`` is
    read to that length, refused, and the rest of it skipped in pieces; a gzipped file is inflated
    as it is read and stops at the bomb guard of ``ingest/files.py``.

    Args:
        path: The JSONL file.
        settings: For ``max_article_bytes`` (per line).

    Yields:
        A Page per good line; a ``Failure(origin="path:lineno", stage="read", message)`` per bad
        line; one Failure for the file if it breaks off (truncated gzip, unreadable bytes, bomb).
        Blank lines are skipped.

    Raises:
        InputError: the file itself is missing or not a regular file.
    """
    name = display(path)
    max_line = _max_line(settings)
    lineno = 0
    with open_stream(path) as stream:
        try:
            while True:
                raw = stream.readline(max_line + 1)
                if not raw:
                    return
                lineno += 1
                item = _item(raw, f"{name}:{lineno}", stream, max_line, settings)
                if item is not None:
                    yield item
                if len(raw) > max_line and not raw.endswith(b"\n") and not stream.skip_line():
                    return
        except InputError as exc:  # the bomb guard: the file stops here
            yield Failure(f"{name}:{lineno + 1}", "read", exc.problem)
        except STREAM_ERRORS as exc:
            yield Failure(f"{name}:{lineno + 1}", "read", f"file breaks off: {describe_stream_error(exc)}")


def _item(
    raw: bytes, origin: str, stream: Stream, max_line: int, settings: Settings
) -> Page | Failure | None:
    if len(raw) > max_line:
        longer = f"line is longer than {megabytes(max_line)}"
        return Failure(origin, "read", f"{longer} (setting max_article_bytes)")
    if stream.offset == len(raw) and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]  # a byte-order mark opening the file is no part of line 1
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except RecursionError:
        return Failure(origin, "read", "not JSON: nested too deeply")
    except UnicodeDecodeError as exc:
        return Failure(origin, "read", f"not UTF-8 (byte {exc.start + 1} of the line)")
    except ValueError as exc:  # JSONDecodeError: its message is position only, never the data
        return Failure(origin, "read", f"not JSON: {exc}")
    try:
        return page_from_record(record, origin, settings)
    except InputError as exc:
        return Failure(origin, "read", exc.problem)
