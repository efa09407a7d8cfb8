"""Resolution on the seed article, with hand-written attributions (the extractor is tested elsewhere)."""

from __future__ import annotations

import pytest

from ontherecord.model import CharSpan, Identification, SourceKind
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.resolution.resolver import resolve


@pytest.fixture(scope="module")
def resolved(seed):
    article, notes, doc, attributions = seed
    return article, resolve(article, doc, ArticleLayout.of(article.text), attributions, notes)


def _by_name(resolution, name):
    found = [s for s in resolution.sources if s.name == name]
    assert len(found) == 1, f"{len(found)} sources {name!r} in {[s.name for s in resolution.sources]}"
    return found[0]


def _source_of(article, resolution, anchor, mention):
    """The source the attribution whose source mention is ``mention`` (found at ``anchor``) resolved to."""
    at = article.text.index(anchor)
    start = article.text.index(mention, at)
    span = CharSpan(start, start + len(mention))
    for attribution in resolution.attributions:
        if attribution.source and attribution.source[0] == span:
            return resolution.source(attribution.source_id)
    raise AssertionError(f"no attribution with source {mention!r} at {anchor!r}")


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("Pavel Kulazhanka", "Kulazhanka"),
        ("Vadim Prokopiev", "Prokopiev"),
        ("Pavel Latushko", "Latushko"),
        ("Sergey Bulba", None),
        ("Alexander Lukashenko", "Lukashenko"),
    ],
)
def test_named_people_get_their_fullest_name(resolved, name, alias):
    _, resolution = resolved
    source = _by_name(resolution, name)
    assert source.kind == SourceKind.PERSON
    assert source.identification == Identification.NAMED
    assert not source.protected
    # The surname the article uses alone, and nothing else (Bulba is only ever "Sergey Bulba").
    assert source.aliases == ((alias,) if alias else ())


def test_surname_only_mentions_join_the_full_name(resolved):
    article, resolution = resolved
    kulazhanka = _by_name(resolution, "Pavel Kulazhanka")
    assert _source_of(article, resolution, "bounds,” Kulazhanka", "Kulazhanka") == kulazhanka
    lukashenko = _by_name(resolution, "Alexander Lukashenko")
    assert _source_of(article, resolution, "Lukashenko dismissed", "Lukashenko") == lukashenko
    # Exactly one source per person: no second "Kulazhanka" or "Lukashenko".
    assert sum("Kulazhanka" in s.name and s.kind == SourceKind.PERSON for s in resolution.sources) == 1


def test_first_name_sources_are_partial_protected_and_aged(resolved):
    _, resolution = resolved
    aleksandr = _by_name(resolution, "Aleksandr")
    aleks = _by_name(resolution, "Aleks")
    assert aleksandr != aleks
    for source, age in ((aleksandr, 38), (aleks, 61)):
        assert source.identification == Identification.PARTIAL
        assert source.protected  # "no one agreed to disclose their last name, saying family … could be targeted"
        assert source.descriptors.age == age


def test_gender_comes_only_from_the_articles_pronouns(resolved):
    _, resolution = resolved
    assert _by_name(resolution, "Aleks").descriptors.gender == "male"  # "he said", "himself"
    assert _by_name(resolution, "Pavel Kulazhanka").descriptors.gender == "male"
    # Nothing in the narration calls Bulba or Aleksandr "he": no gender, whatever their names suggest.
    assert _by_name(resolution, "Sergey Bulba").descriptors.gender is None
    assert _by_name(resolution, "Aleksandr").descriptors.gender is None


@pytest.mark.parametrize(
    ("anchor", "mention", "person"),
    [
        ("But he believes", "he", "Pavel Kulazhanka"),
        ("He said he expected", "He", "Vadim Prokopiev"),
        ("forever,” he said", "he", "Aleks"),
    ],
)
def test_pronoun_speakers_resolve_to_their_person(resolved, anchor, mention, person):
    article, resolution = resolved
    assert _source_of(article, resolution, anchor, mention).name == person


