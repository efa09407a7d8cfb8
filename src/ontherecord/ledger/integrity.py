"""Stage ⑥: integrity checks — what would mean the ledger no longer says what was written.

Each check is one query run on the database itself, so it scales with the archive and catches
changes made behind the ledger's back (a hand-edited row, a restore gone wrong).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, and_, func, literal_column, or_, select

from ontherecord.ledger import schema

_V = schema.article_versions


def _orphans(conn: Connection, child: Any, parent: Any, pairs: list[tuple[str, str]]) -> list[str]:
    cond = and_(*(child.c[c] == parent.c[p] for c, p in pairs))
    q = (
        select(*(child.c[c] for c, _ in pairs))
        .select_from(child.outerjoin(parent, cond))
        .where(parent.c[pairs[0][1]].is_(None))
    )
    rows = conn.execute(q).all()
    return [f"{child.name}: row {tuple(r)} has no {parent.name} row" for r in rows]


def _drift(conn: Connection, table: Any, what: str, key: list[str]) -> list[str]:
    # substr counts characters (code points) on both dialects, as Python slicing does.
    sliced = func.substr(_V.c.text, table.c.start_char + 1, table.c.end_char - table.c.start_char)
    q = (
        select(*(table.c[k] for k in key), table.c.start_char, table.c.end_char)
        .join(_V, and_(_V.c.article_id == table.c.article_id, _V.c.version == table.c.version))
        .where(
            or_(
                table.c.end_char > func.length(_V.c.text),
                table.c.start_char > table.c.end_char,
                func.coalesce(sliced, literal_column("''")) != table.c.text,
            )
        )
    )
    return [
        f"{table.name}: {what} {'/'.join(str(v) for v in r[:-2])} [{r[-2]}, {r[-1]}) "
        "does not match the article text"
        for r in conn.execute(q)
    ]


def integrity_problems(conn: Connection) -> list[str]:
    """Every problem found; empty means the ledger is consistent."""
    problems: list[str] = []
    versions_pair = [("article_id", "article_id"), ("version", "version")]
    for table in schema.VERSION_TABLES:
        problems += _orphans(conn, table, _V, versions_pair)
    attribution_key = versions_pair + [("attribution_id", "id")]
    problems += _orphans(conn, schema.spans, schema.attributions, attribution_key)
    problems += _orphans(conn, schema.qualifiers, schema.attributions, attribution_key)
    problems += _orphans(
        conn, schema.reliance, schema.sentences, versions_pair + [("sentence_position", "position")]
    )
    problems += _orphans(conn, _V, schema.articles, [("article_id", "id")])
    for table, column in (
        (schema.article_sources, "canonical_id"),
        (schema.reliance, "canonical_id"),
        (schema.flags, "source_id"),
    ):
        problems += _orphans(conn, table, schema.sources, [(column, "id")])

    problems += _drift(conn, schema.spans, "span", ["article_id", "version", "attribution_id", "role"])
    problems += _drift(conn, schema.sentences, "sentence", ["article_id", "version", "position"])

    # Versions run 1..n with no gap and no repeat, and articles point at the newest.
    stats = (
        select(
            _V.c.article_id,
            func.min(_V.c.version).label("lo"),
            func.max(_V.c.version).label("hi"),
            func.count().label("n"),
            func.count(func.distinct(_V.c.version)).label("distinct_versions"),
            func.count(func.distinct(_V.c.content_hash)).label("distinct_texts"),
        )
        .group_by(_V.c.article_id)
        .subquery()
    )
    q = select(stats, schema.articles.c.latest_version).outerjoin(
        schema.articles, schema.articles.c.id == stats.c.article_id
    )
    for r in conn.execute(q).mappings():
        if r["n"] != r["distinct_versions"]:
            problems.append(f"article {r['article_id']}: duplicate versions")
        if r["n"] != r["distinct_texts"]:
            problems.append(f"article {r['article_id']}: the same text stored as two versions")
        if r["lo"] != 1 or r["hi"] != r["distinct_versions"]:
            problems.append(
                f"article {r['article_id']}: version gap (versions {r['lo']}..{r['hi']}, {r['n']} rows)"
            )
        if r["latest_version"] is not None and r["latest_version"] != r["hi"]:
            problems.append(
                f"article {r['article_id']}: marked latest version {r['latest_version']}"
                f" but {r['hi']} is stored"
            )
    no_versions = select(schema.articles.c.id).where(
        ~select(_V.c.article_id).where(_V.c.article_id == schema.articles.c.id).exists()
    )
    problems += [f"article {r[0]}: no stored version" for r in conn.execute(no_versions)]

    # The text itself: its stored hash is the id of the version (streamed; one row at a time).
    q = select(_V.c.article_id, _V.c.version, _V.c.text, _V.c.content_hash)
    for article_id, version, text, stored in conn.execution_options(yield_per=500).execute(q):
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != stored:
            problems.append(f"article {article_id} v{version}: text does not match its content hash")
    return problems
