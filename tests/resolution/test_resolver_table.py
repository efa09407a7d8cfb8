"""Resolution on small texts: pronoun agreement, descriptions, identification levels, invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Note,
    NoteKind,
    SourceKind,
)
from ontherecord.model.names import name_key
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.resolution.resolver import resolve


def _attribution(text: str, source: str, cue: str, content: str, nth: int = 0, kind=AttributionKind.INDIRECT):
    """An attribution whose source is the ``nth`` occurrence of ``source``; cue and content follow it."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(source, at + 1)
    src = CharSpan(at, at + len(source))
    para = text.rfind("\n\n", 0, at) + 1
    cue_at = text.index(cue, para)
    content_at = text.index(content, para)
    return Attribution(
        id=f"a{at}",
        source_id=None,
        source=(src,),
        cue=(CharSpan(cue_at, cue_at + len(cue)),),
        content=(CharSpan(content_at, content_at + len(content)),),
        kind=kind,
    )


def _resolve(nlp, text, *specs, notes=()):
    article = Article(id="t", text=text)
    attributions = [_attribution(text, *spec) for spec in specs]
    return resolve(article, nlp(text), ArticleLayout.of(text), attributions, notes)


def _speaker(resolution, index=-1):
    return resolution.source(resolution.attributions[index].source_id)


# (text, (source mention, cue, content[, nth]), expected speaker name)
PRONOUNS = [
    pytest.param(
        "Mary Jones founded the bakery after she left school. Peter Brown joined it when he retired from the army. "
        "She said the bakery would expand.",
        ("She", "said", "the bakery would expand"),
        "Mary Jones",
        id="she-skips-a-closer-man",
    ),
    pytest.param(
        "Peter Brown joined the bakery when he retired from the army. Mary Jones founded it after she left school. "
        "He said the bakery would expand.",
        ("He", "said", "the bakery would expand"),
        "Peter Brown",
        id="he-skips-a-closer-woman",
    ),
    pytest.param(
        "Tom White met Ann Black in Paris. He said the talks went well.",
        ("He", "said", "the talks went well"),
        "Tom White",
        id="subject-preferred-over-object",
    ),
    pytest.param(
        "Ivan Sokolov, a Belarusian restaurateur, opened a cafe in Warsaw. Anna Lis visited it in May.\n\n"
        "The restaurateur said business was good.",
        ("The restaurateur", "said", "business was good"),
        "Ivan Sokolov",
        id="role-description-finds-its-appositive",
    ),
    pytest.param(
        "Jane Doe, the mayor, opened the bridge on Monday.\n\nDoe said it had cost too much.",
        ("Doe", "said", "it had cost too much"),
        "Jane Doe",
        id="surname-joins-full-name",
    ),
    pytest.param(
        "The company hired Olga Petrova in 2019. Petrova believes the plan will fail, and she said so.",
        ("she", "said", "so"),
        "Olga Petrova",
        id="she-after-surname",
    ),
]


@pytest.mark.parametrize(("text", "spec", "expected"), PRONOUNS)
def test_speaker_resolution(nlp, text, spec, expected):
    assert _speaker(_resolve(nlp, text, spec)).name == expected


@pytest.mark.parametrize(
    ("text", "spec", "identification", "kind", "protected"),
    [
        pytest.param(
            "A source familiar with the situation said the talks had stalled.",
            ("A source familiar with the situation", "said", "the talks had stalled"),
            Identification.ANONYMOUS, SourceKind.PERSON, True, id="anonymous-source",
        ),
        pytest.param(
            "A senior official said the plan was dead.",
            ("A senior official", "said", "the plan was dead"),
            Identification.ANONYMOUS, SourceKind.PERSON, True, id="anonymous-official",
        ),
        pytest.param(
            "Officials in the region said roads were closed.",
            ("Officials in the region", "said", "roads were closed"),
            Identification.COLLECTIVE, SourceKind.GROUP, False, id="plural-group",
        ),
        pytest.param(
            "The ministry said it would review the case.",
            ("The ministry", "said", "it would review the case"),
            Identification.COLLECTIVE, SourceKind.ORGANIZATION, False, id="institution",
        ),
        pytest.param(
            "Olga, 29, said she had left Minsk in March.",
            ("Olga, 29", "said", "she had left Minsk in March"),
            Identification.PARTIAL, SourceKind.PERSON, False, id="first-name-only",
        ),
        pytest.param(
            "Olga, 29, who asked that her last name not be used for fear of reprisals, said she had left Minsk.",
            ("Olga, 29", "said", "she had left Minsk"),
            Identification.PARTIAL, SourceKind.PERSON, True, id="first-name-withheld-for-safety",
        ),
        pytest.param(
            "Maria Lopez, a nurse, said the ward was full.",
            ("Maria Lopez", "said", "the ward was full"),
            Identification.NAMED, SourceKind.PERSON, False, id="named",
        ),
    ],
)
def test_identification_levels(nlp, text, spec, identification, kind, protected):
    source = _speaker(_resolve(nlp, text, spec))
    assert (source.identification, source.kind, source.protected) == (identification, kind, protected)


def test_age_and_gender_only_from_the_text(nlp):
    text = "Olga, 29, said she had left Minsk in March. She added that her brother stayed."
    resolution = _resolve(nlp, text, ("Olga, 29", "said", "she had left Minsk in March"))
    olga = _speaker(resolution)
    assert olga.descriptors.age == 29
    assert olga.descriptors.gender == "female"
    # The same person with no pronoun in the narration has no gender.
    text = "Olga, 29, said the border was closed."
    bare = _speaker(_resolve(nlp, text, ("Olga, 29", "said", "the border was closed")))
    assert bare.descriptors.gender is None


