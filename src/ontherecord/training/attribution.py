"""Training: fit the attribution stage's two-stage CRF on a PolNeAR-layout corpus and write a model directory.

Parses the corpus once (optionally cached as a spaCy DocBin keyed by pipeline and corpus hash),
turns gold spans into token labels, trains the cue tagger and the span tagger with crfsuite
(single-threaded L-BFGS, deterministic), picks settings on a dev split when given, and records
the command, seed, corpus hashes, settings and dev scores in ``metadata.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ontherecord import __version__
from ontherecord.attribution.learned import (
    CUE_FILE,
    CUE_TABLES,
    METADATA_FILE,
    MODEL_FORMAT,
    SPAN_FILE,
    SPAN_TABLES,
    AttributionModel,
    Predicted,
)
from ontherecord.attribution.learned_crf import compile_crfsuite
from ontherecord.attribution.learned_features import (
    DocArrays,
    Keys,
    crfsuite_items,
    cue_keys,
    doc_arrays,
    span_keys,
)
from ontherecord.corpus.polnear import GoldArticle, corpus_hash, load_split
from ontherecord.evaluation.metrics import normalize_fragments, score_documents
from ontherecord.pipeline import load_nlp
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

DEFAULT_SEED = 1234


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """CRF and feature settings; ``ontherecord train --dev`` picks among a few of these."""

    window: tuple[int, int] = (1, 2)  # sentences before / after the cue's sentence
    cue_c1: float = 0.05
    cue_c2: float = 0.01
    span_c1: float = 0.05
    span_c2: float = 0.01
    max_iterations: int = 150

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": list(self.window),
            "cue_c1": self.cue_c1,
            "cue_c2": self.cue_c2,
            "span_c1": self.span_c1,
            "span_c2": self.span_c2,
            "max_iterations": self.max_iterations,
        }


# ---------------------------------------------------------------------------------------------
# Parsing, cached


def parse_articles(
    articles: Sequence[GoldArticle], nlp: Language, cache_dir: Path | None, key: str
) -> list[Doc]:
    """Parse every article's raw text, reusing ``cache_dir/<key>.spacy`` when present."""
    from spacy.tokens import DocBin

    cache = cache_dir / f"{key}.spacy" if cache_dir is not None else None
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(articles) and all(d.text == a.text for d, a in zip(docs, articles, strict=True)):
            return docs
        log.warning("%s: stale parse cache, parsing again", cache)
    docs = list(nlp.pipe((a.text for a in articles), batch_size=16))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def parse_key(nlp: Language, chash: str) -> str:
    """Cache key: the pipeline's name and version and the corpus hash."""
    meta = nlp.meta
    name = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return hashlib.sha256(f"{name}|{chash}".encode()).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------
# Gold spans -> token labels


def _tokens_of(a: DocArrays, frags: Iterable[tuple[int, int]]) -> list[range]:
    """Token ranges covering each character fragment (tokens that share a character with it)."""
    out = []
    for s, e in frags:
        lo = int(np.searchsorted(a.end, s, side="right"))
        hi = int(np.searchsorted(a.idx, e, side="left"))
        if lo < hi:
            out.append(range(lo, hi))
    return out


def _norm(spans: Iterable[Any], text: str) -> tuple[tuple[int, int], ...]:
    return normalize_fragments([(s.start, s.end) for s in spans], text)


@dataclass(slots=True)
class Prepared:
    """One article ready for training or scoring: the gold, the Doc and its arrays and cue keys."""

    article: GoldArticle
    doc: Doc
    arrays: DocArrays
    cue_keys: Keys


def prepare(pairs: Sequence[tuple[GoldArticle, Doc]]) -> list[Prepared]:
    out = []
    for art, doc in pairs:
        a = doc_arrays(doc)
        out.append(Prepared(art, doc, a, cue_keys(a)))
    return out


def cue_instances(p: Prepared) -> Iterable[tuple[list[list[str]], list[str]]]:
    """Stage-1 training sequences: one per sentence, gold cue tokens labelled BIO."""
    labels = ["O"] * p.arrays.n
    for att in p.article.attributions:
        for r in _tokens_of(p.arrays, _norm(att.cue, p.article.text)):
            labels[r.start] = "B-CUE"
            for i in range(r.start + 1, r.stop):
                labels[i] = "I-CUE"
    for s0, s1 in p.arrays.sent_bounds.tolist():
        yield crfsuite_items(p.cue_keys, s0, s1), labels[s0:s1]


