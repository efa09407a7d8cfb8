"""Hypothesis strategies that build valid Records: every span inside the text, every id referenced exists."""

from __future__ import annotations

from itertools import pairwise

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
from ontherecord.model.spans import normalize_spans

_text_chars = st.characters(codec="utf-8", exclude_categories=("Cs",))


@st.composite
def spans_in(draw, length: int, max_spans: int = 3) -> tuple[CharSpan, ...]:
    if length == 0:
        return ()
    n = draw(st.integers(0, max_spans))
    raw = []
    for _ in range(n):
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, length))
        raw.append(CharSpan(start, end))
    return normalize_spans(raw)


@st.composite
def records(draw) -> Record:
    text = draw(st.text(_text_chars, min_size=1, max_size=400))
    article = Article(
        id=draw(st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=20)),
        text=text,
        title=draw(st.none() | st.text(_text_chars, max_size=60)),
        url=draw(st.none() | st.just("https://example.org/news/1")),
        published=draw(st.none() | st.dates().map(str)),
    )
    names = draw(st.lists(st.text(_text_chars, min_size=1, max_size=30), max_size=4, unique=True))
    sources = tuple(
        Source(
            id=source_id(article.content_hash, name),
            name=name,
            kind=draw(st.sampled_from(list(SourceKind))),
            identification=draw(st.sampled_from(list(Identification))),
            aliases=tuple(draw(st.lists(st.text(_text_chars, min_size=1, max_size=20), max_size=2))),
            descriptors=Descriptors(
                age=draw(st.none() | st.integers(0, 120)),
                role=draw(st.none() | st.text(_text_chars, max_size=30)),
                gender=draw(st.none() | st.sampled_from(["male", "female", "nonbinary"])),
            ),
            protected=draw(st.booleans()),
        )
        for name in names
    )
    ids = [s.id for s in sources]
    attributions = []
    for _ in range(draw(st.integers(0, 4))):
        source, cue, content = (draw(spans_in(len(text))) for _ in range(3))
        q_span = draw(spans_in(len(text), max_spans=1))
        attributions.append(
            Attribution(
                id=attribution_id(article.content_hash, source, cue, content),
                source_id=draw(st.none() | st.sampled_from(ids)) if ids else None,
                source=source,
                cue=cue,
                content=content,
                kind=draw(st.sampled_from(list(AttributionKind))),
                qualifiers=tuple(
                    Qualifier(kind="unproven", text=s.slice(text), span=s) for s in q_span
                ),
                confidence=draw(st.floats(0, 1)),
            )
        )
    # Ids are content-derived, so two identical drawn attributions would collide; keep the first.
    unique = {a.id: a for a in reversed(attributions)}
    sentences = []
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=5)) + [0, len(text)]))
    for start, end in pairwise(cuts):
        rests = ()
        if ids:
            pairs = draw(
                st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(list(RelianceHow))), max_size=3, unique=True)
            )
            rests = tuple(Reliance(sid, how) for sid, how in pairs)
        sentences.append(Sentence(CharSpan(start, end), rests))
    notes = tuple(
        Note(kind=draw(st.sampled_from(list(NoteKind))), text=draw(st.text(_text_chars, min_size=1, max_size=80)),
             source_ids=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))) if ids else ())
        for _ in range(draw(st.integers(0, 2)))
    )
    return Record(article, notes, sources, tuple(sorted(unique.values(), key=lambda a: a.id)), tuple(sentences))
