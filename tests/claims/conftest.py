"""Fixtures for stage ⑤b tests: the seed cleaned, parsed, with hand-written attributions resolved."""

from __future__ import annotations

import pytest
import seed_attributions
from conftest import SEED

from ontherecord.model import Page
from ontherecord.nlp.layout import ArticleLayout


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
    attributions = seed_attributions.build(article.text, article.content_hash)
    layout = ArticleLayout.of(article.text)
    resolution = resolve(article, doc, layout, attributions, notes)
    qualified = attach_qualifiers(article, doc, layout, resolution.attributions)
    sentences = rely(article, doc, layout, resolution, qualified)
    return article, doc, resolution, qualified, sentences
