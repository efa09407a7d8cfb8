"""Reading files and folders: formats, ids, metadata, and every kind of bad input."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from conftest import SEED

from ontherecord.errors import InputError
from ontherecord.ingest.readers import read_file, read_path, read_text
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def test_read_text_is_a_text_page_with_a_title_line():
    page = read_text("Headline\r\n\r\nBody.", id="t1", origin="memo")
    assert page == Page(id="t1", text="Headline\n\nBody.", origin="memo", format="text")
    assert page.has_title_line


@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
def test_read_text_refuses_empty_text(text):
    with pytest.raises(InputError, match="text is empty"):
        read_text(text)


def test_read_file_text(cfg):
    page = read_file(SEED, cfg)
    assert page.id == "seed_belarus_battalion"
    assert page.format == "text"
    assert page.origin == str(SEED)
    assert page.text == SEED.read_text(encoding="utf-8")
    assert page.has_title_line


def test_read_file_html_metadata(cfg):
    page = read_file(PAGES / "upi_stein_update.html", cfg)
    assert page.format == "html"
    assert page.id == "upi_stein_update"
    assert page.title == "Green Party candidate Jill Stein removed from N.Y. debate site by police"
    assert page.url == "https://daily.example.org/2016/09/26/jill-stein-removed-from-debate-site/"
    assert page.published == "2016-09-26"
    assert not page.has_title_line
    # Paragraphs of the page arrive separated by blank lines.
    assert "\n\nStein, who’s ineligible to participate in the event" in page.text


@pytest.mark.parametrize("suffix", [".md", ".text", ".TXT"])
def test_text_suffixes(tmp_path, cfg, suffix):
    path = tmp_path / f"story{suffix}"
    shutil.copy(SEED, path)
    page = read_file(path, cfg)
    assert (page.format, page.id) == ("text", "story")


def test_unknown_suffix_is_sniffed(tmp_path, cfg):
    html = tmp_path / "page.php"
    shutil.copy(PAGES / "politico_axelrod_correction.html", html)
    text = tmp_path / "notes.asc"
    shutil.copy(SEED, text)
    assert read_file(html, cfg).format == "html"
    assert read_file(text, cfg).format == "text"


def test_missing_file(tmp_path, cfg):
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "nope.txt", cfg)
    assert str(err.value) == f"{tmp_path / 'nope.txt'}: no such file"


def test_directory_where_a_file_is_expected(tmp_path, cfg):
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path, cfg)


@pytest.mark.parametrize(("content", "problem"), [(b"", "file is empty"), (b"  \n\n\t \r\n", "holds only whitespace")])
def test_empty_and_whitespace_files(tmp_path, cfg, content, problem):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as err:
        read_file(path, cfg)
    assert err.value.origin == str(path)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        bytes(range(1, 32)) * 40,
    ],
)
def test_binary_files(tmp_path, cfg, content):
    path = tmp_path / "photo.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="binary") as err:
        read_file(path, cfg)
    assert "\n" not in str(err.value)


def test_invalid_utf8_falls_back_to_cp1252_with_a_warning(tmp_path, cfg, caplog):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Headline\n\n“Life is about leaps and bounds,” Kulazhanka said — in Kyiv.".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="ontherecord.ingest"):
        page = read_file(path, cfg)
    assert "“Life is about leaps and bounds,” Kulazhanka said — in Kyiv." in page.text
    assert any(str(path) in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)


def test_bytes_cp1252_cannot_decode_fall_back_to_latin1(tmp_path, cfg, caplog):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"Headline\n\nCaf\xe9 \x81 owner said so.")
    with caplog.at_level(logging.WARNING, logger="ontherecord.ingest"):
        page = read_file(path, cfg)
    assert "Café \x81 owner said so." in page.text
    assert "latin-1" in caplog.text


def test_utf8_bom_and_utf16_are_read(tmp_path, cfg, caplog):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffHeadline\n\nBody – text.".encode("utf-8"))
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes("Headline\n\nBody – text.".encode("utf-16"))
    with caplog.at_level(logging.WARNING):
        assert read_file(bom, cfg).text == "Headline\n\nBody – text."
        assert read_file(utf16, cfg).text == "Headline\n\nBody – text."
    assert not caplog.records


def test_html_declared_charset_is_used(tmp_path, cfg):
    path = tmp_path / "latin.html"
    body = "<p>Le président a déclaré que la réunion était terminée, selon des témoins sur place.</p>" * 3
    html = (
        '<html><head><meta charset="iso-8859-1"><title>Réunion</title></head>'
        f"<body><article>{body}</article></body></html>"
    )
    path.write_bytes(html.encode("iso-8859-1"))
    page = read_file(path, cfg)
    assert "Le président a déclaré" in page.text


def test_too_big_file_is_refused_before_reading(tmp_path, cfg, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB on paper, nothing to read

    def no_reading(self, *args, **kwargs):
        raise AssertionError(f"{self} was opened, but its size alone refuses it")

    # Not one byte is read (how long refusing takes is bench/reading.py's too_big_file figure).
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(InputError) as err:
        read_file(path, cfg)
    assert str(err.value) == (
        f"{path}: file is 50.0 MB; one article may be at most 10.0 MB (setting max_article_bytes)"
    )


def test_max_article_bytes_setting_is_honoured(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Headline\n\n" + "word " * 300)
    with pytest.raises(InputError, match=r"file is 1,510 bytes; one article may be at most 1,000 bytes"):
        read_file(path, Settings(max_article_bytes=1000))


def test_html_without_article(tmp_path, cfg):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body><script>var a = 1;</script></body></html>")
    with pytest.raises(InputError) as err:
        read_file(path, cfg)
    assert str(err.value) == f"{path}: no article text found in the HTML"


@pytest.mark.parametrize("name", ["feed.jsonl", "crawl.warc.gz"])
def test_read_file_points_containers_to_read_path(tmp_path, cfg, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(InputError, match="holds many articles"):
        read_file(path, cfg)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path, cfg):
    path = tmp_path / "locked.txt"
    path.write_text("Headline\n\nBody.")
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read"):
        read_file(path, cfg)


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "2016" / "09").mkdir(parents=True)
    (root / ".cache").mkdir()
    shutil.copy(SEED, root / "seed.txt")
    shutil.copy(PAGES / "upi_stein_update.html", root / "2016" / "09" / "stein.html")
    shutil.copy(PAGES / "politico_axelrod_correction.html", root / "2016" / "axelrod.htm")
    shutil.copy(PAGES / "mixed_articles.jsonl", root / "2016" / "feed.jsonl")
    (root / "2016" / "09" / "empty.txt").write_text("   \n")
    (root / "2016" / "09" / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (root / ".hidden.txt").write_text("Hidden\n\nShould not be read.")
    (root / ".cache" / "cached.txt").write_text("Cached\n\nShould not be read.")
    (root / "2016" / "09" / "stein.ann").write_text("T1\tSource 0 4\tStein\n")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    return root


def test_read_path_folder_sorted_recursive_with_failures_in_place(tmp_path, cfg):
    root = _folder(tmp_path)
    items = list(read_path(root, cfg))
    summary = [(type(i).__name__, i.id if isinstance(i, Page) else i.origin) for i in items]
    feed = root / "2016" / "feed.jsonl"
    assert summary == [
        ("Failure", str(root / "2016" / "09" / "binary.txt")),
        ("Failure", str(root / "2016" / "09" / "empty.txt")),
        ("Page", "2016/09/stein"),
        ("Page", "2016/axelrod"),
        ("Page", "breitbart-only-percent"),
        ("Failure", f"{feed}:3"),
        ("Failure", f"{feed}:4"),
        ("Failure", f"{feed}:5"),
        ("Failure", f"{feed}:6"),
        ("Page", "20160920"),
        ("Page", "seed"),
    ]
    failures = [i for i in items if isinstance(i, Failure)]
    assert all(f.stage == "read" for f in failures)
    assert "binary" in failures[0].message and "whitespace" in failures[1].message


def test_read_path_single_file_and_missing_path(tmp_path, cfg):
    assert [p.id for p in read_path(SEED, cfg)] == ["seed_belarus_battalion"]
    assert [p.id for p in read_path(str(SEED), cfg)] == ["seed_belarus_battalion"]
    with pytest.raises(InputError, match="no such file or directory"):
        list(read_path(tmp_path / "missing", cfg))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list(read_path(bad, cfg))


def test_read_path_folder_keeps_going_after_a_too_big_file(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\n" + "long " * 400)
    (tmp_path / "b.txt").write_text("Headline\n\nShort.")
    items = list(read_path(tmp_path, Settings(max_article_bytes=1000)))
    assert isinstance(items[0], Failure) and "max_article_bytes" in items[0].message
    assert isinstance(items[1], Page) and items[1].id == "b"
