"""Attribution ④ (learned): CRF features as integer keys computed with numpy from a parsed Doc.

Every feature template yields one uint64 key per token (0: the feature does not fire): spaCy's
string hashes for words, lemmas, tags and labels, small codes for derived facts (quotation
status, side of the cue, dependency route), and hashes of pairs for conjunctions. Training turns
the keys into crfsuite attribute strings (``"l:8685289367999165211"``); inference looks them up
in tables compiled from the trained weights. One code path for both, and vectorised, because the
model must cost a few percent of spaCy's parse time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc

Keys = dict[str, np.ndarray]

_MULT = np.uint64(0x9E3779B97F4A7C15)
EDGE = np.uint64(1)  # the key of a neighbour beyond the sentence or window
_OPEN_Q = frozenset("\u201c\u2018\u00ab")
_CLOSE_Q = frozenset("\u201d\u2019\u00bb")
# Dependency route of a token to the cue (see span_keys); codes start at 2 (0 absent, 1 edge).
ROUTE_CUE, ROUTE_ANC1, ROUTE_ANC2, ROUTE_SUB, ROUTE_SUBDEEP, ROUTE_VIA1, ROUTE_VIA2, ROUTE_NONE = range(2, 10)
_ROUTE_DEPTH = 12
_DIST_EDGES = np.array([1, 2, 3, 5, 8, 15, 30])


def comb(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Key of the pair (a, b); 0 where either is absent."""
    a = np.asarray(a, dtype=np.uint64)
    b = np.asarray(b, dtype=np.uint64)
    out = (a * _MULT) ^ (b + np.uint64(0x632BE59BD9B4E019))
    return np.where((a == 0) | (b == 0), np.uint64(0), out)


def _shift(arr: np.ndarray, off: int, group: np.ndarray) -> np.ndarray:
    """``arr`` shifted by ``off`` positions, EDGE where the neighbour lies in another group."""
    n = len(arr)
    out = np.full(n, EDGE, dtype=np.uint64)
    if off > 0 and n > off:
        ok = group[off:] == group[:-off]
        out[:-off] = np.where(ok, arr[off:], EDGE)
    elif off < 0 and n > -off:
        k = -off
        ok = group[:-k] == group[k:]
        out[k:] = np.where(ok, arr[:-k], EDGE)
    return out


@dataclass(slots=True)
class DocArrays:
    """Token attributes of a Doc as arrays, pulled out in a few C calls."""

    n: int
    lower: np.ndarray
    lemma: np.ndarray
    pos: np.ndarray
    dep: np.ndarray
    head: np.ndarray  # absolute index
    idx: np.ndarray  # character offset of each token
    end: np.ndarray  # character offset just past each token
    sent: np.ndarray  # sentence number
    sent_bounds: np.ndarray  # (n_sents, 2) token ranges
    para: np.ndarray  # number of newlines before the token
    qcode: np.ndarray  # 1 outside quotes, 2 inside, 3 opening mark, 4 closing mark
    in_quote: np.ndarray  # bool
    shape: np.ndarray  # 1 Xx, 2 XX, 3 digits, 4 lower/alpha, 5 other
    commas: np.ndarray  # commas up to and including each token
    top: np.ndarray  # the token's top-level branch: its ancestor just below the sentence root


