"""Corpus: a PolNeAR-layout split folder (``text/*.txt`` + ``attributions/*_<annotator>.ann``) as gold
articles.

The annotator chosen for multiply-annotated articles is the one the project's scorer
(``shared/tools/attrib_eval/score.py``) chooses, so training, evaluation and scoring see the same gold.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ontherecord.corpus.brat import BratAttribution, attributions_from_brat, read_ann
from ontherecord.errors import InputError


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One article of a split: its raw text, the chosen annotator and that annotator's attributions."""

    id: str
    text: str
    attributions: tuple[BratAttribution, ...]
    annotator: str | None = None


def read_text(path: str | Path) -> str:
    """A corpus text exactly as stored (UTF-8, newlines untranslated), so offsets index it."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def metadata_annotators(path: str | Path | None) -> dict[str, list[str]]:
    """``filename -> annotator ids`` in ``metadata.tsv`` order ({} when there is no such file)."""
    if path is None or not Path(path).exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {
            row["filename"]: [a for a in row["annotators"].split("|") if a]
            for row in csv.DictReader(fh, delimiter="\t")
        }


def choose_annotator(stem: str, available: list[str] | set[str], order: dict[str, list[str]]) -> str:
    """The first annotator metadata.tsv lists for ``stem`` that has a file; else the smallest id."""
    for annotator in order.get(stem, []):
        if annotator in available:
            return annotator
    return sorted(available)[0]


def split_files(split_dir: str | Path) -> tuple[list[Path], dict[str, dict[str, Path]]]:
    """The text files of a split (sorted) and, per stem, its .ann files by annotator."""
    split_dir = Path(split_dir)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir():
        raise InputError(str(split_dir), "not a PolNeAR-layout folder (no text/ inside)")
    anns: dict[str, dict[str, Path]] = {}
    if ann_dir.is_dir():
        for path in ann_dir.glob("*.ann"):
            stem, _, annotator = path.stem.rpartition("_")
            anns.setdefault(stem, {})[annotator] = path
    return sorted(text_dir.glob("*.txt")), anns


def load_split(
    split_dir: str | Path, metadata: str | Path | None = None, ids: set[str] | None = None
) -> list[GoldArticle]:
    """Load a PolNeAR-layout split folder.

    Args:
        split_dir: folder with ``text/`` and ``attributions/``.
        metadata: PolNeAR ``metadata.tsv``; default ``split_dir/../metadata.tsv``, then
            ``split_dir/metadata.tsv`` (a self-contained subset keeps its rows beside it).
        ids: only these article ids (text file stems).

    Returns:
        Articles sorted by id; an article with no .ann file has no attributions.
    """
    split_dir = Path(split_dir)
    if metadata is None:
        metadata = split_dir.resolve().parent / "metadata.tsv"
        if not metadata.exists():
            metadata = split_dir / "metadata.tsv"
    order = metadata_annotators(metadata)
    texts, anns = split_files(split_dir)
    out = []
    for path in texts:
        if ids is not None and path.stem not in ids:
            continue
        atts: tuple[BratAttribution, ...] = ()
        annotator = None
        if path.stem in anns:
            annotator = choose_annotator(path.stem, set(anns[path.stem]), order)
            atts = tuple(attributions_from_brat(read_ann(anns[path.stem][annotator])))
        out.append(GoldArticle(path.stem, read_text(path), atts, annotator))
    return out


def corpus_hash(split_dir: str | Path, ids: set[str] | None = None) -> str:
    """sha256 over the split's text and .ann files (names and bytes, sorted), optionally only ``ids``.

    Recorded in a model's metadata and the accuracy gate, so a changed corpus is noticed.
    """
    texts, anns = split_files(split_dir)
    digest = hashlib.sha256()
    for path in texts:
        if ids is not None and path.stem not in ids:
            continue
        files = [path] + [anns[path.stem][a] for a in sorted(anns.get(path.stem, {}))]
        for f in files:
            digest.update(f"{f.parent.name}/{f.name}\0".encode())
            digest.update(f.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()
