"""Impact of a source quoted thousands of times: every sentence listed, the draft kept to a readable size.

The archive is synthetic (no NLP): 250 articles, each with 20 sentences resting on one person in
all four ways — some resting on him twice — and two that rest on someone else. Speed is measured
by bench/impact.py, not here; these tests pin what a big impact returns.
"""

from __future__ import annotations

import re

import pytest
from ledger.ledger_builders import ledger_params, open_fresh_ledger
from sqlalchemy import Index, MetaData, inspect

from ontherecord.archive import Ledger
from ontherecord.ledger import schema
from ontherecord.ledger.migrations import LEDGER_MIGRATIONS, Migrations
from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Record,
    Reliance,
    RelianceHow,
    Sentence,
    Source,
    SourceKind,
)
from ontherecord.query.corrections import HOW_ORDER

TARGET = "Mirela Vantongeren"
ARTICLES = 250
PER_ARTICLE = 20
WAYS = [RelianceHow.QUOTED, RelianceHow.PARAPHRASED, RelianceHow.SHARED, RelianceHow.SELF_REPORTED]


def _record(i: int, per_article: int = PER_ARTICLE) -> Record:
    """Article ``i``: ``per_article`` sentences on TARGET, then two on another person.

    Every tenth TARGET sentence rests on her twice (shared, and quoted): impact must list it once,
    as quoted. Articles 0 and 1 are undated, so they sort last.
    """
    target, other = Source("s-0", TARGET, SourceKind.PERSON, Identification.NAMED), Source(
        "s-1", f"Other Person{i}", SourceKind.PERSON, Identification.NAMED
    )
    parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for j in range(per_article + 2):
        speaker = TARGET if j < per_article else other.name
        text = f"“Point {j} of story {i} stands,” {speaker} said on day {j}."
        if j >= per_article:
            relies: tuple[Reliance, ...] = (Reliance("s-1", RelianceHow.QUOTED),)
        elif j % 10 == 0:
            relies = (Reliance("s-0", RelianceHow.SHARED), Reliance("s-0", RelianceHow.QUOTED))
        elif WAYS[j % 4] is RelianceHow.SHARED:
            relies = (Reliance("s-0", RelianceHow.SHARED), Reliance("s-1", RelianceHow.SHARED))
        else:
            relies = (Reliance("s-0", WAYS[j % 4]),)
        sentences.append(Sentence(CharSpan(offset, offset + len(text)), relies))
        parts.append(text)
        offset += len(text) + 1
    body = " ".join(parts)
    first = sentences[0].span
    quote = CharSpan(first.start, body.index(",”") + 2)
    name = CharSpan(body.index(TARGET), body.index(TARGET) + len(TARGET))
    cue = CharSpan(name.end + 1, name.end + 5)
    return Record(
        Article(
            id=f"big-{i:04d}",
            text=body,
            title=f"Council story {i}",
            published=None if i < 2 else f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
        ),
        (),
        (target, other),
        (Attribution(f"a-{i}", "s-0", (name,), (cue,), (quote,), AttributionKind.DIRECT),),
        tuple(sentences),
    )


def _expected_how(j: int) -> str:
    return "quoted" if j % 10 == 0 else WAYS[j % 4].value


