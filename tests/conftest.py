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


# Long tiers that run only when asked for by name (`-m faults_full`, `-m crash_full`, `-m malformed_full`
# or --malformed-full); an addopts `-m` would be replaced by any other `-m` (make test-fast's "not slow"),
# so they are deselected here, not skipped.
_OPT_IN = ("malformed_full", "faults_full", "crash_full")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = config.getoption("markexpr", "") or ""
    wanted = {m for m in _OPT_IN if m in asked}
    if config.getoption("--malformed-full"):
        wanted.add("malformed_full")
    keep, drop = [], []
    for item in items:
        opt_in = [m for m in _OPT_IN if item.get_closest_marker(m) is not None]
        (drop if any(m not in wanted for m in opt_in) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
