"""The accuracy gate: pinned floors on a fixed PolNeAR dev subset; a drop below a floor fails the suite."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("eval_gate", HERE / "eval_gate.py")
gate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gate)


def _dev() -> Path:
    if not gate.DEFAULT_DEV.is_dir():
        pytest.skip(f"PolNeAR dev not found at {gate.DEFAULT_DEV}")
    return gate.DEFAULT_DEV


@pytest.mark.parametrize("system", gate.SYSTEMS)
def test_baseline_pins_a_subset_a_hash_and_every_floor(system):
    baseline = gate.load_baseline()
    assert 15 <= len(baseline["corpus"]["ids"]) <= 20
    assert len(baseline["corpus"]["sha256"]) == 64
    floors = baseline["systems"][system]["floors"]
    assert sorted(floors) == sorted(
        f"{mode}.{role}.{stat}"
        for mode in gate.PINNED_MODES
        for role in gate.PINNED_ROLES
        for stat in gate.PINNED_STATS
    )
    assert all(0.0 < v <= 1.5 for v in floors.values())
    assert all(h["note"] for h in baseline["history"])


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("system", gate.SYSTEMS)
def test_figures_stay_above_their_floors(system):
    dev = _dev()
    baseline = gate.load_baseline()
    floors = baseline["systems"][system]["floors"]
    gate.check_corpus(baseline, dev)
    figures = gate.measure(baseline, dev, system)
    drops = gate.below_floor(floors, figures, baseline["tolerance"])
    assert not drops, "accuracy fell below the pinned floors:\n" + "\n".join(drops)


def test_a_drop_beyond_tolerance_fails_and_a_small_wobble_does_not():
    floors = {"exact.attribution.f1": 0.50, "overlap.cue.f1": 0.80}
    assert gate.below_floor(floors, {"exact.attribution.f1": 0.497, "overlap.cue.f1": 0.81}, 0.005) == []
    drops = gate.below_floor(floors, {"exact.attribution.f1": 0.49, "overlap.cue.f1": 0.81}, 0.005)
    assert drops == ["exact.attribution.f1: 0.4900 < floor 0.5000"]


def test_lowering_a_floor_needs_the_flag_and_a_note():
    baseline = copy.deepcopy(gate.load_baseline())
    floors = dict(baseline["systems"]["model"]["floors"])
    lower = {k: v - 0.05 for k, v in floors.items()}
    with pytest.raises(gate.GateError, match="allow-lower"):
        gate.update(baseline, "model", lower, "a worse parser", allow_lower=False)
    with pytest.raises(gate.GateError, match="note"):
        gate.update(baseline, "model", lower, "  ", allow_lower=True)
    n = len(baseline["history"])
    gate.update(baseline, "model", lower, "a worse parser", allow_lower=True)
    assert baseline["systems"]["model"]["floors"] == lower
    assert baseline["history"][n]["note"] == "a worse parser"
    assert len(baseline["history"][n]["lowered"]) == len(floors)
    higher = {k: v + 0.01 for k, v in lower.items()}
    gate.update(baseline, "model", higher, "better features", allow_lower=False)
    assert baseline["systems"]["model"]["floors"] == higher


def test_a_changed_corpus_is_refused_with_a_clear_message():
    dev = _dev()
    baseline = copy.deepcopy(gate.load_baseline())
    baseline["corpus"]["sha256"] = "0" * 64
    with pytest.raises(gate.GateError, match="changed .*re-pin with --update --allow-lower"):
        gate.check_corpus(baseline, dev)
    baseline["corpus"]["ids"] = baseline["corpus"]["ids"] + ["no-such-article"]
    with pytest.raises(gate.GateError, match="lacks 1 articles"):
        gate.check_corpus(baseline, dev)
