"""Qualifiers: found by the lexicon, fixed to the claim whose clause they modify."""

from __future__ import annotations

import pytest

from ontherecord.claims.qualifiers import attach_qualifiers, find_qualifiers
from ontherecord.model import Article, Attribution, AttributionKind, CharSpan
from ontherecord.nlp.layout import ArticleLayout


def test_seed_unproven_claim_is_ukraines_military(seed_read):
    article, _, resolution, qualified, _ = seed_read
    flagged = [a for a in qualified if a.qualifiers]
    assert len(flagged) == 1
    (attribution,) = flagged
    assert resolution.source(attribution.source_id).name == "Ukraine’s military"
    assert "accusing Russia and Belarus" in article.text[attribution.cue[0].start : attribution.content[-1].end]
    (qualifier,) = attribution.qualifiers
    assert qualifier.kind == "unproven"
    assert qualifier.text == "have not been proven"
    assert qualifier.span.slice(article.text) == qualifier.text


def test_qualifiers_keep_order_and_ids(seed_read):
    _, _, resolution, qualified, _ = seed_read
    assert [a.id for a in qualified] == [a.id for a in resolution.attributions]
    assert [a.source_id for a in qualified] == [a.source_id for a in resolution.attributions]


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    [
        ("The man allegedly stole a car.", "alleged", "allegedly"),
        ("The figures could not be independently verified.", "unproven", "could not be independently verified"),
        ("He claimed without evidence that the vote was rigged.", "alleged", "claimed without evidence"),
        ("These claims have not been proven.", "unproven", "have not been proven"),
        ("The company disputed the account.", "disputed", "disputed"),
        ("It was reportedly moved.", "alleged", "reportedly"),
    ],
)
def test_find_qualifiers(text, kind, phrase):
    found = find_qualifiers(text)
    assert [(q.kind, q.text) for q in found] == [(kind, phrase)]


def test_find_qualifiers_needs_whole_words():
    assert find_qualifiers("The unverifiedness of it; a disputedly odd word; proven wrong.") == []


def _att(text, source, cue, content, source_id):
    s, c, t = text.index(source), text.index(cue), text.index(content)
    return Attribution(
        id=f"a-{source_id}",
        source_id=source_id,
        source=(CharSpan(s, s + len(source)),),
        cue=(CharSpan(c, c + len(cue)),),
        content=(CharSpan(t, t + len(content)),),
        kind=AttributionKind.INDIRECT,
    )


def _qualified(nlp, text, *atts):
    article = Article(id="q", text=text)
    return attach_qualifiers(article, nlp(text), ArticleLayout.of(text), atts)


def test_qualifier_inside_content(nlp):
    text = "Police said the man allegedly stole a car."
    (a,) = _qualified(nlp, text, _att(text, "Police", "said", "the man allegedly stole a car", "police"))
    assert [q.kind for q in a.qualifiers] == ["alleged"]


def test_standalone_qualifier_looks_back_at_the_claim(nlp):
    text = "The group said it had killed 20 soldiers. The claim could not be independently verified."
    (a,) = _qualified(nlp, text, _att(text, "The group", "said", "it had killed 20 soldiers", "group"))
    assert [q.text for q in a.qualifiers] == ["could not be independently verified"]


def test_denial_disputes_the_other_claim_not_the_denier(nlp):
    text = "Smith said the vote was rigged. Jones denied the claim."
    smith = _att(text, "Smith", "said", "the vote was rigged", "smith")
    jones = _att(text, "Jones", "denied", "the claim", "jones")
    out = _qualified(nlp, text, smith, jones)
    assert [q.kind for q in out[0].qualifiers] == ["disputed"]
    assert out[1].qualifiers == ()


def test_qualifier_in_another_paragraph_far_away_is_not_attached(nlp):
    text = "Smith said the vote was fair.\n\nThe weather was mild.\n\nA rumour, unverified, spread online."
    (a,) = _qualified(nlp, text, _att(text, "Smith", "said", "the vote was fair", "smith"))
    assert a.qualifiers == ()


def test_attach_is_idempotent(nlp):
    text = "Police said the man allegedly stole a car."
    once = _qualified(nlp, text, _att(text, "Police", "said", "the man allegedly stole a car", "police"))
    twice = attach_qualifiers(Article(id="q", text=text), nlp(text), ArticleLayout.of(text), once)
    assert twice == once
