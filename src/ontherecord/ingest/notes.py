"""Stage ② clean: spotting editors' notes, corrections and updates among a page's paragraphs.

A note opens with a label ("Correction:", "Editor's note:", "UPDATE 5/12 —") or a formula ("An
earlier version of this article ...", "This story has been updated ..."); the openers are in
``resources/ingest_notes.txt``. An editor's note or update that says what was wrong
("incorrectly", "an earlier version") is filed as a correction, since that is what a
corrections desk needs to find.
"""

from __future__ import annotations

import re

from ontherecord.ingest.lexicon import load_labelled_patterns
from ontherecord.model import NoteKind

_NOTES_FILE = "ingest_notes.txt"
# Brackets, bullets, emphasis and rules that wrap a note: "[Correction: ...]", "**Editor's note:**".
_LEAD = re.compile(r"^[\s\[(*_#>•\-–—]+")
_WORD = re.compile(r"[^\W\d_]{2,}")
# A labelled note ("Update: ...") carries a sentence; fewer words after the label is a timestamp
# or a heading ("Updated: Sept. 4, 2022 5:00 PM").
_MIN_LABELLED_WORDS = 3
_MAX_LABEL_WORDS = 3


def _openers() -> list[tuple[NoteKind, re.Pattern[str]]]:
    return [(NoteKind(label), p) for label, p in load_labelled_patterns(_NOTES_FILE) if label != "corrective"]


def _corrective() -> list[re.Pattern[str]]:
    return [p for label, p in load_labelled_patterns(_NOTES_FILE) if label == "corrective"]


def _match(paragraph: str) -> tuple[NoteKind, str, str] | None:
    """(kind, opener, rest) for a paragraph that opens like a note."""
    text = _LEAD.sub("", paragraph)
    for kind, pattern in _openers():
        found = pattern.match(text)
        if found:
            return kind, found.group(0), text[found.end():]
    return None


def _is_label(opener: str) -> bool:
    # "Correction:", "Editor's note —", "UPDATE 5/12:" are labels; "An earlier version of this
    # article" is a formula that starts the note's own sentence.
    return len(_WORD.findall(opener)) <= _MAX_LABEL_WORDS


def is_bare_label(paragraph: str) -> bool:
    """Whether a paragraph is a note label standing alone ("CORRECTION:"), its text in what follows."""
    found = _match(paragraph)
    return found is not None and _is_label(found[1]) and not _WORD.search(found[2])


def note_kind(paragraph: str) -> NoteKind | None:
    """The kind of note a paragraph opens, or None for article text.

    Args:
        paragraph: One paragraph (or line) of page text.

    Returns:
        ``NoteKind.CORRECTION``, ``EDITORS_NOTE`` or ``UPDATE``; None when the paragraph is not a note.
        A bare label ("Correction:") counts as a note; its text is in the paragraphs after it.
    """
    found = _match(paragraph)
    if found is None:
        return None
    kind, opener, rest = found
    # A formula opener ("An earlier version of ...") is a note whatever follows; a label
    # ("Update:") needs a sentence after it, or nothing at all (a bare label).
    words = len(_WORD.findall(rest))
    if _is_label(opener) and 0 < words < _MIN_LABELLED_WORDS:
        return None
    return kind


def refine_kind(kind: NoteKind, text: str) -> NoteKind:
    """An editor's note or update that admits an error is a correction.

    Args:
        kind: The kind given by the note's opener.
        text: The note's whole text.

    Returns:
        ``NoteKind.CORRECTION`` when the text uses corrective wording, else ``kind``.
    """
    if kind is not NoteKind.CORRECTION and any(p.search(text) for p in _corrective()):
        return NoteKind.CORRECTION
    return kind
