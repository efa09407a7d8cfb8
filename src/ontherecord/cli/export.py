"""CLI: `export` — the ledger's latest versions as JSONL, CSV, Parquet or a standalone SQLite file."""

from __future__ import annotations

import click

from ontherecord.cli.ledger import open_ledger

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
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="File to write."
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.pass_context
def export_cli(ctx: click.Context, fmt: str, out: str, force: bool) -> None:
    """Export the ledger: jsonl (one Record per line), csv/parquet (one row per attribution,
    with the text of every span), sqlite (plain tables and views for Datasette)."""
    # lazy: the exporters load SQLAlchemy (+210 ms measured), which `--help` need not pay.
    from ontherecord.query.export import export

    with open_ledger(ctx) as ledger:
        n = export(ledger, fmt, out, overwrite=force)
    click.echo(f"Wrote {n} {_UNITS[fmt]} to {out}", err=True)


COMMANDS = [export_cli]
