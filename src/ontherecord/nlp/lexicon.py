"""Stage ③: the English word lists that resolution and claims read from resources/ (loaded once per process)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _lines(filename: str) -> list[str]:
    text = resources.files("ontherecord.resources").joinpath(filename).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _sections(filename: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    current = ""
    for line in _lines(filename):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, set())
        else:
            out.setdefault(current, set()).add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class PronounFeatures:
    """Agreement features of one pronoun form."""

    person: int
    number: str  # "sing" | "plur"
    gender: str | None  # "male" | "female" | None when the form does not mark it


@lru_cache(maxsize=1)
def pronouns() -> dict[str, PronounFeatures]:
    """Lower-cased pronoun form -> its features (resources/pronouns.en.txt)."""
    table: dict[str, PronounFeatures] = {}
    for line in _lines("pronouns.en.txt"):
        form, person, number, gender = line.split("\t")
        table[form] = PronounFeatures(int(person), number, None if gender == "-" else gender)
    return table


@lru_cache(maxsize=1)
def person_nouns() -> frozenset[str]:
    """Lemmas of nouns that denote people (resources/person_nouns.en.txt)."""
    return frozenset(w.lower() for w in _lines("person_nouns.en.txt"))


@lru_cache(maxsize=1)
def organization_nouns() -> frozenset[str]:
    """Lemmas that head an institution's name or description (resources/organization_nouns.en.txt)."""
    return frozenset(w.lower() for w in _lines("organization_nouns.en.txt"))


@lru_cache(maxsize=1)
def resolution_cues() -> dict[str, frozenset[str]]:
    """Sections of resources/resolution_cues.en.txt: naming, withheld, reason, quantifiers."""
    return _sections("resolution_cues.en.txt")


@lru_cache(maxsize=1)
def qualifier_phrases() -> tuple[tuple[str, str], ...]:
    """(kind, phrase) pairs from resources/qualifiers.en.txt, longest phrase first."""
    pairs = []
    for line in _lines("qualifiers.en.txt"):
        kind, phrase = line.split("\t")
        pairs.append((kind.strip(), phrase.strip()))
    return tuple(sorted(pairs, key=lambda kp: -len(kp[1])))
