"""CLI: reading articles without a ledger (`extract`) and the bundled walk-through (`demo`)."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ontherecord.cli.exit_codes import ExitCode
from ontherecord.cli.ledger import impact_text
from ontherecord.cli.render import as_json, heading, printable, record_text, table
from ontherecord.errors import ExtractionError, InputError
from ontherecord.model.serialize import record_to_dict

if TYPE_CHECKING:
    from ontherecord.model import Record


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json", show_default=True,
    help="json: the Record (an array for several files); jsonl: one Record per line; text: for people.",
)
@click.option("--rules-only", is_flag=True, help="Extract with the rules alone, without the trained model.")
@click.pass_context
def extract(ctx: click.Context, files: tuple[Path, ...], fmt: str, rules_only: bool) -> None:
    """Read article FILES (.txt, .html) and print their Records: sources, attributions, reliance.

    Records come out in the order of FILES. A file that cannot be read is named on stderr, one
    line each, and the others are still printed; the exit status is then 1.
    """
    # lazy: imported per command: the reading door imports every stage (about 45 ms measured),
    # which `ontherecord --help` and the ledger commands need not pay.
    from ontherecord.pipeline import file_page, process_page

    settings = ctx.obj["settings"]
    if rules_only:
        settings = settings.with_(use_model=False)
    records: list[dict[str, object]] = []
    failed = printed = 0
    for path in files:
        try:
            record = process_page(file_page(path, settings), settings=settings)
        except (InputError, ExtractionError) as exc:  # this file only; a model that fails stops all
            click.echo(f"Error: {printable(exc, keep_newlines=False)}", err=True)
            failed += 1
            continue
        # Streamed where the format allows, so a long list of files shows progress as it goes.
        if fmt == "text":
            click.echo(("\n\n" if printed else "") + record_text(record))
        elif fmt == "jsonl":
            click.echo(as_json(record_to_dict(record), indent=None))
        else:
            records.append(record_to_dict(record))
        printed += 1
    if fmt == "json" and records:
        click.echo(as_json(records[0] if len(files) == 1 else records))
    elif fmt == "json" and len(files) > 1:
        click.echo("[]")
    if failed:
        ctx.exit(ExitCode.BAD_INPUT)


def _claim_new_file(path: Path) -> None:
    """Create ``path`` as a new empty file, atomically; refuse anything already there (a link too)."""
    if os.path.lexists(path):
        raise click.ClickException(
            f"{path}: already exists; the demo writes only a new ledger, never into an existing file "
            "(choose a path that does not exist)"
        )
    if not path.parent.is_dir():
        raise click.ClickException(f"{path}: directory {path.parent} does not exist")
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError as exc:  # created by someone else in the meantime
        raise click.ClickException(f"{path}: already exists; the demo writes only a new ledger") from exc


@click.command()
@click.option(
    "--keep", type=click.Path(path_type=Path),
    help="Keep the demo ledger at this new path (default: a temporary file, removed afterwards). "
    "An existing file is refused: the demo never writes into a real ledger.",
)
@click.pass_context
def demo(ctx: click.Context, keep: Path | None) -> None:
    """Read the bundled news page into a fresh SQLite ledger and show what rests on the source its
    editor's note discredits."""
    # lazy: the reading door, measured as in extract.
    from ontherecord.pipeline import file_page, process_page

    settings = ctx.obj["settings"]
    if keep is not None and os.path.lexists(keep):  # refused before the page is read, not after
        _claim_new_file(keep)
    example = resources.files("ontherecord.examples").joinpath("belarus-battalion.txt")
    with resources.as_file(example) as path, tempfile.TemporaryDirectory() as tmp:
        db = keep if keep is not None else Path(tmp) / "demo.db"
        record = process_page(file_page(path, settings), settings=settings)
        if keep is not None:
            # Claimed atomically (O_EXCL): the demo's article and its "discredited" flag go only
            # into a ledger this run created, never into one that appeared under the name meanwhile.
            _claim_new_file(keep)
        try:
            _show_demo(db, record, str(path))
        except BaseException:
            if keep is not None:  # ours, and half-made: leave nothing behind
                for suffix in ("", "-wal", "-shm", "-journal"):
                    keep.with_name(keep.name + suffix).unlink(missing_ok=True)
            raise
        if keep is not None:
            shown = printable(keep, keep_newlines=False)
            click.echo(f"\nLedger kept at {shown}: try `ontherecord --db {shown} sources`.")


def _show_demo(db: Path, record: Record, origin: str) -> None:
    """Store the demo's Record in the new ledger ``db``; flag the source its note names; show the impact."""
    # lazy: the archive (SQLAlchemy), measured as in open_ledger.
    from ontherecord.archive import Ledger

    with Ledger(str(db)) as ledger:
        ledger.write_record(record, origin=origin)
        click.echo(heading(f"Read: {record.article.title}"))
        click.echo(f"{len(record.attributions)} attributions, {len(record.sources)} sources, "
                   f"{len(record.sentences)} sentences; ledger {printable(db)}\n")
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


COMMANDS = [extract, demo]
