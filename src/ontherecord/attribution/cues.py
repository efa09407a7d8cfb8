"""Stage ④: the cue lexicons (speech and belief verbs, noun cues, phrases) from resources/.

The words live in ``ontherecord/resources/cues_*.en.txt`` so that a newsroom can tune them
without touching code. Each file opens with ``#`` provenance lines; a data line is a word or
phrase, optionally followed by a tab and a tag (for nouns: the attribution kind it signals).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

_PACKAGE = "ontherecord.resources"


def read_lexicon(name: str) -> dict[str, str]:
    """Read one lexicon file into ``{entry: tag}`` (tag is ``""`` when the line has none).

    Args:
        name: The file name inside ``ontherecord/resources``, e.g. ``"cues_speech.en.txt"``.

    Returns:
        Entries lower-cased, in file order; blank lines and ``#`` comments skipped.
    """
    text = resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    entries: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, tag = line.partition("\t")
        entries[" ".join(word.lower().split())] = tag.strip()
    return entries


_CUE_POS = frozenset({"VERB", "AUX", "ADJ"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every cue word the rules know, by role.

    Attributes:
        speech: Lemmas of verbs of saying ("say", "tell", "warn", "accuse").
        belief: Lemmas of verbs and adjectives of an inner state ("believe", "hope", "convinced").
        nouns: Noun lemmas that carry a claim or a belief, mapped to the kind they signal
            ("hope" -> internal_state, "claim" -> indirect).
        phrases: Multi-word cues whose last word takes the source as its object
            ("according to", "in the words of"), as tuples of lower-case words.
    """

    speech: dict[str, frozenset[str]]
    belief: frozenset[str]
    nouns: dict[str, str]
    phrases: tuple[tuple[str, ...], ...]
    connectives: tuple[tuple[str, ...], ...] = ()
    media: frozenset[str] = frozenset()

    def verb_kind(self, token: Token) -> str | None:
        """``"speech"``, ``"belief"`` or None for a verb or adjective token."""
        pos = token.pos_
        # Asked of every token: most are neither verbs nor adjectives, so test the tag first.
        if pos not in _CUE_POS:
            return None
        for form in (token.lemma_.lower(), token.lower_):
            if form in self.speech and pos != "ADJ":
                return "speech"
            if form in self.belief:
                return "belief"
        return None

    def phrasal_prep(self, verb: Token) -> Token | None:
        """The preposition right after ``verb`` when the two make a listed cue ("called for")."""
        doc = verb.doc
        if verb.i + 1 >= len(doc):
            return None
        prep = doc[verb.i + 1]
        if (
            prep.dep_ == "prep"
            and prep.head.i == verb.i
            and f"{verb.lemma_.lower()} {prep.lower_}" in self.speech
        ):
            return prep
        return None

    def tags(self, token: Token) -> frozenset[str]:
        """The speech-verb tags ("clause", "recipient") of ``token``'s lemma."""
        return self.speech.get(token.lemma_.lower(), frozenset())


# Adverbs that sit between subject and verb but belong to the sentence, not the cue (PolNeAR
# train: "when said" is never one cue, "also said" is one cue 353 times out of 377).
_SENTENCE_ADVERBS = frozenset(
    "when where why how however then even still so later instead meanwhile though recently "
    "earlier first back once yet thus therefore".split()
)


def cue_tokens(verb: Token, media: frozenset[str] = frozenset()) -> list[Token]:
    """The cue words around a cue verb, as PolNeAR draws cues: its auxiliaries, negation and
    adverbs just before it ("has also said", "did not say"), its particle ("pointed out") and a
    medium named right after it ("said in a statement", for the nouns in ``media``)."""
    doc = verb.doc
    left = verb.i
    kids = {c.i: c for c in verb.children}
    while left > 0:
        prev = doc[left - 1]
        child = kids.get(prev.i)
        if child is None or child.dep_ not in {"aux", "auxpass", "neg", "advmod"}:
            break
        if child.dep_ == "advmod" and child.lower_ in _SENTENCE_ADVERBS:
            break
        left -= 1
    right = verb.i + 1
    while right < len(doc) and doc[right].dep_ == "prt" and doc[right].head.i == verb.i:
        right += 1
    medium = doc[right : right + 3]
    if (
        media
        and len(medium) == 3
        and medium[0].lower_ == "in"
        and medium[0].head.i == verb.i
        and medium[1].lower_ in {"a", "an"}
        and medium[2].lower_ in media
    ):
        right += 3
    return [doc[i] for i in range(left, right)]


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shipped lexicons, read once per process."""
    phrases = tuple(
        sorted(
            (tuple(p.split()) for p in read_lexicon("cues_phrases.en.txt")), key=len, reverse=True
        )
    )
    speech = {
        word: frozenset(tag.split()) for word, tag in read_lexicon("cues_speech.en.txt").items()
    }
    return Lexicon(
        speech=speech,
        belief=frozenset(read_lexicon("cues_belief.en.txt")),
        nouns=read_lexicon("cues_noun.en.txt"),
        phrases=phrases,
        media=frozenset(read_lexicon("cues_medium.en.txt")),
        connectives=tuple(
            sorted(
                (tuple(p.split()) for p in read_lexicon("cues_connectives.en.txt")),
                key=len,
                reverse=True,
            )
        ),
    )
