"""CLI: the ledger's verbs — articles, show, sources, source, flag, impact, diff, failures (over Ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ontherecord.cli.render import as_json, heading, printable, record_text, table
from ontherecord.model.serialize import record_to_dict

if TYPE_CHECKING:
    from ontherecord.archive import Ledger
    from ontherecord.model import Record
    from ontherecord.query import Impact

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


@contextmanager
def open_ledger(ctx: click.Context, *, create: bool = False) -> Iterator[Ledger]:
    """The ledger named by --db / settings; an existing one unless ``create``."""
    # lazy: the archive loads SQLAlchemy (measured: ~210 ms to import, against ~60 ms for the
    # whole CLI), which `--help`, `extract` and `evaluate` never need.
    from ontherecord.archive import Ledger

    settings = ctx.obj["settings"]
    with Ledger(settings.db, create=create) as ledger:
        yield ledger


@click.command("articles")
@FORMAT
@click.pass_context
def articles_cli(ctx: click.Context, fmt: str) -> None:
    """List the articles in the ledger (latest versions)."""
    with open_ledger(ctx) as ledger:
        rows = ledger.articles()
    if fmt == "json":
        click.echo(as_json([r.to_dict() for r in rows]))
        return
    click.echo(
        table(
            ["id", "title", "published", "versions", "attributions", "sources"],
            [(r.id, r.title, r.published, r.versions, r.attributions, r.sources) for r in rows],
        )
    )


def _show_text(record: Record, version: int, versions: list[int]) -> str:
    # The same rendering as `extract`, plus where this version stands and the body it indexes.
    return "\n".join(
        [
            record_text(record),
            "",
            heading(f"Text (version {version} of {len(versions)})"),
            printable(record.article.text),
        ]
    )


@click.command("show")
@click.argument("article")
@click.option("--version", "version", type=int, help="Show this version (default: the latest).")
@FORMAT
@click.pass_context
def show_cli(ctx: click.Context, article: str, version: int | None, fmt: str) -> None:
    """Show one article: notes, text, sources and attributions."""
    with open_ledger(ctx) as ledger:
        record = ledger.get_record(article, version)
        versions = ledger.versions(article)
    shown = version if version is not None else versions[-1]
    if fmt == "json":
        click.echo(as_json(record_to_dict(record)))
    else:
        click.echo(_show_text(record, shown, versions))


@click.command("sources")
@FORMAT
@click.pass_context
def sources_cli(ctx: click.Context, fmt: str) -> None:
    """List the sources across the archive, most-cited first, with their flag status."""
    with open_ledger(ctx) as ledger:
        rows = ledger.sources()
    if fmt == "json":
        click.echo(as_json([r.to_dict() for r in rows]))
        return
    click.echo(
        table(
            ["name", "identification", "kind", "articles", "attributions", "status"],
            [(r.name, r.identification, r.kind, r.articles, r.attributions, r.status or "") for r in rows],
        )
    )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _flag_line(flag: Any, width: int = 0) -> str:
    """The flag as one line; ``width`` cuts a long reason (the draft correction prints it whole)."""
    by = f" by {printable(flag.author, keep_newlines=False)}" if flag.author else ""
    reason = printable(flag.reason, keep_newlines=False)
    if width and len(reason) > width:
        reason = reason[: width - 1].rstrip() + "…"
    return f"{flag.status} on {flag.created_at[:10]}{by}: {reason}"


@click.command("failures")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="How many of the latest to list.",
)
@click.option("--all", "show_all", is_flag=True, help="List every failure (overrides --limit).")
@FORMAT
@click.pass_context
def failures_cli(ctx: click.Context, limit: int, show_all: bool, fmt: str) -> None:
    """List the articles that could not be read or stored (the failures table), oldest first."""
    with open_ledger(ctx) as ledger:
        rows = ledger.failures(limit=None if show_all else limit)
        total = ledger.counts()["failures"]
    if fmt == "json":
        click.echo(as_json(rows))
        return
    if not rows:
        click.echo("No failures recorded.")
        return
    click.echo(
        table(
            ["time", "origin", "stage", "message"],
            [
                (str(r["created_at"])[:19].replace("T", " "), r["origin"], r["stage"], r["message"])
                for r in rows
            ],
            max_width=90,
        )
    )
    if total > len(rows):
        click.echo(f"\n{len(rows)} of {total} failures shown (the latest); --all lists every one.")


@click.command("source")
@click.argument("name")
@FORMAT
@click.pass_context
def source_cli(ctx: click.Context, name: str, fmt: str) -> None:
    """Everything one source said across the archive, in time order."""
    with open_ledger(ctx) as ledger:
        profile = ledger.source(name)
    if fmt == "json":
        click.echo(as_json(profile.to_dict()))
        return
    s = profile.source
    out = [
        heading(s.name),
        f"id: {printable(s.id, keep_newlines=False)}",
        f"identification: {s.identification} {s.kind}",
        f"status: {_flag_line(s.flag, width=100) if s.flag else 'not flagged'}",
        f"{_n(len(profile.attributions), 'attribution')} in {_n(len(profile.articles), 'article')}; "
        f"{_n(profile.sentences, 'sentence')} {'rests' if profile.sentences == 1 else 'rest'} on this source",
    ]
    if len(profile.flags) > 1:
        out += ["", heading("Flag history")] + [_flag_line(f) for f in profile.flags]
    out += ["", heading("Attributions")]
    out.append(
        table(
            ["published", "article", "kind", "named as", "cue", "content"],
            [
                (
                    a.published or "",
                    a.title or a.article_id,
                    a.kind,
                    a.source_text or a.local_name,
                    a.cue_text,
                    a.content_text,
                )
                for a in profile.attributions
            ],
            max_width=70,
        )
    )
    click.echo("\n".join(out))


@click.command("flag")
@click.argument("name")
@click.option(
    "--reason", required=True, help="What was wrong, in a sentence (it goes into the draft correction)."
)
@click.option(
    "--status",
    type=click.Choice(["discredited", "disputed", "cleared"]),
    default="discredited",
    show_default=True,
    help="The source's new status.",
)
@click.option("--author", help="Who flags it (kept with the event).")
@FORMAT
@click.pass_context
def flag_cli(ctx: click.Context, name: str, reason: str, status: str, author: str | None, fmt: str) -> None:
    """Flag a source as discredited, disputed or cleared (an event; history is kept)."""
    with open_ledger(ctx) as ledger:
        event = ledger.flag(name, reason=reason, status=status, author=author)
    if fmt == "json":
        click.echo(as_json(event.to_dict()))
        return
    name = printable(event.source_name, keep_newlines=False)
    click.echo(f"Flagged {name} as {event.status} (event {event.id}).")
    if status != "cleared":
        click.echo(f'Next: ontherecord impact "{name}"')


@click.command("impact")
@click.argument("name")
@FORMAT
@click.pass_context
def impact_cli(ctx: click.Context, name: str, fmt: str) -> None:
    """Every sentence resting on a source, per article, and a draft correction."""
    with open_ledger(ctx) as ledger:
        result = ledger.impact(name)
    click.echo(as_json(result.to_dict()) if fmt == "json" else impact_text(result))


def impact_text(result: Impact) -> str:
    """An impact report for people: per article, each sentence and how it rests on the source."""
    s = result.source
    out = [
        heading(f"Impact: {s.name}"),
        f"status: {_flag_line(s.flag, width=100) if s.flag else 'not flagged'}",
        f"{_n(result.sentence_count, 'sentence')} in {_n(len(result.articles), 'article')} "
        f"{'rests' if result.sentence_count == 1 else 'rest'} on this source",
    ]
    for article in result.articles:
        out += ["", heading(f"{article.title or article.id} [{article.id}, version {article.version}]")]
        out.append(
            table(
                ["how", "span", "sentence"],
                [(x.how, f"{x.span[0]}-{x.span[1]}", x.text) for x in article.sentences],
                max_width=100,
            )
        )
    out += ["", heading("Draft correction"), printable(result.draft_correction)]
    return "\n".join(out)


@click.command("diff")
@click.argument("article")
@click.option("--from", "old", type=int, help="Older version (default: the one before --to).")
@click.option("--to", "new", type=int, help="Newer version (default: the latest).")
@FORMAT
@click.pass_context
def diff_cli(ctx: click.Context, article: str, old: int | None, new: int | None, fmt: str) -> None:
    """What changed between two versions of an article."""
    with open_ledger(ctx) as ledger:
        d = ledger.diff(article, old, new)
    if fmt == "json":
        click.echo(as_json(d.to_dict()))
        return
    def line(value: Any) -> str:
        return printable(value, keep_newlines=False)

    out = [heading(f"{article}: version {d.old} → {d.new}")]
    if d.unchanged:
        out.append("No differences.")
    if d.title[0] != d.title[1]:
        out.append(f"title: {line(repr(d.title[0]))} → {line(repr(d.title[1]))}")
    for label, names in (
        ("note added", d.notes_added),
        ("note removed", d.notes_removed),
        ("source added", d.sources_added),
        ("source removed", d.sources_removed),
    ):
        out += [f"{label}: {line(n)}" for n in names]
    for sign, sigs in (("+", d.attributions_added), ("-", d.attributions_removed)):
        out += [f"{sign} {line(a.source)} ({a.kind}, {line(repr(a.cue))}): {line(a.content)}" for a in sigs]
    if d.text_diff:
        out += ["", heading("Text")]
        colours = {"+": "green", "-": "red"}
        out += [click.style(line(text), fg=colours.get(text[:1])) for text in d.text_diff]
    click.echo("\n".join(out))


COMMANDS = [articles_cli, show_cli, sources_cli, source_cli, flag_cli, impact_cli, diff_cli, failures_cli]
