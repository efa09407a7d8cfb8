"""Stage ⑥: the ledger's reads — Records back out exactly as written, summaries, and per-source rows.

Summaries and per-source rows look at each article's latest version only: that is the archive as
it stands. Older versions stay readable through :func:`read_record` with an explicit version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Connection, and_, bindparam, case, distinct, func, select
from sqlalchemy.sql.compiler import SQLCompiler

from ontherecord.errors import NotFoundError
from ontherecord.ledger import schema
from ontherecord.ledger.types import (
    ArticleSummary,
    AttributionRow,
    FlagEvent,
    RelianceRow,
    SourceRow,
    SourceSummary,
)
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

_A, _V = schema.articles, schema.article_versions


def _is_latest(table: Any) -> Any:
    """Join condition: ``table``'s rows belong to their article's latest version."""
    return and_(_A.c.id == table.c.article_id, _A.c.latest_version == table.c.version)


def versions(conn: Connection, article_id: str) -> list[int]:
    """The stored versions of an article, oldest first (empty when unknown)."""
    return list(
        conn.execute(
            select(_V.c.version).where(_V.c.article_id == article_id).order_by(_V.c.version)
        ).scalars()
    )


def latest_version(conn: Connection, article_id: str) -> int | None:
    return conn.execute(select(_A.c.latest_version).where(_A.c.id == article_id)).scalar()


def article_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(_A.c.id).order_by(_A.c.id)).scalars())


def read_record(conn: Connection, article_id: str, version: int | None = None) -> Record:
    """The Record stored under ``article_id`` (latest version unless ``version`` is given)."""
    if version is None:
        version = latest_version(conn, article_id)
        if version is None:
            raise NotFoundError(f"no article {article_id!r} in the ledger")
    row = (
        conn.execute(select(_V).where(_V.c.article_id == article_id, _V.c.version == version))
        .mappings()
        .first()
    )
    if row is None:
        known = versions(conn, article_id)
        if not known:
            raise NotFoundError(f"no article {article_id!r} in the ledger")
        raise NotFoundError(f"article {article_id!r} has no version {version} (it has {known})")
    article = Article(
        id=row["article_id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        content_hash=row["content_hash"],
    )

    def rows(table: Any, *order: Any) -> list[Any]:
        q = select(table).where(table.c.article_id == article_id, table.c.version == version)
        return list(conn.execute(q.order_by(*order)).mappings())

    notes = tuple(
        Note(NoteKind(n["kind"]), n["text"], tuple(json.loads(n["source_ids"])))
        for n in rows(schema.notes, schema.notes.c.position)
    )
    sources = tuple(
        Source(
            id=s["source_id"],
            name=s["name"],
            kind=SourceKind(s["kind"]),
            identification=Identification(s["identification"]),
            aliases=tuple(json.loads(s["aliases"])),
            descriptors=Descriptors(age=s["age"], role=s["role"], gender=s["gender"]),
            protected=bool(s["protected"]),
        )
        for s in rows(schema.article_sources, schema.article_sources.c.position)
    )
    sp, qu = schema.spans, schema.qualifiers
    span_map: dict[tuple[str, str], list[CharSpan]] = defaultdict(list)
    for s in rows(sp, sp.c.attribution_id, sp.c.role, sp.c.position):
        span_map[(s["attribution_id"], s["role"])].append(CharSpan(s["start_char"], s["end_char"]))
    qualifier_map: dict[str, list[Qualifier]] = defaultdict(list)
    for q in rows(qu, qu.c.attribution_id, qu.c.position):
        qualifier_map[q["attribution_id"]].append(
            Qualifier(q["kind"], q["text"], CharSpan(q["start_char"], q["end_char"]))
        )
    attributions = tuple(
        Attribution(
            id=a["id"],
            source_id=a["source_id"],
            source=tuple(span_map[(a["id"], "source")]),
            cue=tuple(span_map[(a["id"], "cue")]),
            content=tuple(span_map[(a["id"], "content")]),
            kind=AttributionKind(a["kind"]),
            qualifiers=tuple(qualifier_map[a["id"]]),
            confidence=a["confidence"],
        )
        for a in rows(schema.attributions, schema.attributions.c.position)
    )
    re = schema.reliance
    reliance_map: dict[int, list[Reliance]] = defaultdict(list)
    for r in rows(re, re.c.sentence_position, re.c.position):
        reliance_map[r["sentence_position"]].append(Reliance(r["source_id"], RelianceHow(r["how"])))
    sentences = tuple(
        Sentence(CharSpan(s["start_char"], s["end_char"]), tuple(reliance_map[s["position"]]))
        for s in rows(schema.sentences, schema.sentences.c.position)
    )
    return Record(article, notes, sources, attributions, sentences)


def iter_latest_records(conn: Connection) -> Iterator[Record]:
    """Every article's latest Record, in article id order."""
    for article_id in article_ids(conn):
        yield read_record(conn, article_id)


