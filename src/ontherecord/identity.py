"""Identify: which of a Record's sources are one person across the archive, and which stay local.

The archive door calls ``identify`` on each Record before writing it, and the ledger stores the
decisions it is handed. Today the rule reads the Record alone: a named person or organisation is
keyed by its name (``model.names.name_key``), so spelling variants of one name are one canonical
source; everyone else stays local to their article version. Evidence, candidates and editors'
decisions will come in through this same door, one decision per source.
"""

from __future__ import annotations

from ontherecord.model import Record, Source
from ontherecord.model.identity import Scope, SourceIdentity
from ontherecord.model.names import name_key

# Partial, anonymous and collective sources stay local: two stories' "a senior official" need not
# be one person, and neither need two "Aleksandr, 38"s. Groups ("other recruits") are not people.
_ARCHIVE_IDENTIFICATIONS = frozenset({"named"})
_ARCHIVE_KINDS = frozenset({"person", "organization"})


def identify(record: Record) -> dict[str, SourceIdentity]:
    """The identity decision for each of ``record``'s sources.

    Args:
        record: a Record as the reading half produced it.

    Returns:
        One decision per source, keyed by the source's id in the Record, in the Record's order.
    """
    return {source.id: identify_source(source) for source in record.sources}


def identify_source(source: Source) -> SourceIdentity:
    """Whether ``source`` is one canonical source across the archive, and under which key.

    A full name (identification ``named``) of a person or organisation is archive-wide, keyed by
    its name key; a name that folds to nothing, and every other source, is local.
    """
    if str(source.identification) in _ARCHIVE_IDENTIFICATIONS and str(source.kind) in _ARCHIVE_KINDS:
        key = name_key(source.name)
        if key:
            return SourceIdentity(source.id, Scope.ARCHIVE, "name:" + key)
    return SourceIdentity(source.id, Scope.LOCAL)