def doc_arrays(doc: Doc) -> DocArrays:
    """Extract the arrays the features need from ``doc``."""
    from spacy.attrs import (
        DEP,
        HEAD,
        IDX,
        IS_ALPHA,
        IS_DIGIT,
        IS_QUOTE,
        IS_SPACE,
        IS_TITLE,
        IS_UPPER,
        LEMMA,
        LENGTH,
        LOWER,
        POS,
        SENT_START,
    )

    n = len(doc)
    h = doc.to_array([LOWER, LEMMA, POS, DEP])
    # Annotated wide: to_array is stubbed as float64, and the view below makes it int64.
    ints: np.ndarray = doc.to_array(
        [HEAD, IDX, LENGTH, SENT_START, IS_QUOTE, IS_TITLE, IS_UPPER, IS_DIGIT, IS_ALPHA, IS_SPACE]
    )
    ints = ints.view(np.int64).reshape(n, -1)
    head = np.arange(n) + ints[:, 0]
    idx = ints[:, 1]
    end = idx + ints[:, 2]
    starts = ints[:, 3] == 1
    if n:
        starts[0] = True
    sent = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    sent_bounds = np.stack([first, np.append(first[1:], n)], axis=1)
    # spaCy keeps newlines in whitespace tokens of their own; counting them numbers the paragraphs
    # (without building doc.text, which costs more than all the features).
    space = np.flatnonzero(ints[:, 9] == 1)
    breaks = np.array([i for i in space.tolist() if "\n" in doc[i].text], dtype=np.int64)
    para = np.searchsorted(breaks, np.arange(n), side="right")
    # Quotation status: a short scan over the quote marks only; a paragraph break closes an open
    # quote (the next paragraph of a long quote reopens it).
    qcode = np.ones(n, dtype=np.uint64)
    in_quote = np.zeros(n, dtype=bool)
    marks = np.flatnonzero(ints[:, 4] == 1)
    inside_from = -1
    for i in marks.tolist():
        ch = doc[i].text[:1]
        if inside_from >= 0 and para[i] != para[inside_from]:
            inside_from = -1
        opening = ch in _OPEN_Q or (ch not in _CLOSE_Q and inside_from < 0)
        if opening:
            qcode[i] = 3
            inside_from = i
        else:
            qcode[i] = 4
            if inside_from >= 0:
                in_quote[inside_from + 1 : i] = True
            inside_from = -1
    if inside_from >= 0:
        lo = inside_from + 1
        in_quote[lo:] = para[lo:] == para[inside_from]
    qcode[(qcode == 1) & in_quote] = 2
    shape = np.full(n, 5, dtype=np.uint64)
    shape[ints[:, 8] == 1] = 4
    shape[ints[:, 7] == 1] = 3
    shape[ints[:, 6] == 1] = 2
    shape[ints[:, 5] == 1] = 1
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # cpdef, absent from strings.pyi

    commas = np.cumsum(h[:, 0] == np.uint64(hash_string(",")))
    # Walk every token up to just below its root (the tree depth is small; cap it regardless).
    top = np.arange(n)
    for _ in range(_ROUTE_DEPTH * 2):
        up = head[top]
        climb = head[up] != up
        if not climb.any():
            break
        top = np.where(climb, up, top)
    return DocArrays(
        n, h[:, 0], h[:, 1], h[:, 2], h[:, 3], head, idx, end, sent, sent_bounds, para, qcode, in_quote,
        shape, commas, top,
    )


