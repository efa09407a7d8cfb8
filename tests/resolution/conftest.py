"""Fixtures for stage ⑤ tests: the seed article cleaned and parsed once, and its attributions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from ontherecord.model import Page

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "data" / "articles" / "seed_belarus_battalion.txt"


def seed_rows():
    """The hand-written seed attributions module (tests/ is not a package, so it is loaded by path)."""
    if "otr_seed_attributions" in sys.modules:
        return sys.modules["otr_seed_attributions"]
    spec = importlib.util.spec_from_file_location("otr_seed_attributions", HERE / "seed_attributions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["otr_seed_attributions"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seed(nlp):
    """(article, notes, doc, attributions) for the seed page, cleaned as production cleans it."""
    from ontherecord.ingest.clean import clean_page

    page = Page(id="seed", text=SEED.read_text(encoding="utf-8"), origin=str(SEED), format="text")
    article, notes = clean_page(page)
    doc = nlp(article.text)
    attributions = seed_rows().build(article.text, article.content_hash)
    return article, notes, doc, attributions
