"""Stage ⑦: the read side of the ledger — name resolution, source profiles, impact and draft
corrections, version diffs, exports. No SQL here: every read goes through ``ontherecord.ledger``."""

from __future__ import annotations

from ontherecord.query.corrections import Impact, ImpactArticle, ImpactSentence, draft_correction, impact
from ontherecord.query.diffs import VersionDiff, diff_records, version_diff
from ontherecord.query.export import FORMATS, ExportError, export
from ontherecord.query.names import AmbiguousNameError, resolve_source
from ontherecord.query.profiles import SourceProfile, source_profile

__all__ = [
    "FORMATS",
    "AmbiguousNameError",
    "ExportError",
    "Impact",
    "ImpactArticle",
    "ImpactSentence",
    "SourceProfile",
    "VersionDiff",
    "diff_records",
    "draft_correction",
    "export",
    "impact",
    "resolve_source",
    "source_profile",
    "version_diff",
]
