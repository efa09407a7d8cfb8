"""Fixtures for the reading-stage tests (the PolNeAR fixture ``polnear_dev`` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from ontherecord.settings import Settings


@pytest.fixture
def cfg() -> Settings:
    return Settings()
