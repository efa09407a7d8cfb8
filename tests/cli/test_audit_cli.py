"""`ontherecord audit verify` and `audit show`, on SQLite and PostgreSQL, untouched and tampered with."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from ledger.ledger_builders import follow_up_record, ledger_params, open_fresh_ledger, seed_record
from sqlalchemy import create_engine, text

from ontherecord.archive import Ledger
from ontherecord.cli import cli, main
from ontherecord.ledger.engine import normalize_url


@pytest.fixture(params=ledger_params())
def db(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = open_fresh_ledger(request.param, tmp_path)
    with Ledger(url) as ledger:
        ledger.write_records([seed_record(), follow_up_record()])
    for n, (name, status) in enumerate(
        [("Kulazhanka", "discredited"), ("Tsikhanouskaya", "disputed"), ("Kulazhanka", "cleared")], start=1
    ):
        invoke(url, "flag", name, "--reason", f"reason {n}", "--status", status, "--author", "standards desk")
    return url


def invoke(db: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def sql(db: str, statement: str) -> None:
    engine = create_engine(normalize_url(db))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_an_untouched_ledger_verifies(db: str) -> None:
    out = invoke(db, "audit", "verify")
    assert out.splitlines()[0] == "3 events, chain intact"
    head = out.splitlines()[1].split()[-1]
    assert len(head) == 64
    data = json.loads(invoke(db, "audit", "verify", "--format", "json"))
    assert data == {"events": 3, "intact": True, "head": {"seq": 3, "hash": head}, "problem": None}
    assert invoke(db, "audit", "verify", "--anchor", head).startswith("3 events, chain intact")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE audit_log SET detail = replace(detail, 'reason 2', 'reason 9') WHERE seq = 2",
            "seq 2: edited",
        ),
        ("DELETE FROM audit_log WHERE seq = 2", "seq 2: deleted"),
        ("DELETE FROM audit_log WHERE seq = 3", "flag 3: has no event in the audit log"),
        ("UPDATE audit_log SET seq = 4 WHERE seq = 1", "seq 1: deleted"),
        (
            "UPDATE flags SET reason = 'nothing wrong' WHERE id = 1",
            "seq 1: flag 1 no longer matches its event",
        ),
        ("DELETE FROM flags WHERE id = 3", "seq 3: flag 3 was deleted"),
    ],
)
def test_tampering_exits_1_naming_the_first_bad_entry(db: str, statement: str, message: str) -> None:
    sql(db, statement)
    result = CliRunner().invoke(cli, ["--db", db, "audit", "verify"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {message}"), result.output
    data = json.loads(CliRunner().invoke(cli, ["--db", db, "audit", "verify", "--format", "json"]).stdout)
    assert data["intact"] is False and data["problem"]["message"].startswith(message)


def test_swapped_entries_are_named_as_reordered(db: str) -> None:
    for statement in (
        "UPDATE audit_log SET seq = -1 WHERE seq = 1",
        "UPDATE audit_log SET seq = 1 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = -1",
    ):
        sql(db, statement)
    result = CliRunner().invoke(cli, ["--db", db, "audit", "verify"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: seq 1: reordered (this entry was written as seq 2)"


def test_a_wrong_anchor_fails(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "audit", "verify", "--anchor", "0" * 63 + "1"])
    assert result.exit_code == 1
    assert "no longer holds the entry with hash" in result.output


def test_show_lists_the_latest_events_and_the_head(db: str) -> None:
    out = invoke(db, "audit", "show")
    lines = out.splitlines()
    assert lines[0].split() == ["seq", "at", "actor", "action", "subject", "detail", "hash"]
    assert [line.split()[0] for line in lines[2:5]] == ["1", "2", "3"]
    assert "standards desk" in lines[2] and "flag" in lines[2] and "reason 1" in lines[2]
    head = json.loads(invoke(db, "audit", "verify", "--format", "json"))["head"]["hash"]
    assert f"head: seq 3 {head}" in out
    data = json.loads(invoke(db, "audit", "show", "--limit", "2", "--format", "json"))
    assert [e["seq"] for e in data] == [2, 3]
    assert data[-1]["hash"] == head
    assert data[0]["detail"]["status"] == "disputed" and data[0]["fields"] == ["status", "reason"]
    assert len(json.loads(invoke(db, "audit", "show", "--all", "--format", "json"))) == 3


def test_an_empty_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "empty.db")
    Ledger(db).close()
    assert invoke(db, "audit", "verify") == "0 events, chain intact\n"
    assert invoke(db, "audit", "show") == "No events.\n"


def test_bad_input_is_one_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    for args in (["audit", "verify"], ["audit", "show", "--limit", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["--db", str(tmp_path / "missing.db"), *args])
        assert exit_info.value.code in (1, 2)
        err = capsys.readouterr().err.strip()
        assert "Traceback" not in err and err.count("Error") == 1
