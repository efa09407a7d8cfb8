"""`ontherecord export` through click: every format, and the refusal to overwrite."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from ledger.ledger_builders import follow_up_record, seed_record

from ontherecord.archive import Ledger
from ontherecord.cli import cli, main


@pytest.fixture
def db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "ontherecord.db")
    with Ledger(path) as ledger:
        ledger.write_records([seed_record(), follow_up_record()])
    return path


def export(db: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", db, "export", *args], catch_exceptions=False)


def test_jsonl(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "records.jsonl"
    result = export(db, "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0
    assert f"Wrote 2 records to {out}" in result.output
    ids = [json.loads(line)["article"]["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["follow-up-lviv", "wapo-belarus-battalion"]


def test_csv_and_force(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "attributions.csv"
    assert export(db, "--format", "csv", "--out", str(out)).exit_code == 0
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12
    # One row per attribution of the two hand-made Records, with its cue's words.
    expected = [
        " … ".join(s.slice(record.article.text) for s in a.cue)
        for record in (seed_record(), follow_up_record())
        for a in record.attributions
    ]
    assert sorted(r["cue_text"] for r in rows) == sorted(expected)
    assert {"said", "has reiterated"} <= set(expected)
    again = CliRunner().invoke(cli, ["--db", db, "export", "--format", "csv", "--out", str(out)])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    assert export(db, "--format", "csv", "--out", str(out), "--force").exit_code == 0


def test_parquet_and_sqlite(db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq  # a dev dependency: missing is a broken setup, not a skip
    parquet = tmp_path / "a.parquet"
    assert export(db, "--format", "parquet", "--out", str(parquet)).exit_code == 0
    assert pq.read_table(parquet).num_rows == 12
    copy = tmp_path / "copy.db"
    result = export(db, "--format", "sqlite", "--out", str(copy))
    assert result.exit_code == 0 and "Wrote 12 attributions" in result.output
    # The copy is itself a readable ledger.
    with Ledger(str(copy), create=False) as ledger:
        assert ledger.get_record("follow-up-lviv") == follow_up_record()


def test_unknown_format_is_a_usage_error(db: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, "export", "--format", "xml", "--out", str(tmp_path / "x")])
    assert exited.value.code == 2
    assert "Invalid value for '--format'" in capsys.readouterr().err
