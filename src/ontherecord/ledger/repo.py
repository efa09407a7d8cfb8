"""Stage ⑥: the ledger's writes — a Record becomes one immutable article version, in one transaction.

Every function takes a Connection inside a transaction the caller owns, so a batch of Records is
written all-or-nothing. Nothing here updates or deletes a stored reading: a changed text is a new
version, the same text is "unchanged", and flags are appended events.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ontherecord.errors import LedgerError
from ontherecord.ledger import schema
from ontherecord.ledger.events import append_flag_event
from ontherecord.ledger.migrations import now
from ontherecord.ledger.types import FLAG_STATUSES, FlagEvent, WriteResult
from ontherecord.model import Record
from ontherecord.model.article import content_hash as hash_text
from ontherecord.model.identity import SourceIdentity
from ontherecord.model.spans import CharSpan


def canonical_id(key: str) -> str:
    """Deterministic, so two ledgers (or two concurrent writers) give one person the same id."""
    return "src-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def validate_record(record: Record) -> list[str]:
    """What makes a Record unsafe to store: a stale content hash, spans outside the text, dangling
    or duplicate ids."""
    problems: list[str] = []
    size = len(record.article.text)
    # The hash is the version's identity; a stale one would make has_version() lie.
    if record.article.content_hash != hash_text(record.article.text):
        problems.append("content_hash is not the sha256 of the article text")
    source_ids = [s.id for s in record.sources]
    known = set(source_ids)
    if len(known) != len(source_ids):
        problems.append("duplicate source ids")
    attribution_ids = [a.id for a in record.attributions]
    if len(set(attribution_ids)) != len(attribution_ids):
        problems.append("duplicate attribution ids")

    def check(span: CharSpan, where: str) -> None:
        if span.end > size:
            problems.append(f"{where} span [{span.start}, {span.end}) is outside the text ({size} chars)")

    for a in record.attributions:
        if a.source_id is not None and a.source_id not in known:
            problems.append(f"attribution {a.id} names unknown source {a.source_id}")
        for role in ("source", "cue", "content"):
            for span in getattr(a, role):
                check(span, f"attribution {a.id} {role}")
        for q in a.qualifiers:
            check(q.span, f"attribution {a.id} qualifier")
    for i, sentence in enumerate(record.sentences):
        check(sentence.span, f"sentence {i}")
        for r in sentence.rests_on:
            if r.source_id not in known:
                problems.append(f"sentence {i} rests on unknown source {r.source_id}")
    for note in record.notes:
        for sid in note.source_ids:
            if sid not in known:
                problems.append(f"a note names unknown source {sid}")
    return problems


def find_version(conn: Connection, article_id: str, content_hash: str) -> int | None:
    """The version under which this exact text is stored, or None."""
    t = schema.article_versions
    return conn.execute(
        select(t.c.version).where(t.c.article_id == article_id, t.c.content_hash == content_hash)
    ).scalar()


# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), _IN_CHUNK):
        yield items[i : i + _IN_CHUNK]


def write_records(
    conn: Connection,
    records: Sequence[Record],
    origins: Sequence[str | None] | None,
    identities: Sequence[Mapping[str, SourceIdentity]],
) -> list[WriteResult]:
    """Store Records as new article versions; a text already stored (or repeated in the batch) is
    "unchanged". Reads and inserts are done per batch, not per Record: a dozen statements in all.

    Args:
        conn: a connection inside a write transaction the caller owns.
        records: the Records to store.
        origins: where each Record was read from (one per Record), or None.
        identities: for each Record, the identity decision of each of its sources (by source id),
            as the identify stage made it; the canonical sources are stored under those keys.

    Raises:
        LedgerError: a Record is invalid or lacks an identity for a source; nothing is written
            (the caller's transaction rolls back).
    """
    if len(identities) != len(records):
        raise ValueError("identities must have one entry per record")
    for record, decided in zip(records, identities, strict=True):
        problems = validate_record(record)
        problems += [f"no identity for source {s.id}" for s in record.sources if s.id not in decided]
        if problems:
            raise LedgerError(f"{record.article.id}: not a valid record: " + "; ".join(problems[:5]))
    av, articles = schema.article_versions, schema.articles
    ids = list(dict.fromkeys(r.article.id for r in records))
    stored: dict[tuple[str, str], int] = {}
    latest: dict[str, int] = {}
    for chunk in _chunks(ids):
        q = select(av.c.article_id, av.c.version, av.c.content_hash).where(av.c.article_id.in_(chunk))
        for article_id, version, stored_hash in conn.execute(q):
            stored[(article_id, stored_hash)] = version
            latest[article_id] = max(version, latest.get(article_id, 0))
    known_articles = set(latest)
    stamp = now()
    results: list[WriteResult] = []
    rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    canonical: dict[str, dict[str, Any]] = {}
    for i, record in enumerate(records):
        a = record.article
        if (a.id, a.content_hash) in stored:
            results.append(WriteResult(a.id, stored[(a.id, a.content_hash)], "unchanged"))
            continue
        version = latest.get(a.id, 0) + 1
        latest[a.id] = stored[(a.id, a.content_hash)] = version
        rows[av].append(
            {
                "article_id": a.id,
                "version": version,
                "content_hash": a.content_hash,
                "title": a.title,
                "text": a.text,
                "url": a.url,
                "published": a.published,
                "origin": origins[i] if origins else None,
                "written_at": stamp,
            }
        )
        _reading_rows(record, identities[i], version, stamp, rows, canonical)
        results.append(WriteResult(a.id, version, "new" if version == 1 else "new_version"))
    if not rows:
        return results
    new_articles = [
        {"id": i, "latest_version": latest[i], "first_seen": stamp} for i in ids if i not in known_articles
    ]
    written = {r["article_id"] for r in rows[av]}
    moved = [{"b_id": i, "b_version": latest[i]} for i in ids if i in known_articles and i in written]
    _insert(conn, articles, new_articles)
    if moved:
        conn.execute(
            update(articles)
            .where(articles.c.id == bindparam("b_id"))
            .values(latest_version=bindparam("b_version")),
            moved,
        )
    _ensure_sources(conn, canonical)
    # Parents before children, as the foreign keys demand.
    for table in (av, *reversed(schema.VERSION_TABLES)):
        _insert(conn, table, rows.get(table, ()))
    return results


def _ensure_sources(conn: Connection, rows: dict[str, dict[str, Any]]) -> None:
    """Insert the canonical sources not yet stored; a stored one keeps its first-seen name."""
    t = schema.sources
    have: set[str] = set()
    for chunk in _chunks(list(rows)):
        have.update(conn.execute(select(t.c.id).where(t.c.id.in_(chunk))).scalars())
    _insert(conn, t, [row for sid, row in rows.items() if sid not in have])


def _reading_rows(
    record: Record,
    identities: Mapping[str, SourceIdentity],
    version: int,
    stamp: str,
    rows: dict[Any, list[dict[str, Any]]],
    canonical_rows: dict[str, dict[str, Any]],
) -> None:
    """Add one version's rows (sources, notes, attributions, spans, …) to ``rows``, by table."""
    article_id = record.article.id
    text = record.article.text
    base = {"article_id": article_id, "version": version}
    local_to_canonical: dict[str, str] = {}
    for pos, s in enumerate(record.sources):
        identity = identities[s.id]
        key = identity.canonical_key(article_id, version)
        cid = canonical_id(key)
        local_to_canonical[s.id] = cid
        canonical_rows.setdefault(
            cid,
            {
                "id": cid,
                "key": key,
                "name": s.name,
                "kind": str(s.kind),
                "identification": str(s.identification),
                "scope": str(identity.scope),
                "last_name": identity.last_name,
                "first_seen": stamp,
            },
        )
        rows[schema.article_sources].append(
            base
            | {
                "source_id": s.id,
                "position": pos,
                "canonical_id": cid,
                "name": s.name,
                "kind": str(s.kind),
                "identification": str(s.identification),
                "aliases": json.dumps(list(s.aliases), ensure_ascii=False),
                "age": s.descriptors.age,
                "role": s.descriptors.role,
                "gender": s.descriptors.gender,
                "protected": s.protected,
            }
        )
    rows[schema.notes].extend(
        base
        | {
            "position": pos,
            "kind": str(n.kind),
            "text": n.text,
            "source_ids": json.dumps(list(n.source_ids), ensure_ascii=False),
        }
        for pos, n in enumerate(record.notes)
    )
    for pos, a in enumerate(record.attributions):
        rows[schema.attributions].append(
            base
            | {
                "id": a.id,
                "position": pos,
                "source_id": a.source_id,
                "canonical_id": local_to_canonical.get(a.source_id) if a.source_id else None,
                "kind": str(a.kind),
                "confidence": a.confidence,
            }
        )
        for role in ("source", "cue", "content"):
            rows[schema.spans].extend(
                base
                | {
                    "attribution_id": a.id,
                    "role": role,
                    "position": spos,
                    "start_char": span.start,
                    "end_char": span.end,
                    "text": span.slice(text),
                }
                for spos, span in enumerate(getattr(a, role))
            )
        rows[schema.qualifiers].extend(
            base
            | {
                "attribution_id": a.id,
                "position": qpos,
                "kind": q.kind,
                "text": q.text,
                "start_char": q.span.start,
                "end_char": q.span.end,
            }
            for qpos, q in enumerate(a.qualifiers)
        )
    for pos, sentence in enumerate(record.sentences):
        rows[schema.sentences].append(
            base
            | {
                "position": pos,
                "start_char": sentence.span.start,
                "end_char": sentence.span.end,
                "text": sentence.span.slice(text),
            }
        )
        rows[schema.reliance].extend(
            base
            | {
                "sentence_position": pos,
                "position": rpos,
                "source_id": r.source_id,
                "canonical_id": local_to_canonical[r.source_id],
                "how": str(r.how),
            }
            for rpos, r in enumerate(sentence.rests_on)
        )


def _insert(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(insert(table), rows)


def record_failure(conn: Connection, origin: str, stage: str, message: str) -> None:
    """Record an article the reader could not turn into a Record."""
    conn.execute(
        insert(schema.failures).values(origin=origin, stage=stage, message=message, created_at=now())
    )


def add_flag(
    conn: Connection, source_id: str, source_name: str, *, status: str, reason: str, author: str | None
) -> FlagEvent:
    """Append a flag event to a canonical source, and its entry in the audit log (events.py)."""
    if status not in FLAG_STATUSES:
        raise LedgerError(f"unknown flag status {status!r} (use one of: {', '.join(FLAG_STATUSES)})")
    if not reason.strip():
        raise LedgerError("a flag needs a reason (what was wrong, in a sentence)")
    stamp = now()
    result = conn.execute(
        insert(schema.flags).values(
            source_id=source_id, status=status, reason=reason.strip(), author=author, created_at=stamp
        )
    )
    key = result.inserted_primary_key
    assert key is not None  # None only when no row was inserted, and this insert writes one
    flag_id = int(key[0])
    # In this transaction: a flag is never stored without its entry in the event chain.
    append_flag_event(
        conn,
        flag_id,
        source_id=source_id,
        source_name=source_name,
        status=status,
        reason=reason.strip(),
        author=author,
        at=stamp,
    )
    return FlagEvent(flag_id, source_id, source_name, status, reason.strip(), author, stamp)
