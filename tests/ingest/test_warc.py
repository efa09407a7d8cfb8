"""WARC: HTML responses of a web archive become Pages, streamed; the rest is skipped or a Failure."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.readers import read_path
from ontherecord.ingest.warc import iter_warc
from ontherecord.model import Failure, NoteKind, Page
from ontherecord.settings import Settings

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

# warcio is a dev dependency (make test installs it): a missing one is a broken setup, not a skip.
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

AXELROD_URI = "https://news.example.com/story/2016/09/axelrod-dean-apologize-trump"
STEIN_URI = "https://daily.example.org/2016/09/26/jill-stein-removed-from-debate-site/"
NO_DATE_URI = "https://blog.example.net/posts/latin"


def _response(writer, uri, body, content_type="text/html; charset=utf-8", status="200 OK", date="2022-04-10T12:00:00Z"):
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def _archive(path, gzip_records=True):
    no_date = (
        "<html><head><title>Café owners protest</title></head><body><article>"
        + "<p>Les propriétaires de café ont manifesté, a déclaré le maire à la presse locale.</p>" * 3
        + "</article></body></html>"
    )
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "ontherecord tests"}))
        _response(writer, AXELROD_URI, (PAGES / "politico_axelrod_correction.html").read_bytes())
        _response(writer, "https://news.example.com/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        _response(
            writer, "https://news.example.com/gone", b"<html><body>Not found</body></html>", status="404 Not Found"
        )
        _response(writer, "https://news.example.com/empty", b"<html><body><script>1</script></body></html>")
        _response(writer, STEIN_URI, (PAGES / "upi_stein_update.html").read_bytes())
        _response(writer, NO_DATE_URI, no_date.encode("cp1252"), content_type="text/html; charset=windows-1252",
                  date="2021-03-05T08:30:00Z")
    return path


@pytest.fixture
def archive(tmp_path):
    return _archive(tmp_path / "crawl.warc.gz")


def test_html_responses_become_pages(archive, cfg):
    items = list(iter_warc(archive, cfg))
    summary = [(type(i).__name__, i.id if isinstance(i, Page) else i.message) for i in items]
    assert summary == [
        ("Page", AXELROD_URI),
        ("Failure", "record 5 (https://news.example.com/empty): no article text found in the HTML"),
        ("Page", STEIN_URI),
        ("Page", NO_DATE_URI),
    ]
    # A failure names the file and the record's offset in it; a page's origin does too.
    assert items[1].origin.startswith(f"{archive}@") and items[1].stage == "read"
    assert all(i.origin.startswith(f"{archive}@") for i in items)


def test_warc_page_metadata_and_cleaning(archive, cfg):
    pages = [i for i in iter_warc(archive, cfg) if isinstance(i, Page)]
    axelrod = pages[0]
    assert (axelrod.url, axelrod.format) == (AXELROD_URI, "html")
    assert axelrod.origin.startswith(f"{archive}@")
    # The page states its own date; the capture date is used only where it does not.
    assert axelrod.published == "2016-09-28"
    assert pages[2].published == "2021-03-05T08:30:00Z"
    assert "Les propriétaires de café ont manifesté" in pages[2].text
    article, notes = clean_page(axelrod)
    assert article.id == AXELROD_URI
    assert article.title == "Axelrod calls on Dean to apologize for suggesting Trump uses cocaine"
    assert [n.kind for n in notes] == [NoteKind.CORRECTION]


def test_uncompressed_warc_via_read_path(tmp_path, cfg):
    path = _archive(tmp_path / "crawl.warc", gzip_records=False)
    assert [i.id for i in read_path(path, cfg) if isinstance(i, Page)] == [AXELROD_URI, STEIN_URI, NO_DATE_URI]


def test_oversized_record_is_a_failure(archive):
    items = list(iter_warc(archive, Settings(max_article_bytes=2000)))
    big = [i for i in items if isinstance(i, Failure) and AXELROD_URI in i.message]
    assert big and "max_article_bytes" in big[0].message
    assert any(isinstance(i, Page) and i.id == NO_DATE_URI for i in items)


def test_damaged_archive_ends_with_a_failure(archive, tmp_path, cfg):
    damaged = tmp_path / "damaged.warc.gz"
    data = archive.read_bytes()
    damaged.write_bytes(data[: int(len(data) * 0.6)] + b"garbage" * 10)
    items = list(iter_warc(damaged, cfg))
    assert isinstance(items[0], Page)
    assert isinstance(items[-1], Failure) and items[-1].origin.startswith(f"{damaged}@")
    assert items[-1].message == "file breaks off: the compressed data is corrupt"


def test_not_a_warc(tmp_path, cfg):
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a web archive\n" * 10))
    items = list(iter_warc(path, cfg))
    assert len(items) == 1 and isinstance(items[0], Failure)


def test_reading_needs_no_warcio(archive, cfg, monkeypatch):
    # The framing is read by ontherecord itself (warcio only writes the fixtures here).
    monkeypatch.setitem(sys.modules, "warcio", None)
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    assert [i.id for i in iter_warc(archive, cfg) if isinstance(i, Page)] == [AXELROD_URI, STEIN_URI, NO_DATE_URI]
