"""Shared fixtures: where the data lives, one spaCy pipeline per session, a hypothesis profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("ONTHERECORD_SHARED", REPO.parent / "shared"))
POLNEAR = SHARED / "data" / "polnear"
# The worked example (byte-identical to shared/data/seed/000_5a85f5f0cf47ba09.txt): the one place its
# path is written; tests and helpers take it with `from conftest import SEED`.
SEED = DATA / "articles" / "seed_belarus_battalion.txt"

# Parsing makes examples slow and uneven; a deadline would only produce flaky failures.
settings.register_profile(
    "ontherecord", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.load_profile("ontherecord")


@pytest.fixture(scope="session")
def nlp():
    from ontherecord.nlp.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def polnear_dev() -> Path:
    path = POLNEAR / "dev"
    if not (path / "text").is_dir():
        pytest.skip(f"the PolNeAR corpus is not at {path} (set ONTHERECORD_SHARED to the shared/ folder)")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--malformed-full",
        action="store_true",
        help="also run the whole malformed-input suite (tests marked malformed_full; minutes)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The whole malformed-input set is opt-in: deselected (not skipped) unless asked for, or chosen with -m.
    if config.getoption("--malformed-full") or "malformed_full" in (config.getoption("-m") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("malformed_full") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("malformed_full")])
        items[:] = kept
