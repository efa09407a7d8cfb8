"""Stage ② read: a WARC file (web archive, optionally gzipped) -> Pages, streamed record by record.

Only successful (2xx) ``response`` records, and ``resource`` records, whose content type is HTML
are articles; requests, metadata, redirects and non-HTML payloads are skipped. A page's id and
url are its WARC-Target-URI; its date is the page's own, else the WARC-Date of the capture.
warcio is an optional dependency (the ``warc`` extra).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ontherecord.errors import InputError
from ontherecord.ingest.decoding import check_file, declared_charset, decode, too_big
from ontherecord.ingest.html import page_from_html
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_ARTICLE_RECORDS = ("response", "resource")


# warcio ships no types: its ArchiveIterator class and the records it yields are Any here.
def _archive_iterator(path: Path) -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise InputError(
            str(path), "reading WARC files needs warcio: pip install 'ontherecord[warc]'"
        ) from None
    return ArchiveIterator


def _content_type(record: Any) -> str:
    if record.rec_type == "response" and record.http_headers is not None:
        return record.http_headers.get_header("Content-Type") or ""
    return record.rec_headers.get_header("Content-Type") or ""


def _is_article(record: Any) -> bool:
    if record.rec_type not in _ARTICLE_RECORDS:
        return False
    if record.rec_type == "response":
        status = record.http_headers.get_statuscode() if record.http_headers is not None else None
        if not status or not status.startswith("2"):
            return False
    return _content_type(record).split(";")[0].strip().lower() in _HTML_TYPES


def _page(record: Any, uri: str, settings: Settings) -> Page:
    length = record.rec_headers.get_header("Content-Length")
    if length and length.isdigit() and int(length) > settings.max_article_bytes:
        raise InputError(uri, too_big(int(length), settings, what="record"))
    # content_stream() undoes chunked and gzip transfer encodings; read one byte past the limit
    # so an oversized body is refused without being held whole.
    data = record.content_stream().read(settings.max_article_bytes + 1)
    if len(data) > settings.max_article_bytes:
        raise InputError(uri, too_big(len(data), settings, what="record"))
    if not data.strip():
        raise InputError(uri, "record has an empty body")
    header_charset = _CHARSET.search(_content_type(record))
    charset = header_charset.group(1) if header_charset else declared_charset(data)
    html = decode(data, uri, declared=charset)
    return page_from_html(
        html,
        id=uri,
        origin=uri,
        url=uri,
        fallback_published=record.rec_headers.get_header("WARC-Date"),
    )


def iter_warc(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """Read the HTML pages of a ``.warc`` or ``.warc.gz`` file, streaming.

    Args:
        path: The WARC file.
        settings: For ``max_article_bytes`` (per record).

    Yields:
        A Page per HTML response; a ``Failure(origin=<target URI>, stage="read", message)`` per
        record that cannot be read (too big, not decodable, no article in it); one Failure naming
        the file if the archive itself breaks off.

    Raises:
        InputError: the file is missing or a directory, or warcio is not installed.
    """
    check_file(path)
    archive_iterator = _archive_iterator(path)
    try:
        with path.open("rb") as fh:
            for record in archive_iterator(fh):
                if not _is_article(record):
                    continue
                headers = record.rec_headers
                uri = headers.get_header("WARC-Target-URI")
                uri = uri or f"{path}#{headers.get_header('WARC-Record-ID')}"
                try:
                    yield _page(record, uri, settings)
                except InputError as exc:
                    yield Failure(uri, "read", exc.problem)
    except Exception as exc:  # warcio's ArchiveLoadFailed, zlib and EOF errors on a damaged archive
        yield Failure(str(path), "read", f"WARC file breaks off: {type(exc).__name__}: {exc}")
