"""Stage ② clean: the pattern lists that cleaning reads from ``resources/ingest_*.txt``.

The patterns live in data files so a newsroom can tune chrome and note detection for its own
sites without touching code; each file opens with a provenance comment.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_PACKAGE = "ontherecord.resources"


def _lines(name: str) -> list[str]:
    text = resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def load_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """One compiled, case-insensitive regex per non-comment line of a resource file.

    Args:
        name: The file name inside ``ontherecord/resources``, e.g. ``"ingest_chrome_lines.txt"``.

    Returns:
        The patterns in file order.
    """
    return tuple(re.compile(line, re.IGNORECASE) for line in _lines(name))


@cache
def load_labelled_patterns(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``LABEL REGEX`` lines of a resource file as (label, compiled case-insensitive regex) pairs.

    Args:
        name: The file name inside ``ontherecord/resources``, e.g. ``"ingest_notes.txt"``.

    Returns:
        The pairs in file order.
    """
    pairs = []
    for line in _lines(name):
        label, _, pattern = line.partition(" ")
        pairs.append((label, re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(pairs)
