"""CLI: `evaluate` (score the reader on a PolNeAR-layout folder) and `train` (build the attribution model)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click

from ontherecord.evaluation.metrics import format_table
from ontherecord.settings import Settings


@click.command("evaluate")
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="PolNeAR-layout folder: text/*.txt and attributions/*.ann (metadata.tsv beside or above).",
)
@click.option(
    "--write-predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the predictions as the scorer's JSONL (offsets into the .txt files).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N articles (by id).")
@click.option("--rules-only", is_flag=True, help="Run the reader without the trained model.")
@click.option("--model-only", is_flag=True, help="Score the trained model alone, without the reader's rules.")
@click.option(
    "--model",
    type=click.Path(exists=True, file_okay=False),
    help="A trained model directory (default: the one shipped in the package).",
)
@click.pass_context
def evaluate_cli(
    ctx: click.Context,
    gold_dir: Path,
    write_predictions: Path | None,
    fmt: str,
    limit: int | None,
    rules_only: bool,
    model_only: bool,
    model: str | None,
) -> None:
    """Run the reader over GOLD/text and score it against GOLD/attributions.

    Metrics and normalisation are exactly those of the PolNeAR scorer (attrib_eval/score.py):
    exact, overlap, overlap_union and partial precision/recall/F1 per role and whole attribution.
    """
    # lazy: the runner loads the reading door (+55 ms measured), which `--help` and the ledger
    # commands need not pay.
    from ontherecord.evaluation.runner import evaluate
    from ontherecord.evaluation.runner import write_predictions as write_jsonl

    if rules_only and model_only:
        raise click.UsageError("--rules-only and --model-only exclude each other")
    settings: Settings = ctx.obj["settings"] if ctx.obj else Settings()
    settings = settings.with_(model=model)
    if rules_only:
        settings = settings.with_(use_model=False)
    run = evaluate(gold_dir, settings, system="model" if model_only else "reader", limit=limit)
    if write_predictions is not None:
        write_jsonl(write_predictions, run.predictions)
    if fmt == "json":
        out = dict(run.scores, system=run.system, seconds=round(run.seconds, 2), gold={"path": str(gold_dir)})
        click.echo(json.dumps(out, indent=1, sort_keys=True))
    else:
        click.echo(f"system: {run.system}; {run.seconds:.1f}s")
        click.echo(format_table(run.scores))


@click.command("train")
@click.option(
    "--corpus",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="PolNeAR-layout training folder (text/ and attributions/).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the model and its metadata.json into.",
)
@click.option(
    "--dev",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="PolNeAR-layout folder to choose settings on and report scores for.",
)
@click.option("--seed", type=int, default=1234, show_default=True, help="Fixes the training order.")
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep parsed corpora here between runs (a spaCy DocBin per corpus and pipeline).",
)
@click.option("--quick", is_flag=True, help="Train one candidate only (no settings search).")
@click.pass_context
def train_cli(
    ctx: click.Context,
    corpus: Path,
    out_dir: Path,
    dev: Path | None,
    seed: int,
    cache: Path | None,
    quick: bool,
) -> None:
    """Train the attribution model on a PolNeAR-layout corpus and write it to OUT."""
    # lazy: training loads numpy, crfsuite and the corpus readers (+130 ms measured); only `train` needs them.
    from ontherecord.training.attribution import default_grid, train_command

    settings: Settings = ctx.obj["settings"] if ctx.obj else Settings()
    command = "ontherecord " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    grid = default_grid()[:1] if quick else None
    meta = train_command(
        corpus,
        out_dir,
        dev,
        settings.nlp_package,
        command,
        seed=seed,
        cache_dir=cache,
        grid=grid,
        progress=lambda msg: click.echo(msg, err=True),
    )
    click.echo(f"model written to {out_dir} in {meta['train_seconds']:.0f}s")
    if meta["dev_scores"]:
        click.echo("dev: " + ", ".join(f"{k} {v:.3f}" for k, v in meta["dev_scores"].items()))


COMMANDS = [evaluate_cli, train_cli]
