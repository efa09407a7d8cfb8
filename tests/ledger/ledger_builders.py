"""Hand-made Records for ledger, query and CLI tests: real article text, spans found with str.find.

No NLP runs here: each attribution and sentence is anchored on words of the text, so the Records
are what a careful annotator would write, and every span is checked against the text it points into.
"""

from __future__ import annotations

from pathlib import Path

from conftest import SEED
from hypothesis import strategies as st

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Descriptors,
    Identification,
    Note,
    NoteKind,
    Qualifier,
    Record,
    Reliance,
    RelianceHow,
    Sentence,
    Source,
    SourceKind,
)
from ontherecord.model.attribution import attribution_id
from ontherecord.model.source import source_id

SEED_TEXT = SEED.read_text(encoding="utf-8")

FOLLOW_UP_TITLE = "Belarusian volunteers train outside Lviv"
FOLLOW_UP_TEXT = (
    "LVIV – Volunteers from Belarus are training outside the city before heading east, "
    "organizers said on Monday.\n\n"
    "“We are ready to go home and finish what we started,” said Pável Kulazhanka, a former mixed "
    "martial arts fighter who left Minsk in 2011. Kulazhanka said he had spent a decade organizing "
    "protests from abroad.\n\n"
    "Sviatlana Tsikhanouskaya, the exiled opposition leader, said the volunteers did not speak for "
    "the whole movement.\n\n"
    "“Our struggle is peaceful,” Tsikhanouskaya said."
)


def span(text: str, needle: str, after: str | None = None) -> CharSpan:
    """The span of ``needle`` in ``text`` (after the first ``after``, when given)."""
    offset = text.index(after) if after else 0
    start = text.index(needle, offset)
    return CharSpan(start, start + len(needle))


def sentence(text: str, first: str, last: str) -> CharSpan:
    """From the start of ``first`` to the end of the next ``last`` after it."""
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return CharSpan(start, end)


