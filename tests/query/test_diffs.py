"""Version diffs on the seed article: a corrected text is a new version, and the diff says what went."""

from __future__ import annotations

import pytest
from ledger.ledger_builders import SEED_TEXT, seed_record

from ontherecord.archive import Ledger
from ontherecord.errors import LedgerError, NotFoundError

BIO = (
    "He left the country in 2011 and landed in New York City, where he became a mixed martial arts fighter. "
)


def test_diff_of_a_corrected_article(two_articles: Ledger) -> None:
    corrected = SEED_TEXT.replace(BIO, "").replace("rudely stolen", "stolen")
    assert two_articles.write_record(seed_record(text=corrected)).version == 2
    d = two_articles.diff("wapo-belarus-battalion")
    assert (d.old, d.new) == (1, 2)
    removed = [line for line in d.text_diff if line.startswith("-") and not line.startswith("---")]
    added = [line for line in d.text_diff if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == 2 and len(added) == 2
    assert BIO.strip() in removed[0] and BIO.strip() not in added[0]
    assert (
        "rudely stolen" in removed[1] and "which they and international observers say were stolen" in added[1]
    )
    # Nothing attributed changed: the removed sentence was unattributed biography.
    assert d.attributions_added == () and d.attributions_removed == ()
    assert not d.unchanged
    assert d.to_dict()["text_diff"][0] == "--- version 1"


def test_diff_reports_attributions_and_sources_that_go(two_articles: Ledger) -> None:
    quote_paragraph = SEED_TEXT[
        SEED_TEXT.index("“Basically, there are two wings,”") : SEED_TEXT.index("Prokopiev said that out of")
    ]
    two_articles.write_record(seed_record(text=SEED_TEXT.replace(quote_paragraph, "")))
    d = two_articles.diff("wapo-belarus-battalion", 1, 2)
    assert [(a.source, a.kind, a.cue, a.content) for a in d.attributions_removed] == [
        ("Vadim Prokopiev", "direct", "said", "“Basically, there are two wings,”")
    ]
    assert d.sources_removed == ()  # Prokopiev is still quoted indirectly


def test_diff_needs_two_versions(two_articles: Ledger) -> None:
    with pytest.raises(LedgerError, match="no version before 1"):
        two_articles.diff("follow-up-lviv")
    with pytest.raises(NotFoundError):
        two_articles.diff("no-such-article")
    with pytest.raises(NotFoundError, match="has no version 5"):
        two_articles.diff("follow-up-lviv", 1, 5)
