#!/usr/bin/env python3
# Verbatim copy of shared/tools/attrib_eval/score.py (PolNeAR attribution scorer), kept so the
# agreement test runs where ../shared is absent; test_evaluate.py checks it still matches the original.
"""Score attribution predictions (source / cue / content spans) against gold.

Stdlib only.  See README.md next to this file for the exact definitions.

Gold can be
  * an exported folder (made by polnear_export.py): DIR/gold.jsonl + DIR/text/<id>.txt
  * a PolNeAR split folder: DIR/text/<id>.txt + DIR/attributions/<id>_<annotator>.ann
    (brat standoff); metadata.tsv is looked up in DIR/.. unless --metadata is given.

Predictions: JSONL, one object per article:
  {"id": "<text file stem>",
   "attributions": [{"source": [[s, e], ...], "cue": [[s, e], ...], "content": [[s, e], ...]}, ...]}
with character offsets (Python str indices, end exclusive) into the UTF-8 .txt file.

Metrics (micro-averaged over the whole split), following BBC citron's
citron/metrics.py (see README.md for where we deviate and why):
  exact    count-based P/R/F1; spans compared after normalisation
  overlap  token-overlap P/R/F1 (sum of overlapping tokens / predicted or gold tokens)
  overlap_union  like overlap but tokens are de-duplicated per document and role
           (not in citron; bounded by 1 even when gold spans are shared)
  partial  count-based P/R/F1 where "equal" is relaxed to "shares >= 1 character"
           (not in citron; an extra lenient view)
"""

import argparse
import bisect
import csv
import json
import os
import re
import sys

ROLES = ("source", "cue", "content")

# Characters stripped from both ends of every span fragment (gold and predicted
# alike) and allowed in the gap when merging neighbouring fragments.
QUOTE_CHARS = "\"'`\u00b4\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a\u2032\u2033"
PUNCT_CHARS = ".,;:!?\u2026-\u2010\u2011\u2012\u2013\u2014\u2015"
STRIP_CHARS = frozenset(QUOTE_CHARS + PUNCT_CHARS)

TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def _is_strippable(ch):
    return ch.isspace() or ch in STRIP_CHARS


# ----------------------------------------------------------------------------
# Span normalisation
# ----------------------------------------------------------------------------

