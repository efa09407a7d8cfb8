"""Stage ⑥: ordered, named schema migrations, each recorded in the ``migrations`` table when applied.

The pattern is sqlite-utils' ``migrations.py``: a migration is a plain function of a Connection,
registered in order under a name that never changes. A database that records a migration this
code does not know was written by a newer ontherecord and is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Index, insert, select, text

from ontherecord.errors import LedgerError
from ontherecord.ledger import schema

MigrationFunction = Callable[[Connection], None]
APPLICATION = "ontherecord"


def now() -> str:
    """The ledger's timestamps: ISO 8601 in UTC, text so both dialects store and sort them alike."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class Migrations:
    """An ordered list of named migrations."""

    steps: list[tuple[str, MigrationFunction]] = field(default_factory=list)

    def __call__(self, name: str) -> Callable[[MigrationFunction], MigrationFunction]:
        """Register the decorated function as the next migration, under ``name``."""

        def register(fn: MigrationFunction) -> MigrationFunction:
            if any(existing == name for existing, _ in self.steps):
                raise ValueError(f"migration {name!r} registered twice")
            self.steps.append((name, fn))
            return fn

        return register

    def applied(self, conn: Connection) -> list[str]:
        """Names already applied to the database, in the order they were applied."""
        if not conn.dialect.has_table(conn, schema.migrations.name):
            return []
        rows = conn.execute(select(schema.migrations.c.name).order_by(schema.migrations.c.position)).all()
        return [r[0] for r in rows]

    def pending(self, conn: Connection) -> list[str]:
        """Names not yet applied. Raises LedgerError for a database from a newer ontherecord."""
        done = self.applied(conn)
        known = [name for name, _ in self.steps]
        unknown = [name for name in done if name not in known]
        if unknown:
            raise LedgerError(
                f"the ledger was written by a newer ontherecord (unknown migration {unknown[0]!r})"
            )
        return [name for name in known if name not in done]

    def apply(self, conn: Connection) -> list[str]:
        """Apply every pending migration in order, recording each; returns the names applied."""
        schema.migrations.create(conn, checkfirst=True)
        schema.meta.create(conn, checkfirst=True)
        todo = self.pending(conn)
        position = len(self.applied(conn))
        for name, fn in self.steps:
            if name not in todo:
                continue
            fn(conn)
            position += 1
            conn.execute(insert(schema.migrations).values(name=name, position=position, applied_at=now()))
        _write_mark(conn, schema_version=position)
        return todo


def _write_mark(conn: Connection, schema_version: int) -> None:
    current = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())
    wanted = {"application": APPLICATION, "schema_version": str(schema_version)}
    for key, value in wanted.items():
        if key not in current:
            conn.execute(insert(schema.meta).values(key=key, value=value))
        elif current[key] != value:
            conn.execute(schema.meta.update().where(schema.meta.c.key == key).values(value=value))


LEDGER_MIGRATIONS = Migrations()

_CORE_TABLES = [
    schema.articles,
    schema.article_versions,
    schema.sources,
    schema.article_sources,
    schema.notes,
    schema.attributions,
    schema.spans,
    schema.qualifiers,
    schema.sentences,
    schema.reliance,
    schema.flags,
    schema.failures,
]


@LEDGER_MIGRATIONS("0001_core_tables")
def _core_tables(conn: Connection) -> None:
    # checkfirst: a crash between DDL and the migration record must not make the next open fail.
    schema.metadata.create_all(conn, tables=_CORE_TABLES, checkfirst=True)


# The index 0001 created on reliance; its columns lead the covering index that replaces it.
_RELIANCE_BY_SOURCE_0001 = "ix_reliance_canonical_id_article_id_version"
_IMPACT_INDEXES = (
    schema.RELIANCE_BY_SOURCE,
    "ix_article_versions_article_id_version_title_published",
    "ix_articles_id_latest_version",
)


@LEDGER_MIGRATIONS("0002_impact_covering_indexes")
def _impact_covering_indexes(conn: Connection) -> None:
    # impact() on a source quoted in thousands of articles reads only indexes, apart from one
    # lookup per sentence for its text. A ledger created after this release already has these
    # indexes from 0001's create_all (which builds tables as schema.py now declares them); older
    # ones get them here, hence checkfirst. The articles index is in that list because ledgers
    # created before schema.py declared it lack it too.
    # By name, so that indexes declared later are left to the migrations that add them.
    declared: dict[str | None, Index] = {
        i.name: i for t in (schema.reliance, schema.article_versions, schema.articles) for i in t.indexes
    }
    for name in _IMPACT_INDEXES:
        declared[name].create(conn, checkfirst=True)
    # Every query the old, narrower reliance index served is served by the new one's prefix.
    conn.execute(text(f"DROP INDEX IF EXISTS {_RELIANCE_BY_SOURCE_0001}"))


@LEDGER_MIGRATIONS("0003_audit_log")
def _audit_log(conn: Connection) -> None:
    # The event chain, and an event for every flag stored before it existed, in their order, so
    # an upgraded ledger verifies and keeps every flag.
    # lazy: an import cycle: events imports now() from this module.
    from ontherecord.ledger import events

    schema.audit_log.create(conn, checkfirst=True)
    events.backfill_flag_events(conn)
