"""Benchmark: the reader on adversarial texts — time and peak memory per size, and how they grow.

Texts no newsroom writes but an archive holds (a scraped page of one quote repeated, a table
flattened into one sentence): each kind is generated at a few sizes and read through the reading
door in a fresh subprocess, so its peak RSS (``resource.getrusage``) is its own, spaCy's pipeline
and the model included. ``growth`` is time(2x) / time(x) between consecutive sizes: about 2 is
linear, about 4 quadratic. Issue 12 asks for linear growth and a peak under 1 GiB per worker at
``max_article_chars``.

Kinds:
    repeated_quotes    one paragraph of the same quotation and frame, over and over
    giant_sentence     one sentence without punctuation
    many_cues          one sentence of nested reports ("Smith said that Jones told reporters that ...")
    short_paragraphs   thousands of one-line quoted paragraphs
    unclosed_quotes    opening marks that are never closed, cues between them

Usage:
    python bench/adversarial.py [--sizes 25000 50000 100000] [--kinds KIND ...] [--at-limit] [--json]

``--at-limit`` also reads every kind at ``max_article_chars`` (500,000 characters by default):
the memory figure that matters, and minutes of CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (25_000, 50_000, 100_000)
# A run that takes longer than this is reported as such rather than waited for.
RUN_TIMEOUT_S = 900


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def repeated_quotes(size: int) -> str:
    """One paragraph of the same quotation and its frame."""
    return _repeat('"We will not give up on this town, not now and not ever," Smith said, ', size)


def giant_sentence(size: int) -> str:
    """One sentence with no punctuation at all."""
    return _repeat("the mayor and the council and the people of the town ", size)


def many_cues(size: int) -> str:
    """One sentence of reports nested in reports: every content runs to the end of the text."""
    return _repeat("Smith said that Jones told reporters that Brown claimed that ", size)


def short_paragraphs(size: int) -> str:
    """Thousands of one-line paragraphs, each a short quotation with its frame."""
    return _repeat('"Yes," he said.\n\n', size)


def unclosed_quotes(size: int) -> str:
    """Opening marks never closed, with a cue and a speaker between each two."""
    return _repeat("\u201cWe will not give up, said Smith and the people ", size)


KINDS: dict[str, Callable[[int], str]] = {
    "repeated_quotes": repeated_quotes,
    "giant_sentence": giant_sentence,
    "many_cues": many_cues,
    "short_paragraphs": short_paragraphs,
    "unclosed_quotes": unclosed_quotes,
}


def measure_one(kind: str, size: int) -> dict[str, Any]:
    """Read one generated text through the door, in this process; time and peak RSS (MiB)."""
    import resource
    import time

    from ontherecord import pipeline
    from ontherecord.ingest.readers import read_text
    from ontherecord.settings import Settings

    # No time limit: the point is how long the text really takes.
    settings = Settings(article_timeout_s=0, max_article_chars=max(size, Settings().max_article_chars))
    nlp = pipeline.load_nlp(settings)
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    record = pipeline.process_page(read_text(KINDS[kind](size)), nlp, settings)
    seconds = time.perf_counter() - started
    return {
        "kind": kind,
        "chars": size,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_after_load_mb": round(loaded_mb),
        "attributions": len(record.attributions),
        "sentences": len(record.sentences),
    }


def measure(kind: str, size: int) -> dict[str, Any]:
    """:func:`measure_one` in a fresh subprocess, so each peak RSS is that text's own."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(size)],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"kind": kind, "chars": size, "error": f"ran past {RUN_TIMEOUT_S} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"kind": kind, "chars": size, "error": f"exit {done.returncode}: {last}"}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _growth(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    if "seconds" not in a or "seconds" not in b or not a["seconds"]:
        return None
    return round(b["seconds"] / a["seconds"], 2)


def run(kinds: list[str], sizes: list[int], at_limit: bool) -> dict[str, Any]:
    from ontherecord.settings import Settings

    limit = Settings().max_article_chars
    out: dict[str, Any] = {"sizes": sizes, "max_article_chars": limit, "kinds": {}}
    for kind in kinds:
        rows = [measure(kind, size) for size in sizes]
        growth = [_growth(a, b) for a, b in zip(rows, rows[1:], strict=False)]
        entry: dict[str, Any] = {"runs": rows, "growth": growth}
        if at_limit:
            entry["at_limit"] = measure(kind, limit)
        out["kinds"][kind] = entry
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="text sizes, chars")
    parser.add_argument("--kinds", nargs="+", choices=sorted(KINDS), default=list(KINDS), help="kinds to run")
    parser.add_argument("--at-limit", action="store_true", help="also read each kind at max_article_chars")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_one(args.one[0], int(args.one[1]))))
        return 0
    result = run(args.kinds, args.sizes, args.at_limit)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    for kind, entry in result["kinds"].items():
        runs = entry["runs"] + ([entry["at_limit"]] if "at_limit" in entry else [])
        cells = [
            f"{r['chars']:>7,}: {r['seconds']:6.1f} s {r['peak_rss_mb']:5} MiB"
            if "seconds" in r
            else f"{r['chars']:>7,}: {r['error']}"
            for r in runs
        ]
        print(f"{kind:17} " + " | ".join(cells) + f"   growth {entry['growth']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