def _child_flags(a: DocArrays, labels: tuple[str, ...]) -> np.ndarray:
    """1-based flag per token: 2 if it has a child with one of ``labels``, else 1."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # cpdef, absent from strings.pyi

    wanted = np.array([hash_string(x) for x in labels], dtype=np.uint64)
    flag = np.ones(a.n, dtype=np.uint64)
    kids = np.flatnonzero(np.isin(a.dep, wanted) & (a.head != np.arange(a.n)))
    flag[a.head[kids]] = 2
    return flag


def cue_keys(a: DocArrays) -> Keys:
    """Stage-1 (cue) feature keys for every token of the document."""
    g = a.sent
    hl = a.lemma[a.head]
    hp = a.pos[a.head]
    quote_next = (_shift(a.qcode, 1, g) >= 3) & (_shift(a.qcode, 1, g) != EDGE)
    quote_prev = (_shift(a.qcode, -1, g) >= 3) & (_shift(a.qcode, -1, g) != EDGE)
    lm1, lp1 = _shift(a.lemma, -1, g), _shift(a.lemma, 1, g)
    keys: Keys = {
        "b": np.ones(a.n, dtype=np.uint64),
        "w": a.lower,
        "l": a.lemma,
        "p": a.pos,
        "d": a.dep,
        "ld": comb(a.lemma, a.dep),
        "hl": hl,
        "hp": hp,
        "hd": a.dep[a.head],
        "dhp": comb(a.dep, hp),
        "q": a.qcode,
        "sh": a.shape,
        "kc": _child_flags(a, ("ccomp",)),
        "kx": _child_flags(a, ("xcomp",)),
        "ks": _child_flags(a, ("nsubj", "nsubjpass")),
        "ko": _child_flags(a, ("dobj",)),
        "kq": np.where(quote_next | quote_prev, np.uint64(2), np.uint64(1)),
        "-2l": _shift(a.lemma, -2, g),
        "-1l": lm1,
        "+1l": lp1,
        "+2l": _shift(a.lemma, 2, g),
        "-2p": _shift(a.pos, -2, g),
        "-1p": _shift(a.pos, -1, g),
        "+1p": _shift(a.pos, 1, g),
        "+2p": _shift(a.pos, 2, g),
        "-1d": _shift(a.dep, -1, g),
        "+1d": _shift(a.dep, 1, g),
        "-1w": _shift(a.lower, -1, g),
        "+1w": _shift(a.lower, 1, g),
        "bl": comb(lm1, a.lemma),
        "br": comb(a.lemma, lp1),
    }
    return keys


def cue_head(a: DocArrays, c0: int, c1: int) -> int:
    """The syntactic head of the cue tokens ``c0..c1``: the first whose head lies outside them."""
    for i in range(c0, c1):
        h = int(a.head[i])
        if h == i or not c0 <= h < c1:
            return i
    return c0


# Most tokens a span window holds on either side of its cue. Sentences bound the window on news
# text (the widest on PolNeAR dev and the bundled pages is 274 tokens in all); on one giant
# sentence every cue's window would be the whole text, cues x tokens rows: quadratic.
WINDOW_SIDE_TOKENS = 512


def window(a: DocArrays, c0: int, c1: int, before: int, after: int) -> tuple[int, int]:
    """Token range: the cue's sentence, ``before`` sentences before it and ``after`` after it,
    at most :data:`WINDOW_SIDE_TOKENS` on either side of the cue."""
    s0 = max(0, int(a.sent[c0]) - before)
    s1 = min(len(a.sent_bounds) - 1, int(a.sent[c1 - 1]) + after)
    w0, w1 = int(a.sent_bounds[s0, 0]), int(a.sent_bounds[s1, 1])
    return max(w0, c0 - WINDOW_SIDE_TOKENS), min(w1, c1 + WINDOW_SIDE_TOKENS)


def _routes(a: DocArrays, c0: int, c1: int, w0: int, w1: int) -> np.ndarray:
    """Dependency route of each window token to the cue, as a key.

    Inside the cue's sentence a token either is a cue token, an ancestor of the cue (at distance
    1 or more), hangs below the cue (directly or deeper: keyed with the label of the branch it
    hangs in, e.g. ``nsubj`` or ``ccomp``), or joins the cue's ancestors elsewhere (keyed with the
    label of its branch there). Other sentences are separate trees: ROUTE_NONE.
    """
    out = np.full(w1 - w0, np.uint64(ROUTE_NONE))
    ch = cue_head(a, c0, c1)
    s = int(a.sent[ch])
    s0, s1 = (int(x) for x in a.sent_bounds[s])
    lo, hi = max(s0, w0), min(s1, w1)
    anc: list[int] = []
    k = ch
    while int(a.head[k]) != k and len(anc) < _ROUTE_DEPTH:
        k = int(a.head[k])
        anc.append(k)
    tokens = np.arange(lo, hi)
    chain = np.empty((hi - lo, _ROUTE_DEPTH + 1), dtype=np.int64)
    chain[:, 0] = tokens
    for d in range(1, _ROUTE_DEPTH + 1):
        chain[:, d] = a.head[chain[:, d - 1]]
    in_cue = (chain >= c0) & (chain < c1)
    anc_arr = np.array(anc, dtype=np.int64)
    is_anc = np.isin(chain, anc_arr)
    hit = in_cue | is_anc
    # First step at which the walk up from each token reaches the cue or one of its ancestors.
    first = np.argmax(hit, axis=1)
    found = hit[np.arange(len(tokens)), first]
    route = np.full(len(tokens), np.uint64(ROUTE_NONE))
    self_cue = in_cue[:, 0]
    self_anc = is_anc[:, 0]
    anc_rank = {t: r + 1 for r, t in enumerate(anc)}
    rank = np.array([anc_rank.get(int(t), 0) for t in tokens[self_anc]], dtype=np.int64)
    route[self_cue] = ROUTE_CUE
    route[np.flatnonzero(self_anc)] = np.where(rank == 1, ROUTE_ANC1, ROUTE_ANC2).astype(np.uint64)
    below = found & ~self_cue & ~self_anc
    rows = np.flatnonzero(below)
    step = first[rows]
    child = chain[rows, step - 1]
    reached = chain[rows, step]
    into_cue = in_cue[rows, step]
    hit_rank = np.array([anc_rank.get(int(t), 0) for t in reached], dtype=np.int64)
    kind = np.where(
        into_cue,
        np.where(step == 1, ROUTE_SUB, ROUTE_SUBDEEP),
        np.where(hit_rank == 1, ROUTE_VIA1, ROUTE_VIA2),
    ).astype(np.uint64)
    route[rows] = comb(kind, a.dep[child])
    out[lo - w0 : hi - w0] = route
    return out


@dataclass(slots=True)
class SpanBatch:
    """Stage-2 keys for all cues of a document, rows concatenated window after window."""

    keys: Keys
    offsets: list[tuple[int, int, int]]  # per cue: first row, window start token, window end token


def span_keys(
    a: DocArrays, cues: list[tuple[int, int]], before: int, after: int
) -> SpanBatch:
    """Stage-2 (source/content) feature keys for each cue ``(c0, c1)`` over its window.

    All windows of a document are computed together (rows concatenated), so the cost is a few
    dozen array operations per document plus the dependency routes per cue.
    """
    if not cues:
        return SpanBatch({}, [])
    wins = [window(a, c0, c1, before, after) for c0, c1 in cues]
    lens = np.array([w1 - w0 for w0, w1 in wins], dtype=np.int64)
    first_row = np.concatenate([[0], np.cumsum(lens)[:-1]])
    grp = np.repeat(np.arange(len(cues)), lens)
    tok = np.concatenate([np.arange(w0, w1) for w0, w1 in wins])
    c0s = np.repeat(np.array([c[0] for c in cues]), lens)
    c1s = np.repeat(np.array([c[1] for c in cues]), lens)
    heads = np.repeat(np.array([cue_head(a, c0, c1) for c0, c1 in cues]), lens)
    side = np.where(tok < c0s, 1, np.where(tok >= c1s, 3, 2)).astype(np.uint64)
    dist = np.where(tok < c0s, c0s - tok, np.where(tok >= c1s, tok - c1s + 1, 0))
    rp = side * np.uint64(16) + np.searchsorted(_DIST_EDGES, dist).astype(np.uint64) + np.uint64(1)
    so = (np.clip(a.sent[tok] - a.sent[heads], -3, 5) + 10).astype(np.uint64)
    po = (np.clip(a.para[tok] - a.para[heads], -2, 2) + 10).astype(np.uint64)
    rt = np.concatenate([_routes(a, c0, c1, w0, w1) for (c0, c1), (w0, w1) in zip(cues, wins, strict=True)])
    cue_lemmas = []
    for c0, c1 in cues:
        key = a.lemma[c0 : c0 + 1]
        for i in range(c0 + 1, c1):
            key = comb(key, a.lemma[i : i + 1])
        cue_lemmas.append(key[0])
    cl = np.repeat(np.array(cue_lemmas, dtype=np.uint64), lens)
    qr = a.in_quote[tok].astype(np.uint64) * np.uint64(2) + a.in_quote[heads].astype(np.uint64) + np.uint64(1)
    pos = a.pos[tok]
    low = a.lower[tok]
    q = a.qcode[tok]
    # Commas between the token and the cue: clauses of "A, but B, a source said" sit behind them.
    between = np.where(
        tok < c0s,
        a.commas[np.maximum(c0s - 1, 0)] - a.commas[tok],
        a.commas[np.maximum(tok - 1, 0)] - a.commas[c1s - 1],
    )
    cm = side * np.uint64(8) + np.minimum(np.maximum(between, 0), 3).astype(np.uint64) + np.uint64(1)
    same_branch = np.where(a.top[tok] == a.top[heads], np.uint64(2), np.uint64(1))
    tb = comb(a.dep[a.top[tok]], same_branch)
    keys = {
        "b": np.ones(len(tok), dtype=np.uint64),
        "w": low,
        "l": a.lemma[tok],
        "p": pos,
        "d": a.dep[tok],
        "q": q,
        "sh": a.shape[tok],
        "rp": rp,
        "so": so,
        "po": po,
        "rt": rt,
        "rtp": comb(rt, pos),
        "wrt": comb(low, rt),
        "qr": qr,
        "cl": comb(cl, side),
        "cld": comb(cl, rt),
        "rps": comb(rp, pos),
        "-1w": _shift(low, -1, grp),
        "+1w": _shift(low, 1, grp),
        "-1rt": _shift(rt, -1, grp),
        "+1rt": _shift(rt, 1, grp),
        "-1q": _shift(q, -1, grp),
        "+1q": _shift(q, 1, grp),
        "cm": cm,
        "tb": tb,
        "tbs": comb(tb, side),
    }
    offsets = [(int(r), w0, w1) for r, (w0, w1) in zip(first_row, wins, strict=True)]
    return SpanBatch(keys, offsets)


def crfsuite_items(keys: Keys, lo: int, hi: int) -> list[list[str]]:
    """Rows ``lo..hi`` of ``keys`` as crfsuite attribute lists (training only)."""
    cols = [(name, arr[lo:hi].tolist()) for name, arr in keys.items()]
    return [[f"{name}:{col[i]}" for name, col in cols if col[i]] for i in range(hi - lo)]
