"""CLI: the ledger's event chain — `audit verify` checks it, `audit show` lists it (skins over Ledger)."""

from __future__ import annotations

import json

import click

from ontherecord.cli.ledger import FORMAT, open_ledger
from ontherecord.cli.render import as_json, table


@click.group("audit")
def audit_cli() -> None:
    """The audit log: editors' events (flags) in one hash chain that shows tampering."""


@audit_cli.command("verify")
@click.option(
    "--anchor",
    metavar="HASH",
    help="A head hash kept elsewhere earlier (from `audit show`): the chain must still hold it.",
)
@FORMAT
@click.pass_context
def verify_cli(ctx: click.Context, anchor: str | None, fmt: str) -> None:
    """Recompute the hash chain and check the flags against it; exit 1 naming the first bad entry."""
    with open_ledger(ctx) as ledger:
        check = ledger.verify_events(anchor=anchor)
    if fmt == "json":
        click.echo(as_json(check.to_dict()))
    elif check.intact:
        click.echo(f"{check.events} events, chain intact")
        if check.events:
            click.echo(f"head: seq {check.head_seq} {check.head_hash}")
    if check.problem is not None:
        raise click.ClickException(check.problem.message)


@audit_cli.command("show")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="How many of the latest events to list.",
)
@click.option("--all", "show_all", is_flag=True, help="List every event (overrides --limit).")
@FORMAT
@click.pass_context
def show_cli(ctx: click.Context, limit: int, show_all: bool, fmt: str) -> None:
    """List the latest events, oldest first, and the head hash to keep elsewhere as an anchor."""
    with open_ledger(ctx) as ledger:
        found = ledger.events(limit=None if show_all else limit)
    if fmt == "json":
        click.echo(as_json([e.to_dict() for e in found]))
        return
    if not found:
        click.echo("No events.")
        return
    click.echo(
        table(
            ["seq", "at", "actor", "action", "subject", "detail", "hash"],
            [
                (
                    e.seq,
                    e.at[:19].replace("T", " "),
                    e.actor or "",
                    e.action,
                    f"{e.subject_kind}:{e.subject_id}" if e.subject_kind else e.subject_id or "",
                    json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
                    e.hash[:12],
                )
                for e in found
            ],
            max_width=70,
        )
    )
    head = found[-1]
    click.echo(f"\nhead: seq {head.seq} {head.hash}")
    click.echo(
        "Keep the head hash outside the ledger; `ontherecord audit verify --anchor HASH` checks it later."
    )


COMMANDS = [audit_cli]
