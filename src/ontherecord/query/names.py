"""Stage ⑦: which canonical source a name typed by an editor means ("Kulazhanka", "pavel kulažanka").

Tries, in order: the full name key (an index lookup), a unique surname among named sources (an
index lookup), then every spelling the articles used (aliases, unnamed sources' descriptions).
Two or more matches at the first step that finds any is an error listing them, never a guess.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ontherecord.errors import LedgerError, NotFoundError
from ontherecord.ledger import reads
from ontherecord.ledger.types import SourceRow
from ontherecord.model.names import name_key


class AmbiguousNameError(LedgerError):
    """A name matches more than one source; ``candidates`` lists (id, name) of each."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        listed = "; ".join(f"{n} ({sid})" for sid, n in candidates)
        super().__init__(f"{name!r} matches {len(candidates)} sources: {listed}. Use the full name.")
        self.name = name
        self.candidates = candidates


def resolve_source(conn: Connection, name: str) -> SourceRow:
    """The canonical source ``name`` refers to.

    Raises:
        NotFoundError: no source goes by that name.
        AmbiguousNameError: several do.
    """
    if name.startswith("src-"):  # an id, as listed by an ambiguity error or `sources --format json`
        try:
            return reads.source_row(conn, name)
        except NotFoundError:
            pass
    key = name_key(name)
    if not key:
        raise NotFoundError(f"{name!r} is not a name")
    exact = reads.source_by_key(conn, "name:" + key)
    if exact is not None:
        return reads.source_row(conn, exact)
    if " " not in key:
        by_surname = reads.sources_by_last_name(conn, key)
        if len(by_surname) == 1:
            return reads.source_row(conn, by_surname[0][0])
        if len(by_surname) > 1:
            raise AmbiguousNameError(name, by_surname)
    # Every spelling the articles used: aliases, and the descriptions of unnamed sources.
    matches: dict[str, str] = {}
    for sid, canonical, spelling in reads.name_candidates(conn):
        if name_key(spelling) == key:
            matches.setdefault(sid, canonical)
    if len(matches) == 1:
        return reads.source_row(conn, next(iter(matches)))
    if matches:
        raise AmbiguousNameError(name, sorted(matches.items(), key=lambda kv: kv[1]))
    raise NotFoundError(f"no source named {name!r} in the ledger")


__all__ = ["AmbiguousNameError", "resolve_source"]
