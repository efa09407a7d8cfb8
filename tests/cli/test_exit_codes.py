"""Exit statuses (issue 12): one table, 0 when all went well, 1 for bad input, 3 for not found,
70 only for a bug, and never a traceback, an exception's own text or a password on the way."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ledger.ledger_builders import seed_record

from ontherecord.archive import Ledger
from ontherecord.cli import main
from ontherecord.cli.exit_codes import EXIT_CODES, ExitCode

REPO = Path(__file__).resolve().parent.parent.parent


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    out, err = capsys.readouterr()
    code = caught.value.code
    return (code if isinstance(code, int) else 0), [line for line in err.splitlines() if line.strip()], out


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "ledger.db")
    with Ledger(path) as ledger:
        ledger.write_record(seed_record())
    return path


def test_every_status_is_documented_in_the_cli_reference() -> None:
    reference = (REPO / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {int(code)} | {meaning} |" in reference
    assert set(EXIT_CODES) == set(ExitCode)


def test_success_is_0(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, err, out = _main(capsys, "--db", db, "articles")
    assert (code, err) == (0, []) and "wapo-belarus-battalion" in out


def test_not_found_is_3(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, err, _ = _main(capsys, "--db", db, "show", "no-such-article")
    assert code == 3 and len(err) == 1 and "no-such-article" in err[0]


def test_a_bug_is_70_and_shows_where_but_not_what(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Ledger) -> None:
        raise ValueError("SELECT secret FROM articles WHERE text = 'the article text'")

    monkeypatch.setattr(Ledger, "articles", broken)
    code, err, _ = _main(capsys, "--db", db, "articles")
    assert code == 70
    (line,) = err
    assert line.startswith("Error: internal error (ValueError at ")
    assert "ontherecord/cli/ledger.py:" in line and "--debug" in line  # the last frame of ours
    assert "SELECT" not in line and "article text" not in line


def test_an_os_error_is_bad_input_not_a_bug(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: Ledger) -> None:
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr(Ledger, "articles", refused)
    code, err, _ = _main(capsys, "--db", db, "articles")
    assert (code, err) == (1, ["Error: /some/file: Permission denied"])


def test_undecodable_bytes_in_a_path_argument_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Python makes of the bytes b"caf\xe9.txt" (Latin-1) in argv: a lone surrogate. Used to be exit 70.
    name = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt")
    code, err, _ = _main(capsys, "--db", str(tmp_path / "l.db"), "ingest", name)
    assert code == 1
    (line,) = err
    assert "caf\\xe9.txt" in line and "no such file" in line  # the byte escaped, never raw
    assert "\udce9" not in line
    assert not (tmp_path / "l.db").exists()


def test_undecodable_bytes_in_the_ledger_url_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.db")
    code, err, _ = _main(capsys, "--db", db, "ingest", str(tmp_path))
    assert code == 1
    (line,) = err
    assert line.startswith("Error: --db is not valid UTF-8") and "caf\\xe9.db" in line
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://user:secretpw@db.example:notaport/news", "the port must be a number"),
        ("postgresql://user:secretpw@db.example:99999/news", "port 99999 is out of range"),
        ("postgresql://user:secretpw@[::1/news", "not a valid database URL"),
        ("sqlite:///{tmp}/x.db?timeout=abc", "a bad option in the URL (timeout)"),
        ("sqlite:///{tmp}/x.db?tiemout=5", "a bad option in the URL (tiemout)"),
        ("nosuchdialect://user:secretpw@host/db", "cannot open"),
    ],
)
@pytest.mark.parametrize("command", [["articles"], ["ingest", "{tmp}"]])
def test_a_malformed_db_url_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str, problem: str, command: list[str]
) -> None:
    url = url.format(tmp=tmp_path)
    code, err, _ = _main(capsys, "--db", url, *(c.format(tmp=tmp_path) for c in command))
    assert code == 1, err
    (line,) = err
    assert problem in line
    assert "secretpw" not in line and "Traceback" not in line


def test_a_relative_sqlite_url_names_a_file_in_the_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Ledger("sqlite:///relative.db") as ledger:
        ledger.write_record(seed_record())
    assert (tmp_path / "relative.db").exists()
    code, _, out = _main(capsys, "--db", "sqlite:///relative.db", "articles", "--format", "json")
    assert code == 0 and [a["id"] for a in json.loads(out)] == ["wapo-belarus-battalion"]


def test_ingest_where_every_input_failed_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "broken.jsonl"
    archive.write_text('{not json\n{"id": "no-text"}\n', encoding="utf-8")
    code, _, out = _main(capsys, "--db", str(tmp_path / "l.db"), "ingest", "--no-progress", str(archive))
    assert code == 1
    assert "2 article(s) failed" in out and f"{archive}:1" in out and f"{archive}:2" in out
    with Ledger(str(tmp_path / "l.db")) as ledger:
        assert len(ledger.failures()) == 2
