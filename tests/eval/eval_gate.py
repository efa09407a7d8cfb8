"""Accuracy gate: attribution figures on a fixed PolNeAR dev subset must not drop below pinned floors.

    python tests/eval/eval_gate.py                          # measure and compare (exit 1 below a floor)
    python tests/eval/eval_gate.py --update --note "why"    # raise floors to the new figures
    python tests/eval/eval_gate.py --update --allow-lower --note "why"   # also lower them

Floors live in eval_baseline.json beside this file, with the subset's article ids and the sha256 of
its text and .ann files; every update is recorded there with its note. Like trafilatura's eval gate.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "eval_baseline.json"
REPO = HERE.parents[1]
DEFAULT_DEV = REPO.parent / "shared" / "data" / "polnear" / "dev"
PINNED_MODES = ("exact", "overlap")
PINNED_ROLES = ("source", "cue", "content", "attribution")
PINNED_STATS = ("precision", "recall", "f1")
SYSTEMS = ("model", "reader")


class GateError(Exception):
    """The gate cannot run as pinned (corpus changed, bad baseline)."""


def load_baseline(path: Path = BASELINE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save_baseline(baseline: dict, path: Path = BASELINE) -> None:
    path.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def flatten(scores: dict) -> dict[str, float]:
    """``{"exact.attribution.f1": 0.51, ...}`` for the pinned modes, roles and statistics."""
    m = scores["metrics"]
    return {
        f"{mode}.{role}.{stat}": round(m[mode][role][stat], 4)
        for mode in PINNED_MODES
        for role in PINNED_ROLES
        for stat in PINNED_STATS
    }


def check_corpus(baseline: dict, dev_dir: Path) -> None:
    """Raise GateError unless ``dev_dir`` holds the pinned subset with the pinned hash."""
    from ontherecord.corpus.polnear import corpus_hash

    ids = set(baseline["corpus"]["ids"])
    present = {p.stem for p in (dev_dir / "text").glob("*.txt")}
    missing = sorted(ids - present)
    if missing:
        raise GateError(f"{dev_dir}: the gate's subset lacks {len(missing)} articles, e.g. {missing[0]}")
    got = corpus_hash(dev_dir, ids)
    if got != baseline["corpus"]["sha256"]:
        raise GateError(
            f"{dev_dir}: the gate's {len(ids)} articles changed (sha256 {got[:12]}…, pinned "
            f"{baseline['corpus']['sha256'][:12]}…); the floors no longer apply. If the corpus change "
            f"is intended, re-pin with --update --allow-lower --note"
        )


def measure(baseline: dict, dev_dir: Path, system: str) -> dict[str, float]:
    """Run ``system`` ("model" or "reader") over the subset and return the pinned figures."""
    from ontherecord.evaluation.runner import evaluate

    run = evaluate(dev_dir, system=system, ids=baseline["corpus"]["ids"])
    return flatten(run.scores)


def below_floor(floors: dict[str, float], figures: dict[str, float], tolerance: float) -> list[str]:
    """One line per figure that fell more than ``tolerance`` below its floor."""
    return [
        f"{key}: {figures[key]:.4f} < floor {floor:.4f}"
        for key, floor in sorted(floors.items())
        if figures.get(key, 0.0) < floor - tolerance
    ]


def update(
    baseline: dict, system: str, figures: dict[str, float], note: str, allow_lower: bool
) -> list[str]:
    """Set ``system``'s floors to ``figures`` and record why; returns the changes.

    Raises:
        GateError: a floor would go down and ``allow_lower`` is False, or the note is empty.
    """
    if not note.strip():
        raise GateError("--note is required: say why the floors change")
    old = baseline.setdefault("systems", {}).get(system, {}).get("floors", {})
    lowered = [k for k, v in figures.items() if k in old and v < old[k]]
    if lowered and not allow_lower:
        raise GateError(
            f"{system}: {len(lowered)} floors would go down ({', '.join(sorted(lowered)[:4])}…); "
            "pass --allow-lower to accept that"
        )
    changes = [f"{k}: {old.get(k, '-')} -> {v}" for k, v in sorted(figures.items()) if old.get(k) != v]
    baseline["systems"][system] = {"floors": dict(sorted(figures.items()))}
    baseline.setdefault("history", []).append(
        {
            "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "system": system,
            "note": note.strip(),
            "lowered": sorted(lowered),
            "changes": len(changes),
        }
    )
    return changes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="PolNeAR dev folder (default: ../shared)")
    ap.add_argument("--system", choices=(*SYSTEMS, "all"), default="all")
    ap.add_argument("--update", action="store_true", help="set the floors to the figures measured now")
    ap.add_argument("--allow-lower", action="store_true", help="with --update: floors may go down")
    ap.add_argument("--note", default="", help="with --update: why (recorded in the baseline)")
    args = ap.parse_args(argv)
    baseline = load_baseline()
    systems = list(SYSTEMS) if args.system == "all" else [args.system]
    if args.update and args.allow_lower:
        # A deliberate re-pin may follow a corpus change: take the hash as it is now.
        from ontherecord.corpus.polnear import corpus_hash

        baseline["corpus"]["sha256"] = corpus_hash(args.dev, set(baseline["corpus"]["ids"]))
    try:
        check_corpus(baseline, args.dev)
        failed = False
        for system in systems:
            figures = measure(baseline, args.dev, system)
            if args.update:
                for line in update(baseline, system, figures, args.note, args.allow_lower):
                    print(f"{system}: {line}")
                continue
            floors = baseline.get("systems", {}).get(system, {}).get("floors")
            if not floors:
                # Nothing to compare against is a failure, not a pass: pin floors with --update.
                print(f"{system}: no floors pinned (run with --update --note ...)")
                failed = True
                continue
            drops = below_floor(floors, figures, baseline.get("tolerance", 0.005))
            for line in drops:
                print(f"{system}: BELOW FLOOR {line}")
            failed |= bool(drops)
            print(f"{system}: exact attribution F1 {figures['exact.attribution.f1']:.4f}, "
                  f"overlap {figures['overlap.attribution.f1']:.4f}; {len(drops)} below floor")
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.update:
        save_baseline(baseline)
        print(f"floors written to {BASELINE}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
