"""Invariants on arbitrary text: spans inside the text and non-empty; extraction never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ontherecord.attribution.extractor import extract_attributions
from ontherecord.model import Article
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.settings import Settings

PIECES = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "''",
        "‘",
        "’",
        "'",
        "«",
        "»",
        " ",
        " ",
        "\n",
        "\n\n",
        ".",
        ",",
        ":",
        "said",
        "says",
        "told",
        "according to",
        "believes",
        "hopes that",
        "Smith",
        "he",
        "the mayor",
        "and",
        "We will win",
        "Mr.",
        "that",
        "—",
        "as",
        "a hoax",
    ]
)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map(lambda parts: " ".join(parts).strip() or "x")


@given(st.text(alphabet=st.sampled_from("ab “”\"'‘’\n.,"), max_size=80))
def test_quotes_lie_inside_the_text(text: str) -> None:
    layout = ArticleLayout.of(text)
    for q in (*layout.quotes, *layout.single_quotes):
        assert 0 <= q.span.start < q.span.end <= len(text)
        assert q.inner.start >= q.span.start and q.inner.end <= q.span.end


@settings(max_examples=40)
@given(TEXTS)
def test_extraction_spans_are_inside_and_non_empty(nlp, text: str) -> None:
    article = Article(id="h", text=text)
    for att in extract_attributions(article, nlp(text), ArticleLayout.of(text), Settings(use_model=False)):
        assert att.cue or att.content
        for role in (att.source, att.cue, att.content):
            for span in role:
                assert 0 <= span.start < span.end <= len(text)
                assert span.slice(text).strip()
        assert 0.0 <= att.confidence <= 1.0
