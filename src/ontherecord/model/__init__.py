"""Stage ①: the plain data of ontherecord (stdlib only; imported by everything, imports nothing of ours)."""

from ontherecord.model.article import Article, Note, NoteKind, Page
from ontherecord.model.attribution import Attribution, AttributionKind, Qualifier
from ontherecord.model.failure import Failure
from ontherecord.model.record import Record, Reliance, RelianceHow, Sentence
from ontherecord.model.source import Descriptors, Identification, Source, SourceKind
from ontherecord.model.spans import CharSpan

__all__ = [
    "Article",
    "Attribution",
    "AttributionKind",
    "CharSpan",
    "Descriptors",
    "Failure",
    "Identification",
    "Note",
    "NoteKind",
    "Page",
    "Qualifier",
    "Record",
    "Reliance",
    "RelianceHow",
    "Sentence",
    "Source",
    "SourceKind",
]
