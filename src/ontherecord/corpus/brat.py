"""Corpus: brat standoff (.ann) read and written losslessly, and converted to and from attribution spans.

Newsrooms correct the model's output in annotation tools such as brat and feed it back, and PolNeAR
ships in this format, so the reader keeps every line it does not interpret (notes, relations,
attributes, stray continuation lines) and the writer puts them back in their place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ontherecord.model.spans import CharSpan, Spans

ROLES = ("source", "cue", "content")

# PolNeAR names roles Source, Cue, Content, Content2, ...: the trailing digits only number repeats.
_ROLE_DIGITS = re.compile(r"\d+$")
_TEXTBOUND = re.compile(r"^(T\d+)\t(\S+) ([0-9; ]+)\t(.*)$", re.DOTALL)
_EVENT = re.compile(r"^(E\d+)\t(\S+):(\S+)((?: \S+:\S+)*)(\s*)$")
# Any other standoff line brat knows: relations (R), attributes (A/M), equivalences (*), notes (#),
# normalisations (N).
_OTHER = re.compile(r"^([TERAMN#*]\d*)\t")


@dataclass(frozen=True, slots=True)
class TextBound:
    """A ``T`` line: a typed span, possibly discontinuous (``s e;s e``), with its covered text."""

    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    def line(self) -> str:
        frags = ";".join(f"{s} {e}" for s, e in self.fragments)
        return f"{self.id}\t{self.type} {frags}\t{self.text}"


@dataclass(frozen=True, slots=True)
class Event:
    """An ``E`` line: an event of ``type`` triggered by a text-bound, with role:id arguments."""

    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    # Blanks some files carry after the last argument; kept so a file round-trips byte for byte.
    tail: str = field(default="", compare=False)

    def line(self) -> str:
        args = "".join(f" {role}:{tid}" for role, tid in self.args)
        return f"{self.id}\t{self.type}:{self.trigger}{args}{self.tail}"


@dataclass(frozen=True, slots=True)
class OtherLine:
    """Any line this reader does not interpret (a note, relation, attribute), kept verbatim."""

    text: str

    def line(self) -> str:
        return self.text


Entry = TextBound | Event | OtherLine


@dataclass(frozen=True, slots=True)
class BratDocument:
    """The entries of one .ann file, in file order."""

    entries: tuple[Entry, ...] = ()
    final_newline: bool = True
    textbounds: dict[str, TextBound] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "textbounds", {e.id: e for e in self.entries if isinstance(e, TextBound)}
        )

    @property
    def events(self) -> list[Event]:
        return [e for e in self.entries if isinstance(e, Event)]


@dataclass(frozen=True, slots=True)
class BratAttribution:
    """One ``Attribution`` / ``Attribution-no-source`` event as role spans (fragments kept, sorted)."""

    source: Spans
    cue: Spans
    content: Spans
    brat_id: str = ""
    type: str = "Attribution"

    def role(self, name: str) -> Spans:
        spans: Spans = getattr(self, name)
        return spans


def parse_ann(text: str) -> BratDocument:
    """Parse the text of a .ann file.

    A line that is neither a known standoff line nor empty continues the previous entry's text:
    brat writes a span's text or a note with embedded newlines that way, and PolNeAR has such lines.

    Args:
        text: the whole file, as read with ``newline=""``.

    Returns:
        The document; ``format_ann`` gives the same text back, byte for byte.
    """
    final_newline = text.endswith("\n")
    lines = text.split("\n")
    if final_newline:
        lines.pop()
    entries: list[Entry] = []
    for line in lines:
        if not _OTHER.match(line) and entries and isinstance(entries[-1], TextBound | OtherLine):
            prev = entries[-1]
            if isinstance(prev, TextBound):
                entries[-1] = TextBound(prev.id, prev.type, prev.fragments, prev.text + "\n" + line)
            else:
                entries[-1] = OtherLine(prev.text + "\n" + line)
            continue
        entries.append(_parse_line(line))
    return BratDocument(tuple(entries), final_newline)


def _parse_line(line: str) -> Entry:
    m = _TEXTBOUND.match(line)
    if m:
        frags = []
        for part in m.group(3).split(";"):
            bits = part.split()
            if len(bits) != 2:
                return OtherLine(line)
            frags.append((int(bits[0]), int(bits[1])))
        tb = TextBound(m.group(1), m.group(2), tuple(frags), m.group(4))
        # Keep anything whose canonical form would differ (odd spacing) verbatim.
        return tb if tb.line() == line else OtherLine(line)
    m = _EVENT.match(line)
    if m:
        args = tuple(tuple(a.split(":", 1)) for a in m.group(4).split())
        return Event(m.group(1), m.group(2), m.group(3), args, m.group(5))
    return OtherLine(line)


def format_ann(doc: BratDocument) -> str:
    """The text of a .ann file for ``doc``."""
    body = "\n".join(e.line() for e in doc.entries)
    return body + "\n" if doc.final_newline and doc.entries else body


def read_ann(path: str | Path) -> BratDocument:
    """Read a .ann file (UTF-8, newlines untranslated)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return parse_ann(fh.read())