def test_shared_source_membership(nlp):
    text = "Roads were closed for days, Anna Kowalska and other residents said."
    resolution = _resolve(nlp, text, ("Anna Kowalska and other residents", "said", "Roads were closed for days"))
    group = _speaker(resolution)
    (anna,) = [s for s in resolution.sources if s.name == "Anna Kowalska"]
    assert group.name == "other residents" and group.identification == Identification.COLLECTIVE
    assert sorted(resolution.shared[resolution.attributions[0].id]) == sorted([anna.id, group.id])


def test_two_named_speakers_share_a_group_source(nlp):
    text = "The bridge is unsafe, Anna Kowalska and Jan Nowak said."
    resolution = _resolve(nlp, text, ("Anna Kowalska and Jan Nowak", "said", "The bridge is unsafe"))
    members = sorted(resolution.source(i).name for i in resolution.shared[resolution.attributions[0].id])
    # Both people, and the group they speak as (the attribution's own source), once each.
    assert members == ["Anna Kowalska", "Anna Kowalska and Jan Nowak", "Jan Nowak"]
    assert _speaker(resolution).kind == SourceKind.GROUP
    assert _speaker(resolution).name == "Anna Kowalska and Jan Nowak"


def test_notes_name_sources_by_surname(nlp):
    text = "Maria Lopez said the ward was full. Peter Brown said it was not."
    notes = (Note(NoteKind.CORRECTION, "An earlier version misspelled Lopez's name."),)
    resolution = _resolve(
        nlp, text, ("Maria Lopez", "said", "the ward was full"), ("Peter Brown", "said", "it was not"), notes=notes
    )
    (lopez,) = [s for s in resolution.sources if s.name == "Maria Lopez"]
    assert resolution.notes[0].source_ids == (lopez.id,)


def test_no_attributions_no_sources(nlp):
    resolution = _resolve(nlp, "Nothing was said by anyone here.")
    assert resolution.sources == () and resolution.attributions == () and resolution.shared == {}


@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Zs")), max_size=40))
def test_name_key_is_idempotent(name):
    assert name_key(name_key(name)) == name_key(name)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Pavel Latushko", "PAVEL LATUSHKO"), ("Lech Wałęsa", "Lech Walesa"), ("Sen. Jane Doe", "Jane Doe")],
)
def test_name_key_variants(a, b):
    assert name_key(a) == name_key(b)


SHORT = (
    "Maria Lopez, a nurse, said the ward was full. “We have no beds,” she said. "
    "Officials denied it.\n\nThe hospital, which opened in 1990, said the claim could not be verified. "
    "He added nothing."
)

_span = st.tuples(st.integers(0, len(SHORT)), st.integers(0, len(SHORT))).map(lambda p: CharSpan(min(p), max(p)))


@pytest.fixture(scope="module")
def short_doc(nlp):
    return nlp(SHORT)


@given(
    st.lists(
        st.tuples(
            st.lists(_span, max_size=2),
            st.lists(_span, max_size=2),
            st.lists(_span, max_size=3),
            st.sampled_from(list(AttributionKind)),
        ),
        max_size=5,
    )
)
def test_resolve_qualify_rely_never_raise_on_arbitrary_spans(short_doc, rows):
    from ontherecord.claims.qualifiers import attach_qualifiers
    from ontherecord.claims.reliance import rely

    article = Article(id="h", text=SHORT)
    attributions = [
        Attribution(f"a{i}", None, tuple(s), tuple(c), tuple(t), kind) for i, (s, c, t, kind) in enumerate(rows)
    ]
    layout = ArticleLayout.of(SHORT)
    resolution = resolve(article, short_doc, layout, attributions, ())
    assert len(resolution.attributions) == len(attributions)
    ids = {s.id for s in resolution.sources}
    for attribution in resolution.attributions:
        has_words = any(SHORT[s.start : s.end].strip() for s in attribution.source)
        assert attribution.source_id in ids or (attribution.source_id is None and not has_words)
    qualified = attach_qualifiers(article, short_doc, layout, resolution.attributions)
    sentences = rely(article, short_doc, layout, resolution, qualified)
    for sentence in sentences:
        assert {r.source_id for r in sentence.rests_on} <= ids


@pytest.mark.parametrize(
    ("text", "spec", "expected", "kind"),
    [
        pytest.param(
            "Hillary Clinton left early. Her daughter Chelsea Clinton stayed. Hillary Clinton spoke later.\n\n"
            "Clinton said she was fine.",
            ("Clinton", "said", "she was fine", 3),
            "Hillary Clinton",
            SourceKind.PERSON,
            id="shared-surname-goes-to-the-main-person",
        ),
        pytest.param(
            "A statement from the ministry said the border would reopen.",
            ("A statement from the ministry", "said", "the border would reopen"),
            "the ministry",
            SourceKind.ORGANIZATION,
            id="statement-from-an-institution",
        ),
        pytest.param(
            "In a statement, the Association of Flight Attendants endorsed the plan. The union wrote that it was fair.",
            ("The union", "wrote", "it was fair"),
            "Association of Flight Attendants",
            SourceKind.ORGANIZATION,
            id="the-union-is-the-named-union",
        ),
        pytest.param(
            "Maria Lopez described herself as a nurse who wanted to help.",
            ("who", "wanted", "to help"),
            "Maria Lopez",
            SourceKind.PERSON,
            id="relative-pronoun-on-a-predicate-is-the-subject",
        ),
    ],
)
def test_other_speaker_mentions(nlp, text, spec, expected, kind):
    source = _speaker(_resolve(nlp, text, spec))
    assert (source.name, source.kind) == (expected, kind)
