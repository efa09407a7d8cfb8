"""The article layout: lines and paragraphs, strict and loose quotations, computed from text alone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontherecord.model import Attribution, AttributionKind, CharSpan
from ontherecord.nlp.layout import ArticleLayout, Regions, inside


def _texts(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "lines", "paragraphs"),
    [
        ("One.\n\nTwo.", ["One.", "Two."], ["One.", "Two."]),
        # A hard-wrapped paragraph: two lines to extraction, one paragraph to resolution and reliance.
        ("A paragraph that is\nwrapped.\n\nLast.", ["A paragraph that is", "wrapped.", "Last."],
         ["A paragraph that is\nwrapped.", "Last."]),
        ("  Title  \n\n \nBody one.\nBody two.  ", ["Title", "Body one.", "Body two."],
         ["Title", "Body one.\nBody two."]),
        ("", [], []),
        ("\n\n  \n", [], []),
    ],
)
def test_lines_and_paragraphs(text: str, lines: list[str], paragraphs: list[str]) -> None:
    layout = ArticleLayout.of(text)
    assert _texts(text, layout.lines) == lines
    assert _texts(text, layout.paragraphs) == paragraphs


@pytest.mark.parametrize(
    ("text", "strict", "loose"),
    [
        ("“We will win,” she said.", ["“We will win,”"], ["“We will win,”"]),
        # Typewriter marks pair strictly; the loose reading knows only double-mark glyphs.
        ("''We will win,'' he said.", ["''We will win,''"], []),
        # Never closed, not continued: refused strictly, run to the paragraph's end loosely.
        ("He said: “We will win and nobody", [], ["“We will win and nobody"]),
        # The seed's closing “ at a paragraph's end: both readings close there.
        ("He said: “We fight for both countries. “", ["“We fight for both countries. “"],
         ["“We fight for both countries. “"]),
    ],
)
def test_strict_quotes_and_loose_marked_regions(text: str, strict: list[str], loose: list[str]) -> None:
    layout = ArticleLayout.of(text)
    assert _texts(text, [q.span for q in layout.quotes]) == strict
    assert _texts(text, layout.marked_regions) == loose


def test_single_quotes_are_kept_apart() -> None:
    text = "Belarus’s battalion fights for ‘freedom’ of both countries’\n\nBody."
    layout = ArticleLayout.of(text)
    assert layout.quotes == ()
    assert _texts(text, [q.span for q in layout.single_quotes]) == ["‘freedom’"]


def test_quote_paragraph_indexes_lines() -> None:
    text = "Intro line\n“First part.\n“Second part,” she said."
    layout = ArticleLayout.of(text)
    assert [q.paragraph for q in layout.quotes] == [1, 2]
    assert [layout.line_of(q.span.start) for q in layout.quotes] == [1, 2]


@pytest.mark.parametrize(
    ("offset", "line", "paragraph"),
    [
        (0, 0, 0),
        (3, 0, 0),
        (4, 0, 1),  # just past "One.": still its line (the last one started), already the next paragraph
        (5, 0, 1),
        (6, 1, 1),
        (100, 1, 1),
    ],
)
def test_line_of_and_paragraph_of(offset: int, line: int, paragraph: int) -> None:
    layout = ArticleLayout.of("One.\n\nTwo.")
    assert layout.line_of(offset) == line
    assert layout.paragraph_of(offset) == paragraph


def test_line_of_before_the_first_line() -> None:
    assert ArticleLayout.of("  One.").line_of(0) == -1


def test_quoted_regions_add_direct_content_only() -> None:
    text = "She said the plan works. “Yes,” he said."

    def attribution(kind: AttributionKind, start: int, end: int) -> Attribution:
        return Attribution(f"a{start}", None, (), (), (CharSpan(start, end),), kind)

    layout = ArticleLayout.of(text)
    regions = layout.quoted_regions(
        [attribution(AttributionKind.INDIRECT, 9, 23), attribution(AttributionKind.DIRECT, 4, 8)]
    )
    assert list(regions) == [CharSpan(4, 8), CharSpan(25, 31)]
    assert layout.quoted_regions() == list(layout.marked_regions)


_span = st.tuples(st.integers(0, 30), st.integers(0, 30)).map(lambda p: CharSpan(min(p), max(p)))


@given(st.lists(_span, max_size=6), st.integers(-1, 32))
def test_regions_answer_inside_as_the_plain_scan_does(spans: list[CharSpan], offset: int) -> None:
    assert inside(offset, Regions(spans)) == any(s.start < offset < s.end for s in spans)


def test_layout_needs_no_spacy() -> None:
    code = "import sys, ontherecord.nlp.layout; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