class _Builder:
    """Collects sources, attributions and sentences, skipping those whose anchors are absent.

    Skipping lets one builder describe an article and its edited versions: a passage removed
    from the text takes its attributions and sentences with it, as a re-reading would.
    """

    def __init__(self, article: Article) -> None:
        self.article = article
        self.text = article.text
        self.sources: list[Source] = []
        self.attributions: list[Attribution] = []
        self.sentences: list[Sentence] = []
        self.notes: list[Note] = []

    def source(self, name: str, kind: SourceKind, ident: Identification, **extra: object) -> str:
        sid = source_id(self.article.content_hash, name)
        self.sources.append(Source(sid, name, kind, ident, **extra))  # type: ignore[arg-type]
        return sid

    def attribution(
        self,
        sid: str,
        kind: AttributionKind,
        source: list[tuple[str, str | None]],
        cue: list[tuple[str, str | None]],
        content: list[tuple[str, str | None]],
        qualifiers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> None:
        try:
            roles = [tuple(span(self.text, n, a) for n, a in role) for role in (source, cue, content)]
            quals = tuple(Qualifier(k, q, span(self.text, q)) for k, q in qualifiers)
        except ValueError:
            return
        aid = attribution_id(self.article.content_hash, *roles)
        self.attributions.append(Attribution(aid, sid, *roles, kind=kind, qualifiers=quals))

    def sentence(self, first: str, last: str, *rests_on: tuple[str, RelianceHow]) -> None:
        try:
            s = sentence(self.text, first, last)
        except ValueError:
            return
        self.sentences.append(Sentence(s, tuple(Reliance(sid, how) for sid, how in rests_on)))

    def record(self) -> Record:
        used = {a.source_id for a in self.attributions} | {
            r.source_id for s in self.sentences for r in s.rests_on
        }
        return Record(
            self.article,
            tuple(self.notes),
            tuple(s for s in self.sources if s.id in used),
            tuple(self.attributions),
            tuple(self.sentences),
        )


P, N = SourceKind.PERSON, Identification.NAMED
Q, PA, SH, SR = RelianceHow.QUOTED, RelianceHow.PARAPHRASED, RelianceHow.SHARED, RelianceHow.SELF_REPORTED


def seed_record(
    text: str = SEED_TEXT, article_id: str = "wapo-belarus-battalion", published: str | None = "2022-04-07"
) -> Record:
    """The worked example: Kulazhanka (quoted, shared, self-reported), Prokopiev, Latushko, others."""
    title = text.split("\n", 1)[0]
    b = _Builder(Article(id=article_id, text=text, title=title, published=published))
    kul = b.source("Pavel Kulazhanka", P, N, aliases=("Kulazhanka",), descriptors=Descriptors(gender="male"))
    recruits = b.source("other recruits", SourceKind.GROUP, Identification.COLLECTIVE)
    prok = b.source(
        "Vadim Prokopiev", P, N, aliases=("Prokopiev",), descriptors=Descriptors(role="restaurateur")
    )
    alek = b.source("Aleksandr", P, Identification.PARTIAL, descriptors=Descriptors(age=38))
    lat = b.source(
        "Pavel Latushko", P, N, aliases=("Latushko",), descriptors=Descriptors(role="former culture minister")
    )
    military = b.source("Ukraine’s military", SourceKind.ORGANIZATION, Identification.COLLECTIVE)
    note_start = text.find("An earlier version of this article")
    if note_start >= 0:
        b.notes.append(Note(NoteKind.EDITORS_NOTE, text[note_start : text.index("\n", note_start)], (kul,)))

    b.attribution(
        kul,
        AttributionKind.DIRECT,
        [("Kulazhanka", "“Life is about")],
        [("said", "“Life is about")],
        [("“Life is about leaps and bounds,”", None), ("“Fighting Lukashenko was one thing.", None)],
    )
    b.attribution(
        kul,
        AttributionKind.INDIRECT,
        [("Kulazhanka and other recruits", None)],
        [("said", "Kulazhanka and other recruits")],
        [("About 200 members of the volunteer battalion are serving on the front lines", None)],
    )
    b.attribution(
        prok,
        AttributionKind.DIRECT,
        [("Prokopiev", "“Basically")],
        [("said", "“Basically")],
        [("“Basically, there are two wings,”", None)],
    )
    b.attribution(
        prok,
        AttributionKind.INDIRECT,
        [("Prokopiev", "Prokopiev said that")],
        [("said", "Prokopiev said that")],
        [("out of thousands who had expressed interest", None)],
    )
    b.attribution(
        alek,
        AttributionKind.DIRECT,
        [("Aleksandr, 38", None)],
        [("said", "“I only spent")],
        [("“I only spent three nights in jail during the protests in 2020,”", None)],
    )
    b.attribution(
        lat,
        AttributionKind.DIRECT,
        [("Pavel Latushko", "“According to my sources")],
        [("said", "they are just waiting")],
        [("“According to my sources in the military", None)],
    )
    b.attribution(
        military,
        AttributionKind.INDIRECT,
        [("Ukraine’s military", None)],
        [("has reiterated", None)],
        [("these warnings", "Ukraine’s military")],
        qualifiers=[("unproven", "have not been proven")],
    )

    b.sentence("KYIV – Pavel Kulazhanka", "native Belarus.", (kul, SR))
    b.sentence("He left the country in 2011", "martial arts fighter.", (kul, SR))
    b.sentence("But he believes the best shot", "the war in Ukraine.", (kul, PA))
    b.sentence("“Life is about leaps", "suburb of Kiev.", (kul, Q))
    b.sentence("“Fighting Lukashenko", "the greatest of all.”", (kul, Q))
    b.sentence("About 200 members", "other recruits said.", (kul, SH), (recruits, SH))
    b.sentence("“Basically, there are two wings,”", "western Ukraine.", (prok, Q))
    b.sentence("Prokopiev said that out of thousands", "in the pipeline.", (prok, PA))
    b.sentence("“I only spent three nights", "said Aleksandr, 38.", (alek, Q))
    b.sentence("“According to my sources", "left for Poland in 2020.", (lat, Q))
    b.sentence("Ukraine’s military has reiterated", "have not been proven.", (military, PA))
    return b.record()


def follow_up_record(text: str = FOLLOW_UP_TEXT, article_id: str = "follow-up-lviv") -> Record:
    """A second article naming Kulazhanka with a diacritic ("Pável") and another person."""
    b = _Builder(
        Article(
            id=article_id,
            text=text,
            title=FOLLOW_UP_TITLE,
            published="2022-05-02",
            url="https://example.org/lviv",
        )
    )
    kul = b.source("Pável Kulazhanka", P, N, aliases=("Kulazhanka",))
    tsi = b.source("Sviatlana Tsikhanouskaya", P, N, aliases=("Tsikhanouskaya",))
    org = b.source("organizers", SourceKind.GROUP, Identification.COLLECTIVE)
    b.attribution(
        kul,
        AttributionKind.DIRECT,
        [("Pável Kulazhanka", None)],
        [("said", "finish what we started")],
        [("“We are ready to go home and finish what we started,”", None)],
    )
    b.attribution(
        kul,
        AttributionKind.INDIRECT,
        [("Kulazhanka", "Minsk")],
        [("said", "Minsk")],
        [("he had spent a decade organizing protests from abroad", None)],
    )
    b.attribution(
        tsi,
        AttributionKind.INDIRECT,
        [("Sviatlana Tsikhanouskaya", None)],
        [("said", "opposition leader")],
        [("the volunteers did not speak for the whole movement", None)],
    )
    b.attribution(
        tsi,
        AttributionKind.DIRECT,
        [("Tsikhanouskaya", "“Our struggle")],
        [("said", "“Our struggle")],
        [("“Our struggle is peaceful,”", None)],
    )
    b.attribution(
        org,
        AttributionKind.INDIRECT,
        [("organizers", None)],
        [("said", None)],
        [("Volunteers from Belarus are training outside the city", None)],
    )
    b.sentence("LVIV –", "said on Monday.", (org, PA))
    b.sentence("“We are ready", "left Minsk in 2011.", (kul, Q))
    b.sentence("Kulazhanka said he had", "from abroad.", (kul, PA))
    b.sentence("Sviatlana Tsikhanouskaya, the exiled", "whole movement.", (tsi, PA))
    b.sentence("“Our struggle is peaceful,”", "Tsikhanouskaya said.", (tsi, Q))
    return b.record()


# -- hypothesis: any valid Record ------------------------------------------------------------------

# PostgreSQL text cannot hold NUL, and surrogates are not valid UTF-8; articles hold neither.
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(_chars, max_size=40)


@st.composite
def spans_in(draw: st.DrawFn, size: int, max_spans: int = 3) -> tuple[CharSpan, ...]:
    out = []
    for _ in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, size))
        out.append(CharSpan(start, draw(st.integers(start, size))))
    return tuple(out)


