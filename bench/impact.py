"""Benchmark: `impact NAME` on a ledger of 1,000,000 attributions (target: under 100 ms).

The ledger is synthetic but shaped like a news archive: articles of quoted sentences, each quote
attributed to a named person, people quoted with a long-tailed (Zipf-like) popularity, so the most
quoted source appears in a few percent of all articles. It is written through ``Ledger.write_records``
in large batches (the same path as ingest), once, under ``.cache/bench/``; later runs reuse it.

With ``--scaling`` it measures instead what the index buys: one person is planted in the same 20
articles of two ledgers, one ten times the other's size (``--attributions`` is the larger), and
``impact`` on that person is timed in both. ``ratio`` (large / small median) near 1 means impact follows
the index to the person's articles and does not grow with the archive.

Usage:
    python bench/impact.py [--attributions N] [--runs N] [--json] [--rebuild] [--scaling]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Record,
    Reliance,
    RelianceHow,
    Sentence,
    Source,
    SourceKind,
)
from ontherecord.model.attribution import attribution_id
from ontherecord.model.source import source_id

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "bench"
PER_ARTICLE = 40  # attributions per article: a long feature, or a day's live blog
SPEAKERS = 8  # distinct people quoted per article, five quotes each
PEOPLE = 50_000
BATCH = 500
PLANTED = PEOPLE  # a rank outside the popularity pool: quoted in exactly the articles it is planted in
PLANTED_ARTICLES = 20

_FIRST = (
    "Ana Ben Carla Dmitri Elena Farid Grace Hector Irina Jonas Kemal Lena Marek Nadia Omar Petra Rafael "
    "Sofia Tomas Ulla"
).split()
_SYLLABLES = (
    "ar bel cor dan el fen gar hol is jan kel lor mar nov or pel quin ros sar tel ul ven wes yor zan"
).split()
_CLAIMS = [
    "the budget would be balanced by the end of next year",
    "nobody in the department had been told about the contract",
    "the figures were checked twice before they were published",
    "the plant would close unless new orders arrived soon",
    "voters in the district had never been asked about the plan",
    "the committee had seen no evidence of wrongdoing",
    "talks with the union would resume on Monday",
    "the new rules were meant to protect small farms",
]


def person(rank: int) -> str:
    """A deterministic invented full name, distinct for every rank (first name and surname syllables
    are the rank's digits), so two people never merge by accident."""
    first = _FIRST[rank % len(_FIRST)]
    rest = rank // len(_FIRST)
    syllables = []
    for _ in range(3):
        rest, digit = divmod(rest, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    return f"{first} {''.join(syllables).capitalize()}"


def _weights() -> list[float]:
    # Exponent 0.8 over 50,000 people: the most quoted person appears in about one article in
    # seven, as a head of government does in political coverage; most people in one or two.
    return [1.0 / (rank + 1) ** 0.8 for rank in range(PEOPLE)]


def _speakers(rng: random.Random, ranks: list[int], weights: list[float]) -> list[int]:
    chosen: dict[int, None] = {}
    while len(chosen) < SPEAKERS:
        chosen.update(dict.fromkeys(rng.choices(ranks, weights, k=SPEAKERS - len(chosen))))
    people = list(chosen)
    return [people[i % SPEAKERS] for i in range(PER_ARTICLE)]


def synthetic_record(index: int, speakers: list[int]) -> Record:
    """One article: ``len(speakers)`` quoted sentences, each resting on its named speaker."""
    names = {rank: person(rank) for rank in speakers}
    parts: list[str] = []
    spans: list[tuple[int, CharSpan, CharSpan, CharSpan, CharSpan]] = []
    offset = 0
    for i, rank in enumerate(speakers):
        claim = _CLAIMS[(index + i) % len(_CLAIMS)]
        quote = f"\u201cWe know that {claim},\u201d"
        sentence = f"{quote} {names[rank]} said on day {i + 1}."
        start = offset
        q = CharSpan(start + 1, start + len(quote) - 2)
        n_start = start + len(quote) + 1
        name = CharSpan(n_start, n_start + len(names[rank]))
        cue = CharSpan(name.end + 1, name.end + 5)
        spans.append((rank, CharSpan(start, start + len(sentence)), name, cue, q))
        parts.append(sentence)
        offset += len(sentence) + 1
    text = " ".join(parts)
    article = Article(
        id=f"bench-{index:07d}",
        text=text,
        title=f"Council report {index}",
        published=f"20{10 + index % 15:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}",
    )
    sources = {
        rank: Source(
            id=source_id(article.content_hash, names[rank]),
            name=names[rank],
            kind=SourceKind.PERSON,
            identification=Identification.NAMED,
        )
        for rank in dict.fromkeys(speakers)
    }
    attributions, sentences = [], []
    for rank, sentence, name, cue, content in spans:
        sid = sources[rank].id
        attributions.append(
            Attribution(
                id=attribution_id(article.content_hash, (name,), (cue,), (content,)),
                source_id=sid,
                source=(name,),
                cue=(cue,),
                content=(content,),
                kind=AttributionKind.DIRECT,
            )
        )
        sentences.append(Sentence(sentence, (Reliance(sid, RelianceHow.QUOTED),)))
    return Record(article, (), tuple(sources.values()), tuple(attributions), tuple(sentences))


def build(path: Path, attributions: int, progress: bool = True, plant: int = 0) -> dict[str, Any]:
    """Write the synthetic ledger to ``path`` (via a temporary file, so a crash leaves no half-build).

    With ``plant``, the first speaker of ``plant`` evenly spread articles is replaced by ``person(PLANTED)``.
    """
    from ontherecord.archive import Ledger

    articles = attributions // PER_ARTICLE
    every = max(1, articles // plant) if plant else 0
    rng = random.Random(1_000_000)
    weights = _weights()
    ranks = list(range(PEOPLE))
    partial = path.with_suffix(".building")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    with Ledger(str(partial)) as ledger:
        batch: list[Record] = []
        for index in range(articles):
            speakers = _speakers(rng, ranks, weights)
            if every and index % every == 0 and index // every < plant:
                speakers = [PLANTED if rank == speakers[0] else rank for rank in speakers]
            batch.append(synthetic_record(index, speakers))
            if len(batch) == BATCH:
                ledger.write_records(batch)
                batch.clear()
                if progress:
                    done = index + 1
                    rate = done / (time.perf_counter() - started)
                    print(f"\rbuilding: {done}/{articles} articles, {rate:.0f}/s", end="", file=sys.stderr)
        ledger.write_records(batch)
        counts = ledger.counts()
    if progress:
        print(file=sys.stderr)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return {"build_seconds": round(time.perf_counter() - started, 1), **counts}


def time_impact(path: Path, name: str, runs: int) -> dict[str, Any]:
    """Median and spread of ``Ledger.impact(name)`` over ``runs`` calls on an open ledger."""
    from ontherecord.archive import Ledger

    with Ledger(str(path), create=False) as ledger:
        first = time.perf_counter()
        result = ledger.impact(name)
        cold = time.perf_counter() - first
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            ledger.impact(name)
            timings.append(time.perf_counter() - started)
        # What the CLI adds on top of the call: the report as JSON, as `impact --format json` prints it.
        started = time.perf_counter()
        as_json = json.dumps(result.to_dict(), ensure_ascii=False)
        to_json = time.perf_counter() - started
    return {
        "name": name,
        "articles": len(result.articles),
        "sentences": result.sentence_count,
        "draft_chars": len(result.draft_correction),
        "json_chars": len(as_json),
        "to_json_ms": round(to_json * 1000, 1),
        "first_ms": round(cold * 1000, 1),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
    }


def time_cli(path: Path, name: str) -> float | None:
    """Wall time of the whole command, `ontherecord impact NAME`, process start-up included."""
    import subprocess

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ontherecord", "--db", str(path), "impact", name, "--format", "json"],
        check=False,
        capture_output=True,
    )
    if done.returncode != 0:
        print(f"ontherecord impact failed: {done.stderr.decode(errors='replace').strip()}", file=sys.stderr)
        return None
    return round((time.perf_counter() - started) * 1000, 1)


def scaling(attributions: int, runs: int, rebuild: bool) -> dict[str, Any]:
    """``impact`` on the planted person in a ledger of ``attributions`` and in one a tenth its size."""
    figures: dict[str, Any] = {"planted_articles": PLANTED_ARTICLES}
    for label, size in (("small", attributions // 10), ("large", attributions)):
        path = CACHE / f"impact-{size}-planted{PLANTED_ARTICLES}.db"
        entry: dict[str, Any] = {"attributions": size, "ledger": str(path)}
        if rebuild or not path.exists():
            entry["build"] = build(path, size, plant=PLANTED_ARTICLES)
        entry.update(time_impact(path, person(PLANTED), runs))
        figures[label] = entry
    figures["ratio"] = round(figures["large"]["median_ms"] / max(figures["small"]["median_ms"], 0.001), 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attributions", type=int, default=1_000_000, help="size of the ledger")
    parser.add_argument("--runs", type=int, default=15, help="timed calls per name (median reported)")
    parser.add_argument("--rebuild", action="store_true", help="build the ledger again")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--scaling", action="store_true", help="compare impact on ledgers of N/10 and N")
    args = parser.parse_args(argv)

    CACHE.mkdir(parents=True, exist_ok=True)
    if args.scaling:
        result = scaling(args.attributions, args.runs, args.rebuild)
        print(json.dumps(result) if args.json else json.dumps(result, indent=2))
        return 0
    path = CACHE / f"impact-{args.attributions}.db"
    figures: dict[str, Any] = {"ledger": str(path)}
    if args.rebuild or not path.exists():
        figures["build"] = build(path, args.attributions)
    # The most quoted person, a frequently quoted one, and one from the tail.
    figures["top"] = time_impact(path, person(0), args.runs)
    figures["rank_100"] = time_impact(path, person(100), args.runs)
    figures["rank_5000"] = time_impact(path, person(5000), args.runs)
    figures["cli_top_ms"] = time_cli(path, person(0))
    figures["target_ms"] = 100
    figures["meets_target"] = {k: figures[k]["median_ms"] < 100 for k in ("top", "rank_100", "rank_5000")}
    if args.json:
        print(json.dumps(figures))
    else:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