def test_descriptor_resolves_and_is_a_mention(resolved):
    article, resolution = resolved
    aleks = _by_name(resolution, "Aleks")
    start = article.text.index("The 61-year-old")
    hits = [sid for span, sid in resolution.mentions if span.start == start]
    assert hits == [aleks.id]


def test_roles_come_from_appositives(resolved):
    _, resolution = resolved
    assert "restaurateur" in _by_name(resolution, "Vadim Prokopiev").descriptors.role
    assert _by_name(resolution, "Pavel Latushko").descriptors.role == "Belarus’ former culture minister"
    # The description a naming verb attaches the name to: "One of the recruits …, also called Aleks".
    assert _by_name(resolution, "Aleks").descriptors.role.startswith("one of the recruits")


def test_shared_source_is_a_group_with_its_named_member(resolved):
    article, resolution = resolved
    group = _source_of(article, resolution, "regained control, Kulazhanka", "Kulazhanka and other recruits")
    assert group.name == "other recruits"
    assert group.identification == Identification.COLLECTIVE
    assert group.kind == SourceKind.GROUP
    (attribution,) = [a for a in resolution.attributions if a.source_id == group.id]
    kulazhanka = _by_name(resolution, "Pavel Kulazhanka")
    assert set(resolution.shared[attribution.id]) == {kulazhanka.id, group.id}
    assert len(resolution.shared) == 1


def test_nested_source_inside_a_quote_is_its_own_source(resolved):
    article, resolution = resolved
    nested = _source_of(article, resolution, "According to my sources", "my sources in the military")
    latushko = _by_name(resolution, "Pavel Latushko")
    assert nested != latushko
    assert nested.identification == Identification.COLLECTIVE
    # "my" is Latushko's: the ledger must not show a bare "my sources".
    assert nested.name.startswith("Pavel Latushko")


@pytest.mark.parametrize(
    ("anchor", "mention", "identification", "kind"),
    [
        ("Those leading", "Those leading the recruitment effort", Identification.COLLECTIVE, SourceKind.GROUP),
        ("Ukraine’s military has", "Ukraine’s military", Identification.COLLECTIVE, SourceKind.ORGANIZATION),
        ("began, Belarusian dissidents", "Belarusian dissidents", Identification.COLLECTIVE, SourceKind.GROUP),
        ("While most said", "most", Identification.COLLECTIVE, SourceKind.GROUP),
    ],
)
def test_unnamed_groups_are_collective(resolved, anchor, mention, identification, kind):
    article, resolution = resolved
    source = _source_of(article, resolution, anchor, mention)
    assert (source.identification, source.kind) == (identification, kind)
    assert source.descriptors.gender is None


def test_every_attribution_has_a_known_source(resolved):
    _, resolution = resolved
    ids = {s.id for s in resolution.sources}
    assert resolution.attributions
    assert all(a.source_id in ids for a in resolution.attributions)
    assert len(ids) == len(resolution.sources)


def test_mentions_point_at_the_right_words(resolved):
    article, resolution = resolved
    kulazhanka = _by_name(resolution, "Pavel Kulazhanka")
    words = {span.slice(article.text) for span, sid in resolution.mentions if sid == kulazhanka.id}
    # "Around him the sound of distant artillery", "Throwing my life in America" (in his quote).
    assert words == {"Pavel Kulazhanka", "Kulazhanka", "He", "he", "his", "him", "my"}
    # Nobody else's words: Prokopiev's and Lukashenko's names never map to him.
    assert not words & {"Prokopiev", "Lukashenko", "Latushko"}
    for span, _ in resolution.mentions:
        assert 0 <= span.start < span.end <= len(article.text)


def test_editors_note_names_kulazhanka(resolved):
    _, resolution = resolved
    kulazhanka = _by_name(resolution, "Pavel Kulazhanka")
    assert resolution.notes, "the seed's editor's note should reach resolution"
    # The note names Kulazhanka, Latushko (a corrected date) and Lukashenko (the regime); nobody else.
    named = {_by_name(resolution, n).id for n in ("Pavel Latushko", "Alexander Lukashenko")}
    assert set(resolution.notes[0].source_ids) == {kulazhanka.id, *named}
    assert len(resolution.notes[0].source_ids) == 3