def article_summaries(conn: Connection) -> list[ArticleSummary]:
    """Every article at its latest version, most recently published first."""
    at, ars = schema.attributions, schema.article_sources
    n_versions = select(_V.c.article_id, func.count().label("n")).group_by(_V.c.article_id).subquery()
    n_attr = (
        select(at.c.article_id, func.count().label("n"))
        .select_from(at.join(_A, _is_latest(at)))
        .group_by(at.c.article_id)
        .subquery()
    )
    n_src = (
        select(ars.c.article_id, func.count().label("n"))
        .select_from(ars.join(_A, _is_latest(ars)))
        .group_by(ars.c.article_id)
        .subquery()
    )
    q = (
        select(
            _A.c.id,
            _V.c.title,
            _V.c.published,
            n_versions.c.n,
            func.coalesce(n_attr.c.n, 0),
            func.coalesce(n_src.c.n, 0),
        )
        .select_from(_A)
        .join(_V, _is_latest(_V))
        .join(n_versions, n_versions.c.article_id == _A.c.id)
        .outerjoin(n_attr, n_attr.c.article_id == _A.c.id)
        .outerjoin(n_src, n_src.c.article_id == _A.c.id)
        .order_by(_V.c.published.desc(), _A.c.id)
    )
    return [ArticleSummary(*row) for row in conn.execute(q)]


def latest_flags(conn: Connection, source_ids: list[str] | None = None) -> dict[str, FlagEvent]:
    """The latest flag event of each flagged source (optionally only of ``source_ids``)."""
    fl, so = schema.flags, schema.sources
    newest = select(fl.c.source_id, func.max(fl.c.id).label("id")).group_by(fl.c.source_id)
    if source_ids is not None:
        newest = newest.where(fl.c.source_id.in_(source_ids))
    newest_q = newest.subquery()
    q = select(fl, so.c.name).join(newest_q, newest_q.c.id == fl.c.id).join(so, so.c.id == fl.c.source_id)
    return {r["source_id"]: _flag(r) for r in conn.execute(q).mappings()}


def _flag(r: Any) -> FlagEvent:
    return FlagEvent(
        r["id"], r["source_id"], r["name"], r["status"], r["reason"], r["author"], r["created_at"]
    )


def flag_history(conn: Connection, source_id: str) -> list[FlagEvent]:
    """Every flag event of a source, oldest first."""
    fl, so = schema.flags, schema.sources
    q = select(fl, so.c.name).join(so, so.c.id == fl.c.source_id).where(fl.c.source_id == source_id)
    return [_flag(r) for r in conn.execute(q.order_by(fl.c.id)).mappings()]


def source_summaries(conn: Connection) -> list[SourceSummary]:
    """Canonical sources present in some article's latest version, most-cited first."""
    so, ars, at = schema.sources, schema.article_sources, schema.attributions
    n_articles = (
        select(ars.c.canonical_id, func.count(distinct(ars.c.article_id)).label("n"))
        .select_from(ars.join(_A, _is_latest(ars)))
        .group_by(ars.c.canonical_id)
        .subquery()
    )
    n_attr = (
        select(at.c.canonical_id, func.count().label("n"))
        .select_from(at.join(_A, _is_latest(at)))
        .group_by(at.c.canonical_id)
        .subquery()
    )
    q = (
        select(
            so.c.id,
            so.c.name,
            so.c.kind,
            so.c.identification,
            n_articles.c.n,
            func.coalesce(n_attr.c.n, 0).label("attributions"),
        )
        .join(n_articles, n_articles.c.canonical_id == so.c.id)
        .outerjoin(n_attr, n_attr.c.canonical_id == so.c.id)
        .order_by(func.coalesce(n_attr.c.n, 0).desc(), so.c.name)
    )
    rows = conn.execute(q).all()
    flags = latest_flags(conn)
    return [
        SourceSummary(r[0], r[1], r[2], r[3], r[4], r[5], flags[r[0]].status if r[0] in flags else None)
        for r in rows
    ]


