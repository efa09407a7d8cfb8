"""Quality floor on real articles: every PolNeAR dev text, as a text page and wrapped in site chrome as HTML.

Measured at 98.0% (text) and 97.9% (HTML) of paragraphs kept; what is lost is the corpus's own
chrome ("___." separators, "Read the rest here.", "FACEBOOK." labels) and, in HTML, characters
trafilatura normalises (mojibake, zero-width spaces).
"""

from __future__ import annotations

import html

import pytest

from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.html import page_from_html
from ontherecord.ingest.readers import read_text

pytestmark = pytest.mark.corpus

TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | Example</title>
<meta property="og:title" content="{title}"></head><body><a href="#m">Skip to main content</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/p">Politics</a></li><li><a href="/w">World</a></li></ul></nav>
<div class="cookies"><p>We use cookies to improve your experience. By continuing to use this site, you agree.</p></div>
<main id="m"><article><h1>{title}</h1><div class="share"><a>Facebook</a> <a>Twitter</a> <a>Email</a></div>
{body}<p>Share this article</p><aside><h3>Most Read</h3><ul><li><a href="/1">A headline about the race</a></li>
<li><a href="/2">Another headline here</a></li></ul></aside></article>
<section id="comments"><h3>Leave a Reply</h3>\
<p>Your email address will not be published. Required fields are marked *</p>
<form><textarea></textarea><input type="submit" value="Post Comment"></form></section></main>
<footer><p>Sign up for our newsletter to get the latest news in your inbox.</p>
<p>© 2016 Example. All rights reserved.</p></footer></body></html>"""

CHROME = ["Skip to main content", "We use cookies", "Facebook Twitter", "Share this article", "Most Read",
          "Leave a Reply", "Required fields", "Sign up for our newsletter", "All rights reserved"]


def _lines(text: str) -> list[str]:
    # trafilatura normalises whitespace (no-break spaces, doubled spaces): compare on collapsed whitespace.
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _as_html(title: str, body: list[str]) -> str:
    paragraphs = [f"<p>{html.escape(p, quote=False)}</p>" for p in body]
    paragraphs.insert(len(paragraphs) // 2, "<div class='ad'><p>Advertisement</p></div>")
    return TEMPLATE.format(title=html.escape(title), body="\n".join(paragraphs))


@pytest.mark.parametrize("shape", ["text", "html"])
def test_polnear_dev_pages_keep_article_and_drop_chrome(polnear_dev, shape):
    kept = total = 0
    for path in sorted((polnear_dev / "text").glob("*.txt")):
        source = path.read_text(encoding="utf-8")
        title, *body = _lines(source)
        if shape == "text":
            page = read_text(source, id=path.stem, origin=str(path))
        else:
            page = page_from_html(_as_html(title, body), id=path.stem, origin=str(path))
        article, notes = clean_page(page)
        assert article.title is not None and " ".join(article.title.split()) == title, path.name
        out = set(_lines(article.text)) | {line for note in notes for line in _lines(note.text)}
        total += len(body)
        kept += sum(line in out for line in body)
        if shape == "html":
            assert [c for c in CHROME if c in article.text] == [], path.name
    assert kept / total >= 0.975
