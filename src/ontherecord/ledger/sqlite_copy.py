"""Stage ⑥: copy a ledger (either dialect) into a standalone SQLite file of plain tables and views.

The copy is what an analyst opens with ``datasette`` or ``sqlite3``: every table of the ledger,
plus views that put the text of each span beside its attribution and a status beside each source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, insert, select

from ontherecord.ledger import schema

_CHUNK = 2000

# Views read only the latest version of each article: the archive as it stands today.
_VIEWS = {
    "latest_attributions": """
        SELECT at.article_id, av.title, av.published, at.id AS attribution_id, at.kind,
               at.confidence, ars.name AS source_name, ars.identification, ars.kind AS source_kind,
               at.canonical_id,
               (SELECT group_concat(text, ' … ') FROM (SELECT text FROM spans s
                 WHERE s.article_id = at.article_id AND s.version = at.version
                   AND s.attribution_id = at.id AND s.role = 'source' ORDER BY s.position)) AS source_text,
               (SELECT group_concat(text, ' … ') FROM (SELECT text FROM spans s
                 WHERE s.article_id = at.article_id AND s.version = at.version
                   AND s.attribution_id = at.id AND s.role = 'cue' ORDER BY s.position)) AS cue_text,
               (SELECT group_concat(text, ' … ') FROM (SELECT text FROM spans s
                 WHERE s.article_id = at.article_id AND s.version = at.version
                   AND s.attribution_id = at.id AND s.role = 'content' ORDER BY s.position)) AS content_text
        FROM attributions at
        JOIN articles a ON a.id = at.article_id AND a.latest_version = at.version
        JOIN article_versions av ON av.article_id = at.article_id AND av.version = at.version
        LEFT JOIN article_sources ars ON ars.article_id = at.article_id AND ars.version = at.version
             AND ars.source_id = at.source_id
        ORDER BY at.article_id, at.position
    """,
    "source_status": """
        SELECT so.id, so.name, so.kind, so.identification, so.scope,
               (SELECT count(DISTINCT ars.article_id) FROM article_sources ars
                  JOIN articles a ON a.id = ars.article_id AND a.latest_version = ars.version
                 WHERE ars.canonical_id = so.id) AS articles,
               (SELECT count(*) FROM attributions at
                  JOIN articles a ON a.id = at.article_id AND a.latest_version = at.version
                 WHERE at.canonical_id = so.id) AS attributions,
               (SELECT f.status FROM flags f WHERE f.source_id = so.id ORDER BY f.id DESC LIMIT 1) AS status,
               (SELECT f.reason FROM flags f WHERE f.source_id = so.id ORDER BY f.id DESC LIMIT 1) AS flag_reason
        FROM sources so
    """,  # noqa: E501 -- view SQL as stored in users' copies; rewrapping would change their schema text
    "sentences_resting_on_sources": """
        SELECT r.article_id, av.title, se.position AS sentence, se.text, r.how,
               ars.name AS source_name, r.canonical_id
        FROM reliance r
        JOIN articles a ON a.id = r.article_id AND a.latest_version = r.version
        JOIN article_versions av ON av.article_id = r.article_id AND av.version = r.version
        JOIN sentences se ON se.article_id = r.article_id AND se.version = r.version
             AND se.position = r.sentence_position
        JOIN article_sources ars ON ars.article_id = r.article_id AND ars.version = r.version
             AND ars.source_id = r.source_id
        ORDER BY r.article_id, se.position
    """,
}


def copy_to_sqlite(conn: Connection, path: Path) -> dict[str, int]:
    """Write every ledger table and the analysis views into a new SQLite file; returns row counts."""
    target = create_engine(f"sqlite:///{path}")
    counts: dict[str, int] = {}
    try:
        with target.begin() as out:
            schema.metadata.create_all(out)
            for table in schema.metadata.sorted_tables:
                n = 0
                batch: list[dict[str, Any]] = []
                for row in conn.execution_options(yield_per=_CHUNK).execute(select(table)).mappings():
                    batch.append(dict(row))
                    if len(batch) >= _CHUNK:
                        out.execute(insert(table), batch)
                        n += len(batch)
                        batch = []
                if batch:
                    out.execute(insert(table), batch)
                    n += len(batch)
                counts[table.name] = n
            for name, sql in _VIEWS.items():
                out.exec_driver_sql(f"CREATE VIEW {name} AS {sql}")
    finally:
        target.dispose()
    return counts
