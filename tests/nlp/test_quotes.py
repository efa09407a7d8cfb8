"""Quote-mark pairing: the shapes real pages use, and the ones that must be refused."""

from __future__ import annotations

import pytest

from ontherecord.nlp.layout import split_lines
from ontherecord.nlp.quotes import Quote, find_quotes


def quotes_of(text: str) -> list[Quote]:
    return find_quotes(text, split_lines(text))


def texts(text: str, single: bool = False) -> list[str]:
    return [text[q.span.start : q.span.end] for q in quotes_of(text) if q.single == single]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We will win,” she said.", ["“We will win,”"]),
        ('"We will win," she said.', ['"We will win,"']),
        ("''We will win,'' Mr. Smith said.", ["''We will win,''"]),
        ("She said: “Go.” Then: “Stay.”", ["“Go.”", "“Stay.”"]),
        ("He called it “a hoax” and left.", ["“a hoax”"]),
        # The closing mark is an opening glyph at the paragraph's end (the seed's Aleksandr quote).
        ("He said: “We fight for both countries. “", ["“We fight for both countries. “"]),
        # A closing glyph typed as the opener, then a proper close.
        ("”We stay,” he said.", ["”We stay,”"]),
        # Apostrophes are not quote marks.
        ("Belarus’s army and the players’ union’s", []),
    ],
)
def test_double_quote_pairing(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He said: “We will win and nobody",  # never closed, next paragraph does not continue it
        "Nobody opened this” at all.",  # a stray closing mark
        "“Unclosed one\n\nA narrative paragraph.",
    ],
)
def test_unpairable_marks_are_refused(text: str) -> None:
    assert texts(text) == []


def test_quote_over_paragraphs_opens_each_paragraph_and_closes_the_last() -> None:
    text = "“First part of it.\n\n“Second part.\n\n“Third part,” she said."
    quotes = quotes_of(text)
    assert [text[q.span.start : q.span.end] for q in quotes] == [
        "“First part of it.",
        "“Second part.",
        "“Third part,”",
    ]
    assert [q.closed for q in quotes] == [False, False, True]
    assert [q.continues for q in quotes] == [False, True, True]


def test_single_quotes_in_a_headline() -> None:
    text = "Belarus’s battalion fights for ‘freedom’ of both countries’\n\nBody."
    assert texts(text, single=True) == ["‘freedom’"]


def test_single_quotes_inside_double_quotes_are_not_separate_quotes() -> None:
    text = "“People say, ‘It does not matter,’” said King."
    assert texts(text, single=True) == []
    assert texts(text) == ["“People say, ‘It does not matter,’”"]


def test_inner_excludes_the_marks() -> None:
    text = "''It works,'' he said."
    (quote,) = quotes_of(text)
    assert text[quote.inner.start : quote.inner.end] == "It works,"


def test_lines_are_stripped_non_blank_lines() -> None:
    text = "  Title  \n\n \nBody one.\nBody two.  "
    assert [text[p.start : p.end] for p in split_lines(text)] == ["Title", "Body one.", "Body two."]
