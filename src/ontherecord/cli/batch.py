"""CLI: whole archives — `ingest` (N processes on one machine) and `spark` (a Spark job, then the ledger)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ontherecord.cli.exit_codes import ExitCode
from ontherecord.cli.render import as_json, printable


def _failures_hint(ctx: click.Context) -> str:
    # Name the listing command only if this build registers one.
    group = ctx.find_root().command
    commands = getattr(group, "commands", {})
    if "failures" in commands:
        return "list them all with `ontherecord failures`"
    return "they are kept in the ledger's failures table"


def _summary_text(summary: dict[str, Any], hint: str) -> str:
    rows = [
        ["new", summary["new"]],
        ["new versions", summary["new_versions"]],
        ["unchanged", summary["unchanged"] + summary["skipped"]],
        ["failed", summary["failed"]],
    ]
    text = (
        f"Read {summary['read']} articles in {summary['seconds']:.1f} s "
        f"({summary['words']:,} words parsed, {summary['words_per_s']:,.0f} words/s)\n"
    )
    text += "\n".join(f"  {label:<13} {count:>8,}" for label, count in rows)
    if summary["failed"]:
        shown = summary["failures"]
        text += f"\n\n{summary['failed']} article(s) failed; {hint}."
        text += "".join(
            "\n  " + printable(f"{f['origin']}: {f['stage']}: {f['message']}", keep_newlines=False)
            for f in shown
        )
        if summary["failed"] > len(shown):
            text += f"\n  … and {summary['failed'] - len(shown)} more"
        if summary.get("unrecorded"):
            text += (
                f"\n{summary['unrecorded']} of them could not be recorded (the ledger stayed locked); "
                "running the same command again records them"
            )
    return text


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes that parse (default: setting `jobs`)."
)
@click.option("--no-progress", is_flag=True, help="Do not draw the progress line on stderr.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="How to print the summary at the end.",
)
@click.pass_context
def ingest_cli(
    ctx: click.Context, paths: tuple[Path, ...], jobs: int | None, no_progress: bool, fmt: str
) -> None:
    """Read every article under PATHS (files, directories, JSONL, WARC) into the ledger.

    Re-running changes nothing; after a crash or Ctrl-C, running the same command again finishes
    the job (stored articles are skipped). Articles that cannot be read are recorded in the
    failures table and the run goes on; the exit status is then 1.
    """
    # lazy: the batch runner loads the reading door and the archive (+75 ms measured), which
    # `--help` and the other commands need not pay.
    from ontherecord.batch.local import IngestInterrupted, ingest_paths

    settings = ctx.obj["settings"]
    # A symlink that leads nowhere (or to itself) is an item that fails to read, not a mistyped path.
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise click.ClickException(f"{missing[0]}: no such file or directory")
    try:
        result = ingest_paths(paths, settings, jobs=jobs or settings.jobs, progress=not no_progress)
    except IngestInterrupted as stop:
        result = stop.summary
    summary = result.to_dict()
    if fmt == "json":
        click.echo(as_json(summary))
    else:
        click.echo(_summary_text(summary, _failures_hint(ctx)))
    if result.interrupted:
        click.echo(
            f"Interrupted: {result.stored:,} article(s) stored before stopping, {result.skipped:,} "
            f"already in the ledger, {result.failed:,} failed. Run the same command again to resume: "
            "stored articles are skipped.",
            err=True,
        )
        ctx.exit(ExitCode.INTERRUPTED)
    if result.failed:
        # The others were stored; the failures are named above and kept in the ledger.
        ctx.exit(ExitCode.BAD_INPUT)


@click.command("spark")
@click.option(
    "--input", "input_path", help="JSONL/WARC file or directory, or Parquet (id,url,title,published,text|html)."
)
@click.option("--output", required=True, help="Output directory: records/ and failures/ as Parquet.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "warc", "parquet"]), help="Input format (default: from suffixes)."
)
@click.option("--master", help="Spark master URL (default: local[*], i.e. Spark local mode on this machine).")
@click.option("--partitions", type=click.IntRange(min=1), help="Partitions to read with.")
@click.option(
    "--load", is_flag=True, help="Then load the Records into the ledger (--db). Without --input: load only."
)
@click.option("--no-progress", is_flag=True, help="Do not draw the progress line while loading.")
@click.pass_context
def spark_cli(
    ctx: click.Context,
    input_path: str | None,
    output: str,
    fmt: str | None,
    master: str | None,
    partitions: int | None,
    load: bool,
    no_progress: bool,
) -> None:
    """Read an archive with Spark and write Records as Parquet; --load puts them in the ledger.

    On a cluster, submit the shipped module instead (see docs/scale.md), then run
    `ontherecord spark --output DIR --load` where the output is readable.
    """
    settings = ctx.obj["settings"]
    if input_path is None and not load:
        raise click.UsageError("give --input to run the job, or --load to load an earlier job's --output")
    if input_path is not None:
        try:
            # lazy: pyspark is an optional extra; without it only this command fails, with the hint below.
            from ontherecord.batch.spark import run_job
        except ImportError as exc:
            raise click.ClickException(
                f"the Spark job needs pyspark: pip install 'ontherecord[spark]' ({exc})"
            ) from exc
        counts = run_job(input_path, output, fmt, settings=settings, master=master, partitions=partitions)
        click.echo(f"Spark: {counts['records']} records, {counts['failures']} failures -> {output}", err=True)
    if load:
        # lazy: the archive (SQLAlchemy, +165 ms measured) and the Parquet loader (+60 ms), for --load only.
        from ontherecord.archive import Ledger
        from ontherecord.batch.parquet import load_parquet

        with Ledger(settings.db) as ledger:
            summary = load_parquet(ledger, output, progress=not no_progress).to_dict()
        click.echo(_summary_text(summary, _failures_hint(ctx)))
        if summary["failed"]:
            ctx.exit(ExitCode.BAD_INPUT)


COMMANDS = [ingest_cli, spark_cli]
