"""`ontherecord ingest`: a directory of real articles, missing paths, failures, the JSON summary."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ontherecord.archive import Ledger
from ontherecord.cli import cli

BATCH_DATA = Path(__file__).resolve().parent.parent / "data" / "batch" / "texts"


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_ingest_directory_prints_a_summary_and_fills_the_ledger(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    result = _run("--db", db, "ingest", str(BATCH_DATA), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Read 6 articles" in result.output
    assert re.search(r"^  new +6$", result.output, re.M)
    with Ledger(db) as ledger:
        assert ledger.counts()["articles"] == 6


def test_ingest_json_summary_and_rerun(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    args = ("--db", db, "ingest", str(BATCH_DATA), "--no-progress", "--format", "json")
    first = json.loads(_run(*args).output)
    assert (first["new"], first["failed"]) == (6, 0)
    second = json.loads(_run(*args).output)
    assert (second["new"], second["skipped"]) == (0, 6)


def test_missing_path_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    missing = tmp_path / "no-such-archive.jsonl"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(BATCH_DATA), str(missing)])
    assert result.exit_code != 0
    assert str(missing) in result.output
    assert "Traceback" not in result.output
    assert not db.exists()


def test_failures_are_counted_the_good_are_stored_and_the_exit_is_1(tmp_path: Path) -> None:
    archive = tmp_path / "archive.jsonl"
    text = (BATCH_DATA / "politico_2016-09-28_axelrod-calls-on-dean-to-apologi.txt").read_text().split("\n", 1)[1]
    good = json.dumps({"id": "a1", "title": "Axelrod", "text": text})
    archive.write_text(good + "\n{not json at all\n")
    db = str(tmp_path / "l.db")
    result = _run("--db", db, "ingest", str(archive), "--no-progress")
    # Issue 12: a batch where some items failed is not "all went well" (it used to exit 0).
    assert result.exit_code == 1
    assert "1 article(s) failed" in result.output
    assert f"{archive}:2" in result.output
    with Ledger(db) as ledger:
        assert [a.id for a in ledger.articles()] == ["a1"]


def test_python_dash_m_ingest_on_a_directory(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    proc = subprocess.run(
        [sys.executable, "-m", "ontherecord", "--db", db, "ingest", str(BATCH_DATA), "--format", "json"],
        capture_output=True, text=True, timeout=300, env={**os.environ},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["new"] == 6
    # The progress line goes to stderr, never into the data on stdout.
    assert "articles" in proc.stderr
    with Ledger(db) as ledger:
        assert ledger.integrity_problems() == []


def test_ingest_the_bundled_articles_reads_the_articles_not_the_readme(tmp_path: Path) -> None:
    articles = BATCH_DATA.parent.parent / "articles"
    assert (articles / "README.md").exists()
    db = str(tmp_path / "l.db")
    summary = json.loads(
        _run("--db", db, "ingest", str(articles), "--no-progress", "--format", "json").output
    )
    assert (summary["read"], summary["new"], summary["failed"]) == (6, 6, 0)
    with Ledger(db) as ledger:
        assert "README" not in {a.id for a in ledger.articles()}
