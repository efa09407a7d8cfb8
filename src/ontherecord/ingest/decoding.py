"""Stage ② read: bytes -> text. Size limits, binary detection, encoding fallback, newline normalisation.

Undecodable bytes are not an error: news archives are full of cp1252 and latin-1 files, and
a reader that refused them would drop real articles. The fallback is fixed and logged
(utf-8, utf-8-sig, cp1252, latin-1) so that a wrong guess can be traced to its file.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from ontherecord.errors import InputError
from ontherecord.ingest.files import check_regular, display, read_capped
from ontherecord.settings import Settings

logger = logging.getLogger(__name__)

_FALLBACKS = ("cp1252", "latin-1")
# Control bytes that real text files carry (tab, newlines, form feed, escape, backspace).
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1b\x08")
_SNIFF_BYTES = 8192
# Above this share of control bytes in the sniffed head, a file is data, not text.
_MAX_CONTROL_SHARE = 0.1
_NEWLINES = re.compile(r"\r\n?")
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)


def megabytes(size: int) -> str:
    """A byte count for error messages: one-decimal megabytes ("50.0 MB"), or bytes below 100 kB."""
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:.1f} MB"


def too_big(size: int, settings: Settings, what: str = "file") -> str:
    """The message for an article over ``settings.max_article_bytes``."""
    return (
        f"{what} is {megabytes(size)}; one article may be at most "
        f"{megabytes(settings.max_article_bytes)} (setting max_article_bytes)"
    )


def check_file(path: Path, settings: Settings | None = None) -> int:
    """Refuse a path that is missing, not a regular file, or (with settings) too big, before reading it.

    Args:
        path: The file to check.
        settings: When given, its ``max_article_bytes`` caps the file size.

    Returns:
        The file size in bytes.

    Raises:
        InputError: naming the file and the problem (a FIFO, device or symlink loop included).
    """
    size = check_regular(path)
    if settings is not None and size > settings.max_article_bytes:
        raise InputError(display(path), too_big(size, settings))
    return size


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of one article file, after the checks of ``check_file``, read with a cap.

    Raises:
        InputError: missing, not a regular file, unreadable, too big, or empty.
    """
    check_file(path, settings)
    # Capped as well as checked: a file that grows after the check is still not read past the limit.
    data = read_capped(path, settings.max_article_bytes)
    if len(data) > settings.max_article_bytes:
        raise InputError(display(path), too_big(len(data), settings))
    if not data:
        raise InputError(display(path), "file is empty")
    return data


def is_binary(data: bytes) -> bool:
    """Whether bytes look like data rather than text: a NUL byte, or many control bytes, in the head."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return bool(head) and controls / len(head) > _MAX_CONTROL_SHARE


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``, so every later offset counts one character per break."""
    return _NEWLINES.sub("\n", text)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its head (``<meta charset=...>``), if Python knows it."""
    found = _DECLARED_CHARSET.search(data[:_SNIFF_BYTES])
    if not found:
        return None
    name = found.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, origin: str, declared: str | None = None) -> str:
    """Decode an article's bytes to text with newlines normalised.

    Tries utf-8 (utf-8-sig when the bytes open with a byte-order mark), then ``declared`` (the
    charset the page or HTTP header names), then cp1252, then latin-1, which always succeeds.
    Any choice other than utf-8 is logged as a warning naming the origin and the encoding.

    Args:
        data: The raw bytes.
        origin: The file (or ``path:line``, or WARC URI) for messages.
        declared: An encoding the container declares, tried after utf-8.

    Returns:
        The decoded text, ``\\r\\n`` and ``\\r`` turned into ``\\n``.

    Raises:
        InputError: the bytes are binary (NUL bytes, or mostly control bytes) or only whitespace.
    """
    text = _decode_utf16(data)
    if text is None:
        if is_binary(data):
            raise InputError(origin, "looks like a binary file (NUL or control bytes), not text")
        text = _decode_text(data, origin, declared)
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError(origin, "holds only whitespace" if text else "file is empty")
    return text


def _decode_utf16(data: bytes) -> str | None:
    # UTF-16 text is full of NUL bytes; only its byte-order mark tells it from binary data.
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        return None


def _decode_text(data: bytes, origin: str, declared: str | None) -> str:
    first = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode(first)
    except UnicodeDecodeError as exc:
        first_error = exc
    for encoding in [declared, *_FALLBACKS]:
        if not encoding or encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        logger.warning(
            "%s: not valid UTF-8 (byte %d); decoded as %s", origin, first_error.start, encoding
        )
        return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover
