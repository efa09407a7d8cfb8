"""Text output for people: aligned tables, colour only where the terminal has it (click strips it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click


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