def source_row(conn: Connection, source_id: str) -> SourceRow:
    """A canonical source by id, with its latest flag."""
    so = schema.sources
    r = conn.execute(select(so).where(so.c.id == source_id)).mappings().first()
    if r is None:
        raise NotFoundError(f"no source {source_id!r} in the ledger")
    flag = latest_flags(conn, [source_id]).get(source_id)
    return SourceRow(r["id"], r["name"], r["kind"], r["identification"], r["scope"], flag)


def source_by_key(conn: Connection, key: str) -> str | None:
    """The canonical source id stored under ``key`` (see ontherecord.identity)."""
    return conn.execute(select(schema.sources.c.id).where(schema.sources.c.key == key)).scalar()


def sources_by_last_name(conn: Connection, last_name: str) -> list[tuple[str, str]]:
    """(id, name) of archive-scope sources whose name key ends in ``last_name``."""
    so = schema.sources
    q = select(so.c.id, so.c.name).where(so.c.last_name == last_name).order_by(so.c.name)
    return [(r[0], r[1]) for r in conn.execute(q)]


def name_candidates(conn: Connection) -> Iterator[tuple[str, str, str]]:
    """(canonical id, display name, a name it appears under) for every source and alias.

    Name resolution needs every spelling an article used (aliases such as a surname), not only the
    canonical name, so this yields one row per distinct (source, spelling).
    """
    so, ars = schema.sources, schema.article_sources
    for sid, name in conn.execute(select(so.c.id, so.c.name)):
        yield sid, name, name
    q = select(ars.c.canonical_id, so.c.name, ars.c.name, ars.c.aliases).join(
        so, so.c.id == ars.c.canonical_id
    )
    seen: set[tuple[str, str]] = set()
    for sid, canonical, local, aliases in conn.execute(q.distinct()):
        for spelling in [local, *json.loads(aliases)]:
            if (sid, spelling) not in seen:
                seen.add((sid, spelling))
                yield sid, canonical, spelling


