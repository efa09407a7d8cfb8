"""Bad input at the command line: one line naming the file and the problem, a non-zero exit, no
traceback, and nothing already in the ledger changed."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ontherecord", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def ledger_with_seed(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.db"
    result = run("--db", str(db), "ingest", str(SEED))
    assert result.returncode == 0, result.stderr
    return db


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert_one_line_error(run("extract", str(missing)), "nope.txt", "no such file")


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    assert_one_line_error(run("extract", str(tmp_path)), str(tmp_path), "directory")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    assert_one_line_error(run("extract", str(empty)), "empty.txt", "empty")


def test_binary_file(tmp_path: Path) -> None:
    blob = tmp_path / "photo.txt"
    blob.write_bytes(bytes(range(256)) * 64)
    assert_one_line_error(run("extract", str(blob)), "photo.txt", "binary")


def test_invalid_utf8_is_read_with_a_named_fallback(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes(
        "Café owners protest.\n\n“We were never asked,” said José Núñez, who runs a café in Madrid.".encode("cp1252")
    )
    result = run("extract", "--format", "json", str(latin))
    assert result.returncode == 0, result.stderr
    assert "José Núñez" in result.stdout
    assert "latin1.txt" in result.stderr and "cp1252" in result.stderr


def test_html_with_no_article(tmp_path: Path) -> None:
    page = tmp_path / "nav.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    assert_one_line_error(run("extract", str(page)), "nav.html", "no article")


def test_fifty_megabyte_file_is_refused_fast(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert_one_line_error(run("extract", str(big)), "huge.txt", "MB")


def test_database_that_is_not_ours_is_refused_and_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "shop.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table customers (id integer primary key, name text)")
        conn.execute("insert into customers (name) values ('Ada')")
    before = sha(foreign)
    assert_one_line_error(run("--db", str(foreign), "ingest", str(SEED)), "shop.db", "not an ontherecord ledger")
    assert_one_line_error(run("--db", str(foreign), "sources"), "shop.db")
    assert sha(foreign) == before


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: eggs, milk\n" * 100, encoding="utf-8")
    before = sha(notes)
    assert_one_line_error(run("--db", str(notes), "sources"), "notes.db")
    assert sha(notes) == before


def test_bad_input_leaves_the_ledger_unchanged(ledger_with_seed: Path, tmp_path: Path) -> None:
    db = ledger_with_seed
    before = run("--db", str(db), "articles").stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run("--db", str(db), "ingest", str(empty))
    assert "empty" in result.stderr + result.stdout
    assert run("--db", str(db), "articles").stdout == before


def test_unknown_source(ledger_with_seed: Path) -> None:
    assert_one_line_error(run("--db", str(ledger_with_seed), "impact", "Nobody Atall"), "Nobody Atall")
