"""Issue 12: one bad item never takes its neighbours down; every reader yields Pages or Failures.

Each case of the issue is a row here: what the reader yields (the good neighbours always among it)
and, for the ones that aborted `ingest`, the command itself (exit 0 or 1, the neighbours stored).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import stat
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from ingest.malformed.generator import warc_record
from ledger.ledger_builders import ledger_params, open_fresh_ledger

from ontherecord.archive import Ledger
from ontherecord.cli import main
from ontherecord.ingest import files
from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.jsonl import iter_jsonl
from ontherecord.ingest.readers import read_path
from ontherecord.ingest.warc import iter_warc
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

TEXT = "The mayor said the bridge would reopen next week."
HTML = (
    "<html><body><article>"
    + f"<p>{TEXT} Officials confirmed it to reporters on Friday.</p>" * 3
    + "</article></body></html>"
).encode()


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (not hang) when the block runs past ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise AssertionError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outline(items: list[Page | Failure]) -> list[tuple[str, str]]:
    return [("page", i.id) if isinstance(i, Page) else ("failure", f"{i.origin}: {i.message}") for i in items]


def ingest(*args: str | Path) -> tuple[int, str]:
    """`ontherecord ingest` through the real entry point: (exit code, stdout + stderr)."""
    code = 0
    with CliRunner().isolation() as streams:
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = streams[0].getvalue().decode() + streams[1].getvalue().decode()
    return code, out


def stored(db: Path | str) -> list[str]:
    with Ledger(str(db)) as ledger:
        return sorted(a.id for a in ledger.articles())


# --- JSONL ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "id", "url", "published", "author", "text"])
def test_a_lone_surrogate_fails_its_line_only(tmp_path: Path, cfg: Settings, field: str) -> None:
    path = tmp_path / "feed.jsonl"
    bad = json.dumps({"id": "bad", "text": TEXT, field: "x"}).replace('"x"', '"\\ud83d"')
    path.write_text(
        "\n".join([json.dumps({"id": "a", "text": TEXT}), bad, json.dumps({"id": "b", "text": TEXT})])
    )
    assert outline(list(iter_jsonl(path, cfg))) == [
        ("page", "a"),
        ("failure", f'{path}:2: "{field}" holds a lone surrogate escape (\\ud83d at character 0), not text'),
        ("page", "b"),
    ]


def test_a_lone_surrogate_no_longer_aborts_ingest(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "text": TEXT}, {"id": "bad", "title": "x", "text": TEXT}, {"id": "b", "text": TEXT}]
    path.write_text("\n".join(json.dumps(r) for r in rows).replace('"x"', '"\\ud83d"'))
    code, out = ingest("--db", tmp_path / "l.db", "ingest", "--no-progress", path)
    assert code in (0, 1) and "internal error" not in out
    assert stored(tmp_path / "l.db") == ["a", "b"]


def test_nul_characters_are_removed_from_text_and_metadata(tmp_path: Path, cfg: Settings) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"id": "n\u0000ul", "title": "Bridge\u0000", "text": "The mayor\u0000 said so."})
    )
    [page] = list(iter_jsonl(path, cfg))
    article, _ = clean_page(page)
    assert (article.id, article.title, article.text) == ("nul", "Bridge", "The mayor said so.")


@pytest.mark.parametrize("dialect", ledger_params())
def test_nul_and_surrogates_reach_neither_dialect(tmp_path: Path, dialect: str) -> None:
    # On PostgreSQL a NUL in one article used to fail the whole batch's write.
    db = open_fresh_ledger(dialect, tmp_path)
    path = tmp_path / "feed.jsonl"
    rows = [
        '{"id": "nul", "title": "Bridge\\u0000", "text": "The mayor\\u0000 said the bridge would reopen."}',
        '{"id": "half", "title": "\\ud83d", "text": "The mayor said the bridge would reopen."}',
        '{"id": "plain", "text": "The mayor said the bridge would reopen."}',
    ]
    path.write_text("\n".join(rows) + "\n")
    code, out = ingest("--db", db, "ingest", "--no-progress", path)
    assert code in (0, 1), out
    assert f'{path}:2: read: "title" holds a lone surrogate escape' in out
    assert stored(db) == ["nul", "plain"]
    with Ledger(db) as ledger:
        assert [a.title for a in ledger.articles() if a.id == "nul"] == ["Bridge"]


def test_an_over_long_line_is_refused_without_holding_it(tmp_path: Path) -> None:
    settings = Settings(max_article_bytes=1000)  # lines may be 2 * 1000 + 64 KiB
    path = tmp_path / "feed.jsonl"
    with path.open("w") as fh:
        fh.write(json.dumps({"id": "a", "text": TEXT}) + "\n")
        fh.write('{"id": "big", "text": "' + "a" * 30_000_000 + '"}\n')
        fh.write(json.dumps({"id": "b", "text": TEXT}) + "\n")
    tracemalloc.start()
    items = list(iter_jsonl(path, settings))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outline(items) == [
        ("page", "a"),
        ("failure", f"{path}:2: line is longer than 67,536 bytes (setting max_article_bytes)"),
        ("page", "b"),
    ]
    assert peak < 2_000_000  # the 30 MB line was never held


def test_a_gzip_bomb_is_stopped_not_inflated(tmp_path: Path) -> None:
    settings = Settings(max_article_bytes=1000)
    path = tmp_path / "bomb.jsonl.gz"
    zeros = gzip.compress(b"\0" * (4 << 20), mtime=0)
    # One line, then 1 GiB of zeros with no newline: 256 gzip members of 4 MiB each, about 1 MB on disk.
    path.write_bytes(gzip.compress((json.dumps({"id": "a", "text": TEXT}) + "\n").encode()) + zeros * 256)
    assert path.stat().st_size < 2_000_000
    tracemalloc.start()
    with within(30):
        items = list(iter_jsonl(path, settings))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outline(items)[0] == ("page", "a")
    assert [i.message for i in items[1:]] == [
        "line is longer than 67,536 bytes (setting max_article_bytes)",
        f"inflates to over {files.MAX_RATIO} times its compressed size at byte "
        + items[2].message.split("at byte ")[1].split(" ")[0]
        + " (a compression bomb?); the rest of the file is not read",
    ]
    assert peak < 2_000_000


# --- odd files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["feed.jsonl", "crawl.warc", "story.txt"])
def test_a_fifo_is_refused_at_once(tmp_path: Path, cfg: Settings, name: str) -> None:
    os.mkfifo(tmp_path / name)
    (tmp_path / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    with within(10):
        items = list(read_path(tmp_path, cfg))
    assert outline(items) == sorted(
        [("page", "good"), ("failure", f"{tmp_path / name}: is a named pipe (FIFO), not a regular file")],
        key=lambda row: row[1].replace(str(tmp_path) + "/", ""),
    )


@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero", "/dev/null"])
def test_a_device_named_jsonl_is_refused_and_ingest_finishes(tmp_path: Path, device: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").symlink_to(device)
    (folder / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    with within(60):  # with the progress line on: counting pages never opens the device either
        code, out = ingest("--db", tmp_path / "l.db", "ingest", folder)
    assert code in (0, 1), out
    assert f"{folder / 'feed.jsonl'}: read: is a device, not a regular file" in out
    assert stored(tmp_path / "l.db") == ["good"]


def test_a_symlink_loop_fails_as_one_item(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "loop.jsonl").symlink_to("loop.jsonl")
    (folder / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    code, out = ingest("--db", tmp_path / "l.db", "ingest", folder, folder / "loop.jsonl")
    assert code in (0, 1), out
    assert out.count(f"{folder / 'loop.jsonl'}: read: cannot read: a symbolic link loop") == 2
    assert stored(tmp_path / "l.db") == ["good"]


def test_a_non_utf8_file_name_is_read_under_an_escaped_id(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.txt"))).write_text(f"Caf\xe9\n\n{TEXT}\n")
    (folder / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    code, out = ingest("--db", tmp_path / "l.db", "ingest", "--no-progress", folder)
    assert code == 0, out
    assert stored(tmp_path / "l.db") == ["caf\\xe9", "good"]


def test_an_unreadable_sub_folder_is_a_failure_naming_it(tmp_path: Path, cfg: Settings, monkeypatch) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "hidden.txt").write_text(f"Headline\n\n{TEXT}\n")
    (folder / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    (folder / "locked").chmod(0)
    if os.geteuid() == 0:  # root lists any folder: refuse it as the OS refuses everyone else
        real = os.scandir

        def scandir(path="."):  # type: ignore[no-untyped-def]
            if os.fspath(path) == str(folder / "locked"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        items = list(read_path(folder, cfg))
    finally:
        (folder / "locked").chmod(stat.S_IRWXU)
    assert outline(items) == [
        ("page", "good"),
        ("failure", f"{folder / 'locked'}: cannot list this folder: cannot read: permission denied"),
    ]


# --- WARC -------------------------------------------------------------------------------------


def _warc(path: Path, *records: bytes, packed: str = "") -> Path:
    data = b"".join(records)
    if packed == "members":
        data = b"".join(gzip.compress(r, mtime=0) for r in records)
    elif packed == "single":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


A, B, C = (warc_record(f"https://example.org/{x}", HTML) for x in "abc")


def test_a_record_without_content_length_no_longer_swallows_the_next(tmp_path: Path, cfg: Settings) -> None:
    path = _warc(tmp_path / "x.warc", A, warc_record("https://example.org/nolen", HTML, length=-1), B)
    assert outline(list(iter_warc(path, cfg))) == [
        ("page", "https://example.org/a"),
        (
            "failure",
            f"{path}@{len(A)}: record 2: the record has no Content-Length; skipped to the next record",
        ),
        ("page", "https://example.org/b"),
    ]


def test_a_record_without_target_uri_fails_alone(tmp_path: Path, cfg: Settings) -> None:
    path = _warc(tmp_path / "x.warc", A, warc_record(None, HTML), B)
    assert outline(list(iter_warc(path, cfg))) == [
        ("page", "https://example.org/a"),
        ("failure", f"{path}@{len(A)}: record 2: the record has no WARC-Target-URI, so the page has no id"),
        ("page", "https://example.org/b"),
    ]


def test_a_truncated_warc_says_so(tmp_path: Path, cfg: Settings) -> None:
    path = _warc(tmp_path / "x.warc", A, B[: len(B) // 2])
    [page, failure] = list(iter_warc(path, cfg))
    assert page.id == "https://example.org/a"
    assert failure.origin == f"{path}@{len(A)}" and failure.message.startswith(
        "record 2 breaks off: the file ends"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a WARC file: it is empty"),
        (
            b"<html>a page, not an archive</html>\n" * 20,
            "not a WARC file: it does not start with a record header",
        ),
        (b"\r\n\r\n", "not a WARC file: it holds no WARC record"),
    ],
)
def test_a_file_that_is_no_warc_is_a_failure(
    tmp_path: Path, cfg: Settings, data: bytes, message: str
) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(data)
    assert outline(list(iter_warc(path, cfg))) == [("failure", f"{path}: {message}")]


@pytest.mark.parametrize("packed", ["", "members", "single"])
def test_every_record_is_read_however_the_archive_is_gzipped(
    tmp_path: Path, cfg: Settings, packed: str
) -> None:
    path = _warc(tmp_path / "x.warc.gz", A, B, C, packed=packed)
    assert [i.id for i in iter_warc(path, cfg)] == [f"https://example.org/{x}" for x in "abc"]


def test_no_archive_bytes_reach_a_message(tmp_path: Path, cfg: Settings, capsys, caplog) -> None:
    # warcio printed "Remainder: b'...'" with the file's bytes; our messages never quote the archive.
    secret = b"SECRET-PAYLOAD"
    path = _warc(
        tmp_path / "x.warc",
        A,
        b"junk " + secret + b"\r\n",
        warc_record("https://example.org/s", secret, length=3),
        B,
    )
    items = list(iter_warc(path, cfg))
    assert [i.id for i in items if isinstance(i, Page)] == ["https://example.org/a", "https://example.org/b"]
    printed = capsys.readouterr()
    everything = " ".join(f"{i.origin} {i.message}" for i in items if isinstance(i, Failure))
    everything += printed.out + printed.err + caplog.text
    assert "SECRET" not in everything


def test_a_readers_bug_fails_its_file_only(tmp_path: Path, cfg: Settings, monkeypatch) -> None:
    from ontherecord.ingest import readers

    def broken(path: Path, settings: Settings) -> Iterator[Page | Failure]:
        raise TypeError("a bug, with the data in its message")
        yield  # pragma: no cover

    monkeypatch.setattr(readers, "iter_jsonl", broken)
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}))
    (tmp_path / "good.txt").write_text(f"Headline\n\n{TEXT}\n")
    assert outline(list(read_path(tmp_path, cfg))) == [
        ("failure", f"{tmp_path / 'feed.jsonl'}: internal error while reading (TypeError)"),
        ("page", "good"),
    ]
