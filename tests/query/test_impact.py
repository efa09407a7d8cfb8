"""Impact of a flag and the drafted correction, on the seed article and a follow-up naming the same man."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ontherecord.archive import Ledger
from ontherecord.errors import NotFoundError
from ontherecord.query import AmbiguousNameError

REASON = "the timeline he gave of his years in the protest movement was false"


def test_impact_finds_every_sentence_resting_on_him_in_both_articles(two_articles: Ledger) -> None:
    two_articles.flag("Pavel Kulazhanka", reason=REASON, author="standards desk")
    result = two_articles.impact("Kulazhanka").to_dict()
    assert result["source"]["name"] == "Pavel Kulazhanka"
    assert result["source"]["status"] == "discredited"
    assert result["source"]["flag"]["reason"] == REASON
    by_id = {a["id"]: a for a in result["articles"]}
    assert list(by_id) == ["wapo-belarus-battalion", "follow-up-lviv"]  # in publication order
    seed = by_id["wapo-belarus-battalion"]
    hows = [s["how"] for s in seed["sentences"]]
    assert hows == ["self_reported", "self_reported", "paraphrased", "quoted", "quoted", "shared"]
    texts = [s["text"] for s in seed["sentences"]]
    assert texts[1].startswith("He left the country in 2011")
    assert texts[5].endswith("Kulazhanka and other recruits said.")
    follow = by_id["follow-up-lviv"]
    assert [s["how"] for s in follow["sentences"]] == ["quoted", "paraphrased"]
    assert follow["sentences"][0]["text"].startswith("“We are ready to go home")
    # Spans point at the sentence in the article's own text.
    text = two_articles.get_record("follow-up-lviv").article.text
    start, end = follow["sentences"][0]["span"]
    assert text[start:end] == follow["sentences"][0]["text"]


def test_other_people_do_not_appear(two_articles: Ledger) -> None:
    two_articles.flag("Kulazhanka", reason=REASON)
    result = two_articles.impact("Pável Kulazhanka")
    everything = json.dumps(result.to_dict(), ensure_ascii=False)
    for other in ("Prokopiev", "Latushko", "Tsikhanouskaya", "Our struggle is peaceful", "Aleksandr"):
        assert other not in everything
    assert result.sentence_count == 8


def test_draft_correction_names_him_says_what_was_wrong_and_what_changes(two_articles: Ledger) -> None:
    two_articles.flag("Kulazhanka", reason=REASON, author="standards desk")
    draft = two_articles.impact("kulazhanka").draft_correction
    assert "Pavel Kulazhanka" in draft
    assert "The timeline he gave of his years in the protest movement was false." in draft
    assert "8 sentences in 2 articles" in draft
    # Per article: counts by how, the key passages quoted, what changes, the published note.
    assert "2 quoted directly, 1 paraphrased, 1 shared with other sources, 2 self-reported" in draft
    assert "“Life is about leaps and bounds,”" in draft
    assert "Re-attribute the sentence Kulazhanka shares with other sources" in draft
    assert "Remove the 2 statements about Kulazhanka's own life" in draft
    assert (
        draft.count("An earlier version of this article contained information provided by Pavel Kulazhanka.")
        == 2
    )
    assert "to attribute 1 passage to other sources only" in draft
    assert "Belarusian volunteers train outside Lviv" in draft
    assert "Tsikhanouskaya" not in draft


def test_draft_follows_the_latest_flag(two_articles: Ledger) -> None:
    two_articles.flag("Kulazhanka", reason="his account is contested by two witnesses", status="disputed")
    disputed = two_articles.impact("Kulazhanka").draft_correction
    assert "did not make clear that information provided by Pavel Kulazhanka is disputed" in disputed
    assert "Remove" not in disputed
    two_articles.flag("Kulazhanka", reason="the witnesses withdrew", status="cleared")
    cleared = two_articles.impact("Kulazhanka").draft_correction
    assert cleared.startswith("No correction: Pavel Kulazhanka")
    assert "The witnesses withdrew." in cleared


def test_unflagged_source_gets_a_conditional_draft(two_articles: Ledger) -> None:
    draft = two_articles.impact("Vadim Prokopiev").draft_correction
    assert "no flag recorded" in draft
    assert "2 sentences in 1 article" in draft
    assert "Kulazhanka" not in draft


def test_names_resolve_by_key_surname_and_alias_but_never_guess(two_articles: Ledger, tmp_path) -> None:
    assert two_articles.impact("PAVEL KULAZHANKA").source.name == "Pavel Kulazhanka"
    assert two_articles.impact("Tsikhanouskaya").source.name == "Sviatlana Tsikhanouskaya"
    with pytest.raises(NotFoundError, match="no source named 'Lukashenko'"):
        two_articles.impact("Lukashenko")
    from ledger.ledger_builders import follow_up_record

    # A second article quotes a different Tsikhanouskaya: the surname alone is now ambiguous.
    base = follow_up_record()
    other = replace(
        base,
        article=replace(base.article, id="second-tsikhanouskaya", title="Another Tsikhanouskaya"),
        sources=tuple(
            replace(s, name="Siarhei Tsikhanouskaya") if "Tsikh" in s.name else s for s in base.sources
        ),
    )
    two_articles.write_record(other)
    with pytest.raises(AmbiguousNameError) as caught:
        two_articles.impact("Tsikhanouskaya")
    assert "Siarhei Tsikhanouskaya" in str(caught.value) and "Sviatlana Tsikhanouskaya" in str(caught.value)
    # The full name still resolves.
    assert two_articles.impact("Siarhei Tsikhanouskaya").source.name == "Siarhei Tsikhanouskaya"


def test_impact_of_an_unnamed_source_by_its_description(two_articles: Ledger) -> None:
    result = two_articles.impact("other recruits")
    assert [a.id for a in result.articles] == ["wapo-belarus-battalion"]
    assert [s.how for s in result.articles[0].sentences] == ["shared"]


def test_impact_reads_only_latest_versions(two_articles: Ledger) -> None:
    from ledger.ledger_builders import FOLLOW_UP_TEXT, follow_up_record

    # The paraphrase of Kulazhanka is cut from the follow-up; impact no longer lists it.
    edited = FOLLOW_UP_TEXT.replace(
        " Kulazhanka said he had spent a decade organizing protests from abroad.", ""
    )
    assert two_articles.write_record(follow_up_record(text=edited)).status == "new_version"
    follow = {a.id: a for a in two_articles.impact("Kulazhanka").articles}["follow-up-lviv"]
    assert [s.how for s in follow.sentences] == ["quoted"]


def test_source_profile_in_time_order(two_articles: Ledger) -> None:
    profile = two_articles.source("kulazhanka")
    assert profile.articles == ["wapo-belarus-battalion", "follow-up-lviv"]
    first = profile.attributions[0]
    assert (first.kind, first.cue_text) == ("direct", "said")
    assert first.content_text == "“Life is about leaps and bounds,” … “Fighting Lukashenko was one thing."
    assert profile.attributions[-1].content_text == "he had spent a decade organizing protests from abroad"
    assert profile.sentences == 8
    with pytest.raises(NotFoundError):
        two_articles.source("Nobody Here")
