"""CLI: reading articles without a ledger (`extract`) and the bundled walk-through (`demo`)."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path

import click

from ontherecord.cli.ledger import impact_text
from ontherecord.cli.render import as_json, heading, record_text, table
from ontherecord.model.serialize import record_to_dict


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json", show_default=True,
    help="json: the Record (an array for several files); jsonl: one Record per line; text: for people.",
)
@click.option("--rules-only", is_flag=True, help="Extract with the rules alone, without the trained model.")
@click.pass_context
def extract(ctx: click.Context, files: tuple[Path, ...], fmt: str, rules_only: bool) -> None:
    """Read article FILES (.txt, .html) and print their Records: sources, attributions, reliance."""
    # lazy: imported per command: the reading door imports every stage (about 45 ms measured),
    # which `ontherecord --help` and the ledger commands need not pay.
    from ontherecord.pipeline import file_page, process_page

    settings = ctx.obj["settings"]
    if rules_only:
        settings = settings.with_(use_model=False)
    # Read every file before parsing any, so a bad path fails fast and names itself.
    pages = [file_page(path, settings) for path in files]
    records = [process_page(page, settings=settings) for page in pages]
    if fmt == "text":
        click.echo("\n\n".join(record_text(r) for r in records))
    elif fmt == "jsonl":
        for record in records:
            click.echo(json.dumps(record_to_dict(record), ensure_ascii=False))
    elif len(records) == 1:
        click.echo(as_json(record_to_dict(records[0])))
    else:
        click.echo(as_json([record_to_dict(r) for r in records]))


@click.command()
@click.option(
    "--keep", type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo ledger at this path (default: a temporary file, removed afterwards).",
)
@click.pass_context
def demo(ctx: click.Context, keep: Path | None) -> None:
    """Read the bundled news page into a fresh SQLite ledger and show what rests on the source its
    editor's note discredits."""
    # lazy: the archive (SQLAlchemy) and the reading door, measured as in open_ledger and extract.
    from ontherecord.archive import Ledger
    from ontherecord.pipeline import file_page, process_page

    settings = ctx.obj["settings"]
    example = resources.files("ontherecord.examples").joinpath("belarus-battalion.txt")
    with resources.as_file(example) as path, tempfile.TemporaryDirectory() as tmp:
        db = keep if keep is not None else Path(tmp) / "demo.db"
        record = process_page(file_page(path, settings), settings=settings)
        with Ledger(str(db)) as ledger:
            ledger.write_record(record, origin=str(path))
            click.echo(heading(f"Read: {record.article.title}"))
            click.echo(f"{len(record.attributions)} attributions, {len(record.sources)} sources, "
                       f"{len(record.sentences)} sentences; ledger {db}\n")
            counts: dict[str, int] = {}
            for t in record.attributions:
                if t.source_id:
                    counts[t.source_id] = counts.get(t.source_id, 0) + 1
            rows = [[s.name, s.identification, counts.get(s.id, 0)] for s in record.sources]
            click.echo(table(["source", "identification", "attributions"], rows))
            notes = [n for n in record.notes if n.source_ids]
            if not notes:
                click.echo("\nThe page has no editor's note naming a source; nothing to flag.")
                return
            note = notes[0]
            named = record.source(note.source_ids[0])
            assert named is not None
            kind = note.kind.replace("_", " ")
            flagged = f"The {kind} names {named.name}: flagged as discredited, the note as the reason."
            click.echo("\n" + heading(flagged))
            click.echo("")
            ledger.flag(named.name, reason=note.text, status="discredited", author="ontherecord demo")
            click.echo(impact_text(ledger.impact(named.name)))
        if keep is not None:
            click.echo(f"\nLedger kept at {keep}: try `ontherecord --db {keep} sources`.")


COMMANDS = [extract, demo]
