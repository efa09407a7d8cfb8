"""Evaluation: run the reader (or the bare model) over a PolNeAR-layout folder and score it against the gold.

The reader runs on each ``text/*.txt`` exactly as stored (no cleaning), so every offset it
returns indexes the original file, as the scorer's prediction format requires.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ontherecord import pipeline
from ontherecord.corpus.polnear import GoldArticle, load_split
from ontherecord.evaluation.metrics import RawAttribution, score_documents
from ontherecord.model import Article
from ontherecord.settings import Settings

ROLES = ("source", "cue", "content")


@dataclass(frozen=True, slots=True)
class EvalRun:
    """Scores (the scorer's JSON result) and the predictions they were computed from."""

    scores: dict[str, Any]
    predictions: dict[str, list[dict[str, list[list[int]]]]]
    seconds: float
    system: str


def gold_attributions(article: GoldArticle) -> list[dict[str, list[list[int]]]]:
    """An article's gold attributions in the scorer's shape (role -> [[start, end], ...])."""
    return [{r: [s.to_list() for s in a.role(r)] for r in ROLES} for a in article.attributions]


def _spans_json(attr: object) -> dict[str, list[list[int]]]:
    return {r: [s.to_list() for s in getattr(attr, r)] for r in ROLES}


def predict_with_reader(
    articles: Sequence[GoldArticle], settings: Settings
) -> dict[str, list[dict[str, list[list[int]]]]]:
    """The full reader's attributions (extract, resolve, qualify, rely) for each article."""
    nlp = pipeline.load_nlp(settings)
    # Built directly, not cleaned: PolNeAR texts are clean, and offsets must index the .txt.
    texts = [Article(id=gold.id, text=gold.text) for gold in articles]
    records = pipeline.read_articles(texts, nlp, settings)
    return {record.article.id: [_spans_json(a) for a in record.attributions] for record in records}


def predict_with_model(
    articles: Sequence[GoldArticle], settings: Settings
) -> dict[str, list[dict[str, list[list[int]]]]]:
    """The trained model's attributions alone (no rules, no later stages)."""
    nlp = pipeline.load_nlp(settings)
    docs = pipeline.parse((a.text for a in articles), nlp, settings)
    return {
        gold.id: [_spans_json(p) for p in predicted]
        for gold, predicted in zip(articles, pipeline.model_predictions(docs, settings), strict=True)
    }


def evaluate(
    gold_dir: str | Path,
    settings: Settings | None = None,
    system: str = "reader",
    limit: int | None = None,
    ids: Iterable[str] | None = None,
) -> EvalRun:
    """Run ``system`` over a PolNeAR-layout folder and score it with the scorer's metrics.

    Args:
        gold_dir: folder with ``text/`` and ``attributions/`` (``metadata.tsv`` beside or above it).
        settings: reader settings (model path, rules only, spaCy package).
        system: ``"reader"`` (the whole reader) or ``"model"`` (the trained model alone).
        limit: only the first N articles (sorted by id); the gold is cut to the same articles.
        ids: only these article ids.

    Returns:
        The scores and the predictions.
    """
    settings = settings or Settings()
    articles = load_split(gold_dir, ids=set(ids) if ids is not None else None)
    if limit is not None:
        articles = articles[:limit]
    started = time.perf_counter()
    if system == "model":
        preds = predict_with_model(articles, settings)
    elif system == "reader":
        preds = predict_with_reader(articles, settings)
    else:
        raise ValueError(f"unknown system {system!r}")
    seconds = time.perf_counter() - started
    gold = {a.id: (a.text, gold_attributions(a)) for a in articles}
    return EvalRun(score_documents(gold, preds), preds, seconds, system)


def write_predictions(path: str | Path, predictions: Mapping[str, Sequence[RawAttribution]]) -> None:
    """Write the scorer's JSONL: one ``{"id", "attributions"}`` object per article, sorted by id."""
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id in sorted(predictions):
            fh.write(json.dumps({"id": doc_id, "attributions": predictions[doc_id]}) + "\n")
