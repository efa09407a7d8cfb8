"""Evaluation: citron-style attribution metrics, identical to ``shared/tools/attrib_eval/score.py``.

The same span normalisation (strip quotes/punctuation/dashes at fragment ends, merge fragments
separated only by them), the same regex tokens and the same four modes (exact, overlap,
overlap_union, partial), so figures computed here equal the scorer's to the last digit.
See docs/evaluation.md for the definitions and where they deviate from citron.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

ROLES = ("source", "cue", "content")
MODES = ("exact", "overlap", "overlap_union", "partial")
REPORT_ROLES = ("source", "cue", "content", "attribution")

QUOTE_CHARS = "\"'`\u00b4\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a\u2032\u2033"
PUNCT_CHARS = ".,;:!?\u2026-\u2010\u2011\u2012\u2013\u2014\u2015"
STRIP_CHARS = frozenset(QUOTE_CHARS + PUNCT_CHARS)
TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)

Fragments = tuple[tuple[int, int], ...]
# One attribution as the scorer sees it: role -> list of [start, end] fragments.
RawAttribution = Mapping[str, Sequence[Sequence[int]]]


def _strippable(ch: str) -> bool:
    return ch.isspace() or ch in STRIP_CHARS


def normalize_fragments(
    frags: Iterable[Sequence[int]] | None, text: str, normalize: bool = True
) -> Fragments:
    """Clamp, strip quotes/punctuation/whitespace at both ends, drop empties, sort and merge.

    A fragment made only of punctuation (the cue ``:``) keeps its characters, stripped of
    whitespace only. Fragments that overlap, touch or are separated only by strippable
    characters merge into one.
    """
    n = len(text)
    out = []
    for frag in frags or []:
        if frag is None or len(frag) != 2:
            continue
        s, e = int(frag[0]), int(frag[1])
        s, e = max(0, min(s, n)), max(0, min(e, n))
        if normalize:
            s0, e0 = s, e
            while s < e and _strippable(text[s]):
                s += 1
            while e > s and _strippable(text[e - 1]):
                e -= 1
            if s == e:
                s, e = s0, e0
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
        if s < e:
            out.append((s, e))
    out.sort()
    merged: list[tuple[int, int]] = []
    for s, e in out:
        if merged:
            ps, pe = merged[-1]
            if s <= pe or (normalize and all(_strippable(c) for c in text[pe:s])):
                merged[-1] = (ps, max(pe, e))
                continue
        merged.append((s, e))
    return tuple(merged)


def fragments_overlap(a: Fragments, b: Fragments) -> bool:
    """True if any fragment of ``a`` shares at least one character with one of ``b``."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


