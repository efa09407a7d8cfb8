"""CLI: the ledger's verbs — articles, show, sources, source, flag, impact, diff (thin skins over Ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ontherecord.cli.render import as_json, heading, record_text, table
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
            record.article.text,
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
    by = f" by {flag.author}" if flag.author else ""
    reason = flag.reason
    if width and len(reason) > width:
        reason = reason[: width - 1].rstrip() + "…"
    return f"{flag.status} on {flag.created_at[:10]}{by}: {reason}"


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
        f"id: {s.id}",
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
    click.echo(f"Flagged {event.source_name} as {event.status} (event {event.id}).")
    if status != "cleared":
        click.echo(f'Next: ontherecord impact "{event.source_name}"')


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
    out += ["", heading("Draft correction"), result.draft_correction]
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
    out = [heading(f"{article}: version {d.old} → {d.new}")]
    if d.unchanged:
        out.append("No differences.")
    if d.title[0] != d.title[1]:
        out.append(f"title: {d.title[0]!r} → {d.title[1]!r}")
    for label, notes in (("note added", d.notes_added), ("note removed", d.notes_removed)):
        out += [f"{label}: {n}" for n in notes]
    for label, sources in (("source added", d.sources_added), ("source removed", d.sources_removed)):
        out += [f"{label}: {n}" for n in sources]
    for sign, attributions in (("+", d.attributions_added), ("-", d.attributions_removed)):
        out += [f"{sign} {a.source} ({a.kind}, {a.cue!r}): {a.content}" for a in attributions]
    if d.text_diff:
        out += ["", heading("Text")]
        out += [
            click.style(line, fg="green" if line.startswith("+") else "red" if line.startswith("-") else None)
            for line in d.text_diff
        ]
    click.echo("\n".join(out))


COMMANDS = [articles_cli, show_cli, sources_cli, source_cli, flag_cli, impact_cli, diff_cli]
