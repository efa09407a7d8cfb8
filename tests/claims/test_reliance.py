"""Reliance: which sentences rest on whose word, on the seed and on small texts."""

from __future__ import annotations

import pytest
from seed_attributions import RESTING_ON_KULAZHANKA, by_prefix, resting_on

from ontherecord.claims.reliance import rely
from ontherecord.model import Article, Attribution, AttributionKind, CharSpan, RelianceHow
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.resolution.resolver import resolve


def _source_id(resolution, name):
    (sid,) = [s.id for s in resolution.sources if s.name == name]  # one source per name, not a duplicate
    return sid


def _resting_on(article, sentences, sid):
    """sentence text -> how, for every sentence resting on ``sid``."""
    out = {}
    for sentence in sentences:
        for reliance in sentence.rests_on:
            if reliance.source_id == sid:
                out[sentence.span.slice(article.text)] = reliance.how
    return out


def _how(rests, prefix):
    hits = [how for text, how in rests.items() if text.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r}: {hits} in {list(rests)}"
    return hits[0]


@pytest.mark.parametrize(("prefix", "how"), RESTING_ON_KULAZHANKA)
def test_kulazhanka_impact_includes(seed_read, prefix, how):
    article, _, resolution, _, sentences = seed_read
    rests = _resting_on(article, sentences, _source_id(resolution, "Pavel Kulazhanka"))
    assert _how(rests, prefix) == how


def test_kulazhanka_impact_is_those_sentences_and_no_other(seed_read):
    article, _, resolution, _, sentences = seed_read
    rests = resting_on(article.text, sentences, _source_id(resolution, "Pavel Kulazhanka"))
    assert by_prefix(rests, [p for p, _ in RESTING_ON_KULAZHANKA]) == list(RESTING_ON_KULAZHANKA)


def test_kulazhanka_impact_excludes_everyone_elses_words(seed_read):
    article, _, resolution, _, sentences = seed_read
    kulazhanka = _source_id(resolution, "Pavel Kulazhanka")
    others = {_source_id(resolution, n) for n in ("Vadim Prokopiev", "Pavel Latushko", "Sergey Bulba")}
    for sentence in sentences:
        ids = {r.source_id for r in sentence.rests_on}
        if ids & others:
            assert kulazhanka not in ids, sentence.span.slice(article.text)
    rests = _resting_on(article, sentences, kulazhanka)
    # Reporter's narration around him is not his word.
    assert not any(text.startswith("Around him the sound") for text in rests)
    assert not any(text.startswith("Many of them have joined") for text in rests)


def test_other_speakers_rest_on_their_own_words(seed_read):
    article, _, resolution, _, sentences = seed_read
    prokopiev = _resting_on(article, sentences, _source_id(resolution, "Vadim Prokopiev"))
    assert _how(prokopiev, "He said he expected") == RelianceHow.PARAPHRASED
    assert _how(prokopiev, "Then they move east") == RelianceHow.QUOTED  # a quote running over sentences
    aleks = _resting_on(article, sentences, _source_id(resolution, "Aleks"))
    assert _how(aleks, "One of the recruits who crossed the border") == RelianceHow.SELF_REPORTED
    assert _how(aleks, "“We have to prove") == RelianceHow.QUOTED
    latushko = _resting_on(article, sentences, _source_id(resolution, "Pavel Latushko"))
    assert _how(latushko, "He has since organized protests") == RelianceHow.SELF_REPORTED


def test_nested_source_sentence_rests_on_both(seed_read):
    article, _, resolution, _, sentences = seed_read
    sentence = next(s for s in sentences if s.span.slice(article.text).startswith("“According to my sources"))
    hows = {resolution.source(r.source_id).name: r.how for r in sentence.rests_on}
    assert len(sentence.rests_on) == len(hows) == 2
    assert hows["Pavel Latushko"] == RelianceHow.QUOTED
    nested = [name for name in hows if name != "Pavel Latushko"]
    assert len(nested) == 1 and hows[nested[0]] == RelianceHow.PARAPHRASED


def test_one_sentence_per_body_sentence(seed_read):
    article, doc, _, _, sentences = seed_read
    spans = [s.span for s in sentences]
    assert spans == sorted(spans)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    for span in spans:
        text = span.slice(article.text)
        assert text == text.strip() and "\n\n" not in text
    assert len(sentences) >= sum(1 for s in doc.sents if any(c.isalnum() for c in s.text))


def _att(text, source, cue, content, kind=AttributionKind.INDIRECT, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(source, at + 1)
    c, t = text.index(cue, at if cue not in source else at + len(source)), text.index(content)
    return Attribution(
        id=f"a{at}",
        source_id=None,
        source=(CharSpan(at, at + len(source)),),
        cue=(CharSpan(c, c + len(cue)),),
        content=(CharSpan(t, t + len(content)),),
        kind=kind,
    )


def _read(nlp, text, *atts):
    article = Article(id="r", text=text)
    doc = nlp(text)
    layout = ArticleLayout.of(text)
    resolution = resolve(article, doc, layout, atts, ())
    return article, resolution, rely(article, doc, layout, resolution, resolution.attributions)


def test_narration_about_a_source_outside_their_profile_is_not_self_reported(nlp):
    text = (
        "Anna Lis said the cafe would close.\n\n"
        "The city council met on Tuesday.\n\n"
        "Anna Lis opened the cafe in 2010 with a loan from her father."
    )
    article, resolution, sentences = _read(nlp, text, _att(text, "Anna Lis", "said", "the cafe would close"))
    rests = _resting_on(article, sentences, _source_id(resolution, "Anna Lis"))
    assert list(rests.values()) == [RelianceHow.PARAPHRASED]


def test_profile_paragraph_is_self_reported(nlp):
    text = (
        "Anna Lis opened the cafe in 2010 with a loan from her father. She now employs 12 people.\n\n"
        "“We will not close,” she said."
    )
    article, resolution, sentences = _read(
        nlp, text, _att(text, "she", "said", "We will not close,", kind=AttributionKind.DIRECT)
    )
    rests = _resting_on(article, sentences, _source_id(resolution, "Anna Lis"))
    assert _how(rests, "Anna Lis opened the cafe") == RelianceHow.SELF_REPORTED
    assert _how(rests, "She now employs") == RelianceHow.SELF_REPORTED
    assert _how(rests, "“We will not close,”") == RelianceHow.QUOTED


def test_group_sources_do_not_self_report(nlp):
    text = "Residents said the river flooded. Residents moved to higher ground last year."
    article, resolution, sentences = _read(nlp, text, _att(text, "Residents", "said", "the river flooded"))
    rests = _resting_on(article, sentences, resolution.sources[0].id)
    assert list(rests.values()) == [RelianceHow.PARAPHRASED]
