"""Quotation and report shapes news uses, as (text, expected) tables (textacy style)."""

from __future__ import annotations

import pytest

from ontherecord.attribution.rules import extract_by_rules
from ontherecord.model import Article
from ontherecord.model.attribution import AttributionKind
from ontherecord.nlp.layout import ArticleLayout

D, IND, M, A, S = (
    AttributionKind.DIRECT,
    AttributionKind.INDIRECT,
    AttributionKind.MIXED,
    AttributionKind.ACCORDING_TO,
    AttributionKind.INTERNAL_STATE,
)


def read(nlp, text: str) -> list[tuple[str, str, list[str], AttributionKind]]:
    found = extract_by_rules(Article(id="t", text=text), nlp(text), ArticleLayout.of(text))
    return [
        (
            " ".join(text[s.start : s.end] for s in a.source),
            " ".join(text[s.start : s.end] for s in a.cue),
            [text[s.start : s.end] for s in a.content],
            a.kind,
        )
        for a in found
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We will win,” Smith said.", ("Smith", "said", ["“We will win,”"], D)),
        (
            "“We will win,” said Jane Smith, the mayor of Springfield.",
            ("Jane Smith, the mayor of Springfield", "said", ["“We will win,”"], D),
        ),
        ("Smith said: “We will win.”", ("Smith", "said", ["“We will win.”"], D)),
        ('"We will win," the mayor said.', ("the mayor", "said", ['"We will win,"'], D)),
        ("''We will win,'' Mr. Smith said.", ("Mr. Smith", "said", ["''We will win,''"], D)),
        (
            "“We will win,” she said. “They will lose.”",
            ("she", "said", ["“We will win,”", "“They will lose.”"], D),
        ),
        (
            "“We will win,” Smith told reporters. “First part.\n\n“Second part.”",
            ("Smith", "told", ["“We will win,”", "“First part.", "“Second part.”"], D),
        ),
        (
            "Smith told reporters: “The count is over. “",
            ("Smith", "told", ["“The count is over. “"], D),
        ),
        (
            "The mayor said that the bridge would reopen in May.",
            ("The mayor", "said", ["that the bridge would reopen in May"], IND),
        ),
        (
            "The bridge will reopen in May, the mayor and her deputy said.",
            ("the mayor and her deputy", "said", ["The bridge will reopen in May"], IND),
        ),
        (
            "The governor has also warned that the budget is running out.",
            ("The governor", "has also warned", ["that the budget is running out"], IND),
        ),
        (
            "The senator called the plan “a disaster” on Tuesday.",
            ("The senator", "called", ["the plan “a disaster”"], M),
        ),
        (
            "Prices will rise next year, according to the central bank.",
            ("the central bank", "according to", ["Prices will rise next year"], A),
        ),
        (
            "Clinton “is the only candidate with the experience,” General Newton said.",
            (
                "General Newton",
                "said",
                ["Clinton", "“is the only candidate with the experience,”"],
                M,
            ),
        ),
        (
            "“He is not fit to lead this country.” ― Sonya Herridge",
            ("Sonya Herridge", "―", ["“He is not fit to lead this country.”"], D),
        ),
        (
            "“If you look at the record,” Scott said, “you see a pattern.”",
            ("Scott", "said", ["“If you look at the record,”", "“you see a pattern.”"], D),
        ),
        (
            "Acts of protest, Mr. Obama said, are acts of patriotism.",
            ("Mr. Obama", "said", ["Acts of protest", "are acts of patriotism"], IND),
        ),
        (
            "The senator called for a moratorium on new drilling.",
            ("The senator", "called for", ["a moratorium on new drilling"], IND),
        ),
        (
            "But the plan will fail, the governor said.",
            ("the governor", "said", ["the plan will fail"], IND),
        ),
        (
            "Most economists believe the recession is over.",
            ("Most economists", "believe", ["the recession is over"], S),
        ),
    ],
)
def test_shapes(nlp, text, expected) -> None:
    # The one attribution each sentence holds, and nothing else read into it.
    assert read(nlp, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        # An unclosed quote that no paragraph continues: refuse rather than guess its end.
        "Smith said: “We will win and nobody can stop us\n\nThe vote is on Sunday.",
        # A scare quote with no cue is nobody's words.
        "The “reform” passed on Tuesday.",
        # Narrative with no cue at all.
        "The bridge reopened in May after two years of work.",
    ],
)
def test_no_attribution(nlp, text) -> None:
    assert read(nlp, text) == []


def test_transcript_turns_are_labelled_speech(nlp) -> None:
    text = (
        "WALLACE: Will she be there tomorrow night?\n\nPENCE: She will not be attending.\n\n"
        "WALLACE: Thank you, governor.\n\nPENCE: Thank you."
    )
    assert read(nlp, text) == [
        ("WALLACE", ":", ["Will she be there tomorrow night"], D),
        ("PENCE", ":", ["She will not be attending"], D),
        ("WALLACE", ":", ["Thank you, governor"], D),
        ("PENCE", ":", ["Thank you"], D),
    ]


def test_a_one_off_capital_label_is_not_a_speaker(nlp) -> None:
    text = "CLARIFICATION: The first sentence has been changed.\n\nThe vote is on Sunday."
    assert read(nlp, text) == []


def test_paragraph_opening_with_a_quote_continues_the_previous_speaker(nlp) -> None:
    text = (
        "“We will rebuild,” the mayor said.\n\n“It will take years, but we will.”\n\n"
        "The rain stopped."
    )
    (att,) = read(nlp, text)
    assert att[0] == "the mayor"
    assert att[2] == ["“We will rebuild,”", "“It will take years, but we will.”"]


def test_quote_after_a_narrative_paragraph_does_not_continue(nlp) -> None:
    text = "“We will rebuild,” the mayor said.\n\nThe rain stopped.\n\n“Nobody expected this.”"
    found = read(nlp, text)
    assert [f[2] for f in found] == [["“We will rebuild,”"]]
