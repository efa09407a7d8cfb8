"""Stage ⑤: how the article identifies a source — named, partial, anonymous or collective — and who is protected.

The rule reads three facts about a source (what kind of speaker it is, how long the longest form
of its proper name is, if it has one, whether a title stands before that name) and one about the article
(whether it says names are withheld, and whether for the people's safety). It knows nothing of
spaCy or of how those facts were found, so it is tested on hand-written inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ontherecord.model import Identification, SourceKind
from ontherecord.model.names import fold
from ontherecord.nlp.lexicon import resolution_cues
from ontherecord.nlp.sentences import body_sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Withholding:
    """What the article says about the names it leaves out.

    Attributes:
        said: The article says names are withheld ("who asked not to be named").
        for_safety: ... and gives the people's safety as the reason.
    """

    said: bool = False
    for_safety: bool = False


@dataclass(frozen=True, slots=True)
class Identity:
    """A source's kind, identification level and protection, as the Record states them."""

    kind: SourceKind
    identification: Identification
    protected: bool


def identify(kind: SourceKind, name_words: int | None, titled: bool, withholding: Withholding) -> Identity:
    """How the article identifies one source, and whether the source is protected.

    Args:
        kind: What resolution took the speaker for: a person, a group, an organisation, or an
            unnamed speaker of unknown nature ("the report").
        name_words: Words in the longest form of the source's proper name; None when the article
            never names it ("a senior official", "other recruits").
        titled: A title stands before the name ("Sen. Warren"): a one-word name is then a surname.
        withholding: What the article says about names it leaves out.

    Returns:
        The Record's kind, identification and protection for the source.
    """
    if name_words is not None and kind == SourceKind.PERSON:
        # One word is a first name ("Aleksandr, 38") unless a title shows it is a surname; when the
        # article says it withholds names, even a titled one word is incomplete.
        if name_words == 1 and (withholding.said or not titled):
            return Identity(SourceKind.PERSON, Identification.PARTIAL, withholding.for_safety)
        return Identity(SourceKind.PERSON, Identification.NAMED, False)
    if name_words is not None:
        # A proper name that is no person's: an institution ("NATO said").
        return Identity(SourceKind.ORGANIZATION, Identification.NAMED, False)
    if kind in (SourceKind.GROUP, SourceKind.ORGANIZATION):
        return Identity(kind, Identification.COLLECTIVE, False)
    # One unnamed person ("a senior official") or an unnamed speaker of unknown nature ("the
    # report"); only a person has an identity to protect.
    return Identity(kind, Identification.ANONYMOUS, kind == SourceKind.PERSON)


def find_withholding(doc: Doc) -> Withholding:
    """Whether the article says names are withheld, and whether it says so for the people's safety."""
    cues = resolution_cues()
    withheld = cues.get("withheld", frozenset())
    reasons = cues.get("reason", frozenset())
    said, for_safety = False, False
    for sent in body_sentences(doc):
        folded = " " + " ".join(re.findall(r"[a-z0-9']+", fold(sent.text))) + " "
        if any(f" {phrase} " in folded for phrase in withheld):
            said = True
            if any(f" {word} " in folded for word in reasons):
                for_safety = True
    return Withholding(said, for_safety)
