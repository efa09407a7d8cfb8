"""Text output for people: aligned tables, colour only where the terminal has it (click strips it).

Everything shown comes from articles, file names and editors, so none of it may drive the terminal:
``printable`` removes escape sequences, C0/C1 control characters and bidi overrides from every value
before our own styling is added, and ``as_json`` writes the few such characters JSON allows raw as
``\\u`` escapes (the data is unchanged; only its spelling is).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import click

from ontherecord.model.spans import spans_text

# ESC sequences whole (CSI with its parameters, OSC up to its terminator, two-character escapes),
# so no "[31m" debris is left behind; then any single control character that is left.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI in its 8-bit C1 spelling
)
# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates
# (the "Trojan Source" characters), which reorder what is shown around them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What as_json escapes: characters JSON may carry raw but a terminal or a script would act on, and
# lone surrogates (from undecodable input), which no UTF-8 stream can write.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# What Python's surrogateescape makes of an undecodable byte in a file name or argument.
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")


def printable(value: Any, *, keep_newlines: bool = True) -> str:
    """``value`` as text safe to print: no escape sequences, control characters or bidi overrides.

    Args:
        value: Anything; None becomes the empty string.
        keep_newlines: Keep newlines and tabs (article text, notes); False turns them into spaces.

    Returns:
        The text with carriage returns read as line ends, undecodable bytes (surrogateescape) as
        ``\\xNN`` and other lone surrogates as U+FFFD.
    """
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    # An undecodable byte of a file name is shown as \xNN (as Python writes it); any other lone
    # surrogate, which no UTF-8 terminal can print, as U+FFFD.
    text = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", _CONTROLS.sub("", text))
    return _SURROGATES.sub("\ufffd", text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis."""

    def cell(value: Any) -> str:
        text = " ".join(printable(value, keep_newlines=False).split())
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
    """A section heading for people (the text made printable, then styled)."""
    return click.style(printable(text, keep_newlines=False), bold=True, fg="cyan")


def as_json(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as JSON for a terminal or a pipe: UTF-8 text, with terminal-active characters escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    # Outside strings json.dumps writes only ASCII, so every match is inside a string literal,
    # where \\uXXXX is the same character to any JSON reader.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def record_text(record: Any) -> str:
    """A Record for people: title, notes, sources, then each attribution with its words."""
    def line(value: Any) -> str:
        return printable(value, keep_newlines=False)

    a = record.article
    text = a.text
    names = {s.id: s.name for s in record.sources}
    out = [heading(a.title or a.id)]
    meta = [line(x) for x in (a.id, a.published, a.url) if x]
    out.append(click.style(" · ".join(meta), dim=True))
    for note in record.notes:
        named = ", ".join(line(names.get(i, i)) for i in note.source_ids)
        out.append("")
        out.append(click.style(f"{note.kind.replace('_', ' ').capitalize()}", fg="yellow", bold=True)
                   + (f" (names {named})" if named else "") + ":")
        out.append(f"  {printable(note.text)}")
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
        who = line(names.get(t.source_id or "", spans_text(t.source, text) or "(no source)"))
        cue = line(spans_text(t.cue, text))
        content = line(spans_text(t.content, text))
        if len(content) > 160:
            content = content[:159] + "…"
        out.append(f"{click.style(who, bold=True)} [{t.kind}] {click.style(cue, fg='green')}: {content}")
        for q in t.qualifiers:
            out.append(click.style(f"    ⚠ {line(q.kind)}: {line(q.text)}", fg="red"))
    return "\n".join(out)