def normalize_fragments(frags, text, normalize=True):
    """Return a sorted tuple of (start, end) fragments.

    Each fragment is clamped to the text, then (if normalize) surrounding
    whitespace / quotation marks / punctuation (STRIP_CHARS) are stripped;
    empty fragments are dropped; fragments are sorted; overlapping or touching
    fragments, and (if normalize) fragments separated only by whitespace /
    STRIP_CHARS, are merged into one.
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
            while s < e and _is_strippable(text[s]):
                s += 1
            while e > s and _is_strippable(text[e - 1]):
                e -= 1
            if s == e:
                # a fragment made only of punctuation (e.g. the cue ":" or a
                # dash): keep it, stripped of whitespace only
                s, e = s0, e0
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
        if s < e:
            out.append((s, e))
    out.sort()
    merged = []
    for s, e in out:
        if merged:
            ps, pe = merged[-1]
            gap_ok = s <= pe or (normalize and all(_is_strippable(c) for c in text[pe:s]))
            if gap_ok:
                merged[-1] = (ps, max(pe, e))
                continue
        merged.append((s, e))
    return tuple(merged)


def spans_overlap(a, b):
    """True if any fragment of a shares at least one character with any of b."""
    for s1, e1 in a:
        for s2, e2 in b:
            if s1 < e2 and s2 < e1:
                return True
    return False


class TokenIndex:
    """Maps character spans to token ids (regex tokens: \\w+ or one non-space symbol)."""

    def __init__(self, text):
        self.starts = []
        self.ends = []
        for m in TOKEN_RE.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def tokens(self, frags):
        ids = set()
        for s, e in frags:
            # first token whose end > s, then all tokens with start < e
            i = bisect.bisect_right(self.ends, s)
            while i < len(self.starts) and self.starts[i] < e:
                ids.add(i)
                i += 1
        return ids


def char_units(frags):
    ids = set()
    for s, e in frags:
        ids.update(range(s, e))
    return ids


# ----------------------------------------------------------------------------
# Gold loading
# ----------------------------------------------------------------------------

_T_RE = re.compile(r"^(T\d+)\t(\S+) ([0-9;\s]+)\t")
_E_RE = re.compile(r"^(E\d+)\t(.*)$")


def parse_brat(ann_text):
    """Parse a PolNeAR brat .ann file.

    Returns a list of attributions, each a dict with keys source/cue/content
    (lists of [start, end]) plus "brat_id" and "type".  Only E lines of type
    Attribution / Attribution-no-source are used; role names are matched on
    their prefix (Content, Content2, ... all go to content).  T lines of type
    Discard / Discuss, AnnotatorNotes (#) and stray note-continuation lines are
    ignored.  Attributions with no source, cue and content at all are dropped.
    """
    tspans = {}
    events = []
    for line in ann_text.split("\n"):
        m = _T_RE.match(line)
        if m:
            frags = []
            for part in m.group(3).split(";"):
                bits = part.split()
                if len(bits) == 2:
                    frags.append([int(bits[0]), int(bits[1])])
            tspans[m.group(1)] = (m.group(2), frags)
            continue
        m = _E_RE.match(line)
        if m:
            events.append((m.group(1), m.group(2).split()))
    attributions = []
    for eid, args in events:
        if not args or ":" not in args[0]:
            continue
        etype = args[0].split(":", 1)[0]
        if not etype.startswith("Attribution"):
            continue
        att = {"source": [], "cue": [], "content": [], "brat_id": eid, "type": etype}
        for arg in args[1:]:
            if ":" not in arg:
                continue
            role, tid = arg.split(":", 1)
            role = re.sub(r"\d+$", "", role).lower()
            if role in ROLES and tid in tspans:
                att[role].extend(tspans[tid][1])
        for r in ROLES:
            att[r].sort()
        if any(att[r] for r in ROLES):
            attributions.append(att)
    attributions.sort(key=lambda a: (min([f[0] for r in ROLES for f in a[r]]), a["brat_id"]))
    return attributions


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_metadata_annotators(metadata_path):
    """filename -> list of annotator ids in metadata.tsv order."""
    order = {}
    if metadata_path and os.path.exists(metadata_path):
        with open(metadata_path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                order[row["filename"]] = [a for a in row["annotators"].split("|") if a]
    return order


def choose_annotation(stem, available, annot_order):
    """Deterministic choice among several annotators' .ann files for one article.

    Rule: the first annotator listed for the article in metadata.tsv's
    'annotators' column that has a file; if none (or no metadata), the
    lexicographically smallest annotator id.  (In PolNeAR v1.0.0 both rules
    give the same result for every core article: the list is sorted.)
    """
    for a in annot_order.get(stem, []):
        if a in available:
            return a
    return sorted(available)[0]


def load_brat_split(split_dir, metadata_path=None):
    """Load a PolNeAR split folder.  Returns (docs, info); docs: id -> (text, attributions)."""
    text_dir = os.path.join(split_dir, "text")
    ann_dir = os.path.join(split_dir, "attributions")
    if metadata_path is None:
        metadata_path = os.path.join(os.path.dirname(os.path.abspath(split_dir)), "metadata.tsv")
    annot_order = read_metadata_annotators(metadata_path)
    anns = {}
    for fn in os.listdir(ann_dir):
        if fn.endswith(".ann"):
            stem, annot = fn[:-4].rsplit("_", 1)
            anns.setdefault(stem, {})[annot] = os.path.join(ann_dir, fn)
    docs = {}
    chosen = {}
    for fn in sorted(os.listdir(text_dir)):
        if not fn.endswith(".txt"):
            continue
        stem = fn[:-4]
        text = read_text(os.path.join(text_dir, fn))
        atts = []
        if stem in anns:
            annot = choose_annotation(stem, anns[stem], annot_order)
            chosen[stem] = {"annotator": annot, "available": sorted(anns[stem])}
            atts = parse_brat(read_text(anns[stem][annot]))
        docs[stem] = (text, atts)
    return docs, {"format": "brat", "metadata": metadata_path if annot_order else None, "chosen": chosen}


def load_export(export_dir):
    docs = {}
    with open(os.path.join(export_dir, "gold.jsonl"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            text = read_text(os.path.join(export_dir, "text", obj["id"] + ".txt"))
            docs[obj["id"]] = (text, obj.get("attributions", []))
    return docs, {"format": "export"}


def load_gold(path, metadata_path=None):
    if os.path.exists(os.path.join(path, "gold.jsonl")):
        return load_export(path)
    if os.path.isdir(os.path.join(path, "attributions")):
        return load_brat_split(path, metadata_path)
    raise SystemExit("gold path %r: neither gold.jsonl nor attributions/ found" % path)


def load_predictions(path):
    preds = {}
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            if obj["id"] in preds:
                raise SystemExit("%s:%d duplicate id %r" % (path, ln, obj["id"]))
            preds[obj["id"]] = obj.get("attributions", [])
    return preds


# ----------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------

def prf(tp_p, n_pred, tp_g, n_gold):
    """Precision from predicted-side hits, recall from gold-side hits (citron style)."""
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _prep(atts, text, normalize):
    out = []
    for a in atts:
        out.append({r: normalize_fragments(a.get(r) or [], text, normalize) for r in ROLES})
    return out


def _exact_counts(preds, golds, match):
    """citron's counting: a prediction is a TP if it matches ANY gold; a gold is
    a FN if it matches NO prediction (not a one-to-one alignment)."""
    hit_p = sum(1 for p in preds if any(match(p, g) for g in golds))
    hit_g = sum(1 for g in golds if any(match(p, g) for p in preds))
    return hit_p, hit_g


def score_documents(docs, preds, normalize=True, unit="token"):
    counters = {}

    def add(key, hit_p, n_p, hit_g, n_g):
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
        P, G = len(predl), len(golds)

        def cue_eq(p, g):
            return bool(p["cue"]) and p["cue"] == g["cue"]

        def cue_ov(p, g):
            return spans_overlap(p["cue"], g["cue"])

        def eq(role):
            # citron: source/content exact = cues overlap AND span lists identical
            return lambda p, g: cue_ov(p, g) and p[role] == g[role]

        def ov(role):
            # partial: cues overlap AND role spans share >= 1 char (or both empty)
            return lambda p, g: cue_ov(p, g) and (
                spans_overlap(p[role], g[role]) or (not p[role] and not g[role]))

        add(("exact", "cue"), *_interleave(_exact_counts(predl, golds, cue_eq), P, G))
        add(("exact", "source"), *_interleave(_exact_counts(predl, golds, eq("source")), P, G))
        add(("exact", "content"), *_interleave(_exact_counts(predl, golds, eq("content")), P, G))
        add(("exact", "attribution"), *_interleave(_exact_counts(
            predl, golds, lambda p, g: cue_eq(p, g) and p["source"] == g["source"]
            and p["content"] == g["content"]), P, G))

        add(("partial", "cue"), *_interleave(_exact_counts(predl, golds, cue_ov), P, G))
        add(("partial", "source"), *_interleave(_exact_counts(predl, golds, ov("source")), P, G))
        add(("partial", "content"), *_interleave(_exact_counts(predl, golds, ov("content")), P, G))
        add(("partial", "attribution"), *_interleave(_exact_counts(
            predl, golds, lambda p, g: cue_ov(p, g) and ov("source")(p, g) and ov("content")(p, g)),
            P, G))

        # Token overlap (citron get_quote_overlap_counts_and_lengths): overlap is
        # summed over ALL (prediction, gold) pairs, lengths over each side.
        tix = TokenIndex(text) if unit == "token" else None
        units = (lambda fr: tix.tokens(fr)) if unit == "token" else char_units
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
            # union variant (not in citron): each token counted once per side,
            # so shared gold spans (one source for several cues) cannot push
            # precision/recall above 1.
            up = set().union(*pu) if pu else set()
            ug = set().union(*gu) if gu else set()
            ou = len(up & ug)
            add(("overlap_union", role), ou, len(up), ou, len(ug))
            tot_u[0] += ou
            tot_u[1] += len(up)
            tot_u[2] += len(ug)
        add(("overlap", "attribution"), tot_ov, tot_p, tot_ov, tot_g)
        add(("overlap_union", "attribution"), tot_u[0], tot_u[1], tot_u[0], tot_u[2])

    results = {
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
            "precision": p, "recall": r, "f1": f,
            "pred_hits": hp, "pred_total": npred, "gold_hits": hg, "gold_total": ngold,
        }
    if unknown:
        results["prediction_ids_not_in_gold_sample"] = unknown[:5]
    return results


def _interleave(hits, n_pred, n_gold):
    return hits[0], n_pred, hits[1], n_gold


def format_table(res):
    lines = []
    lines.append("docs: %d (no prediction line: %d; unknown prediction ids: %d)" % (
        res["n_docs"], res["n_docs_without_prediction_line"], res["n_prediction_ids_not_in_gold"]))
    lines.append("attributions: gold %d, predicted %d; normalize=%s; overlap unit=%s" % (
        res["n_gold_attributions"], res["n_pred_attributions"], res["normalize"], res["overlap_unit"]))
    lines.append("")
    lines.append("%-13s %-12s %7s %7s %7s" % ("mode", "role", "P", "R", "F1"))
    for mode in ("exact", "overlap", "overlap_union", "partial"):
        for role in ("source", "cue", "content", "attribution"):
            m = res["metrics"].get(mode, {}).get(role)
            if m is None:
                continue
            lines.append("%-13s %-12s %7.4f %7.4f %7.4f" % (mode, role, m["precision"], m["recall"], m["f1"]))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True,
                    help="export folder (gold.jsonl + text/) or PolNeAR split folder (text/ + attributions/)")
    ap.add_argument("--pred", required=True, help="predictions JSONL")
    ap.add_argument("--metadata", default=None,
                    help="PolNeAR metadata.tsv (brat gold only; default: GOLD/../metadata.tsv)")
    ap.add_argument("--no-normalize", action="store_true", help="compare raw offsets (no stripping/merging)")
    ap.add_argument("--unit", choices=("token", "char"), default="token",
                    help="unit of the overlap metric (default: token, regex tokens)")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON")
    args = ap.parse_args(argv)
    docs, info = load_gold(args.gold, args.metadata)
    preds = load_predictions(args.pred)
    res = score_documents(docs, preds, normalize=not args.no_normalize, unit=args.unit)
    res["gold"] = {"path": args.gold, "format": info["format"]}
    res["pred"] = args.pred
    if args.json:
        print(json.dumps(res, indent=1, sort_keys=True))
    else:
        print(format_table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
