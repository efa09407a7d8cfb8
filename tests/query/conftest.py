"""Fixtures for query tests: the two-article ledger (seed + follow-up) on each dialect."""

from __future__ import annotations

import pytest
from ledger.ledger_builders import follow_up_record, ledger_params, open_fresh_ledger, seed_record


@pytest.fixture(params=ledger_params())
def two_articles(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    """A ledger holding the seed article and a follow-up naming Kulazhanka as "Pável Kulazhanka"."""
    from ontherecord.archive import Ledger

    with Ledger(open_fresh_ledger(request.param, tmp_path)) as ledger:
        ledger.write_records([seed_record(), follow_up_record()], origins=["seed.txt", "lviv.html"])
        yield ledger
