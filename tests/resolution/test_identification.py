"""The identification and protection rule, on hand-written facts (no parse needed)."""

from __future__ import annotations

import pytest

from ontherecord.model import Identification, SourceKind
from ontherecord.resolution.identification import (
    Identity,
    Withholding,
    find_withholding,
    identify,
)

NOTHING_SAID = Withholding()
WITHHELD = Withholding(said=True)
FOR_SAFETY = Withholding(said=True, for_safety=True)

PERSON, GROUP, ORG, UNNAMED = SourceKind.PERSON, SourceKind.GROUP, SourceKind.ORGANIZATION, SourceKind.UNNAMED
NAMED, PARTIAL = Identification.NAMED, Identification.PARTIAL
ANONYMOUS, COLLECTIVE = Identification.ANONYMOUS, Identification.COLLECTIVE


@pytest.mark.parametrize(
    ("case", "kind", "name_words", "titled", "withholding", "expected"),
    [
        ("full name", PERSON, 2, False, NOTHING_SAID, Identity(PERSON, NAMED, False)),
        ("full name, names withheld for others", PERSON, 2, False, FOR_SAFETY, Identity(PERSON, NAMED, False)),
        ("three-word name", PERSON, 3, True, WITHHELD, Identity(PERSON, NAMED, False)),
        ("first name only: 'Aleksandr, 38'", PERSON, 1, False, NOTHING_SAID, Identity(PERSON, PARTIAL, False)),
        ("titled surname: 'Sen. Warren'", PERSON, 1, True, NOTHING_SAID, Identity(PERSON, NAMED, False)),
        ("titled one word, names withheld", PERSON, 1, True, WITHHELD, Identity(PERSON, PARTIAL, False)),
        ("first name, withheld for safety", PERSON, 1, False, FOR_SAFETY, Identity(PERSON, PARTIAL, True)),
        ("titled one word, withheld for safety", PERSON, 1, True, FOR_SAFETY, Identity(PERSON, PARTIAL, True)),
        ("named institution: 'NATO said'", ORG, 1, False, NOTHING_SAID, Identity(ORG, NAMED, False)),
        ("named institution, two words", ORG, 2, False, FOR_SAFETY, Identity(ORG, NAMED, False)),
        ("unnamed person: 'a senior official'", PERSON, None, False, NOTHING_SAID, Identity(PERSON, ANONYMOUS, True)),
        ("unnamed person, withheld for safety", PERSON, None, False, FOR_SAFETY, Identity(PERSON, ANONYMOUS, True)),
        ("unnamed thing: 'the report'", UNNAMED, None, False, NOTHING_SAID, Identity(UNNAMED, ANONYMOUS, False)),
        ("group: 'other recruits'", GROUP, None, False, FOR_SAFETY, Identity(GROUP, COLLECTIVE, False)),
        ("institution described: 'the ministry'", ORG, None, False, NOTHING_SAID,
         Identity(ORG, COLLECTIVE, False)),
    ],
)
def test_identify(
    case: str,
    kind: SourceKind,
    name_words: int | None,
    titled: bool,
    withholding: Withholding,
    expected: Identity,
) -> None:
    assert identify(kind, name_words, titled, withholding) == expected, case


@pytest.mark.parametrize("withholding", [NOTHING_SAID, WITHHELD, FOR_SAFETY])
@pytest.mark.parametrize("kind", list(SourceKind))
@pytest.mark.parametrize("name_words", [None, 1, 2])
def test_only_individuals_not_fully_named_are_ever_protected(
    kind: SourceKind, name_words: int | None, withholding: Withholding
) -> None:
    identity = identify(kind, name_words, False, withholding)
    if identity.protected:
        assert identity.kind == PERSON
        assert identity.identification in (PARTIAL, ANONYMOUS)
    if identity.identification == NAMED:
        assert not identity.protected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor spoke on Monday.", NOTHING_SAID),
        ("Two residents asked not to be named.", WITHHELD),
        (
            "No one agreed to disclose their last name, saying family members in Belarus could be targeted.",
            FOR_SAFETY,
        ),
    ],
)
def test_find_withholding(nlp, text: str, expected: Withholding) -> None:
    assert find_withholding(nlp(text)) == expected
