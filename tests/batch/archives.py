"""Test archives built from real news paragraphs (PolNeAR dev texts in tests/data/batch), as JSONL."""

from __future__ import annotations

import html
import json
import random
from pathlib import Path

BATCH_DATA = Path(__file__).resolve().parent.parent / "data" / "batch" / "texts"


def article_texts() -> dict[str, str]:
    """The six real articles, by file stem."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(BATCH_DATA.glob("*.txt"))}


def paragraphs() -> list[str]:
    """Every body paragraph of the six articles (their first line is the headline)."""
    out: list[str] = []
    for text in article_texts().values():
        body = text.split("\n", 1)[1]
        out.extend(p.strip() for p in body.split("\n\n") if len(p.split()) >= 8)
    return out


def synthetic_articles(n: int, seed: int = 4, per_article: int = 2) -> list[dict[str, str]]:
    """``n`` short articles, each a seeded draw of real paragraphs: realistic prose, fast to parse."""
    rng = random.Random(seed)
    pool = paragraphs()
    articles = []
    for i in range(n):
        body = "\n\n".join(rng.sample(pool, per_article))
        articles.append(
            {
                "id": f"synth-{i:04d}",
                "title": f"Campaign notebook, part {i}",
                "url": f"https://news.example.org/notebook/{i}",
                "published": f"2016-10-{1 + i % 28:02d}",
                "text": body,
            }
        )
    return articles


def write_jsonl(path: Path, rows: list[dict[str, str] | str]) -> Path:
    """Write rows (dicts as JSON, strings verbatim: a deliberately bad line) one per line."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def _html(title: str, body: str) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{paras}</article>"
        f"<footer>Copyright the publisher</footer></body></html>"
    )


def write_warc(path: Path, texts: dict[str, str]) -> Path:
    """A gzipped WARC of HTML responses, one per article (target URI from the stem), as a crawler writes."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for stem, text in texts.items():
            title, body = text.split("\n", 1)
            payload = _html(title, body.strip()).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://news.example.org/{stem}",
                "response",
                payload=BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2016-10-01T12:00:00Z"},
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio buffers the payload in a temporary file to digest it
    return path