@st.composite
def records(draw: st.DrawFn, article_id: st.SearchStrategy[str] | None = None) -> Record:
    """Valid Records: spans inside the text; attributions, sentences and notes name known sources."""
    text = draw(st.text(_chars, min_size=1, max_size=300))
    size = len(text)
    article = Article(
        id=draw(article_id or st.text(_chars, min_size=1, max_size=30)),
        text=text,
        title=draw(st.none() | _text),
        url=draw(st.none() | _text),
        published=draw(st.none() | st.dates().map(str)),
    )
    n_sources = draw(st.integers(0, 4))
    sources = tuple(
        Source(
            id=f"s-{i}",
            name=draw(st.text(_chars, min_size=1, max_size=30)),
            kind=draw(st.sampled_from(SourceKind)),
            identification=draw(st.sampled_from(Identification)),
            aliases=tuple(draw(st.lists(_text, max_size=2))),
            descriptors=Descriptors(
                age=draw(st.none() | st.integers(0, 120)),
                role=draw(st.none() | _text),
                gender=draw(st.none() | st.sampled_from(["male", "female", "nonbinary"])),
            ),
            protected=draw(st.booleans()),
        )
        for i in range(n_sources)
    )
    ids = [s.id for s in sources]
    source_ref = st.sampled_from(ids) if ids else st.nothing()
    attributions = tuple(
        Attribution(
            id=f"a-{i}",
            source_id=draw(st.none() | source_ref) if ids else None,
            source=draw(spans_in(size)),
            cue=draw(spans_in(size)),
            content=draw(spans_in(size)),
            kind=draw(st.sampled_from(AttributionKind)),
            qualifiers=tuple(
                Qualifier(draw(st.sampled_from(["unproven", "disputed", "alleged"])), draw(_text), s)
                for s in draw(spans_in(size, 2))
            ),
            confidence=draw(st.floats(0, 1, allow_nan=False)),
        )
        for i in range(draw(st.integers(0, 5)))
    )
    sentences = tuple(
        Sentence(
            span=draw(spans_in(size, 1).filter(len).map(lambda t: t[0])),
            rests_on=tuple(
                Reliance(draw(source_ref), draw(st.sampled_from(RelianceHow)))
                for _ in range(draw(st.integers(0, 3) if ids else st.just(0)))
            ),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    notes = tuple(
        Note(
            draw(st.sampled_from(NoteKind)),
            draw(_text),
            tuple(draw(st.lists(source_ref, max_size=2, unique=True))) if ids else (),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return Record(article, notes, sources, attributions, sentences)


# -- ledgers on both dialects ----------------------------------------------------------------------

PG_ENV = "ONTHERECORD_TEST_PG_URL"


def pg_url() -> str | None:
    import os

    return os.environ.get(PG_ENV) or None


def ledger_params() -> list[object]:
    """pytest params: SQLite, and PostgreSQL (skipped, saying why, when no server is configured)."""
    import pytest

    reason = f"PostgreSQL tests need {PG_ENV} (run under scripts/test_services.py to start one)"
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[pytest.mark.postgres, *([] if pg_url() else [pytest.mark.skip(reason=reason)])],
        ),
    ]


def empty_pg(url: str) -> None:
    """Drop every table in the test database (the tests own that database)."""
    from sqlalchemy import MetaData, create_engine

    from ontherecord.ledger.engine import normalize_url

    engine = create_engine(normalize_url(url))
    found = MetaData()
    found.reflect(engine)
    found.drop_all(engine)
    engine.dispose()


def open_fresh_ledger(dialect: str, tmp_path: Path) -> str:
    """The URL of an empty database of ``dialect``."""
    if dialect == "sqlite":
        return str(tmp_path / "ledger.db")
    url = pg_url()
    assert url is not None
    empty_pg(url)
    return url