def attribution_rows(conn: Connection, source_id: str) -> list[AttributionRow]:
    """Every attribution of a canonical source in the latest versions, in time order."""
    at, sp, ars = schema.attributions, schema.spans, schema.article_sources
    q = (
        select(
            at.c.article_id,
            at.c.version,
            _V.c.title,
            _V.c.published,
            _V.c.written_at,
            at.c.id,
            at.c.position,
            at.c.kind,
            at.c.confidence,
            ars.c.name,
        )
        .select_from(at)
        .join(_A, _is_latest(at))
        .join(_V, and_(_V.c.article_id == at.c.article_id, _V.c.version == at.c.version))
        .join(
            ars,
            and_(
                ars.c.article_id == at.c.article_id,
                ars.c.version == at.c.version,
                ars.c.source_id == at.c.source_id,
            ),
        )
        .where(at.c.canonical_id == source_id)
    )
    heads = conn.execute(q).all()
    if not heads:
        return []
    # One query for all span texts of these attributions, grouped in Python.
    texts: dict[tuple[str, str], dict[str, list[tuple[int, int, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    sq = (
        select(sp.c.article_id, sp.c.attribution_id, sp.c.role, sp.c.start_char, sp.c.end_char, sp.c.text)
        .join(
            at,
            and_(
                at.c.article_id == sp.c.article_id,
                at.c.version == sp.c.version,
                at.c.id == sp.c.attribution_id,
            ),
        )
        .join(_A, _is_latest(at))
        .where(at.c.canonical_id == source_id)
        .order_by(sp.c.article_id, sp.c.attribution_id, sp.c.role, sp.c.position)
    )
    for art, aid, role, start, end, text in conn.execute(sq):
        texts[(art, aid)][role].append((start, end, text))

    def joined(parts: list[tuple[int, int, str]]) -> str:
        return " … ".join(p[2] for p in parts)

    out = []
    for h in heads:
        roles = texts[(h[0], h[5])]
        out.append(
            AttributionRow(
                article_id=h[0],
                version=h[1],
                title=h[2],
                published=h[3],
                written_at=h[4],
                attribution_id=h[5],
                position=h[6],
                kind=h[7],
                confidence=h[8],
                local_name=h[9],
                source_text=joined(roles["source"]),
                cue_text=joined(roles["cue"]),
                content_text=joined(roles["content"]),
                content_spans=tuple((s, e) for s, e, _ in roles["content"]),
            )
        )
    out.sort(key=lambda r: (r.published is None, r.published or "", r.written_at, r.article_id, r.position))
    return out


def reliance_rows(conn: Connection, source_id: str) -> list[RelianceRow]:
    """Every sentence in the latest versions that rests on a canonical source, in article order.

    Served by the (canonical_id, article_id, version) index on reliance, so its cost follows the
    number of sentences found, not the size of the archive.
    """
    re, se, ars = schema.reliance, schema.sentences, schema.article_sources
    q = (
        select(
            re.c.article_id,
            re.c.version,
            _V.c.title,
            _V.c.published,
            se.c.position,
            se.c.start_char,
            se.c.end_char,
            se.c.text,
            re.c.how,
            ars.c.gender,
        )
        .select_from(re)
        .join(_A, _is_latest(re))
        .join(_V, and_(_V.c.article_id == re.c.article_id, _V.c.version == re.c.version))
        .join(
            se,
            and_(
                se.c.article_id == re.c.article_id,
                se.c.version == re.c.version,
                se.c.position == re.c.sentence_position,
            ),
        )
        .join(
            ars,
            and_(
                ars.c.article_id == re.c.article_id,
                ars.c.version == re.c.version,
                ars.c.source_id == re.c.source_id,
            ),
        )
        .where(re.c.canonical_id == source_id)
        .order_by(re.c.article_id, se.c.position, re.c.position)
    )
    # Unpacked by name: a select of ten columns is typed as ten or more, and a row must fill the ten fields exactly.
    out = [
        RelianceRow(article_id, version, title, published, position, start, end, text, how, gender)
        for article_id, version, title, published, position, start, end, text, how, gender in conn.execute(q)
    ]
    # Sorted here, not in SQL: the dialects disagree on where NULL publication dates go.
    out.sort(key=lambda r: (r.published is None, r.published or "", r.article_id))
    return out


def _impact_statements(how_order: tuple[str, ...]) -> tuple[Any, Any]:
    """The two queries of :func:`impact_rows`, the source id left as the ``source_id`` parameter."""
    re, se = schema.reliance, schema.sentences
    source_id: BindParameter[str] = bindparam("source_id")
    found = (
        select(re.c.article_id, re.c.version)
        .where(re.c.canonical_id == source_id)
        .distinct()
        .subquery()
    )
    heads = (
        select(_A.c.id, _A.c.latest_version, _V.c.title, _V.c.published)
        .select_from(found)
        .join(_A, and_(_A.c.id == found.c.article_id, _A.c.latest_version == found.c.version))
        # "version + 0" keeps SQLite's planner off the primary key, which would read each
        # version's row past its text (overflow pages) to reach the date; the (article_id,
        # version, title, published) index answers from the index alone.
        .join(_V, and_(_V.c.article_id == _A.c.id, _V.c.version + 0 == _A.c.latest_version))
    )
    # The way of resting as its rank in ``how_order``: a small int per row, where a string
    # would be one more object to build and free per sentence.
    how_rank = case({how: rank for rank, how in enumerate(how_order)}, value=re.c.how, else_=len(how_order))
    # No join on articles here: checking "latest?" once per sentence would cost more than
    # dropping the few rows of older versions that the caller finds missing from the heads.
    sentences = (
        select(
            re.c.article_id,
            re.c.version,
            re.c.sentence_position,
            se.c.start_char,
            se.c.end_char,
            se.c.text,
            how_rank,
        )
        .join(
            se,
            and_(
                se.c.article_id == re.c.article_id,
                se.c.version == re.c.version,
                se.c.position == re.c.sentence_position,
            ),
        )
        .where(re.c.canonical_id == source_id)
        .order_by(re.c.article_id, re.c.version, re.c.sentence_position)
    )
    return heads, sentences


@lru_cache(maxsize=16)
def _compiled_impact(dialect: Any, how_order: tuple[str, ...]) -> tuple[SQLCompiler, SQLCompiler]:
    # Compiled once per dialect: compiling costs more than answering for a source in a few articles.
    # A SELECT compiles to the dialect's SQLCompiler (the only kind of Compiled with bound parameters).
    heads, sentences = _impact_statements(how_order)
    return heads.compile(dialect=dialect), sentences.compile(dialect=dialect)


def _driver_rows(conn: Connection, compiled: SQLCompiler, values: dict[str, Any]) -> list[Any]:
    """The rows of a compiled query as the database driver returns them (plain tuples), in
    ``conn``'s transaction.

    For results of tens of thousands of rows, SQLAlchemy's Row objects cost about as much as the
    query itself, to build and again to unpack. Only for columns whose types need no result
    processing on either dialect (text, integers), which the driver already returns as Python
    values.
    """
    params = compiled.construct_params(values)
    positions = compiled.positiontup or ()
    args = tuple(params[name] for name in positions) if conn.dialect.positional else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def impact_rows(
    conn: Connection, source_id: str, how_order: Sequence[str]
) -> tuple[list[tuple[str, int, str | None, str | None]], list[tuple[str, int, int, int, int, str, int]]]:
    """What ``impact`` needs of a canonical source, in two lean queries.

    Returns:
        ``heads``: (article_id, version, title, published) of each article whose latest version
        has a sentence resting on the source, in publication order (undated last, then by id);
        and ``sentences``: (article_id, version, position, start, end, text, rank) per sentence and
        way of resting, in (article_id, version, position) order, where ``rank`` is the way's
        index in ``how_order`` (``len(how_order)`` for a way not listed there). ``sentences`` may
        hold rows of older versions too: keep those whose (article_id, version) is in ``heads``.

    Only the columns the report shows are read, as plain tuples: a source quoted in thousands of
    articles answers tens of thousands of rows, where per-row objects, unused columns and per-row
    joins cost more than the index scan itself. Both queries stay inside indexes except for the
    one lookup per sentence that fetches its text: reliance's (canonical_id, article_id, version,
    sentence_position, how) index covers the scan, in its own order, so nothing is sorted.
    """
    heads_sql, sentences_sql = _compiled_impact(conn.dialect, tuple(how_order))
    heads = _driver_rows(conn, heads_sql, {"source_id": source_id})
    # Sorted here, not in SQL: the dialects disagree on where NULL publication dates go.
    heads.sort(key=lambda h: (h[3] is None, h[3] or "", h[0]))
    return heads, _driver_rows(conn, sentences_sql, {"source_id": source_id})


def failure_rows(conn: Connection, limit: int | None = None) -> list[dict[str, Any]]:
    """Recorded failures, oldest first; with ``limit``, only the latest ``limit`` of them."""
    f = schema.failures
    q = select(f.c.id, f.c.origin, f.c.stage, f.c.message, f.c.created_at)
    if limit is not None:
        q = q.order_by(f.c.id.desc()).limit(limit)
    rows = sorted(conn.execute(q).mappings(), key=lambda r: r["id"])
    return [{k: r[k] for k in ("origin", "stage", "message", "created_at")} for r in rows]


def table_counts(conn: Connection) -> dict[str, int]:
    """Row counts: articles, versions, attributions (all versions), sources, failures, flags."""
    tables = {
        "articles": schema.articles,
        "versions": schema.article_versions,
        "attributions": schema.attributions,
        "sources": schema.sources,
        "failures": schema.failures,
        "flags": schema.flags,
    }
    return {
        name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in tables.items()
    }
