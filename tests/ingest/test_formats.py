"""The one table of input formats: every reader, the page count and the Spark job agree on what a path holds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ontherecord.batch.local import count_pages
from ontherecord.batch.spark import guess_format, input_files
from ontherecord.ingest import formats
from ontherecord.ingest.readers import read_path
from ontherecord.model import Page
from ontherecord.pipeline import looks_like_path
from ontherecord.settings import Settings

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
TEXT = "The mayor said on Tuesday that the bridge would reopen next month."


@pytest.mark.parametrize(
    ("name", "fmt", "stem"),
    [
        ("a.txt", "text", "a"),
        ("a.TEXT", "text", "a"),
        ("notes.md", "text", "notes"),
        ("a.html", "html", "a"),
        ("a.HTM", "html", "a"),
        ("a.xhtml", "html", "a"),
        ("a.jsonl", "jsonl", "a"),
        ("a.jsonl.gz", "jsonl", "a"),
        ("a.ndjson", "jsonl", "a"),
        ("a.ndjson.gz", "jsonl", "a"),
        ("crawl.warc", "warc", "crawl"),
        ("crawl.warc.gz", "warc", "crawl"),
        ("part-0.parquet", "parquet", "part-0"),
        ("a.ann", None, "a"),
        ("a.expected.json", None, "a.expected"),
        (".txt", None, ".txt"),
    ],
)
def test_the_table(name: str, fmt: str | None, stem: str) -> None:
    assert formats.split_name(name) == (fmt, stem)


@pytest.mark.parametrize("name", ["README", "README.md", "readme.txt", "ReadMe.MD", "LICENSE.txt", "CHANGELOG.md"])
def test_a_folders_own_documentation_is_not_an_article(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("About this folder: the articles come from a crawl in 2016.\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text(f"Headline\n\n{TEXT}\n", encoding="utf-8")
    assert [p.id for p in read_path(tmp_path, Settings())] == ["story"]
    assert count_pages([tmp_path]) == 1
    # Named on its own, it is read like any file.
    assert len(list(read_path(tmp_path / name, Settings()))) == 1


def test_the_bundled_articles_folder_holds_six_articles_not_its_readme() -> None:
    assert (ARTICLES / "README.md").exists()
    pages = list(read_path(ARTICLES, Settings()))
    assert all(isinstance(p, Page) for p in pages)
    assert sorted(p.id for p in pages) == sorted(p.stem for p in ARTICLES.glob("*.txt"))
    assert count_pages([ARTICLES]) == len(pages) == 6


def _ndjson(path: Path, n: int) -> Path:
    lines = "".join(json.dumps({"id": f"n{i}", "title": f"Story {i}", "text": TEXT}) + "\n" for i in range(n))
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["feed.ndjson", "feed.ndjson.gz"])
def test_ndjson_is_jsonl_everywhere(tmp_path: Path, name: str) -> None:
    """Issue 11: Spark took .ndjson files that the readers read as one plain-text article each."""
    (tmp_path / "in").mkdir()
    feed = _ndjson(tmp_path / "in" / name, 3)
    for path in (feed, feed.parent):  # the file alone, and in a folder walk
        pages = list(read_path(path, Settings()))
        assert [p.id for p in pages] == ["n0", "n1", "n2"]
        assert all(isinstance(p, Page) and p.text == TEXT for p in pages)
    assert count_pages([feed.parent]) == (3 if name.endswith(".ndjson") else None)
    assert guess_format(str(feed.parent)) == guess_format(str(feed)) == "jsonl"
    assert input_files(str(feed.parent), "jsonl") == [str(feed)]


def test_spark_reads_the_files_a_local_ingest_reads(tmp_path: Path) -> None:
    _ndjson(tmp_path / "a.ndjson", 1)
    _ndjson(tmp_path / "b.jsonl", 1)
    (tmp_path / "README.md").write_text("what these are\n", encoding="utf-8")
    (tmp_path / ".hidden.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "c.arc.gz").write_bytes(b"")  # ARC is not WARC: warcio gives its records no target URI
    assert input_files(str(tmp_path), "jsonl") == [str(tmp_path / "a.ndjson"), str(tmp_path / "b.jsonl")]
    assert input_files(str(tmp_path), "warc") == []


@pytest.mark.parametrize(
    ("text", "is_path"),
    [("story.txt", True), ("story.HTML", True), ("archive.jsonl", False), ("He said so.", False), ("a\nb.txt", False)],
)
def test_read_tells_a_path_from_text_by_the_table(text: str, is_path: bool) -> None:
    assert looks_like_path(text) is is_path
