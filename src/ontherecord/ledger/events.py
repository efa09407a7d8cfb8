"""Stage ⑥: the ledger's one hash-chained event log — append an event, read events, verify the chain.

Every editors' event goes into ``audit_log`` through :func:`append_event`, inside the transaction
of the write it records, so the write and its event commit together or not at all. Entry ``seq`` n
holds the sha256 of entry n-1 (``prev_hash``; the first holds :data:`GENESIS`) and its own
``hash`` over a canonical JSON encoding of all its other columns::

    sha256(json.dumps({"seq": ..., "at": ..., "actor": ..., "action": ..., "subject_kind": ...,
                       "subject_id": ..., "fields": [...], "detail": {...}, "prev_hash": ...},
                      sort_keys=True, separators=(",", ":")).encode("ascii"))

:func:`verify_events` recomputes the chain and checks the rows that events vouch for (flags), and
names the first problem. The chain is tamper-evident, not tamper-proof: anyone who can write the
database can rewrite the whole chain consistently, which only a copy of the head hash kept
elsewhere (``verify_events(conn, anchor=...)``) reveals. See docs/ledger.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select

from ontherecord.errors import LedgerError
from ontherecord.ledger import schema
from ontherecord.ledger.migrations import now

# The prev_hash of the first entry: fixed, so two ledgers' chains start alike and seq 1 is checkable.
GENESIS = "0" * 64
FLAG = "flag"
# Any fixed 64-bit number (its bytes spell "otr_aud"): the advisory lock PostgreSQL appenders queue on.
_APPEND_LOCK = 0x6F74725F617564
# Dotted lower-case names ("flag", "dossier.read"), so actions group and sort predictably.
_ACTION = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)*")
_HASHED = ("seq", "at", "actor", "action", "subject_kind", "subject_id", "fields", "detail", "prev_hash")
# Rows fetched at a time while verifying: a chain of millions of reads is streamed, not loaded.
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry of the event chain, as stored."""

    seq: int
    at: str
    actor: str | None
    action: str
    subject_kind: str | None
    subject_id: str | None
    fields: tuple[str, ...]
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (*_HASHED, "hash")} | {"fields": list(self.fields)}


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """The first thing wrong with the chain: the entry it is found at, what is wrong, and a sentence."""

    seq: int | None  # None for a flag that has no event at all
    kind: str  # edited | reordered | deleted | flag_edited | flag_deleted | flag_unrecorded | anchor
    message: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What :func:`verify_events` found: how many entries, the head (latest) hash, the first problem."""

    events: int
    head_seq: int
    head_hash: str
    problem: ChainProblem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "intact": self.intact,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "problem": None
            if self.problem is None
            else {"seq": self.problem.seq, "kind": self.problem.kind, "message": self.problem.message},
        }


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The sha256 hex of an entry's columns other than ``hash`` (``fields`` and ``detail`` decoded)."""
    body = {name: entry[name] for name in _HASHED}
    # ASCII escapes make the encoding independent of how a database or a terminal handles Unicode.
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def append_event(
    conn: Connection,
    action: str,
    *,
    actor: str | None,
    subject_kind: str | None = None,
    subject_id: str | None = None,
    fields: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (so it commits with the write).

    Concurrent appenders queue instead of forking the chain: on PostgreSQL on a transaction-level
    advisory lock taken before the tail is read; on SQLite on the write lock that the ledger's
    write transactions take at ``BEGIN IMMEDIATE``. The primary key on ``seq`` refuses a fork
    whatever the caller did.

    Args:
        conn: a connection inside the transaction that makes the change this event records.
        action: what happened, dotted lower case: ``flag``, ``dossier.read``, ``source.merge``.
        actor: who did it; None for the CLI's operator.
        subject_kind: what kind of thing it happened to (``source``), if any.
        subject_id: that thing's id.
        fields: the names of the fields touched. Names only: never the values of private fields.
        detail: the event's non-private data (JSON-serialisable), e.g. a flag's status and reason.
        at: when (ISO 8601, UTC); now unless given, which only a migration backfilling events does.

    Returns:
        The stored entry.

    Raises:
        LedgerError: a malformed action, field name or detail.
    """
    if not _ACTION.fullmatch(action):
        raise LedgerError(f"not an event action: {action!r} (dotted lower case, like 'dossier.read')")
    if any(not isinstance(name, str) or not name for name in fields):
        raise LedgerError("an event's fields are field names (non-empty strings)")
    try:
        detail_text = _json_text(dict(detail or {}))
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"an event's detail must be plain JSON data ({exc})") from exc
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_APPEND_LOCK)))
    t = schema.audit_log
    tail = conn.execute(select(t.c.seq, t.c.hash).order_by(t.c.seq.desc()).limit(1)).first()
    entry: dict[str, Any] = {
        "seq": tail[0] + 1 if tail else 1,
        "at": at or now(),
        "actor": actor,
        "action": action,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "fields": list(fields),
        "detail": json.loads(detail_text),
        "prev_hash": tail[1] if tail else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    conn.execute(insert(t).values(entry | {"fields": _json_text(entry["fields"]), "detail": detail_text}))
    return _event(entry)


def _event(entry: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        entry["seq"],
        entry["at"],
        entry["actor"],
        entry["action"],
        entry["subject_kind"],
        entry["subject_id"],
        tuple(entry["fields"]),
        dict(entry["detail"]),
        entry["prev_hash"],
        entry["hash"],
    )


def _decoded(row: RowMapping) -> dict[str, Any]:
    """A stored row with fields and detail decoded; ValueError when either is not valid JSON."""
    return dict(row) | {"fields": json.loads(row["fields"]), "detail": json.loads(row["detail"])}


def events(conn: Connection, *, limit: int | None = None) -> list[AuditEvent]:
    """The latest ``limit`` events (all when None), oldest first; the last one holds the head hash."""
    t = schema.audit_log
    q = select(t).order_by(t.c.seq.desc())
    if limit is not None:
        q = q.limit(max(limit, 0))
    rows = list(conn.execute(q).mappings())
    out = []
    for row in reversed(rows):
        try:
            out.append(_event(_decoded(row)))
        except ValueError as exc:
            raise LedgerError(f"audit log seq {row['seq']}: edited (its data is not valid JSON)") from exc
    return out


@dataclass
class _Walk:
    """State of one pass over the chain."""

    count: int = 0
    expected: int = 1
    prev_hash: str = GENESIS
    problem: ChainProblem | None = None
    flag_events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def verify_events(conn: Connection, *, anchor: str | None = None) -> ChainCheck:
    """Recompute the chain and check the rows it vouches for; report the first problem.

    Caught: an entry edited (its hash no longer matches it), deleted (a gap in ``seq``, or an
    entry no longer chained to the one before it), reordered (its hash matches another ``seq``);
    a flag row edited or deleted, or one with no event (added behind the ledger's back, or its
    event deleted from the tail). Not caught without ``anchor``: the last entries deleted when no
    flag vouches for them, and a chain rewritten consistently from some entry on.

    Args:
        conn: a connection inside a read transaction.
        anchor: a head hash kept elsewhere earlier; the chain must still hold that entry.

    Returns:
        The count, the head, and the first problem (None when the chain is intact).
    """
    if conn.dialect.name == "postgresql":
        # Every appender holds the exclusive lock until it commits, so while this shared one is
        # held no event (nor the flag it goes with) commits between reading the chain and the flags.
        conn.execute(select(func.pg_advisory_xact_lock_shared(_APPEND_LOCK)))
    t = schema.audit_log
    walk = _Walk()
    anchored = anchor is None
    # Per statement: the caller's connection keeps its own options.
    rows = conn.execute(select(t).order_by(t.c.seq).execution_options(yield_per=_CHUNK)).mappings()
    for row in rows:
        walk.problem = _check_entry(conn, row, walk)
        if walk.problem is not None:
            rows.close()
            break
        anchored = anchored or row["hash"] == anchor
    problems = [walk.problem] if walk.problem else []
    if walk.problem is None and not anchored:
        problems.append(
            ChainProblem(
                None,
                "anchor",
                f"the chain no longer holds the entry with hash {anchor} "
                f"(entries were deleted from its end, or it was rewritten)",
            )
        )
    problems += _flag_problems(conn, walk.flag_events, chain_ok=walk.problem is None)
    # The earliest entry first; problems with no entry of their own (a flag without event) last.
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return ChainCheck(walk.count, walk.expected - 1, walk.prev_hash, problems[0] if problems else None)


def _check_entry(conn: Connection, row: RowMapping, walk: _Walk) -> ChainProblem | None:
    seq = row["seq"]
    try:
        entry = _decoded(row)
    except ValueError:
        return ChainProblem(seq, "edited", f"seq {seq}: edited (its fields or detail are not valid JSON)")
    if entry_hash(entry) != row["hash"]:
        written_as = _written_as(conn, entry)
        if written_as is not None:
            return ChainProblem(
                seq, "reordered", f"seq {seq}: reordered (this entry was written as seq {written_as})"
            )
        return ChainProblem(seq, "edited", f"seq {seq}: edited (its hash does not match its contents)")
    if seq < walk.expected:
        return ChainProblem(seq, "reordered", f"seq {seq}: out of place (the chain starts at seq 1)")
    if seq != walk.expected:
        gap = f"seq {walk.expected}" if seq == walk.expected + 1 else f"seq {walk.expected}–{seq - 1}"
        before = f"seq {walk.expected - 1}" if walk.expected > 1 else "the start"
        return ChainProblem(
            walk.expected, "deleted", f"{gap}: deleted (the chain jumps from {before} to seq {seq})"
        )
    if row["prev_hash"] != walk.prev_hash:
        before = f"seq {seq - 1}" if seq > 1 else "the genesis value"
        return ChainProblem(
            seq,
            "deleted",
            f"seq {seq}: not chained to {before} (an entry before it was deleted, replaced or rewritten)",
        )
    walk.count += 1
    walk.expected = seq + 1
    walk.prev_hash = row["hash"]
    if entry["action"] == FLAG and type(entry["detail"].get("flag_id")) is int:
        walk.flag_events.setdefault(entry["detail"]["flag_id"], []).append(entry)
    return None


def _written_as(conn: Connection, entry: dict[str, Any]) -> int | None:
    """The seq under which this entry's hash was computed, if it is another seq (it was moved)."""
    highest = int(conn.execute(select(func.max(schema.audit_log.c.seq))).scalar() or 0)
    seq: int = entry["seq"]
    # Nearest first: a swap of neighbours is found at once; only a tampered ledger pays for more.
    for distance in range(1, highest + 1):
        for candidate in (seq - distance, seq + distance):
            if 1 <= candidate <= highest and entry_hash(entry | {"seq": candidate}) == entry["hash"]:
                return candidate
    return None


# What a flag row must still say: its column, and where its event recorded it.
_FLAG_COLUMNS = {
    "source_id": "subject_id",
    "status": "status",
    "reason": "reason",
    "author": "actor",
    "created_at": "at",
}


def _flag_problems(
    conn: Connection, flag_events: dict[int, list[dict[str, Any]]], *, chain_ok: bool
) -> list[ChainProblem]:
    """Flag rows that no longer match their event or have none, and events whose flag is gone.

    ``flag_events`` holds the verified entries only; after a chain problem the entries past it are
    unknown, so a flag without a verified event proves nothing then (``chain_ok`` False).
    """
    fl = schema.flags
    problems: list[ChainProblem] = []
    seen: set[int] = set()
    for row in conn.execute(select(fl).order_by(fl.c.id)).mappings():
        flag_id = row["id"]
        seen.add(flag_id)
        found = flag_events.get(flag_id)
        if not found:
            if chain_ok:
                problems.append(
                    ChainProblem(
                        None,
                        "flag_unrecorded",
                        f"flag {flag_id}: has no event in the audit log (its event was deleted, "
                        f"or the flag was added behind the ledger's back)",
                    )
                )
            continue
        for extra in found[1:]:
            problems.append(
                ChainProblem(
                    extra["seq"], "flag_edited", f"seq {extra['seq']}: a second event for flag {flag_id}"
                )
            )
        event = found[0]
        recorded = event["detail"] | {key: event[key] for key in ("subject_id", "actor", "at")}
        changed = [col for col, key in _FLAG_COLUMNS.items() if row[col] != recorded.get(key)]
        if changed:
            problems.append(
                ChainProblem(
                    event["seq"],
                    "flag_edited",
                    f"seq {event['seq']}: flag {flag_id} no longer matches its event ({', '.join(changed)} changed)",
                )
            )
    for flag_id, found in flag_events.items():
        if flag_id not in seen:
            seq = found[0]["seq"]
            problems.append(
                ChainProblem(
                    seq, "flag_deleted", f"seq {seq}: flag {flag_id} was deleted (its event remains)"
                )
            )
    return problems


def append_flag_event(
    conn: Connection,
    flag_id: int,
    *,
    source_id: str,
    source_name: str,
    status: str,
    reason: str,
    author: str | None,
    at: str,
    backfilled: bool = False,
) -> AuditEvent:
    """Append the event of a flag just stored: its detail repeats the row, so an edit of the row shows.

    ``backfilled`` marks an event written when an older ledger was upgraded, long after the flag:
    the chain then vouches for the flag from the upgrade on, not from its own time.
    """
    detail: dict[str, Any] = {
        "flag_id": flag_id,
        "source_name": source_name,
        "status": status,
        "reason": reason,
    }
    if backfilled:
        detail["backfilled"] = True
    return append_event(
        conn,
        FLAG,
        actor=author,
        subject_kind="source",
        subject_id=source_id,
        fields=("status", "reason"),
        detail=detail,
        at=at,
    )


def backfill_flag_events(conn: Connection) -> int:
    """Append an event for every stored flag that has none, oldest first; returns how many.

    For ledgers from before the event log: their flags enter the chain in the order they were made,
    each with its own time and author.
    """
    t, fl, so = schema.audit_log, schema.flags, schema.sources
    recorded = {
        json.loads(detail).get("flag_id")
        for detail in conn.execute(select(t.c.detail).where(t.c.action == FLAG)).scalars()
    }
    q = select(fl, so.c.name.label("source_name")).outerjoin(so, so.c.id == fl.c.source_id).order_by(fl.c.id)
    added = 0
    for row in conn.execute(q).mappings().all():
        if row["id"] in recorded:
            continue
        append_flag_event(
            conn,
            row["id"],
            source_id=row["source_id"],
            source_name=row["source_name"],
            status=row["status"],
            reason=row["reason"],
            author=row["author"],
            at=row["created_at"],
            backfilled=True,
        )
        added += 1
    return added
