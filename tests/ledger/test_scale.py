"""impact() stays fast as the archive grows: it follows an index, not the archive's size.

The default archive is small so the suite stays quick; set ONTHERECORD_SCALE_ARTICLES=100000 for the
issue's 1M-attribution figure (ten attributions per article).
"""

from __future__ import annotations

import os
import time

import pytest
from ledger.ledger_builders import ledger_params, open_fresh_ledger
from ledger.scale_archive import TARGET, synthetic_records

from ontherecord.archive import Ledger

ARTICLES = int(os.environ.get("ONTHERECORD_SCALE_ARTICLES", "1000"))
TARGET_EVERY = max(1, ARTICLES // 20)


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ledger_params())
def test_impact_under_100ms(dialect: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
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
        ledger.impact("Kulazhanka")  # first call pays for imports and cold caches
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            result = ledger.impact("Kulazhanka")
            timings.append(time.perf_counter() - start)
    expected = len(range(0, ARTICLES, TARGET_EVERY))
    assert len(result.articles) == expected
    assert result.sentence_count == expected
    assert min(timings) < 0.1, f"impact took {min(timings) * 1000:.1f} ms"
