"""Attribution ④ (learned): a linear-chain CRF compiled from crfsuite into numpy tables, decoded in batches.

crfsuite trains the weights; tagging through its Python binding costs a string lookup per
feature, more than the whole feature budget. So the trained weights are compiled into one
sorted key table per feature template, emissions are gathered for a whole document at once,
and Viterbi (and forward-backward for confidences) run over all sequences of a document together.
Decoding gives crfsuite's own labels (tests check the two agree).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ontherecord.attribution.learned_features import Keys, comb

# Most cells (runs x longest run) decoded in one padded batch; a group of runs is the longest of
# them times their number, so this bounds the decoder's arrays whatever the page.
_DECODE_CELLS = 200_000


@dataclass(slots=True)
class CompiledCRF:
    """Labels, transition weights ``[from, to]`` and one sorted table of feature keys and weights.

    A feature's key in the table is its template's number combined with its own key, so one
    ``searchsorted`` serves every template; the last weight row is zeros (unknown features).
    """

    labels: tuple[str, ...]
    transitions: np.ndarray
    templates: tuple[str, ...]
    keys: np.ndarray
    weights: np.ndarray
    _hash: _KeyTable = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._hash = _KeyTable(self.keys)

    @classmethod
    def from_tables(
        cls, labels: tuple[str, ...], transitions: np.ndarray, tables: dict[str, dict[int, np.ndarray]]
    ) -> CompiledCRF:
        templates = tuple(sorted(tables))
        all_keys: list[np.ndarray] = []
        all_rows: list[np.ndarray] = []
        for t, name in enumerate(templates):
            rows = tables[name]
            k = np.array(sorted(rows), dtype=np.uint64)
            all_keys.append(comb(np.full(len(k), _tid(t), dtype=np.uint64), k))
            all_rows.extend(rows[int(x)] for x in k)
        keys = np.concatenate(all_keys) if all_keys else np.zeros(0, dtype=np.uint64)
        weights = np.array(all_rows, dtype=np.float64).reshape(-1, len(labels))
        uniq, inverse = np.unique(keys, return_inverse=True)
        merged = np.zeros((len(uniq) + 1, len(labels)))
        np.add.at(merged, inverse, weights)
        # Stored as float32 (half the size); keep the rounding in memory too, so a model behaves
        # the same freshly compiled and reloaded.
        return cls(labels, transitions, templates, uniq, merged.astype(np.float32).astype(np.float64))

    def emissions(self, keys: Keys, rows: int) -> np.ndarray:
        """State scores ``(rows, labels)``: each template's weights for its key, summed."""
        zero = np.zeros(rows, dtype=np.uint64)
        stacked = np.stack([keys.get(name, zero) for name in self.templates])
        tids = np.array([_tid(t) for t in range(len(self.templates))], dtype=np.uint64)
        flat = comb(np.broadcast_to(tids[:, None], stacked.shape), stacked).ravel()
        pos = self._hash.find(flat, missing=len(self.weights) - 1)
        scores: np.ndarray = self.weights[pos].reshape(len(self.templates), rows, -1).sum(axis=0)
        return scores

    def decode(self, emissions: np.ndarray, segments: list[tuple[int, int]]) -> np.ndarray:
        """Best label per row (Viterbi), each ``(start, stop)`` row segment one sequence.

        Exact, and cheap because most tokens are settled before Viterbi runs: a token whose
        state score for ``O`` beats every other label by more than twice the range of the
        transition weights is ``O`` in the best labelling (relabelling such tokens to ``O`` gains
        more in state score than the at most two transitions per token can lose). Only the runs
        of unsettled tokens are decoded, each with the transitions from and to the settled ``O``
        around it, all runs of a document in one batch.

        Returns:
            Label index per row (``O`` outside the segments).
        """
        rows = emissions.shape[0]
        o = self.labels.index("O")
        labels = np.full(rows, o, dtype=np.int64)
        segs = [(a, b) for a, b in segments if b > a]
        if not segs or not rows:
            return labels
        others = np.delete(emissions, o, axis=1)
        spread = float(self.transitions.max() - self.transitions.min())
        open_ = emissions[:, o] - others.max(axis=1) <= 2 * spread
        seg_start = np.zeros(rows, dtype=bool)
        seg_end = np.zeros(rows, dtype=bool)
        in_seg = np.zeros(rows, dtype=bool)
        for a, b in segs:
            in_seg[a:b] = True
            seg_start[a] = True
            seg_end[b - 1] = True
        open_ &= in_seg
        if not open_.any():
            return labels
        prev_open = np.concatenate([[False], open_[:-1]])
        next_open = np.concatenate([open_[1:], [False]])
        starts = np.flatnonzero(open_ & (seg_start | ~prev_open))
        stops = np.flatnonzero(open_ & (seg_end | ~next_open)) + 1
        after_o = ~seg_start[starts]  # the token before the run is a settled O
        before_o = ~seg_end[stops - 1]  # so is the token after it
        # Runs are decoded as a padded (runs x longest run) batch; grouped by length, so that one
        # long run (a giant sentence) does not pad every short run of the page to its length.
        order = np.argsort(stops - starts, kind="stable")
        group: list[int] = []
        for k in order.tolist():
            if group and (len(group) + 1) * int(stops[k] - starts[k]) > _DECODE_CELLS:
                self._viterbi(emissions, labels, starts[group], stops[group], after_o[group], before_o[group])
                group = []
            group.append(k)
        self._viterbi(emissions, labels, starts[group], stops[group], after_o[group], before_o[group])
        return labels

    def _viterbi(
        self,
        emissions: np.ndarray,
        labels: np.ndarray,
        starts: np.ndarray,
        stops: np.ndarray,
        after_o: np.ndarray,
        before_o: np.ndarray,
    ) -> None:
        """Decode the runs ``[starts, stops)`` in one padded batch, writing their labels in place."""
        o = self.labels.index("O")
        lengths = stops - starts
        batch, span = len(starts), int(lengths.max())
        index = starts[:, None] + np.arange(span)[None, :]
        mask = np.arange(span)[None, :] < lengths[:, None]
        index = np.where(mask, index, 0)
        em = emissions[index]
        trans = self.transitions
        score = em[:, 0, :] + np.where(after_o[:, None], trans[o][None, :], 0.0)
        back = np.zeros((batch, span, len(self.labels)), dtype=np.int64)
        for t in range(1, span):
            cand = score[:, :, None] + trans[None, :, :]
            back[:, t, :] = cand.argmax(axis=1)
            new = cand.max(axis=1) + em[:, t, :]
            score = np.where(mask[:, t, None], new, score)
        score = score + np.where(before_o[:, None], trans[:, o][None, :], 0.0)
        path = np.zeros((batch, span), dtype=np.int64)
        cur = score.argmax(axis=1)
        rows_b = np.arange(batch)
        for t in range(span - 1, -1, -1):
            live = mask[:, t]
            path[:, t] = cur
            if t:
                cur = np.where(live, back[rows_b, t, cur], cur)
        labels[index[mask]] = path[mask]

    def save(self, path: Path) -> None:
        """Write the compiled model as one .npz file (weights as float32)."""
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                labels=np.array(self.labels),
                transitions=self.transitions,
                templates=np.array(self.templates),
                keys=self.keys,
                weights=self.weights.astype(np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> CompiledCRF:
        """Read a model written by ``save`` (raises OSError / ValueError / KeyError when corrupt)."""
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            transitions = data["transitions"].astype(np.float64)
            templates = tuple(str(x) for x in data["templates"])
            keys = data["keys"].astype(np.uint64)
            weights = data["weights"].astype(np.float64)
        if transitions.shape != (len(labels), len(labels)) or weights.shape != (len(keys) + 1, len(labels)):
            raise ValueError(f"{path}: inconsistent model arrays")
        return cls(labels, transitions, templates, keys, weights)


class _KeyTable:
    """Open-addressing hash table from feature key to row, probed with vectorised numpy.

    Keys are already well-mixed 64-bit hashes, so their low bits pick the slot. A binary search
    over a million keys costs a cache miss per step; this costs about one per lookup.
    """

    def __init__(self, keys: np.ndarray) -> None:
        size = 1 << max(4, int(2 * max(len(keys), 1) - 1).bit_length())
        self.mask = np.uint64(size - 1)
        self.slot_keys = np.zeros(size, dtype=np.uint64)
        self.slot_rows = np.zeros(size, dtype=np.int64)
        pending = np.arange(len(keys))
        probe = (keys & self.mask).astype(np.int64)
        self.max_probe = 0
        while len(pending):
            slots = probe[pending]
            free = self.slot_keys[slots] == 0
            cand, cand_slots = pending[free], slots[free]
            # One key per free slot this round; the others probe on.
            _, first = np.unique(cand_slots, return_index=True)
            placed = cand[first]
            self.slot_keys[cand_slots[first]] = keys[placed]
            self.slot_rows[cand_slots[first]] = placed
            left = np.ones(len(pending), dtype=bool)
            left[np.flatnonzero(free)[first]] = False
            pending = pending[left]
            probe[pending] = (probe[pending] + 1) & (size - 1)
            if len(pending):
                self.max_probe += 1

    def find(self, queries: np.ndarray, missing: int) -> np.ndarray:
        """Row of each query key, ``missing`` where the key is not in the table (or is 0)."""
        out = np.full(len(queries), missing, dtype=np.int64)
        todo = np.flatnonzero(queries != 0)
        slots = (queries[todo] & self.mask).astype(np.int64)
        for _ in range(self.max_probe + 1):
            if not len(todo):
                break
            found = self.slot_keys[slots]
            hit = found == queries[todo]
            out[todo[hit]] = self.slot_rows[slots[hit]]
            # An empty slot ends a probe sequence: the key is absent.
            go_on = ~hit & (found != 0)
            todo = todo[go_on]
            slots = (slots[go_on] + 1) & int(self.mask)
        return out


def _tid(t: int) -> int:
    # Template numbers start at 2: keys 0 (absent) and 1 (edge) stay free.
    return t + 2


def compile_crfsuite(model_file: Path) -> CompiledCRF:
    """Compile a crfsuite model whose attributes are ``"<template>:<uint64 key>"`` strings."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_file))
    try:
        info = tagger.info()
    finally:
        tagger.close()
    labels = tuple(sorted(info.labels, key=lambda lab: info.labels[lab]))
    lab_index = {lab: i for i, lab in enumerate(labels)}
    trans = np.zeros((len(labels), len(labels)))
    for (a, b), w in info.transitions.items():
        trans[lab_index[a], lab_index[b]] = w
    per_template: dict[str, dict[int, np.ndarray]] = defaultdict(dict)
    for (attr, lab), w in info.state_features.items():
        name, _, key = attr.rpartition(":")
        row = per_template[name].get(int(key))
        if row is None:
            row = per_template[name][int(key)] = np.zeros(len(labels))
        row[lab_index[lab]] += w
    return CompiledCRF.from_tables(labels, trans, dict(per_template))
