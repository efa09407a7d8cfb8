"""Exports of the two-article ledger: JSONL Records, CSV/Parquet attribution rows, a SQLite copy."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from ledger.ledger_builders import SEED_TEXT, follow_up_record, seed_record

from ontherecord.archive import Ledger
from ontherecord.model.serialize import record_from_json
from ontherecord.query.export import ATTRIBUTION_COLUMNS, ExportError, export


def test_jsonl_is_one_latest_record_per_line(two_articles: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    two_articles.write_record(seed_record(text=SEED_TEXT + "\nUpdate: corrected."))
    out = tmp_path / "records.jsonl"
    assert export(two_articles, "jsonl", out) == 2
    records = [record_from_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(records, key=lambda r: r.article.id) == [
        follow_up_record(),
        seed_record(text=SEED_TEXT + "\nUpdate: corrected."),
    ]


def test_csv_has_one_row_per_attribution_with_span_text(two_articles: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "attributions.csv"
    n = export(two_articles, "csv", out)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == len(seed_record().attributions) + len(follow_up_record().attributions)
    assert tuple(rows[0]) == ATTRIBUTION_COLUMNS
    quote = next(r for r in rows if r["content_text"].startswith("“Life is about"))
    assert quote["source_name"] == "Pavel Kulazhanka"
    assert quote["source_identification"] == "named"
    assert quote["source_text"] == "Kulazhanka" and quote["cue_text"] == "said"
    assert quote["title"].startswith("Belarus’s battalion")
    start, end = (int(x) for x in quote["content_offsets"].split(";")[0].split("-"))
    assert SEED_TEXT[start:end] == "“Life is about leaps and bounds,”"
    unproven = next(r for r in rows if r["source_name"] == "Ukraine’s military")
    assert unproven["qualifiers"] == "unproven"


def test_parquet_matches_csv(two_articles: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq  # a dev dependency: missing is a broken setup, not a skip
    out = tmp_path / "attributions.parquet"
    n = export(two_articles, "parquet", out)
    table = pq.read_table(out)
    assert table.num_rows == n == 12
    assert tuple(table.column_names) == ATTRIBUTION_COLUMNS
    rows = table.to_pylist()
    quote = next(r for r in rows if r["content_text"].startswith("“We are ready"))
    assert quote["source_name"] == "Pável Kulazhanka"
    start, end = quote["content_offsets"][0]
    assert follow_up_record().article.text[start:end] == quote["content_text"]


def test_parquet_without_pyarrow_says_how_to_install(two_articles: Ledger, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("pyarrow"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = tmp_path / "x.parquet"
    with pytest.raises(ExportError, match=r"pip install 'ontherecord\[parquet\]'"):
        export(two_articles, "parquet", out)
    assert not out.exists()


def test_sqlite_copy_opens_with_plain_tables_and_views(two_articles: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    two_articles.flag("Kulazhanka", reason="invented his biography")
    out = tmp_path / "archive.db"
    assert export(two_articles, "sqlite", out) == 12
    conn = sqlite3.connect(out)
    try:
        kinds = dict(
            conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
        )
        assert {
            "articles",
            "article_versions",
            "sources",
            "attributions",
            "spans",
            "reliance",
            "flags",
        } <= set(kinds)
        assert kinds["latest_attributions"] == kinds["source_status"] == "view"
        quote = conn.execute(
            "SELECT source_name, cue_text, content_text FROM latest_attributions WHERE content_text LIKE '“Life%'"
        ).fetchone()
        assert quote == (
            "Pavel Kulazhanka",
            "said",
            "“Life is about leaps and bounds,” … “Fighting Lukashenko was one thing.",
        )
        status = conn.execute(
            "SELECT articles, attributions, status FROM source_status WHERE name = 'Pavel Kulazhanka'"
        ).fetchone()
        assert status == (2, 4, "discredited")
        resting = conn.execute(
            "SELECT count(*) FROM sentences_resting_on_sources WHERE source_name LIKE '%Kulazhanka'"
        ).fetchone()[0]
        assert resting == 8
    finally:
        conn.close()


def test_sqlite_copy_in_datasette(two_articles: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    import datasette.app as datasette_app  # a dev dependency, like pyarrow

    out = tmp_path / "archive.db"
    export(two_articles, "sqlite", out)

    async def tables() -> list[str]:
        ds = datasette_app.Datasette([str(out)])
        db = ds.get_database("archive")
        return await db.table_names() + await db.view_names()

    names = asyncio.run(tables())
    assert {"attributions", "spans", "latest_attributions", "source_status"} <= set(names)


def test_export_refuses_to_overwrite_or_to_hit_the_ledger(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ledger.db"
    with Ledger(str(path)) as ledger:
        ledger.write_record(follow_up_record())
        with pytest.raises(ExportError, match="that is the ledger itself"):
            export(ledger, "sqlite", path, overwrite=True)
        existing = tmp_path / "old.csv"
        existing.write_text("keep me")
        with pytest.raises(ExportError, match="already exists"):
            export(ledger, "csv", existing)
        assert existing.read_text() == "keep me"
        assert export(ledger, "csv", existing, overwrite=True) == 5
        with pytest.raises(ExportError, match="unknown export format"):
            export(ledger, "xml", tmp_path / "x.xml")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")) == []