@pytest.fixture(params=ledger_params())
def big(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    """A ledger where TARGET has 5,000 sentences in 250 articles, flagged as discredited."""
    with Ledger(open_fresh_ledger(request.param, tmp_path)) as ledger:
        ledger.write_records([_record(i) for i in range(ARTICLES)])
        ledger.flag(TARGET, reason="the quotes attributed to her were invented", author="standards desk")
        yield ledger


def test_every_article_and_sentence_is_listed_once_under_its_strongest_way(big: Ledger) -> None:
    result = big.impact(TARGET)
    assert result.sentence_count == ARTICLES * PER_ARTICLE
    ids = [a.id for a in result.articles]
    assert len(ids) == len(set(ids)) == ARTICLES
    # Publication order, undated last.
    dated = [a.published for a in result.articles if a.published]
    assert dated == sorted(dated)
    assert ids[-2:] == ["big-0000", "big-0001"]
    record = big.get_record("big-0042")
    article = next(a for a in result.articles if a.id == "big-0042")
    assert [s.how for s in article.sentences] == [_expected_how(j) for j in range(PER_ARTICLE)]
    for s, stored in zip(article.sentences, record.sentences[:PER_ARTICLE], strict=True):
        assert record.article.text[s.span[0] : s.span[1]] == s.text
        assert (s.span[0], s.span[1]) == (stored.span.start, stored.span.end)
    assert "Other Person42" not in " ".join(s.text for s in article.sentences)
    # The JSON shape is the small sources' one.
    data = result.to_dict()
    assert set(data) == {"source", "articles", "draft_correction"}
    assert set(data["articles"][0]["sentences"][0]) == {"text", "span", "how"}


def test_the_draft_details_the_first_articles_and_summarises_the_rest(big: Ledger) -> None:
    result = big.impact(TARGET)
    draft = result.draft_correction
    assert f"What rests on Vantongeren: {ARTICLES * PER_ARTICLE} sentences in {ARTICLES} articles." in draft
    # The draft of 250 articles is a few of them in full plus a summary, not 250 entries.
    drafted = re.findall(r"^\d+\. ", draft, flags=re.MULTILINE)
    assert len(drafted) == 20
    assert len(draft) < 40_000
    mentioned = {a.id for a in result.articles if f"[{a.id}," in draft}
    assert {a.id for a in result.articles[:20]} <= mentioned
    assert len(mentioned) <= 25  # the drafted ones and the five most affected of the rest
    assert f"21–{ARTICLES}. {ARTICLES - 20} more articles, published " in draft
    # The summary's counts are those of the articles it stands for.
    rest = result.articles[20:]
    n_rest = sum(len(a.sentences) for a in rest)
    quoted = sum(1 for a in rest for s in a.sentences if s.how == "quoted")
    assert f"   {n_rest} sentences rest on Vantongeren: {quoted} quoted directly, " in draft
    assert f"Remove the {quoted} sentences quoting Vantongeren." in draft


def test_a_draft_grows_with_the_drafted_articles_only(big: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ten times the articles (and sentences) leaves the draft within a few lines of the same size."""
    with Ledger(str(tmp_path / "small.sqlite")) as small:
        small.write_records([_record(i) for i in range(ARTICLES // 10)])
        small.flag(TARGET, reason="the quotes attributed to her were invented", author="standards desk")
        small_draft = small.impact(TARGET).draft_correction
    big_draft = big.impact(TARGET).draft_correction
    assert len(big_draft) < 1.2 * len(small_draft)


def test_only_the_latest_version_counts_at_scale(big: Ledger) -> None:
    big.write_record(_record(7, per_article=3))  # the story cut to three sentences on her
    result = big.impact(TARGET)
    article = {a.id: a for a in result.articles}["big-0007"]
    assert article.version == 2
    assert [s.how for s in article.sentences] == ["quoted", "paraphrased", "shared"]
    assert result.sentence_count == (ARTICLES - 1) * PER_ARTICLE + 3


def test_every_way_of_resting_has_a_place_in_the_draft_order() -> None:
    # impact reads each way as its rank in HOW_ORDER; a way missing there would fail on a lookup.
    assert set(HOW_ORDER) == {how.value for how in RelianceHow}


_OLD_INDEX = "ix_reliance_canonical_id_article_id_version"


@pytest.mark.parametrize("dialect", ledger_params())
def test_an_older_ledger_gets_the_impact_indexes(dialect: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = open_fresh_ledger(dialect, tmp_path)
    first_only = Migrations(LEDGER_MIGRATIONS.steps[:1])
    with Ledger(url, migrations=first_only) as old:
        old.write_records([_record(i, per_article=4) for i in range(3)])
        # As 0001 built these tables before 0002: reliance with one (canonical_id, article_id,
        # version) index, article_versions with none.
        with old.engine.begin() as conn:
            copies = MetaData()
            table = schema.reliance.to_metadata(copies)
            for index in [*table.indexes, *schema.article_versions.to_metadata(copies).indexes]:
                index.drop(conn)
            Index(_OLD_INDEX, table.c.canonical_id, table.c.article_id, table.c.version).create(conn)
            assert {i["name"] for i in inspect(conn).get_indexes("reliance")} == {_OLD_INDEX}
    with Ledger(url) as ledger:
        with ledger.engine.connect() as conn:
            assert LEDGER_MIGRATIONS.pending(conn) == []
            names = {i["name"] for i in inspect(conn).get_indexes("reliance")}
            versions = {i["name"] for i in inspect(conn).get_indexes("article_versions")}
        assert schema.RELIANCE_BY_SOURCE in names
        assert _OLD_INDEX not in names
        assert "ix_article_versions_article_id_version_title_published" in versions
        assert ledger.impact(TARGET).sentence_count == 12
