"""`ontherecord failures`: the failures table, which had no command to read it (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ontherecord.archive import Ledger
from ontherecord.cli import cli


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_lists_what_ingest_recorded(tmp_path: Path) -> None:
    archive = tmp_path / "archive.jsonl"
    archive.write_text('{not json\n{"id": "x"}\n', encoding="utf-8")
    db = str(tmp_path / "l.db")
    CliRunner().invoke(cli, ["--db", db, "ingest", "--no-progress", str(archive)])
    out = _run("--db", db, "failures")
    lines = out.splitlines()
    assert lines[0].split() == ["time", "origin", "stage", "message"]
    assert f"{archive}:1" in lines[2] and "read" in lines[2] and "not JSON" in lines[2]
    assert f"{archive}:2" in lines[3] and 'no "text" or "html"' in lines[3]
    rows = json.loads(_run("--db", db, "failures", "--format", "json"))
    assert [(r["origin"], r["stage"]) for r in rows] == [(f"{archive}:1", "read"), (f"{archive}:2", "read")]
    assert all(r["message"] and r["created_at"] for r in rows)


def test_limit_shows_the_latest_and_says_how_many_there_are(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    with Ledger(db) as ledger:
        for i in range(5):
            ledger.record_failure(f"file{i}.txt", "read", "empty file")
    out = _run("--db", db, "failures", "--limit", "2")
    assert "file3.txt" in out and "file4.txt" in out and "file2.txt" not in out
    assert "2 of 5 failures shown" in out
    rows = json.loads(_run("--db", db, "failures", "--limit", "2", "--format", "json"))
    assert [r["origin"] for r in rows] == ["file3.txt", "file4.txt"]
    assert len(json.loads(_run("--db", db, "failures", "--all", "--format", "json"))) == 5


def test_none_recorded(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    Ledger(db).close()
    assert _run("--db", db, "failures").strip() == "No failures recorded."
    assert json.loads(_run("--db", db, "failures", "--format", "json")) == []
