"""Name chains and clusters: titles split off, surnames and first names joined, organisations told apart."""

from __future__ import annotations

import pytest

from ontherecord.resolution.names import find_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("House Speaker Paul Ryan said so. Ryan left.", {("Paul Ryan", True)}, id="title-split-off"),
        pytest.param(
            "Charlotte Mayor Jennifer Roberts said so.", {("Jennifer Roberts", True)}, id="place-and-title-split-off"
        ),
        pytest.param(
            "said Douglas Holtz-Eakin, an economist. Holtz-Eakin added more.",
            {("Douglas Holtz-Eakin", True)},
            id="double-barrelled-surname",
        ),
        pytest.param(
            "said Rep. G.K. Butterfield (D-N.C.). Butterfield left.", {("G.K. Butterfield", True)}, id="initials"
        ),
        pytest.param(
            "Donald Trump spoke. Lawyers for both Donald and Ivana Trump filed papers.",
            {("Donald Trump", True), ("Ivana Trump", True)},
            id="first-name-joins-its-full-name",
        ),
        pytest.param(
            "In a statement, the Association of Flight Attendants called Clinton a champion.",
            {("Association of Flight Attendants", False), ("Clinton", True)},
            id="organisation-with-of",
        ),
        pytest.param(
            "The Committee for a Responsible Federal Budget said so.",
            {("Committee for a Responsible Federal Budget", False)},
            id="organisation-with-for-a",
        ),
    ],
)
def test_people_and_their_names(nlp, text, expected):
    _, clusters = find_names(nlp(text))
    found = {(c.name, c.is_person) for c in clusters if c.is_person or c.is_organization}
    assert found == expected


def test_two_people_with_one_first_name_stay_apart(nlp):
    _, clusters = find_names(nlp("Pavel Latushko and Pavel Kulazhanka met. Pavel left."))
    pavel = next(c for c in clusters if c.name == "Pavel")
    assert pavel.forms == ("Pavel",)