class TokenIndex:
    """Character spans to regex-token ids (``\\w+`` or one non-space symbol), as the scorer counts."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in TOKEN_RE.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def tokens(self, frags: Fragments) -> set[int]:
        ids: set[int] = set()
        for s, e in frags:
            i = bisect.bisect_right(self.ends, s)
            while i < len(self.starts) and self.starts[i] < e:
                ids.add(i)
                i += 1
        return ids


def _char_units(frags: Fragments) -> set[int]:
    ids: set[int] = set()
    for s, e in frags:
        ids.update(range(s, e))
    return ids


def prf(hit_pred: int, n_pred: int, hit_gold: int, n_gold: int) -> tuple[float, float, float]:
    """Precision from predicted-side hits, recall from gold-side hits (citron's counting)."""
    p = hit_pred / n_pred if n_pred else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


Prepared = dict[str, Fragments]


def _prep(atts: Iterable[RawAttribution], text: str, normalize: bool) -> list[Prepared]:
    return [{r: normalize_fragments(a.get(r) or [], text, normalize) for r in ROLES} for a in atts]


def _hits(
    preds: list[Prepared], golds: list[Prepared], match: Callable[[Prepared, Prepared], bool]
) -> tuple[int, int]:
    # Not a one-to-one alignment: a prediction hits if it matches ANY gold, and vice versa.
    return (
        sum(1 for p in preds if any(match(p, g) for g in golds)),
        sum(1 for g in golds if any(match(p, g) for p in preds)),
    )


def _cue_eq(p: Prepared, g: Prepared) -> bool:
    return bool(p["cue"]) and p["cue"] == g["cue"]


def _cue_ov(p: Prepared, g: Prepared) -> bool:
    return fragments_overlap(p["cue"], g["cue"])


def _role_eq(role: str) -> Callable[[Prepared, Prepared], bool]:
    return lambda p, g: _cue_ov(p, g) and p[role] == g[role]


def _role_ov(role: str) -> Callable[[Prepared, Prepared], bool]:
    return lambda p, g: _cue_ov(p, g) and (
        fragments_overlap(p[role], g[role]) or (not p[role] and not g[role])
    )


def _attr_eq(p: Prepared, g: Prepared) -> bool:
    return _cue_eq(p, g) and p["source"] == g["source"] and p["content"] == g["content"]


def _attr_partial(p: Prepared, g: Prepared) -> bool:
    return _cue_ov(p, g) and _role_ov("source")(p, g) and _role_ov("content")(p, g)


_COUNTED: dict[tuple[str, str], Callable[[Prepared, Prepared], bool]] = {
    ("exact", "cue"): _cue_eq,
    ("exact", "source"): _role_eq("source"),
    ("exact", "content"): _role_eq("content"),
    ("exact", "attribution"): _attr_eq,
    ("partial", "cue"): _cue_ov,
    ("partial", "source"): _role_ov("source"),
    ("partial", "content"): _role_ov("content"),
    ("partial", "attribution"): _attr_partial,
}


def score_documents(
    docs: Mapping[str, tuple[str, Sequence[RawAttribution]]],
    preds: Mapping[str, Sequence[RawAttribution]],
    normalize: bool = True,
    unit: str = "token",
) -> dict[str, Any]:
    """Score predictions against gold, micro-averaged over all documents.

    Args:
        docs: ``id -> (text, gold attributions)``; each attribution maps role -> fragments.
        preds: ``id -> predicted attributions``; an id missing here predicted nothing.
        normalize: strip and merge fragments as the scorer does (False: raw offsets).
        unit: ``"token"`` (regex tokens) or ``"char"`` for the overlap modes.

    Returns:
        The scorer's ``--json`` result: counts and ``metrics[mode][role]`` with
        precision, recall, f1 and the hit/total counts.
    """
    counters: dict[tuple[str, str], list[int]] = {}

    def add(key: tuple[str, str], hit_p: int, n_p: int, hit_g: int, n_g: int) -> None:
        c = counters.setdefault(key, [0, 0, 0, 0])
        c[0] += hit_p
        c[1] += n_p
        c[2] += hit_g
        c[3] += n_g

    n_pred_total = n_gold_total = 0
    missing = sorted(set(docs) - set(preds))
    unknown = sorted(set(preds) - set(docs))
    for doc_id in sorted(docs):
        text, gold_atts = docs[doc_id]
        golds = _prep(gold_atts, text, normalize)
        predl = _prep(preds.get(doc_id, []), text, normalize)
        n_pred_total += len(predl)
        n_gold_total += len(golds)
        for key, match in _COUNTED.items():
            hp, hg = _hits(predl, golds, match)
            add(key, hp, len(predl), hg, len(golds))

        tix = TokenIndex(text) if unit == "token" else None
        units = tix.tokens if tix is not None else _char_units
        tot_ov = tot_p = tot_g = 0
        tot_u = [0, 0, 0]
        for role in ROLES:
            pu = [units(p[role]) for p in predl]
            gu = [units(g[role]) for g in golds]
            o = sum(len(a & b) for a in pu for b in gu)
            lp = sum(len(a) for a in pu)
            lg = sum(len(b) for b in gu)
            add(("overlap", role), o, lp, o, lg)
            tot_ov += o
            tot_p += lp
            tot_g += lg
            # Each token once per side, so one source shared by several cues cannot push past 1.
            up = set().union(*pu) if pu else set()
            ug = set().union(*gu) if gu else set()
            ou = len(up & ug)
            add(("overlap_union", role), ou, len(up), ou, len(ug))
            tot_u[0] += ou
            tot_u[1] += len(up)
            tot_u[2] += len(ug)
        add(("overlap", "attribution"), tot_ov, tot_p, tot_ov, tot_g)
        add(("overlap_union", "attribution"), tot_u[0], tot_u[1], tot_u[0], tot_u[2])

    results: dict[str, Any] = {
        "n_docs": len(docs),
        "n_docs_without_prediction_line": len(missing),
        "n_prediction_ids_not_in_gold": len(unknown),
        "n_gold_attributions": n_gold_total,
        "n_pred_attributions": n_pred_total,
        "normalize": normalize,
        "overlap_unit": unit,
        "metrics": {},
    }
    for (mode, role), (hp, npred, hg, ngold) in counters.items():
        p, r, f = prf(hp, npred, hg, ngold)
        results["metrics"].setdefault(mode, {})[role] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "pred_hits": hp,
            "pred_total": npred,
            "gold_hits": hg,
            "gold_total": ngold,
        }
    if unknown:
        results["prediction_ids_not_in_gold_sample"] = unknown[:5]
    return results


def format_table(res: Mapping[str, Any]) -> str:
    """The scorer's text table: one line per mode and role with P, R, F1."""
    lines = [
        "docs: {:d} (no prediction line: {:d}; unknown prediction ids: {:d})".format(
            res["n_docs"], res["n_docs_without_prediction_line"], res["n_prediction_ids_not_in_gold"]
        ),
        "attributions: gold {:d}, predicted {:d}; normalize={!s}; overlap unit={!s}".format(
            res["n_gold_attributions"], res["n_pred_attributions"], res["normalize"], res["overlap_unit"]
        ),
        "",
        "{:<13} {:<12} {:>7} {:>7} {:>7}".format("mode", "role", "P", "R", "F1"),
    ]
    for mode in MODES:
        for role in REPORT_ROLES:
            m = res["metrics"].get(mode, {}).get(role)
            if m is not None:
                lines.append(
                    "{!s:<13} {!s:<12} {:7.4f} {:7.4f} {:7.4f}".format(
                        mode, role, m["precision"], m["recall"], m["f1"]
                    )
                )
    return "\n".join(lines)
