"""Stage ①: name keys — the key that makes "Pavel Latushko" and "PAVEL LATUSHKO" one person.

On the ground floor (stdlib only, imports nothing of ours) because three floors read it: resolution
groups an article's mentions by it, identity keys sources across the archive with it, and query looks
up the name an editor typed with it. The honorifics list is a resource file of the package.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-"})
# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
    }
)


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """Titles and honorifics dropped from name keys (resources/honorifics.en.txt)."""
    text = resources.files("ontherecord.resources").joinpath("honorifics.en.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower().rstrip(".")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def fold(text: str) -> str:
    """Lower-case ASCII folding: diacritics off, typographic apostrophes and dashes unified."""
    text = text.translate(_APOSTROPHES).translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_key(name: str) -> str:
    """The canonical key of a person's or organisation's name.

    Folds case and diacritics, drops honorifics ("Sen.", "Dr.") and possessive endings,
    and collapses punctuation and spacing, so spelling variants of one name share a key.
    It is idempotent: ``name_key(name_key(x)) == name_key(x)``.
    """
    folded = fold(name)
    folded = re.sub(r"'s\b", "", folded)
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", folded.replace("-", " "))
    drop = honorifics()
    kept = [w for w in words if w.rstrip(".") not in drop]
    # A name made only of honorifics ("the President") keeps its words rather than vanishing.
    return " ".join(kept or words)