def span_instances(
    p: Prepared, window: tuple[int, int]
) -> Iterable[tuple[list[list[str]], list[str]]]:
    """Stage-2 training sequences: one per gold attribution, over the window around its cue."""
    text = p.article.text
    cues, golds = [], []
    for att in p.article.attributions:
        cue_ranges = _tokens_of(p.arrays, _norm(att.cue, text))
        if cue_ranges:
            cues.append((cue_ranges[0].start, cue_ranges[-1].stop))
            golds.append(att)
    if not cues:
        return
    batch = span_keys(p.arrays, cues, *window)
    for (c0, c1), att, (row, w0, w1) in zip(cues, golds, batch.offsets, strict=True):
        labels = ["O"] * (w1 - w0)
        for tag, spans in (("SRC", att.source), ("CON", att.content)):
            for r in _tokens_of(p.arrays, _norm(spans, text)):
                first = True
                for i in r:
                    if w0 <= i < w1 and not c0 <= i < c1:
                        labels[i - w0] = ("B-" if first else "I-") + tag
                        first = False
        yield crfsuite_items(batch.keys, row, row + w1 - w0), labels


# ---------------------------------------------------------------------------------------------
# Training


def _train_crf(
    instances: Iterable[tuple[list[list[str]], list[str]]],
    out: Path,
    c1: float,
    c2: float,
    max_iterations: int,
    seed: int,
) -> int:
    import pycrfsuite

    data = list(instances)
    # crfsuite's L-BFGS is deterministic for a given order; the seed fixes that order.
    random.Random(seed).shuffle(data)
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in data:
        trainer.append(xseq, yseq)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(out))
    return len(data)


def train_model(
    train: Sequence[Prepared],
    out_dir: Path,
    settings: TrainSettings,
    seed: int = DEFAULT_SEED,
    reuse_cue_from: Path | None = None,
) -> dict[str, Any]:
    """Train both stages into ``out_dir`` and write a minimal metadata.json; returns training stats."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if reuse_cue_from is not None:
        shutil.copyfile(reuse_cue_from, out_dir / CUE_FILE)
        n_cue = 0
    else:
        n_cue = _train_crf(
            (x for p in train for x in cue_instances(p)),
            out_dir / CUE_FILE,
            settings.cue_c1,
            settings.cue_c2,
            settings.max_iterations,
            seed,
        )
    t1 = time.perf_counter()
    n_span = _train_crf(
        (x for p in train for x in span_instances(p, settings.window)),
        out_dir / SPAN_FILE,
        settings.span_c1,
        settings.span_c2,
        settings.max_iterations,
        seed,
    )
    compile_crfsuite(out_dir / CUE_FILE).save(out_dir / CUE_TABLES)
    compile_crfsuite(out_dir / SPAN_FILE).save(out_dir / SPAN_TABLES)
    t2 = time.perf_counter()
    meta = {"format": MODEL_FORMAT, "settings": settings.as_dict(), "seed": seed}
    (out_dir / METADATA_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return {
        "cue_sequences": n_cue,
        "span_sequences": n_span,
        "cue_seconds": round(t1 - t0, 1),
        "span_seconds": round(t2 - t1, 1),
    }


def predictions_json(preds: Iterable[Predicted]) -> list[dict[str, list[list[int]]]]:
    """Predicted attributions in the scorer's JSONL shape (role -> [[start, end], ...])."""
    return [
        {
            "source": [s.to_list() for s in p.source],
            "cue": [s.to_list() for s in p.cue],
            "content": [s.to_list() for s in p.content],
        }
        for p in preds
    ]


def gold_json(article: GoldArticle) -> list[dict[str, list[list[int]]]]:
    """Gold attributions of an article in the scorer's shape."""
    return [
        {r: [s.to_list() for s in a.role(r)] for r in ("source", "cue", "content")}
        for a in article.attributions
    ]


def score_model(model: AttributionModel, items: Sequence[Prepared]) -> dict[str, Any]:
    """Score ``model`` on prepared articles with the scorer's metrics (model only, no rules)."""
    docs = {p.article.id: (p.article.text, gold_json(p.article)) for p in items}
    preds = {p.article.id: predictions_json(model.predict(p.doc)) for p in items}
    return score_documents(docs, preds)


def headline(res: dict[str, Any]) -> dict[str, float]:
    """The figures a model is chosen and reported on: exact and overlap F1 per role."""
    m = res["metrics"]
    return {
        f"{mode}_{role}": round(m[mode][role]["f1"], 4)
        for mode in ("exact", "overlap")
        for role in ("attribution", "source", "cue", "content")
    }


