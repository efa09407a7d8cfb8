"""Fixtures for stage ⑤ tests: the seed article cleaned and parsed once, and its attributions."""

from __future__ import annotations

import pytest
import seed_attributions
from conftest import SEED

from ontherecord.model import Page


@pytest.fixture(scope="module")
def seed(nlp):
    """(article, notes, doc, attributions) for the seed page, cleaned as production cleans it."""
    from ontherecord.ingest.clean import clean_page

    page = Page(id="seed", text=SEED.read_text(encoding="utf-8"), origin=str(SEED), format="text")
    article, notes = clean_page(page)
    doc = nlp(article.text)
    attributions = seed_attributions.build(article.text, article.content_hash)
    return article, notes, doc, attributions
