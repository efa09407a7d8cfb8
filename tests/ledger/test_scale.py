"""impact() in a big archive finds exactly the flagged source's articles and sentences.

The default archive is small so the suite stays quick; set ONTHERECORD_SCALE_ARTICLES=100000 for the
issue's 1M attributions (ten per article). How long impact takes, and that it does not grow with the
archive, is measured by `python bench/impact.py [--scaling]`, not asserted here.
"""

from __future__ import annotations

import os

import pytest
from ledger.ledger_builders import ledger_params, open_fresh_ledger
from ledger.scale_archive import TARGET, synthetic_records

from ontherecord.archive import Ledger

ARTICLES = int(os.environ.get("ONTHERECORD_SCALE_ARTICLES", "1000"))
TARGET_EVERY = max(1, ARTICLES // 20)


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ledger_params())
def test_impact_finds_every_target_article_in_a_big_archive(dialect: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Ledger(open_fresh_ledger(dialect, tmp_path)) as ledger:
        batch = []
        for record in synthetic_records(ARTICLES, target_every=TARGET_EVERY):
            batch.append(record)
            if len(batch) == 500:
                ledger.write_records(batch)
                batch = []
        ledger.write_records(batch)
        assert ledger.counts()["attributions"] == ARTICLES * 10
        ledger.flag(TARGET, reason="fabricated quotes")
        result = ledger.impact("Kulazhanka")
    expected = len(range(0, ARTICLES, TARGET_EVERY))
    assert len(result.articles) == expected
    assert result.sentence_count == expected
