"""The seed article (a Washington Post page, chrome included): every quote to the right speaker."""

from __future__ import annotations

import pytest
from conftest import SEED

from ontherecord.attribution.extractor import extract_attributions
from ontherecord.model import Article
from ontherecord.model.attribution import Attribution, AttributionKind
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.settings import Settings

TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def found(nlp) -> list[Attribution]:
    article = Article(id="seed", text=TEXT)
    return extract_attributions(article, nlp(TEXT), ArticleLayout.of(TEXT), Settings(use_model=False))


def text_of(spans) -> list[str]:
    return [TEXT[s.start : s.end] for s in spans]


def holding(found: list[Attribution], words: str) -> Attribution:
    """The one attribution whose content holds ``words``."""
    hits = [a for a in found if any(words in t for t in text_of(a.content))]
    assert len(hits) == 1, (words, [text_of(a.content) for a in hits])
    return hits[0]


@pytest.mark.parametrize(
    ("quoted", "speaker", "fragments"),
    [
        ("Life is about leaps and bounds", "Kulazhanka", 2),
        ("Basically, there are two wings", "Prokopiev", 2),
        ("I only spent three nights in jail", "Aleksandr, 38", 2),
        ("We have to prove that the Soviet mentality", "he", 2),
        ("To me, it’s obvious why Lukashenko", "Latushko", 2),
        ("We are already imagining", "Sergey Bulba", 2),
        ("According to my sources in the military", "Pavel Latushko", 1),
    ],
)
def test_each_quote_goes_to_its_speaker(found, quoted, speaker, fragments) -> None:
    att = holding(found, quoted)
    assert att.kind is AttributionKind.DIRECT
    assert text_of(att.source)[0].startswith(speaker)
    assert text_of(att.cue) == ["said"]
    assert len(att.content) == fragments


def test_a_quote_after_a_narrative_sentence_continues_the_speaker(found) -> None:
    att = holding(found, "Fighting Lukashenko was one thing")
    assert text_of(att.source) == ["Kulazhanka"]
    # The narrative sentence between the two quotes is nobody's words.
    assert not any("distant artillery" in t for a in found for t in text_of(a.content))


def test_a_quote_closed_with_an_opening_mark_is_kept_whole(found) -> None:
    att = holding(found, "But that was enough to make me leave Belarus")
    last = text_of(att.content)[-1]
    assert last.endswith("freedom of both countries. “")
    latushko = holding(found, "He is a master of self-preservation")
    assert text_of(latushko.content)[-1].endswith("They will jump out in droves. “")


def test_reported_speech_is_indirect(found) -> None:
    att = holding(found, "out of thousands who had expressed interest")
    assert (att.kind, text_of(att.source), text_of(att.cue)) == (
        AttributionKind.INDIRECT,
        ["Prokopiev"],
        ["said"],
    )
    assert text_of(att.content)[0].startswith("that out of thousands")
    (he,) = [a for a in found if text_of(a.content)[0].startswith("he expected more senior")]
    assert text_of(he.source) == ["He"]
    assert he.kind is AttributionKind.INDIRECT


def test_shared_attribution_keeps_the_whole_conjoined_source(found) -> None:
    att = holding(found, "About 200 members of the volunteer battalion")
    assert text_of(att.source) == ["Kulazhanka and other recruits"]
    assert att.kind is AttributionKind.INDIRECT
    assert text_of(att.content)[0].endswith("recently regained control")


def test_belief_is_an_internal_state(found) -> None:
    att = holding(found, "the best shot so far at overthrowing Lukashenko")
    assert (att.kind, text_of(att.source), text_of(att.cue)) == (
        AttributionKind.INTERNAL_STATE,
        ["he"],
        ["believes"],
    )
    hopes = holding(found, "its soldiers would seize the opportunity")
    assert hopes.kind is AttributionKind.INTERNAL_STATE
    assert text_of(hopes.cue) == ["hopes"]
    assert text_of(hopes.source) == ["Belarusian recruits"]


def test_short_quote_inside_reported_words_is_mixed(found) -> None:
    att = holding(found, "“insane citizens”")
    assert att.kind is AttributionKind.MIXED
    assert text_of(att.source) == ["Lukashenko"]
    assert text_of(att.cue) == ["dismissed"]


def test_according_to_inside_a_quote_is_its_own_attribution(found) -> None:
    (att,) = [a for a in found if a.kind is AttributionKind.ACCORDING_TO]
    assert text_of(att.source) == ["my sources in the military"]
    assert text_of(att.cue) == ["According to"]
    assert text_of(att.content)[0].startswith("battalions on the Belarusian side")
    quote = holding(found, "According to my sources")
    assert quote.content[0].contains(att.content[0])


def test_participial_cue_takes_the_subject_of_its_clause(found) -> None:
    att = holding(found, "of staging small attacks on Belarus")
    assert text_of(att.source) == ["Ukraine’s military"]
    assert text_of(att.cue) == ["accusing"]


def test_result_is_sorted_deterministic_and_unresolved(nlp, found) -> None:
    again = extract_attributions(
        Article(id="seed", text=TEXT), nlp(TEXT), ArticleLayout.of(TEXT), Settings(use_model=False)
    )
    assert again == found
    starts = [min(s.start for s in (*a.cue, *a.content, *a.source)) for a in found]
    assert starts == sorted(starts)
    assert all(a.source_id is None and a.qualifiers == () for a in found)
    assert all(0.0 <= a.confidence <= 1.0 for a in found)


def test_subjects_stay_inside_their_paragraph_and_clause(found) -> None:
    # The parser hangs the widget line above ("Recent updates from the Ukraine War") on "warned".
    warned = holding(found, "an invasion of Ukraine by Belarus’ military is imminent")
    assert text_of(warned.source) == ["Belarusian dissidents"]
    assert text_of(warned.cue) == ["have warned"]
    # "without whose support many in Belarus believe …": the believers, not the relative phrase.
    (many,) = [a for a in found if text_of(a.content) == ["Lukashenko would fall quickly"]]
    assert many.kind is AttributionKind.INTERNAL_STATE
    assert text_of(many.source) == ["many in Belarus"]


def test_long_page_has_each_copy_s_attributions(nlp, found) -> None:
    # Six copies of the page: each copy gets the page's own attributions, no more, no fewer.
    # (That reading them stays linear in time is bench/reading.py's long_page figure.)
    text = "\n\n".join([TEXT] * 6)
    many = extract_attributions(
        Article(id="long", text=text), nlp(text), ArticleLayout.of(text), Settings(use_model=False)
    )
    assert len(many) == 6 * len(found)
    width = len(TEXT) + 2

    def shapes(attributions, shift: int) -> list:
        """Kind and every span of each attribution, moved back by ``shift``, in a stable order."""
        return sorted(
            (a.kind, tuple((s.start - shift, s.end - shift) for s in (*a.source, *a.cue, *a.content)))
            for a in attributions
        )

    for k in range(6):
        copy = [a for a in many if k * width <= a.cue[0].start < (k + 1) * width]
        assert shapes(copy, k * width) == shapes(found, 0), f"copy {k}"
