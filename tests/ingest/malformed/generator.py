"""The malformed-input suite's cases: a deterministic generator over every input format.

``cases()`` returns the same list, in the same order, on every run (a seeded ``random.Random``, no
clock, no host state): small good samples of each format — text, HTML, JSONL, JSONL.gz, WARC,
WARC.gz (one member per record and one member for all) and folders — damaged in every way the
readers must survive: truncation, bit flips, invalid UTF-8, lone surrogates, byte-order marks,
NULs, huge lines, deep nesting (JSON and HTML), gzip bombs, WARC framing errors, bad JSONL lines
and types, and odd file-system objects (FIFO, symlink loop, device, unreadable file or folder,
empty file, a directory named like a file).

A case is data (a file name and bytes, or a special object to make), so that a failing case can
be printed, rebuilt and read on its own: ``python tests/ingest/malformed/generator.py NAME DIR``.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The largest article the suite's ingest runs accept (its settings file), so "huge" stays cheap.
MAX_ARTICLE_BYTES = 50_000
#: JSONL refuses a line past this (``ingest/jsonl.py``: twice the article limit plus 64 KiB).
MAX_LINE = 2 * MAX_ARTICLE_BYTES + 65_536

SPECIALS = (
    "fifo",
    "symlink_loop",
    "device_urandom",
    "device_null",
    "device_zero",
    "unreadable_file",
    "unreadable_dir",
    "empty",
    "dir_named_like_file",
    "dangling_symlink",
    "non_utf8_name",
    "control_char_name",
)


@dataclass(frozen=True, slots=True)
class Case:
    """One malformed input: ``filename`` holding ``data``, or a ``special`` file-system object.

    Attributes:
        name: Unique and stable, ``family-format-number``.
        family: What was done to the input (``bitflip``, ``truncate``, ``bomb`` ...).
        filename: The item's file name inside its case folder.
        data: The item's bytes (unused by most specials).
        special: One of ``SPECIALS``, or None for a plain file.
        direct: Name the item itself on the command line, not only its folder.
    """

    name: str
    family: str
    filename: str
    data: bytes = b""
    special: str | None = None
    direct: bool = False


def good_text(number: int) -> str:
    """The good article placed beside each case: short (cheap to parse) and unique to its case."""
    return (
        f"Bridge reopens in ward {number}\n\n"
        f"The bridge in ward {number} will reopen on Monday, the mayor said. "
        '"We are ready," said Jane Okafor, the city engineer.\n'
    )


# --- good samples -----------------------------------------------------------------------------

_SENTENCES = [
    "The council voted to close the library, officials said.",
    '"It is a sad day," said Maria Lopez, a librarian.',
    "According to the police, two men were arrested on Friday.",
    "The company said profits rose by ten percent.",
]


def _text(i: int) -> bytes:
    return (f"Library closes {i}\n\n" + " ".join(_SENTENCES) + "\n").encode()


def _html(i: int) -> bytes:
    paras = "".join(f"<p>{s}</p>" for s in _SENTENCES)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Library closes {i}</title></head>"
        f"<body><nav>Home | World | Sport</nav><article><h1>Library closes {i}</h1>{paras}</article>"
        "</body></html>"
    ).encode()


def _jsonl(i: int) -> bytes:
    rows = [
        {"id": f"j{i}-a", "title": "Library closes", "text": " ".join(_SENTENCES), "published": "2021-05-01"},
        {"id": f"j{i}-b", "url": "https://example.org/b", "html": _html(i).decode()},
        {"id": f"j{i}-c", "text": _SENTENCES[2] + " " + _SENTENCES[0]},
    ]
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def warc_record(
    uri: str | None,
    body: bytes,
    *,
    kind: str = "response",
    length: int | None = None,
    http: bool = True,
    extra: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    http_extra: bytes = b"",
) -> bytes:
    """One WARC record written by hand, so that its framing can be broken on purpose."""
    if http and kind == "response":
        payload = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n".encode()
            + http_extra
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
    else:
        payload = body
    headers = [
        b"WARC/1.0",
        f"WARC-Type: {kind}".encode(),
        b"WARC-Record-ID: <urn:uuid:0000>",
        b"WARC-Date: 2021-05-01T10:00:00Z",
    ]
    if uri is not None:
        headers.append(f"WARC-Target-URI: {uri}".encode())
    if kind != "response":
        headers.append(f"Content-Type: {content_type}".encode())
    if length != -1:
        headers.append(f"Content-Length: {len(payload) if length is None else length}".encode())
    return b"\r\n".join(headers) + b"\r\n" + extra + b"\r\n" + payload + b"\r\n\r\n"


def _warc_records(i: int) -> list[bytes]:
    info = warc_record(
        None, b"software: malformed-suite\r\n", kind="warcinfo", content_type="application/warc-fields"
    )
    return [
        info,
        warc_record(f"https://example.org/{i}/a", _html(i)),
        warc_record(f"https://example.org/{i}/img", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        warc_record(f"https://example.org/{i}/b", _html(i + 1)),
    ]


def _warc(i: int) -> bytes:
    return b"".join(_warc_records(i))


def _warc_gz(i: int) -> bytes:
    return b"".join(gzip.compress(r, mtime=0) for r in _warc_records(i))


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


SAMPLES = {
    "txt": ("story.txt", _text),
    "html": ("page.html", _html),
    "jsonl": ("feed.jsonl", _jsonl),
    "jsonl.gz": ("feed.jsonl.gz", lambda i: _gz(_jsonl(i))),
    "warc": ("crawl.warc", _warc),
    "warc.gz": ("crawl.warc.gz", _warc_gz),
    "warc.gz-single": ("whole.warc.gz", lambda i: _gz(_warc(i))),
}


# --- mutations --------------------------------------------------------------------------------


def _bitflip(data: bytes, rng: random.Random, flips: int) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        pos = rng.randrange(len(out))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def _insert(data: bytes, rng: random.Random, what: bytes) -> bytes:
    pos = rng.randrange(len(data) + 1)
    return data[:pos] + what + data[pos:]


_BAD_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\x80\x80",
]
_BOMS = [
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"\x00\x00\xfe\xff",
    b"\xef\xbb\xbf" * 2,
]


def _inner(fmt: str, data: bytes) -> tuple[bytes, bool]:
    """The uncompressed bytes of a sample, and whether it is gzipped (then mutated inside, re-packed)."""
    if fmt in ("jsonl.gz", "warc.gz-single"):
        return gzip.decompress(data), True
    return data, False


def _mutations(rng: random.Random) -> list[tuple[str, str, bytes]]:
    """(family, format, bytes) for every byte-level damage to every sample."""
    out: list[tuple[str, str, bytes]] = []
    for fmt, (_, make) in SAMPLES.items():
        for n in range(60):
            data = make(n)
            out.append(("truncate", fmt, data[: rng.randrange(len(data))]))
        for n in range(120):
            data = make(n)
            out.append(("bitflip", fmt, _bitflip(data, rng, rng.choice([1, 1, 2, 3, 8, 40]))))
        for n in range(24):
            raw, packed = _inner(fmt, make(n))
            bad = _insert(raw, rng, rng.choice(_BAD_UTF8))
            out.append(("bad-utf8", fmt, _gz(bad) if packed else bad))
        for n, bom in enumerate(_BOMS):
            raw, packed = _inner(fmt, make(n))
            out.append(("bom", fmt, _gz(bom + raw) if packed else bom + raw))
        for n in range(12):
            raw, packed = _inner(fmt, make(n))
            bad = _insert(raw, rng, b"\x00" * rng.choice([1, 1, 4, 300]))
            out.append(("nul", fmt, _gz(bad) if packed else bad))
        for n in range(6):
            raw, packed = _inner(fmt, make(n))
            out.append(
                ("crlf-mix", fmt, _gz(raw.replace(b"\n", b"\r")) if packed else raw.replace(b"\n", b"\r"))
            )
    return out


def _jsonl_lines(rng: random.Random) -> list[tuple[str, bytes]]:
    """Bad JSONL lines and types, each between two good lines."""
    values: list[object] = [
        None,
        True,
        False,
        0,
        -1,
        1.5,
        1e308,
        [],
        {},
        ["a"],
        {"a": 1},
        "",
        " ",
        "\n",
        "x" * 10,
    ]
    lines: list[bytes] = []
    for field in ("id", "text", "html", "title", "url", "published", "author"):
        for value in values:
            row: dict[str, object] = {"id": "x", "text": "The mayor said the bridge would reopen."}
            row[field] = value
            lines.append(json.dumps(row).encode())
    for field in ("id", "title", "url", "published", "author", "text"):
        for escape in ("\\ud83d", "\\ude00", "\\udfff\\ud800", "a\\ud83d", "\\u0000", "\\u0000\\u0000x"):
            base = {"id": "s", "text": "The mayor said the bridge would reopen."}
            text = json.dumps(base)
            key = f'"{field}": "'
            line = (
                text.replace(key, key + escape, 1) if key in text else text[:-1] + f', "{field}": "{escape}"' + "}"
            )
            lines.append(line.encode())
    raw_lines = [
        b"[]",
        b"[1,2]",
        b'"a string"',
        b"42",
        b"null",
        b"true",
        b"{",
        b"}",
        b'{"id": "x",}',
        b"{'id': 'x'}",
        b'{"id": NaN, "text": "t"}',
        b'{"id": Infinity, "text": "t"}',
        b'{"id": 1' + b"0" * 5000 + b', "text": "t"}',
        b'{"id": "a", "id": "b", "text": "t t"}',
        b"\x00\x00\x00",
        b"\xff\xfe{",
        b'{"id": "x", "text": "t"} trailing',
        b"\t \t",
        b"\x1b[31mred",
        b'{"id": "x", "text": "' + b"\\" * 3 + b'"}',
        b'{"id": "x", "text": "\\x41"}',
    ]
    lines += raw_lines
    nest = [b"[" * n + b"]" * n for n in (100, 1000, 5000, 100_000)]
    nest += [
        b'{"id": "d", "text": "t", "x": ' + b'{"a":' * n + b"1" + b"}" * n + b"}" for n in (900, 3000, 50_000)
    ]
    nest += [b"[" * 200_000]  # unbalanced, and over the recursion limit
    lines += nest
    good = json.dumps({"id": "neighbour", "text": "The council said the library would close."}).encode()
    out: list[tuple[str, bytes]] = []
    for n, line in enumerate(lines):
        after = json.dumps({"id": f"after-{n}", "text": "Police said two men were arrested."}).encode()
        out.append(("jsonl-line", good + b"\n" + line + b"\n" + after + b"\n"))
    return out


def _huge(rng: random.Random) -> list[tuple[str, str, bytes]]:
    big_text = (" ".join(_SENTENCES) + "\n") * (MAX_ARTICLE_BYTES // 200 + 10)
    line = b"x" * (MAX_LINE + 10)
    one_line = b'{"id": "big", "text": "' + b"a" * (MAX_LINE + 100) + b'"}\n'
    return [
        ("huge", "story.txt", big_text.encode()),
        (
            "huge",
            "page.html",
            b"<html><body><article><p>" + big_text.encode() + b"</p></article></body></html>",
        ),
        ("huge", "feed.jsonl", _jsonl(1) + one_line + _jsonl(2)),
        ("huge", "feed.jsonl", _jsonl(1) + line + b"\n" + _jsonl(2)),
        ("huge", "feed.jsonl", line),  # no newline at all
        ("huge", "feed.jsonl.gz", _gz(_jsonl(1) + one_line + _jsonl(2))),
        (
            "huge",
            "crawl.warc",
            warc_record(
                "https://example.org/big", b"<html><body><p>" + big_text.encode() + b"</p></body></html>"
            )
            + _warc(3),
        ),
        ("huge-line", "story.txt", b"Headline\n\n" + b"word " * (MAX_ARTICLE_BYTES // 6)),
        (
            "huge-header",
            "crawl.warc",
            b"WARC/1.0\r\nWARC-Type: response\r\nX: " + b"h" * 300_000 + b"\r\n\r\n" + _warc(4),
        ),
    ]


def _bombs() -> list[tuple[str, str, bytes]]:
    zeros = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = zeros.compress(b"\0" * (40 << 20)) + zeros.flush()
    newlines = _gz(b"\n" * (8 << 20))
    aaa = _gz(b"a" * (40 << 20))
    inside = zlib.compressobj(9, zlib.DEFLATED, 31)
    http_bomb = inside.compress(b"<p>" + b" " * (30 << 20)) + inside.flush()
    warc_bomb = warc_record("https://example.org/bomb", http_bomb, http_extra=b"Content-Encoding: gzip\r\n")
    declared = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999999999\r\n\r\n" + b"\0" * 1000
    return [
        ("bomb", "zeros.jsonl.gz", bomb),
        ("bomb", "zeros.txt", bomb),
        ("bomb", "lines.jsonl.gz", newlines),
        ("bomb", "aaa.jsonl.gz", _gz(_jsonl(1)) + aaa),
        ("bomb", "zeros.warc.gz", bomb),
        ("bomb", "http.warc", warc_bomb + _warc(5)),
        ("bomb", "http.warc.gz", _gz(warc_bomb) + _warc_gz(5)),
        ("bomb", "declared.warc.gz", _gz(declared)),
        ("bomb", "zeros.html", bomb),
    ]


def _warc_framing() -> list[tuple[str, bytes]]:
    i = 7
    good_a, good_b = (
        warc_record(f"https://example.org/{i}/a", _html(i)),
        warc_record(f"https://example.org/{i}/b", _html(i)),
    )
    body = _html(9)
    broken = [
        warc_record("https://example.org/nolen", body, length=-1),
        warc_record("https://example.org/short", body, length=10),
        warc_record("https://example.org/long", body, length=len(body) * 3),
        warc_record("https://example.org/nan", body, length=None).replace(
            b"Content-Length: ", b"Content-Length: x", 1
        ),
        warc_record("https://example.org/neg", body).replace(b"Content-Length: ", b"Content-Length: -", 1),
        warc_record(None, body),
        warc_record("https://example.org/notype", body).replace(b"WARC-Type: response\r\n", b""),
        warc_record("https://example.org/v", body).replace(b"WARC/1.0", b"WARC/9.x"),
        warc_record("https://example.org/v2", body).replace(b"WARC/1.0", b"WRAC/1.0"),
        warc_record("https://example.org/nocolon", body, extra=b"this line has no colon\r\n"),
        warc_record("https://example.org/fold", body, extra=b"X-Long: a\r\n  folded\r\n"),
        warc_record("https://example.org/nohttp", body, http=False),
        warc_record(
            "https://example.org/chunk", b"zz\r\nabc\r\n", http_extra=b"Transfer-Encoding: chunked\r\n"
        ),
        warc_record(
            "https://example.org/chunk2", b"5\r\n<p>ab", http_extra=b"Transfer-Encoding: chunked\r\n"
        ),
        warc_record("https://example.org/gz", b"not gzip", http_extra=b"Content-Encoding: gzip\r\n"),
        warc_record("https://example.org/br", body, http_extra=b"Content-Encoding: br\r\n"),
        warc_record("https://example.org/status", body, status="abc"),
        warc_record("https://example.org/\x1b[31mred", body),
        warc_record("https://example.org/empty", b""),
        warc_record("https://example.org/ws", b"   \r\n  "),
        warc_record("https://example.org/res", body, kind="resource"),
        warc_record("https://example.org/bin", b"\x00\x01\x02" * 100),
        b"garbage between records\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"WARC/1.0\r\nWARC-Type: response\r\n",  # header that ends with the file
        b"WARC/1.0\r\n",
    ]
    out = [("warc-framing", good_a + bad + good_b) for bad in broken]
    out += [("warc-framing", bad + good_b) for bad in broken]
    out += [("warc-framing", good_a + bad) for bad in broken]
    return out


def _html_nesting() -> list[tuple[str, bytes]]:
    out = []
    for n in (300, 3000, 30_000):
        for tag in ("div", "p", "b", "table"):
            out.append(
                (
                    "html-nesting",
                    (
                        f"<html><body><article><p>{_SENTENCES[0]}</p>"
                        + f"<{tag}>" * n
                        + "deep"
                        + f"</{tag}>" * n
                        + "</article></body></html>"
                    ).encode(),
                )
            )
    out.append(("html-nesting", b"<html>" + b"<!--" * 1000 + b"<p>x</p>"))
    out.append(("html-nesting", b"<" * 40_000))
    out.append(("html-nesting", b"<html><body>" + b"<p>" * 20_000))
    return out


def cases() -> list[Case]:
    """Every case of the suite, in a fixed order (at least 2,000); built once per process."""
    return list(_cases())


@lru_cache(maxsize=1)
def _cases() -> tuple[Case, ...]:
    return tuple(generate())


def generate() -> list[Case]:
    """Build every case afresh from the seed (``cases()`` caches this)."""
    rng = random.Random(20261202)
    out: list[Case] = []

    def add(family: str, filename: str, data: bytes = b"", special: str | None = None) -> None:
        number = len(out)
        out.append(Case(f"{family}-{number:04d}", family, filename, data, special, direct=number % 3 == 0))

    for family, fmt, data in _mutations(rng):
        add(family, SAMPLES[fmt][0], data)
    for family, data in _jsonl_lines(rng):
        add(family, "lines.jsonl", data)
        add(family, "lines.jsonl.gz", _gz(data))
    for family, filename, data in _huge(rng):
        add(family, filename, data)
    for family, filename, data in _bombs():
        add(family, filename, data)
    for family, data in _warc_framing():
        add(family, "frame.warc", data)
        add(family, "frame.warc.gz", _gz(data))
    for family, data in _html_nesting():
        add(family, "deep.html", data)
    for special in SPECIALS:
        for filename in ("item.jsonl", "item.txt", "item.warc.gz", "item.html"):
            add(f"fs-{special}", filename, special=special)
    for name in ("x.txt", "x.html", "x.jsonl", "x.warc"):  # a non-article name beside good ones is skipped
        add("fs-odd-suffix", name + ".bak", _text(1))
    return out


def fast_cases() -> list[Case]:
    """The CI tier: every file-system case, every bomb and huge input, and a fixed sample of the rest."""
    keep_all = ("fs-", "bomb", "huge")
    return [c for n, c in enumerate(cases()) if c.family.startswith(keep_all) or n % 9 == 0]


def build(case: Case, folder: Path) -> Path:
    """Make ``case``'s item inside ``folder`` (created); returns the item's path."""
    folder.mkdir(parents=True, exist_ok=True)
    item = folder / case.filename
    special = case.special
    if special is None:
        item.write_bytes(case.data)
    elif special == "fifo":
        os.mkfifo(item)
    elif special == "symlink_loop":
        item.symlink_to(item.name)
    elif special == "dangling_symlink":
        item.symlink_to("nowhere-" + item.name)
    elif special.startswith("device_"):
        item.symlink_to("/dev/" + special.removeprefix("device_"))
    elif special == "unreadable_file":
        item.write_bytes(_text(3))
        item.chmod(0)
    elif special == "unreadable_dir":
        inner = folder / "locked"
        inner.mkdir()
        (inner / case.filename).write_bytes(_text(4))
        inner.chmod(0)
        item = inner
    elif special == "empty":
        item.write_bytes(b"")
    elif special == "dir_named_like_file":
        item.mkdir()
        (item / "inner.txt").write_bytes(_text(5))
    elif special == "non_utf8_name":
        item = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9-" + os.fsencode(case.filename)))
        item.write_bytes(_text(6) if case.filename.endswith(".txt") else b"\xff\xfe")
    elif special == "control_char_name":
        item = folder / ("new\nline\x1b[2J-" + case.filename)
        item.write_bytes(_text(7))
    else:  # pragma: no cover - a new special without a builder
        raise ValueError(special)
    return item


if __name__ == "__main__":  # rebuild one case to look at: generator.py NAME DIR
    wanted, where = sys.argv[1], Path(sys.argv[2])
    for case in cases():
        if case.name == wanted:
            print(build(case, where))
            break
    else:
        print(f"no case {wanted}; there are {len(cases())}", file=sys.stderr)
        sys.exit(2)