def write_ann(path: str | Path, doc: BratDocument) -> None:
    """Write ``doc`` to ``path`` (UTF-8, ``\\n`` newlines)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(format_ann(doc))


def attributions_from_brat(doc: BratDocument) -> list[BratAttribution]:
    """The attributions of a PolNeAR-style document, read as the PolNeAR scorer reads them.

    Only events of type ``Attribution*`` count; role names are matched on their prefix
    (``Content2`` is content); other roles (the ``Attribution`` trigger) are ignored; an event
    with no source, cue and content is dropped. Sorted by first offset, then brat id.
    """
    out: list[BratAttribution] = []
    for ev in doc.events:
        if not ev.type.startswith("Attribution"):
            continue
        roles: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for role, tid in ev.args:
            name = _ROLE_DIGITS.sub("", role).lower()
            tb = doc.textbounds.get(tid)
            if name in roles and tb is not None:
                roles[name].extend(tb.fragments)
        if not any(roles.values()):
            continue
        spans = {r: tuple(CharSpan(s, e) for s, e in sorted(f)) for r, f in roles.items()}
        out.append(BratAttribution(spans["source"], spans["cue"], spans["content"], ev.id, ev.type))
    out.sort(key=lambda a: (min(s.start for r in ROLES for s in a.role(r)), a.brat_id))
    return out


def brat_from_attributions(
    text: str, attributions: Iterable[Sequence[Spans] | BratAttribution]
) -> BratDocument:
    """A PolNeAR-style .ann document for spans into ``text``.

    Each attribution becomes ``Source`` / ``Cue`` / ``Content`` text-bounds, an ``Attribution``
    trigger on the cue, and an ``Attribution`` (or ``Attribution-no-source``) event, the layout
    PolNeAR's annotators produced, so the file opens in brat with PolNeAR's configuration.

    Args:
        text: the article text the spans index.
        attributions: ``BratAttribution`` objects or ``(source, cue, content)`` triples of spans.
    """
    entries: list[Entry] = []
    n_t = 0
    for n_e, att in enumerate(attributions, 1):
        source, cue, content = (
            (att.source, att.cue, att.content) if isinstance(att, BratAttribution) else att
        )
        args: list[tuple[str, str]] = []
        trigger = ""
        for role, spans in (("Source", source), ("Cue", cue), ("Content", content)):
            if not spans:
                continue
            n_t += 1
            frags = tuple((s.start, s.end) for s in spans)
            entries.append(TextBound(f"T{n_t}", role, frags, " ".join(s.slice(text) for s in spans)))
            args.append((role, f"T{n_t}"))
        anchor = cue or content or source
        n_t += 1
        frags = tuple((s.start, s.end) for s in anchor)
        entries.append(
            TextBound(f"T{n_t}", "Attribution", frags, " ".join(s.slice(text) for s in anchor))
        )
        trigger = f"T{n_t}"
        etype = "Attribution" if source else "Attribution-no-source"
        entries.append(Event(f"E{n_e}", etype, trigger, tuple(args)))
    return BratDocument(tuple(entries))
