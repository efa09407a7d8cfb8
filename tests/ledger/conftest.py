"""Fixtures for ledger tests: a ledger per dialect (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from ledger.ledger_builders import ledger_params, open_fresh_ledger


@pytest.fixture(params=ledger_params())
def ledger_url(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    """A URL to an empty ledger: a SQLite file, or the test PostgreSQL database emptied."""
    return open_fresh_ledger(request.param, tmp_path)


@pytest.fixture
def ledger(ledger_url):  # type: ignore[no-untyped-def]
    from ontherecord.archive import Ledger

    with Ledger(ledger_url) as opened:
        yield opened
