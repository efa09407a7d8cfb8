"""Batch-test fixtures: a fresh ledger path per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.db")
