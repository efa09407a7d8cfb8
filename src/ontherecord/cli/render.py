"""Text output for people: aligned tables, colour only where the terminal has it (click strips it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from ontherecord.model.spans import spans_text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    head = "  ".join(click.style(h.ljust(w), bold=True) for h, w in zip(headers, widths, strict=True))
    lines = [head.rstrip(), "  ".join("─" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def heading(text: str) -> str:
    return click.style(text, bold=True, fg="cyan")


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def record_text(record: Any) -> str:
    """A Record for people: title, notes, sources, then each attribution with its words."""
    a = record.article
    text = a.text
    names = {s.id: s.name for s in record.sources}
    out = [heading(a.title or a.id)]
    meta = [x for x in (a.id, a.published, a.url) if x]
    out.append(click.style(" · ".join(meta), dim=True))
    for note in record.notes:
        named = ", ".join(names.get(i, i) for i in note.source_ids)
        out.append("")
        out.append(click.style(f"{note.kind.replace('_', ' ').capitalize()}", fg="yellow", bold=True)
                   + (f" (names {named})" if named else "") + ":")
        out.append(f"  {note.text}")
    counts: dict[str, int] = {}
    for t in record.attributions:
        if t.source_id:
            counts[t.source_id] = counts.get(t.source_id, 0) + 1
    out += ["", heading("Sources")]
    rows = []
    for s in record.sources:
        d = s.descriptors
        desc = ", ".join(
            x for x in (f"age {d.age}" if d.age is not None else "", d.gender or "", d.role or "") if x
        )
        rows.append([s.name, s.identification, s.kind, counts.get(s.id, 0),
                     "yes" if s.protected else "", desc])
    out.append(table(["name", "identification", "kind", "attributions", "protected", "descriptors"], rows))
    out += ["", heading("Attributions")]
    for t in record.attributions:
        who = names.get(t.source_id or "", spans_text(t.source, text) or "(no source)")
        cue = spans_text(t.cue, text)
        content = spans_text(t.content, text)
        if len(content) > 160:
            content = content[:159] + "…"
        out.append(f"{click.style(who, bold=True)} [{t.kind}] {click.style(cue, fg='green')}: {content}")
        for q in t.qualifiers:
            out.append(click.style(f"    ⚠ {q.kind}: {q.text}", fg="red"))
    return "\n".join(out)
