"""JSONL: one article per line; a bad line is a Failure for that line and reading goes on."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from ontherecord.errors import InputError
from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.readers import iter_jsonl, read_path
from ontherecord.model import Failure, Page
from ontherecord.settings import Settings

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

FIXTURE = PAGES / "mixed_articles.jsonl"


def test_good_and_bad_lines(cfg):
    items = list(iter_jsonl(FIXTURE, cfg))
    assert [type(i).__name__ for i in items] == ["Page", "Failure", "Failure", "Failure", "Failure", "Page"]
    failures = {f.origin: f.message for f in items if isinstance(f, Failure)}
    assert failures[f"{FIXTURE}:3"].startswith("not JSON")
    assert failures[f"{FIXTURE}:4"] == 'no "id"'
    assert failures[f"{FIXTURE}:5"] == 'no "text" or "html" string'
    assert failures[f"{FIXTURE}:6"] == "expected a JSON object, got list"
    assert all(f.stage == "read" for f in items if isinstance(f, Failure))


def test_text_record_fields(cfg):
    page = next(iter_jsonl(FIXTURE, cfg))
    assert isinstance(page, Page)
    assert (page.id, page.format, page.origin) == ("breitbart-only-percent", "text", f"{FIXTURE}:1")
    assert page.url == "https://news.example.net/2016/09/21/only-percent"
    assert page.published == "2016-09-21" and page.author == "Breitbart News"
    article, _ = clean_page(page)
    # The record's title is the title; the text's first line is the body's first paragraph.
    assert article.title.startswith("Only 24 Percent of Hillary Clinton’s")
    assert article.text.startswith(page.text.split("\n\n")[0])


def test_html_record(cfg):
    page = list(iter_jsonl(FIXTURE, cfg))[-1]
    assert (page.id, page.format, page.url) == ("20160920", "html", "https://news.example.net/2016/09/20/wealthy-voters")
    article, _ = clean_page(page)
    assert article.title.startswith("Poll: Wealthy Voters Abandon")
    assert "Follow us on Twitter" not in article.text
    assert "Copyright" not in article.text and "Home" not in article.text


def test_gzipped_jsonl(tmp_path, cfg):
    path = tmp_path / "feed.jsonl.gz"
    with FIXTURE.open("rb") as src, gzip.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert [type(i).__name__ for i in iter_jsonl(path, cfg)] == [
        type(i).__name__ for i in iter_jsonl(FIXTURE, cfg)
    ]


def test_truncated_gzip_ends_with_a_failure(tmp_path, cfg):
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(FIXTURE.read_bytes())
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path, cfg))
    assert isinstance(items[-1], Failure)
    assert "breaks off" in items[-1].message


def test_oversized_and_empty_records(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        {"id": "big", "text": "word " * 500},
        {"id": "blank", "text": "   "},
        {"id": "ok", "text": "Short text."},
        {"id": "bad-title", "title": ["a"], "text": "Text."},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    items = list(iter_jsonl(path, Settings(max_article_bytes=1000)))
    assert isinstance(items[0], Failure) and "max_article_bytes" in items[0].message
    assert isinstance(items[1], Failure) and items[1].message == '"text" is empty'
    assert isinstance(items[2], Page) and items[2].id == "ok"
    assert isinstance(items[3], Failure) and "title" in items[3].message


def test_missing_jsonl_file(tmp_path, cfg):
    with pytest.raises(InputError, match="no such file"):
        list(iter_jsonl(tmp_path / "none.jsonl", cfg))


def test_deeply_nested_line_is_a_failure(tmp_path, cfg):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n" + json.dumps({"id": "ok", "text": "Fine."}) + "\n")
    items = list(iter_jsonl(path, cfg))
    assert isinstance(items[0], Failure) and items[0].origin == f"{path}:1"
    assert isinstance(items[1], Page)
