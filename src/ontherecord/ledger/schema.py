"""Stage ⑥: the ledger's tables as SQLAlchemy Core objects (dialect-neutral: SQLite and PostgreSQL).

Every row of an article's reading is keyed by ``(article_id, version, <the Record's own id>)``, so a
version is an immutable bundle: a new text adds rows under a new version and never touches old ones.
Spans, sentences and qualifiers keep their text beside their offsets, so drift between the stored
article text and a stored span is detectable (see ``integrity.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Named constraints keep migrations and error messages the same on both dialects.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# The mark that says "this database is an ontherecord ledger" and which schema it has.
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

migrations = Table(
    "migrations",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("applied_at", String(40), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),
    # Derived from article_versions, kept here so "the current text" is one indexed lookup.
    Column("latest_version", Integer, nullable=False),
    Column("first_seen", String(40), nullable=False),
    # Covering: "is this row the latest version?" is answered from the index alone, which makes
    # the archive-wide counts of sources() several times faster on large ledgers.
    Index(None, "id", "latest_version"),
)

article_versions = Table(
    "article_versions",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", Text, nullable=False),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("url", Text),
    Column("published", Text),
    Column("origin", Text),
    Column("written_at", String(40), nullable=False),
    # Writing the same text twice must find the first write, also under concurrent writers.
    UniqueConstraint("article_id", "content_hash"),
    # Covering: impact() lists thousands of articles' titles and dates, and a row holds its text
    # before its date, so reading the row itself means reading the text's overflow pages too.
    Index(None, "article_id", "version", "title", "published"),
)


def _version_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["article_id", "version"], ["article_versions.article_id", "article_versions.version"]
    )


# Canonical sources: a named person or organisation is one row across the archive (keyed as
# ontherecord.identity decides, by model.names.name_key); partial, anonymous and collective sources
# get one row per article version, because "a source familiar with the situation" in two stories
# need not be one person.
sources = Table(
    "sources",
    metadata,
    Column("id", Text, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("identification", String(32), nullable=False),
    Column("scope", String(16), nullable=False),  # "archive" (canonical by name) or "local"
    # Last word of the name key of archive-scope sources, so "impact Kulazhanka" is an index lookup.
    Column("last_name", Text, index=True),
    Column("first_seen", String(40), nullable=False),
)

article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("source_id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("canonical_id", Text, ForeignKey("sources.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("identification", String(32), nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list, in the Record's order
    Column("age", Integer),
    Column("role", Text),
    Column("gender", Text),
    Column("protected", Boolean, nullable=False),
    _version_fk(),
    Index(None, "canonical_id", "article_id", "version"),
)

notes = Table(
    "notes",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("source_ids", Text, nullable=False),  # JSON list of local source ids
    _version_fk(),
)

attributions = Table(
    "attributions",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("source_id", Text),  # local id in the Record; NULL for PolNeAR's no-source
    Column("canonical_id", Text, ForeignKey("sources.id")),
    Column("kind", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    _version_fk(),
    Index(None, "canonical_id", "article_id", "version"),
)

spans = Table(
    "spans",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("attribution_id", Text, primary_key=True),
    Column("role", String(16), primary_key=True),  # source | cue | content
    Column("position", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    ForeignKeyConstraint(
        ["article_id", "version", "attribution_id"],
        ["attributions.article_id", "attributions.version", "attributions.id"],
    ),
)

qualifiers = Table(
    "qualifiers",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("attribution_id", Text, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    ForeignKeyConstraint(
        ["article_id", "version", "attribution_id"],
        ["attributions.article_id", "attributions.version", "attributions.id"],
    ),
)

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    _version_fk(),
)

# Named: the convention's name for five columns would exceed PostgreSQL's 63-character limit.
RELIANCE_BY_SOURCE = "ix_reliance_by_source"

# Which sentence rests on whose word. canonical_id is denormalised from article_sources and indexed
# so that impact() is one index range scan, whatever the size of the archive. The index covers
# sentence_position and how as well: impact() then never reads the table itself, which on a source
# quoted in thousands of articles saves one row lookup per sentence (migration 0002).
reliance = Table(
    "reliance",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("sentence_position", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("source_id", Text, nullable=False),
    Column("canonical_id", Text, ForeignKey("sources.id"), nullable=False),
    Column("how", String(32), nullable=False),
    ForeignKeyConstraint(
        ["article_id", "version", "sentence_position"],
        ["sentences.article_id", "sentences.version", "sentences.position"],
    ),
    Index(RELIANCE_BY_SOURCE, "canonical_id", "article_id", "version", "sentence_position", "how"),
)

# Append-only: a source's status is its latest event, and history is never edited.
flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Text, ForeignKey("sources.id"), nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("author", Text),
    Column("created_at", String(40), nullable=False),
)

# The ledger's one event chain: flags now, and later dossier reads and grants, merges and splits,
# approved corrections and key rotations. Append-only, gapless by seq, and each entry's hash covers
# the one before it, so an edit, a deletion or a reordering made behind the ledger's back shows
# (``events.py``). fields and detail are JSON text: names of what was touched and the event's
# non-private data, never the values of private fields.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", Text),  # NULL: the CLI's operator, who is not an account
    Column("action", String(64), nullable=False),
    Column("subject_kind", String(32)),
    Column("subject_id", Text),
    Column("fields", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    # "Everything that happened to this source" (its flags now; its dossier's reads later).
    Index(None, "subject_kind", "subject_id"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

# Tables holding one article version's reading, children before parents (for integrity checks).
VERSION_TABLES = (reliance, sentences, qualifiers, spans, attributions, notes, article_sources)
