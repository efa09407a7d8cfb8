"""Exports that cannot harm (issue 12): never onto the ledger, its WAL/SHM, a link, a device, a FIFO
or a directory, --force or not, and the target is left as it was; CSV cells cannot run as formulas."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger.ledger_builders import _Builder, follow_up_record, seed_record

from ontherecord.archive import Ledger
from ontherecord.cli import cli, main
from ontherecord.model import Article, AttributionKind, Identification, SourceKind
from ontherecord.query.export import ExportError, export, neutralise_formula


@pytest.fixture
def ledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Ledger(str(tmp_path / "news.db")) as opened:
        opened.write_records([seed_record(), follow_up_record()])
        yield opened


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ledger_file(tmp: Path) -> Path:
    return tmp / "news.db"


def _wal(tmp: Path) -> Path:
    return tmp / "news.db-wal"


def _shm(tmp: Path) -> Path:
    return tmp / "news.db-shm"


def _via_other_folder(tmp: Path) -> Path:
    (tmp / "sub").mkdir()
    return tmp / "sub" / ".." / "news.db"


def _hard_link(tmp: Path) -> Path:
    os.link(tmp / "news.db", tmp / "same.db")
    return tmp / "same.db"


def _symlink_to_a_file(tmp: Path) -> Path:
    (tmp / "precious.txt").write_text("keep me", encoding="utf-8")
    (tmp / "link.csv").symlink_to(tmp / "precious.txt")
    return tmp / "link.csv"


def _dangling_symlink(tmp: Path) -> Path:
    (tmp / "dangling.csv").symlink_to(tmp / "nowhere" / "file.csv")
    return tmp / "dangling.csv"


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.csv")
    return tmp / "pipe.csv"


def _directory(tmp: Path) -> Path:
    (tmp / "folder.csv").mkdir()
    return tmp / "folder.csv"


def _device(tmp: Path) -> Path:
    return Path(os.devnull)


REFUSED: list[tuple[Callable[[Path], Path], str]] = [
    (_ledger_file, "that is the ledger itself"),
    (_wal, "that is the ledger's write-ahead log"),
    (_shm, "that is the ledger's shared-memory file"),
    (_via_other_folder, "that is the ledger itself"),
    (_hard_link, "that is the ledger itself"),
    (_symlink_to_a_file, "is a symbolic link"),
    (_dangling_symlink, "is a symbolic link"),
    (_fifo, "is a FIFO"),
    (_directory, "is a directory"),
    (_device, "is a device"),
]


@pytest.mark.parametrize(("make", "problem"), REFUSED, ids=[m.__name__.strip("_") for m, _ in REFUSED])
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "sqlite"])
def test_refused_with_force_and_left_untouched(
    ledger: Ledger, tmp_path: Path, make: Callable[[Path], Path], problem: str, fmt: str
) -> None:
    target = make(tmp_path)
    before = os.lstat(target) if os.path.lexists(target) else None
    real = target.resolve()
    content = _digest(real) if real.is_file() else None
    ledger_before = _digest(tmp_path / "news.db")
    with pytest.raises(ExportError, match=problem):
        export(ledger, fmt, target, overwrite=True)
    if before is not None:
        after = os.lstat(target)
        assert (after.st_ino, after.st_mode, after.st_size) == (before.st_ino, before.st_mode, before.st_size)
    else:
        assert not os.path.lexists(target)
    if content is not None:
        assert _digest(real) == content
    assert _digest(tmp_path / "news.db") == ledger_before
    assert ledger.counts()["articles"] == 2
    assert not list(tmp_path.glob("*.partial"))


def test_the_ledger_named_by_a_sqlite_url_is_refused_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Ledger("sqlite:///news.db") as opened:
        opened.write_record(seed_record())
        with pytest.raises(ExportError, match="that is the ledger itself"):
            export(opened, "jsonl", "news.db", overwrite=True)


def test_a_regular_file_is_replaced_only_with_force(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        export(ledger, "jsonl", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert export(ledger, "jsonl", out, overwrite=True) == 2
    assert out.read_text(encoding="utf-8").count("\n") == 2


def test_the_cli_refuses_in_one_line_with_exit_1(
    ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target in (tmp_path / "news.db", tmp_path / "news.db-wal", _directory(tmp_path)):
        with pytest.raises(SystemExit) as caught:
            main(
                [
                    "--db",
                    str(tmp_path / "news.db"),
                    "export",
                    "--format",
                    "csv",
                    "--out",
                    str(target),
                    "--force",
                ]
            )
        assert caught.value.code == 1
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"Error: {target}: ")
    assert ledger.counts()["articles"] == 2


# -- CSV formulas -------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tindent", "\rback"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert neutralise_formula(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["Kulazhanka", "“Life is about leaps,”", "2022-04-07", "a=b", "", "'already"]
)
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise_formula(cell) == cell


def _formula_record():  # type: ignore[no-untyped-def]
    text = "=1+2 said the analyst.\n\n@everyone, said -Bob-, +44 20 7946 0000 is the number."
    b = _Builder(Article(id="=cmd|' /C calc'!A0", text=text, title="-2+3", url="@evil"))
    bob = b.source('=HYPERLINK("http://evil")', SourceKind.PERSON, Identification.NAMED)
    b.attribution(
        bob, AttributionKind.INDIRECT, [("-Bob-", None)], [("said", "@everyone")], [("@everyone", None)]
    )
    b.attribution(bob, AttributionKind.INDIRECT, [("the analyst", None)], [("said", None)], [("=1+2", None)])
    return b.record()


def test_every_csv_cell_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    with Ledger(db) as opened:
        opened.write_record(_formula_record())
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(cli, ["--db", db, "export", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    first = rows[0]
    assert first["article_id"] == "'=cmd|' /C calc'!A0"
    assert first["title"] == "'-2+3" and first["url"] == "'@evil"
    assert first["source_name"] == '\'=HYPERLINK("http://evil")'
    assert {r["content_text"] for r in rows} == {"'@everyone", "'=1+2"}
    assert {r["source_text"] for r in rows} == {"'-Bob-", "the analyst"}
