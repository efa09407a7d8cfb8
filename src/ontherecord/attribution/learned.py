"""Attribution ④ (learned): the trained two-stage CRF model — cues first, then each cue's source and content.

Stage 1 tags cue tokens (BIO) sentence by sentence. Stage 2 takes each predicted cue and tags
SOURCE and CONTENT (BIO) over a window of sentences around it, with features relative to the
cue, so nested and shared attributions ("X said A, adding B") come out as separate relations.
Trained by ``ontherecord train`` (``training/attribution.py``) on PolNeAR train.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import ontherecord.resources
from ontherecord.attribution.learned_crf import CompiledCRF
from ontherecord.attribution.learned_features import cue_keys, doc_arrays, span_keys
from ontherecord.errors import ModelError
from ontherecord.model.spans import CharSpan, Spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

MODEL_FORMAT = 2
CUE_FILE = "cue.crfsuite"
SPAN_FILE = "span.crfsuite"
CUE_TABLES = "cue.npz"
SPAN_TABLES = "span.npz"
METADATA_FILE = "metadata.json"


@dataclass(frozen=True, slots=True)
class Predicted:
    """One predicted attribution: char spans into ``doc.text`` and the cue's marginal probability."""

    cue: Spans
    source: Spans
    content: Spans
    confidence: float


def shipped_model_path() -> Path:
    """The directory of the model that ships inside the package."""
    return Path(ontherecord.resources.__file__).parent / "models" / "attribution"


def runs(labels: np.ndarray, segments: list[tuple[int, int]], b: int, i: int) -> list[tuple[int, int]]:
    """Row runs ``[start, stop)`` labelled ``B I*`` (label indices ``b``, ``i``) inside each segment.

    A stray ``I`` (no ``B`` before it) starts a run, as crfsuite users usually read BIO output.
    """
    out: list[tuple[int, int]] = []
    for s0, s1 in segments:
        seg = labels[s0:s1]
        inside = (seg == b) | (seg == i)
        if not inside.any():
            continue
        prev_inside = np.concatenate([[False], inside[:-1]])
        starts = np.flatnonzero((seg == b) | ((seg == i) & ~prev_inside))
        for st in starts:
            k = st + 1
            while k < len(seg) and seg[k] == i:
                k += 1
            out.append((s0 + int(st), s0 + int(k)))
    return out


@dataclass
class AttributionModel:
    """A loaded model: the two compiled CRFs and the settings they were trained with.

    Attributes:
        metadata: version, trained_on, corpus hash, command, seed, CRF/feature settings, dev scores.
    """

    path: Path
    metadata: dict[str, Any]
    window: tuple[int, int]
    cue_crf: CompiledCRF = field(repr=False)
    span_crf: CompiledCRF = field(repr=False)

    @classmethod
    def load(cls, path: str | Path | None = None) -> AttributionModel:
        """Load a model directory (None: the shipped model).

        Raises:
            ModelError: the directory, a file, or the metadata is missing, corrupt or of another format.
        """
        path = Path(path) if path is not None else shipped_model_path()
        meta_path = path / METADATA_FILE
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError(f"{path}: no attribution model here ({METADATA_FILE} missing)") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"{meta_path}: unreadable model metadata: {exc}") from exc
        if not isinstance(metadata, dict) or metadata.get("format") != MODEL_FORMAT:
            found = metadata.get("format") if isinstance(metadata, dict) else "?"
            raise ModelError(
                f"{path}: model format {found} is not {MODEL_FORMAT}; retrain with `ontherecord train`"
            )
        crfs = []
        for name in (CUE_TABLES, SPAN_TABLES):
            file = path / name
            if not file.is_file():
                raise ModelError(f"{file}: missing model file")
            try:
                crfs.append(CompiledCRF.load(file))
            except (OSError, ValueError, KeyError, EOFError) as exc:
                raise ModelError(f"{file}: corrupt model file: {exc}") from exc
        try:
            window = (int(metadata["settings"]["window"][0]), int(metadata["settings"]["window"][1]))
        except (KeyError, TypeError, IndexError, ValueError) as exc:
            raise ModelError(f"{meta_path}: metadata lacks the span window: {exc}") from exc
        cue_crf, span_crf = crfs
        for crf, needed in ((cue_crf, {"B-CUE", "I-CUE"}), (span_crf, {"B-SRC", "I-SRC", "B-CON", "I-CON"})):
            if not needed <= set(crf.labels):
                raise ModelError(f"{path}: model labels {crf.labels} lack {sorted(needed)}")
        return cls(path, metadata, window, cue_crf, span_crf)

    def predict(
        self, doc: Doc, keep: Callable[[CharSpan, float], bool] | None = None
    ) -> list[Predicted]:
        """Attributions in a parsed Doc, in text order of their cues.

        Args:
            doc: The parsed article.
            keep: If given, only cues for which ``keep(cue span, confidence)`` is true get their
                source and content tagged (the costlier stage): the extractor asks only for the
                cues its rules did not find.
        """
        if not len(doc):
            return []
        a = doc_arrays(doc)
        cue_lab = self.cue_crf.labels
        sents = [(int(s), int(e)) for s, e in a.sent_bounds]
        em = self.cue_crf.emissions(cue_keys(a), a.n)
        labels = self.cue_crf.decode(em, sents)
        cues = runs(labels, sents, cue_lab.index("B-CUE"), cue_lab.index("I-CUE"))
        if not cues:
            return []
        # Confidence: the local posterior of the cue's first label (a softmax of its state
        # scores); exact marginals would double the cue stage's cost for little extra meaning.
        starts = np.array([c0 for c0, _ in cues])
        local = em[starts] - em[starts].max(axis=1, keepdims=True)
        prob = np.exp(local) / np.exp(local).sum(axis=1, keepdims=True)
        conf = prob[np.arange(len(cues)), labels[starts]]
        if keep is not None:
            kept = [
                k
                for k, (c0, c1) in enumerate(cues)
                if keep(CharSpan(int(a.idx[c0]), int(a.end[c1 - 1])), float(conf[k]))
            ]
            if not kept:
                return []
            cues = [cues[k] for k in kept]
            conf = conf[kept]
        batch = span_keys(a, cues, *self.window)
        rows = batch.offsets[-1][0] + batch.offsets[-1][2] - batch.offsets[-1][1]
        span_em = self.span_crf.emissions(batch.keys, rows)
        segs = [(r, r + w1 - w0) for r, w0, w1 in batch.offsets]
        span_labels = self.span_crf.decode(span_em, segs)
        lab = self.span_crf.labels
        seg_starts = np.array([r for r, _, _ in batch.offsets])
        # Rows back to tokens: row r of cue k is token w0_k + (r - first row of k).
        shift = np.array([w0 - r for r, w0, _ in batch.offsets])
        roles: dict[str, list[list[CharSpan]]] = {}
        for tag in ("SRC", "CON"):
            per_cue: list[list[CharSpan]] = [[] for _ in cues]
            for x, y in runs(span_labels, segs, lab.index("B-" + tag), lab.index("I-" + tag)):
                k = int(np.searchsorted(seg_starts, x, side="right")) - 1
                per_cue[k].append(CharSpan(int(a.idx[x + shift[k]]), int(a.end[y - 1 + shift[k]])))
            roles[tag] = per_cue
        out = [
            Predicted(
                cue=(CharSpan(int(a.idx[c0]), int(a.end[c1 - 1])),),
                source=tuple(roles["SRC"][k]),
                content=tuple(roles["CON"][k]),
                confidence=round(float(conf[k]), 4),
            )
            for k, (c0, c1) in enumerate(cues)
        ]
        return out
