"""Stage ② read: an HTML page -> Page, via trafilatura (its Extractor options built once per process).

trafilatura finds the article in the page and drops most navigation, ads and comment threads;
what it lets through (share bars, widgets, notes) is left for ``clean``. Paragraphs come out one
per line; the Page gets them separated by blank lines, the shape ``clean`` reads.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import TYPE_CHECKING

from ontherecord.errors import InputError
from ontherecord.model import Page

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

NO_ARTICLE = "no article text found in the HTML"


@lru_cache(maxsize=1)
def _options() -> Extractor:
    # Built once: an Extractor reads trafilatura's config and computes its date limits.
    from trafilatura.settings import Extractor

    return Extractor(
        output_format="python",
        # Precision: on short articles the balanced mode falls back to the whole page body and
        # runs share bars into the text on one line; on PolNeAR pages wrapped in site chrome
        # precision keeps as many paragraphs (98.4%) and lets no chrome through.
        precision=True,
        with_metadata=True,
        comments=False,
        formatting=False,
        links=False,
        images=False,
        tables=True,
    )


def page_from_html(
    html: str,
    *,
    id: str | None,
    origin: str,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    fallback_published: str | None = None,
) -> Page:
    """Extract the article of one HTML page.

    Args:
        html: The page's HTML, already decoded.
        id: The article id; None uses the page's URL (given or found in its metadata), else ``origin``.
        origin: Where the page came from, for messages and ``Page.origin``.
        url: The page's URL when known from outside (a WARC record, a JSONL field); wins over metadata.
        title: A title known from outside; wins over the page's own.
        published: A date known from outside; wins over the page's own.
        fallback_published: A date used only when the page states none (a WARC record's capture date).

    Returns:
        A Page with ``format="html"`` and ``has_title_line=False`` (the title is metadata, not a line).

    Raises:
        InputError: trafilatura found no article text in the page.
    """
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    options = copy.copy(_options())
    options.url = url
    options.source = url or origin
    try:
        document = bare_extraction(html, options=options)
    except Exception as exc:  # lxml/trafilatura on markup they cannot build a tree from
        # The type only: their messages may quote the markup, which is no part of a one-line failure.
        raise InputError(origin, f"cannot parse the HTML ({type(exc).__name__})") from None
    # A Document, or None when trafilatura finds no article (a dict only when asked for one).
    text = document.text if isinstance(document, Document) else None
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if not lines or not isinstance(document, Document):
        raise InputError(origin, NO_ARTICLE)
    page_url = url or document.url
    return Page(
        id=id or page_url or origin,
        text="\n\n".join(lines),
        origin=origin,
        format="html",
        title=title or document.title,
        url=page_url,
        published=published or document.date or fallback_published,
        author=document.author,
        has_title_line=False,
    )