def _objective(h: dict[str, float]) -> float:
    # Whole-attribution exact F1 is the hardest target; overlap F1 breaks near-ties.
    return h["exact_attribution"] + 0.25 * h["overlap_attribution"]


def train_command(
    corpus: Path,
    out_dir: Path,
    dev: Path | None,
    nlp_package: str,
    command: str,
    seed: int = DEFAULT_SEED,
    cache_dir: Path | None = None,
    grid: Sequence[TrainSettings] | None = None,
    progress: Callable[[str], None] = lambda msg: None,
) -> dict[str, Any]:
    """Train on ``corpus``, choose among ``grid`` on ``dev`` (first entry when no dev), write ``out_dir``.

    Args:
        corpus: PolNeAR-layout training split.
        out_dir: model directory to write (created; existing model files replaced).
        dev: PolNeAR-layout split to choose settings on and report scores for.
        nlp_package: spaCy pipeline to parse with (the one the reader uses).
        command: the command line, recorded in the metadata.
        seed: fixes the order of training sequences.
        cache_dir: where to keep parsed corpora between runs (None: no cache).
        grid: candidate settings; default ``default_grid()``.
        progress: called with one-line progress messages.

    Returns:
        The metadata written.
    """
    from spacy import about as spacy_about

    started = time.perf_counter()
    nlp = load_nlp(Settings(nlp_package=nlp_package))
    train_articles = load_split(corpus)
    train_hash = corpus_hash(corpus)
    progress(f"parsing {len(train_articles)} training articles")
    train_docs = parse_articles(train_articles, nlp, cache_dir, parse_key(nlp, train_hash))
    train_items = prepare(list(zip(train_articles, train_docs, strict=True)))
    dev_items: list[Prepared] = []
    dev_hash = None
    if dev is not None:
        dev_articles = load_split(dev)
        dev_hash = corpus_hash(dev)
        progress(f"parsing {len(dev_articles)} dev articles")
        dev_docs = parse_articles(dev_articles, nlp, cache_dir, parse_key(nlp, dev_hash))
        dev_items = prepare(list(zip(dev_articles, dev_docs, strict=True)))
    grid = list(grid or default_grid())
    if not dev_items:
        grid = grid[:1]
    tried = []
    best: tuple[float, Path, TrainSettings, dict[str, float], dict[str, Any]] | None = None
    with tempfile.TemporaryDirectory(prefix="otr-train-") as tmp:
        cue_models: dict[tuple[float, float, int], Path] = {}
        for n, settings in enumerate(grid):
            cand = Path(tmp) / f"cand{n}"
            cue_key = (settings.cue_c1, settings.cue_c2, settings.max_iterations)
            progress(f"training candidate {n + 1}/{len(grid)}: {settings.as_dict()}")
            stats = train_model(
                train_items, cand, settings, seed, reuse_cue_from=cue_models.get(cue_key)
            )
            cue_models.setdefault(cue_key, cand / CUE_FILE)
            scores: dict[str, float] = {}
            if dev_items:
                scores = headline(score_model(AttributionModel.load(cand), dev_items))
                progress(f"  dev: {scores}")
            tried.append({"settings": settings.as_dict(), "dev": scores, "train_stats": stats})
            obj = _objective(scores) if scores else 0.0
            if best is None or obj > best[0]:
                best = (obj, cand, settings, scores, stats)
        assert best is not None
        _, cand, settings, scores, stats = best
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in (CUE_FILE, SPAN_FILE, CUE_TABLES, SPAN_TABLES):
            shutil.copyfile(cand / name, out_dir / name)
    meta = {
        "format": MODEL_FORMAT,
        "name": "otr.attribution.crf2.v1",
        "version": __version__,
        "trained_on": {"path": str(corpus), "articles": len(train_articles), "corpus_sha256": train_hash},
        "dev": {"path": str(dev), "articles": len(dev_items), "corpus_sha256": dev_hash} if dev else None,
        "nlp": {"package": nlp_package, "version": nlp.meta.get("version"), "spacy": spacy_about.__version__},
        "command": command,
        "seed": seed,
        "settings": settings.as_dict(),
        "dev_scores": scores,
        "candidates": tried,
        "train_stats": stats,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    (out_dir / METADATA_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return meta


def default_grid() -> list[TrainSettings]:
    """The candidates ``train --dev`` compares: how many sentences after the cue's the span tagger sees.

    One cue model serves both; each candidate trains only a span model (about ten minutes on this
    machine's CPU), which keeps the whole search inside the hour.
    """
    return [TrainSettings(window=(1, 2)), TrainSettings(window=(1, 1))]
