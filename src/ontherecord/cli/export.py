"""CLI: `export` — the ledger's latest versions as JSONL, CSV, Parquet or a standalone SQLite file."""

from __future__ import annotations

import click

from ontherecord.cli.ledger import open_ledger
from ontherecord.cli.render import printable

_FORMATS = ("jsonl", "csv", "parquet", "sqlite")
_UNITS = {
    "jsonl": "records",
    "csv": "attribution rows",
    "parquet": "attribution rows",
    "sqlite": "attributions",
}


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), required=True, help="What to write.")
@click.option(
    # Checked by the export itself (one line, exit 1), not by click: see query.export.check_target.
    "--out", "out", type=click.Path(), required=True,
    help="File to write: a new or a regular file, never the ledger, a link, a device or a directory.",
)
@click.option("--force", is_flag=True, help="Replace OUT if it is an existing regular file.")
@click.pass_context
def export_cli(ctx: click.Context, fmt: str, out: str, force: bool) -> None:
    """Export the ledger: jsonl (one Record per line), csv/parquet (one row per attribution,
    with the text of every span), sqlite (plain tables and views for Datasette).

    In CSV a cell that starts with = + - @, a tab or a carriage return gets a leading ' so that
    spreadsheets show it instead of running it as a formula."""
    # lazy: the exporters load SQLAlchemy (+210 ms measured), which `--help` need not pay.
    from ontherecord.query.export import export

    with open_ledger(ctx) as ledger:
        n = export(ledger, fmt, out, overwrite=force)
    click.echo(f"Wrote {n} {_UNITS[fmt]} to {printable(out, keep_newlines=False)}", err=True)


COMMANDS = [export_cli]
