"""Fixtures for stage ⑤b tests: the seed cleaned, parsed, with hand-written attributions resolved."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from ontherecord.model import Page

TESTS = Path(__file__).resolve().parent.parent
SEED = TESTS / "data" / "articles" / "seed_belarus_battalion.txt"


def seed_rows():
    """The hand-written seed attributions shared with tests/resolution (loaded by path: tests/ is no package)."""
    if "otr_seed_attributions" in sys.modules:
        return sys.modules["otr_seed_attributions"]
    path = TESTS / "resolution" / "seed_attributions.py"
    spec = importlib.util.spec_from_file_location("otr_seed_attributions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["otr_seed_attributions"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seed_read(nlp):
    """(article, doc, resolution, qualified attributions, sentences) for the seed page."""
    from ontherecord.claims.qualifiers import attach_qualifiers
    from ontherecord.claims.reliance import rely
    from ontherecord.ingest.clean import clean_page
    from ontherecord.resolution.resolver import resolve

    page = Page(id="seed", text=SEED.read_text(encoding="utf-8"), origin=str(SEED), format="text")
    article, notes = clean_page(page)
    doc = nlp(article.text)
    attributions = seed_rows().build(article.text, article.content_hash)
    resolution = resolve(article, doc, attributions, notes)
    qualified = attach_qualifiers(article, doc, resolution.attributions)
    sentences = rely(article, doc, resolution, qualified)
    return article, doc, resolution, qualified, sentences
