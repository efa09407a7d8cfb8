"""Stage ② read: opening input files — regular files only, read in bounded pieces, gzip inflated with a guard.

Every reader opens its file here, so no reader can hang on a FIFO or a device named ``*.jsonl``,
follow a symlink loop, hold an over-long line whole, or inflate a small gzip bomb into gigabytes:

- Only regular files are read. The type is checked on the open descriptor (``fstat``), and the
  file is opened non-blocking, so a FIFO swapped in after the check cannot block the open either.
- Reads are bounded: ``read(n)`` and ``readline(limit)`` never return more than asked, and a line
  too long to keep is skipped in pieces of 64 KiB.
- A gzipped file is inflated as it is read, and stops with :class:`TooCompressed` once it has
  inflated to more than ``MAX_RATIO`` times the compressed bytes read so far (plus a floor, so
  that small files are never judged): real text compresses 3 to 15 times, a bomb about 1,000.

File names are bytes on Linux and need not be UTF-8; :func:`display` is the one way a path
becomes a string for ids and messages, so such a name never reaches the ledger or the terminal as
an unencodable string.
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from ontherecord.errors import InputError

#: Most a compressed file may inflate, as a multiple of the compressed bytes read so far.
MAX_RATIO = 200
# Below this many inflated bytes the ratio is not checked: a tiny file of repeated lines is no bomb.
_RATIO_FLOOR = 16 * 1024 * 1024
_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# Errors a damaged compressed stream raises (gzip.BadGzipFile is an OSError; truncation an EOFError).
STREAM_ERRORS = (OSError, EOFError, zlib.error)


class TooCompressed(InputError):
    """A compressed file inflates far beyond what text compresses to: most likely a compression bomb."""


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def display(path: str | Path) -> str:
    """A path (or a URI) as one line of text for ids and messages.

    Python keeps undecodable file-name bytes as lone surrogates, which no UTF-8 database, JSON
    encoder or terminal accepts; they are shown as ``\\xNN`` escapes, which keeps the name readable
    and distinct. Control characters (a newline or an escape sequence in a file name) are shown
    the same way, so that a name is always one line and never drives the terminal.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def problem_of(exc: OSError) -> str:
    """Our words for an OSError met reading a file (never its filename or the library's wording)."""
    if exc.errno == errno.ELOOP:
        return "cannot read: a symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read: permission denied"
    return f"cannot read: {exc.strerror or type(exc).__name__}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, not an article file (read folders with `ontherecord ingest`)"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def check_regular(path: Path) -> int:
    """Refuse anything but an existing regular file (after symlinks), without opening it.

    Returns:
        The file's size in bytes.

    Raises:
        InputError: missing, a symlink loop, unreadable, a directory, FIFO, device or socket.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(display(path), problem_of(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(display(path), _kind(info.st_mode))
    return info.st_size


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, refusing every other kind of file.

    Raises:
        InputError: as :func:`check_regular`, also when the file changed kind between the check and the open.
    """
    check_regular(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(display(path), problem_of(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(display(path), _kind(mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file: one byte more than allowed tells "too big" from "fits".

    The size is checked from ``stat`` by the caller first; the cap holds even if the file grows meanwhile.
    """
    with open_regular(path) as fh:
        try:
            return fh.read(limit + 1)
        except OSError as exc:
            raise InputError(display(path), problem_of(exc)) from None


class Stream:
    """A file read in bounded pieces, inflated on the fly when it is gzipped, with the bomb guard.

    Attributes:
        offset: Bytes of (inflated) content consumed so far: the position of the next read.
    """

    def __init__(self, path: Path, raw: BinaryIO, compressed: bool) -> None:
        self.path = path
        self._raw = raw
        self._compressed = compressed
        self._fh: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
        self.offset = 0

    def _count(self, data: bytes) -> bytes:
        self.offset += len(data)
        if self._compressed and self.offset > _RATIO_FLOOR:
            packed = max(self._raw.tell(), 1)
            if self.offset > MAX_RATIO * packed:
                raise TooCompressed(
                    display(self.path),
                    f"inflates to over {MAX_RATIO} times its compressed size at byte {packed:,} "
                    "(a compression bomb?); the rest of the file is not read",
                )
        return data

    def read(self, size: int) -> bytes:
        """At most ``size`` bytes."""
        return self._count(self._fh.read(size))

    def readline(self, limit: int) -> bytes:
        """One line with its newline, or its first ``limit`` bytes if it is longer; ``b""`` at the end."""
        return self._count(self._fh.readline(limit))

    def skip_line(self) -> bool:
        """Discard the rest of the current line, in pieces; False when the file ended first."""
        while True:
            piece = self.readline(_CHUNK)
            if not piece:
                return False
            if piece.endswith(b"\n"):
                return True

    def skip(self, size: int) -> int:
        """Discard up to ``size`` bytes, in pieces; returns how many there were."""
        left = size
        while left > 0:
            piece = self.read(min(left, _CHUNK))
            if not piece:
                break
            left -= len(piece)
        return size - left

    def close(self) -> None:
        """Close the file."""
        try:
            self._fh.close()
        finally:
            self._raw.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_stream(path: Path) -> Stream:
    """Open a regular file as a :class:`Stream`, inflated when its bytes open with gzip's magic number.

    Raises:
        InputError: as :func:`open_regular`.
    """
    raw = open_regular(path)
    try:
        head = raw.read(2)
        raw.seek(0)
    except OSError as exc:
        raw.close()
        raise InputError(display(path), problem_of(exc)) from None
    # The bytes decide, not the name: a ".jsonl.gz" that was never gzipped is still read.
    return Stream(path, raw, compressed=head == _GZIP_MAGIC)


def describe_stream_error(exc: BaseException) -> str:
    """Our words for what a damaged compressed stream raised (the library's message can quote the data)."""
    if isinstance(exc, EOFError):
        return "the compressed data is truncated"
    if isinstance(exc, gzip.BadGzipFile | zlib.error):
        return "the compressed data is corrupt"
    if isinstance(exc, OSError):
        return problem_of(exc)
    return type(exc).__name__


__all__ = [
    "MAX_RATIO",
    "STREAM_ERRORS",
    "Stream",
    "TooCompressed",
    "check_regular",
    "describe_stream_error",
    "display",
    "open_regular",
    "open_stream",
    "problem_of",
    "read_capped",
]
