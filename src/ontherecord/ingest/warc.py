"""Stage ② read: a WARC file (web archive, optionally gzipped) -> Pages, streamed record by record.

Only successful (2xx) ``response`` records, and ``resource`` records, whose content type is HTML
are articles; requests, metadata, redirects and non-HTML payloads are skipped. A page's id and
url are its WARC-Target-URI; its date is the page's own, else the WARC-Date of the capture; its
origin is ``file@offset``, the record's byte offset in the (inflated) archive.

The framing is read here, not by a library, because archives break in ways a reader must
survive and report: a record with no Content-Length, a truncated file, bytes between records, a
whole archive gzipped as one member instead of one member per record. Each record is read
through its declared length with bounded reads; a record that cannot be read becomes one
Failure naming the file, its offset and record number, and reading resumes at the next line that
starts a record (``WARC/1.x``). Nothing of the archive's bytes is quoted in a message.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ontherecord.errors import InputError
from ontherecord.ingest.decoding import declared_charset, decode, too_big
from ontherecord.ingest.files import STREAM_ERRORS, Stream, describe_stream_error, display, open_stream
from ontherecord.ingest.html import page_from_html
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_ARTICLE_RECORDS = ("response", "resource")
# A header line or block longer than this is not a WARC header: the framing is lost.
_MAX_HEADER_LINE = 16 * 1024
_MAX_HEADER_BLOCK = 256 * 1024
# Room for a response's HTTP headers on top of the article's own limit.
_HTTP_ALLOWANCE = 64 * 1024
_CHUNK = 64 * 1024


class _RecordError(Exception):
    """This record cannot be read; the message is ours, one line."""


@dataclass(slots=True)
class _Header:
    offset: int
    number: int
    fields: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.fields.get(name.lower())


def _is_record_start(line: bytes) -> bool:
    return line.startswith(b"WARC/") and line.rstrip(b"\r\n")[5:].replace(b".", b"").isdigit()


def _read_header(stream: Stream, first: bytes, offset: int, number: int) -> _Header:
    fields: dict[str, str] = {}
    last: str | None = None
    size = len(first)
    while True:
        line = stream.readline(_MAX_HEADER_LINE)
        size += len(line)
        if not line:
            raise _RecordError("the file ends inside the record's header")
        if not line.endswith(b"\n") or size > _MAX_HEADER_BLOCK:
            raise _RecordError("the record's header is too long to be a WARC header")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            return _Header(offset, number, fields)
        if text[0] in " \t" and last is not None:  # a folded header line continues the last one
            fields[last] += " " + text.strip()
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise _RecordError("the record's header has a line that is not a header field")
        last = name.strip().lower()
        fields[last] = value.strip()


def _content_length(header: _Header) -> int:
    value = header.get("Content-Length")
    if value is None:
        raise _RecordError("the record has no Content-Length")
    if not value.isdigit():
        raise _RecordError("the record's Content-Length is not a number")
    return int(value)


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\n", pos)
        if end < 0:
            raise _RecordError("the chunked HTTP body is malformed")
        size_text = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _RecordError("the chunked HTTP body is malformed") from None
        if size == 0:
            return bytes(out)
        start = end + 1
        if start + size > len(body):
            raise _RecordError("the chunked HTTP body breaks off")
        out += body[start : start + size]
        pos = start + size
        while body[pos : pos + 1] in (b"\r", b"\n"):
            pos += 1


def _inflate(body: bytes, encoding: str, limit: int) -> bytes:
    # Bounded: a small gzip bomb in an HTTP body is stopped at the article limit, never inflated whole.
    attempts = [16 + zlib.MAX_WBITS] if encoding in ("gzip", "x-gzip") else [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    for wbits in attempts:
        try:
            return zlib.decompressobj(wbits).decompress(body, limit + 1)
        except zlib.error:
            continue
    raise _RecordError(f"the HTTP body's {encoding} compression is corrupt")


def _http(payload: bytes) -> tuple[str, dict[str, str], bytes]:
    """(status code, headers lower-cased, body) of a response record's HTTP message."""
    split = re.search(rb"\r?\n\r?\n", payload)
    if not payload.startswith(b"HTTP/") or split is None:
        raise _RecordError("the response record holds no HTTP message")
    head = payload[: split.start()].decode("latin-1").splitlines()
    status = head[0].split()
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return (status[1] if len(status) > 1 else ""), headers, payload[split.end() :]


def _html_body(header: _Header, payload: bytes, settings: Settings) -> tuple[bytes, str] | None:
    """The HTML body and content type of an article record, or None for a record that is not one."""
    kind = (header.get("WARC-Type") or "").lower()
    if kind == "response":
        status, headers, body = _http(payload)
        if not status.startswith("2"):
            return None
        content_type = headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
            return None
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = _dechunk(body)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            body = _inflate(body, encoding, settings.max_article_bytes)
        elif encoding not in ("", "identity"):
            raise _RecordError(f"the HTTP body's Content-Encoding {encoding[:40]!r} is not supported")
        return body, content_type
    content_type = header.get("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    return payload, content_type


def _page(header: _Header, payload: bytes, origin: str, settings: Settings) -> Page | None:
    found = _html_body(header, payload, settings)
    if found is None:
        return None
    uri = header.get("WARC-Target-URI")
    if not uri:
        raise _RecordError("the record has no WARC-Target-URI, so the page has no id")
    data, content_type = found
    if len(data) > settings.max_article_bytes:
        raise InputError(origin, too_big(len(data), settings, what="record"))
    if not data.strip():
        raise InputError(origin, "record has an empty body")
    header_charset = _CHARSET.search(content_type)
    charset = header_charset.group(1) if header_charset else declared_charset(data)
    html = decode(data, origin, declared=charset)
    return page_from_html(html, id=uri, origin=origin, url=uri, fallback_published=header.get("WARC-Date"))


def _resync(stream: Stream) -> bytes:
    """Skip to the next line that starts a record; returns that line, or ``b""`` at the end."""
    at_line_start = True
    while True:
        piece = stream.readline(_CHUNK)
        if not piece:
            return b""
        if at_line_start and _is_record_start(piece):
            return piece
        at_line_start = piece.endswith(b"\n")


def iter_warc(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """Read the HTML pages of a ``.warc`` or ``.warc.gz`` file, streaming.

    Args:
        path: The WARC file: uncompressed, gzipped one member per record, or gzipped whole.
        settings: For ``max_article_bytes`` (per record).

    Yields:
        A Page per HTML response; a ``Failure(origin="file@offset", stage="read", message)`` per
        record that cannot be read (no or a wrong Content-Length, truncated, too big, no target
        URI, not decodable, no article in it), after which reading resumes at the next record; one
        Failure for a file that holds no WARC record at all.

    Raises:
        InputError: the file is missing or not a regular file.
    """
    name = display(path)
    with open_stream(path) as stream:
        yield from _records(stream, name, settings)


def _records(stream: Stream, name: str, settings: Settings) -> Iterator[Page | Failure]:
    number = 0
    pending = b""
    try:
        while True:
            offset = stream.offset - len(pending)
            line = pending or stream.readline(_MAX_HEADER_LINE)
            pending = b""
            if not line:
                if number == 0:
                    yield Failure(
                        name,
                        "read",
                        "not a WARC file: it is empty"
                        if offset == 0
                        else "not a WARC file: it holds no WARC record",
                    )
                return
            if not line.strip():
                continue  # the blank lines that end every record
            if not _is_record_start(line):
                where = "at the start" if number == 0 else f"after record {number}"
                pending = _resync(stream)
                if number == 0 and not pending:
                    yield Failure(name, "read", "not a WARC file: it does not start with a record header")
                    return
                yield Failure(f"{name}@{offset}", "read", f"bytes {where} are not a WARC record; skipped")
                continue
            number += 1
            item, pending = _record(stream, line, offset, number, name, settings)
            if item is not None:
                yield item
    except InputError as exc:  # the bomb guard: the rest of the file is not read
        yield Failure(name, "read", exc.problem)
    except STREAM_ERRORS as exc:
        yield Failure(f"{name}@{stream.offset}", "read", f"file breaks off: {describe_stream_error(exc)}")


def _record(
    stream: Stream, first: bytes, offset: int, number: int, name: str, settings: Settings
) -> tuple[Page | Failure | None, bytes]:
    """One record: its Page, Failure or None (a skipped record), and the next record's first line if read."""
    origin = f"{name}@{offset}"
    try:
        header = _read_header(stream, first, offset, number)
        length = _content_length(header)
    except _RecordError as exc:
        return Failure(origin, "read", f"record {number}: {exc}; skipped to the next record"), _resync(stream)
    is_candidate = (header.get("WARC-Type") or "").lower() in _ARTICLE_RECORDS
    limit = settings.max_article_bytes + _HTTP_ALLOWANCE
    if not is_candidate or length > limit:
        got = stream.skip(length)
        payload = b""
    else:
        payload = stream.read(length)
        got = len(payload)
    if got < length:
        short = f"record {number} breaks off: the file ends {length - got:,} bytes short"
        return Failure(origin, "read", short), b""
    after = stream.readline(_MAX_HEADER_LINE)
    if after.strip():
        # The declared length does not end at the record's end: its content cannot be trusted.
        next_line = after if _is_record_start(after) else _resync(stream)
        wrong = f"record {number}: its Content-Length does not match its content"
        return Failure(origin, "read", wrong), next_line
    if not is_candidate:
        return None, b""
    if length > limit:
        return Failure(origin, "read", f"record {number}: " + too_big(length, settings, what="record")), b""
    uri = header.get("WARC-Target-URI")
    which = f"record {number} ({display(uri)[:300]})" if uri else f"record {number}"
    try:
        return _page(header, payload, origin, settings), b""
    except _RecordError as exc:
        return Failure(origin, "read", f"{which}: {exc}"), b""
    except InputError as exc:
        return Failure(origin, "read", f"{which}: {exc.problem}"), b""


__all__ = ["iter_warc"]
