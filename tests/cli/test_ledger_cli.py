"""The ledger commands through click, on a ledger holding the seed article and a follow-up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from ledger.ledger_builders import SEED_TEXT, follow_up_record, seed_record

from ontherecord.archive import Ledger
from ontherecord.cli import cli, main


@pytest.fixture
def db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "ontherecord.db")
    with Ledger(path) as ledger:
        ledger.write_records([seed_record(), follow_up_record()])
    return path


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_articles(db: str) -> None:
    out = run(db, "articles")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "title", "published", "versions", "attributions", "sources"]
    assert "follow-up-lviv" in lines[2] and "2022-05-02" in lines[2]  # newest first
    assert "wapo-belarus-battalion" in lines[3]
    data = json.loads(run(db, "articles", "--format", "json"))
    assert {a["id"]: a["attributions"] for a in data} == {"follow-up-lviv": 5, "wapo-belarus-battalion": 7}


def test_show_text_and_json(db: str) -> None:
    out = run(db, "show", "wapo-belarus-battalion")
    assert "Belarus’s battalion fights in Ukraine" in out
    assert "An earlier version of this article contained information provided by Pavel Kulazhanka" in out
    assert "Vadim Prokopiev" in out and "“Basically, there are two wings,”" in out
    assert "Text (version 1 of 1)" in out
    data = json.loads(run(db, "show", "follow-up-lviv", "--format", "json"))
    assert data["article"]["text"] == follow_up_record().article.text
    assert [s["name"] for s in data["sources"]] == [
        "Pável Kulazhanka",
        "Sviatlana Tsikhanouskaya",
        "organizers",
    ]


def test_sources_table_is_aligned(db: str) -> None:
    out = run(db, "sources")
    lines = out.splitlines()
    assert lines[0].split() == ["name", "identification", "kind", "articles", "attributions", "status"]
    # Columns line up: every row starts its "identification" cell where the header does.
    column = lines[0].index("identification")
    kul = next(line for line in lines if line.startswith("Pavel Kulazhanka"))
    assert kul[column:].split()[:4] == ["named", "person", "2", "4"]
    assert lines[2].startswith("Pavel Kulazhanka")  # most-cited first


def test_flag_then_source_then_impact(db: str) -> None:
    out = run(db, "flag", "Kulazhanka", "--reason", "his timeline was false", "--author", "standards")
    assert out.startswith("Flagged Pavel Kulazhanka as discredited (event 1).")
    assert "discredited" in run(db, "sources").splitlines()[2]
    profile = run(db, "source", "pável kulazhanka")
    assert "status: discredited on" in profile and "by standards: his timeline was false" in profile
    assert "4 attributions in 2 articles; 8 sentences rest on this source" in profile
    text = run(db, "impact", "Kulazhanka")
    assert "8 sentences in 2 articles rest on this source" in text
    assert "Draft correction" in text and "An earlier version of this article" in text
    assert "Prokopiev" not in text
    data = json.loads(run(db, "impact", "Kulazhanka", "--format", "json"))
    assert set(data) == {"source", "articles", "draft_correction"}
    assert data["source"]["status"] == "discredited"
    sentence = data["articles"][0]["sentences"][0]
    assert set(sentence) == {"text", "span", "how"}
    assert SEED_TEXT[sentence["span"][0] : sentence["span"][1]] == sentence["text"]


def test_diff(db: str) -> None:
    with Ledger(db) as ledger:
        ledger.write_record(seed_record(text=SEED_TEXT.replace("rudely stolen", "stolen")))
    out = run(db, "diff", "wapo-belarus-battalion")
    assert "version 1 → 2" in out
    assert any(line.startswith("-") and "rudely stolen" in line for line in out.splitlines())
    data = json.loads(
        run(db, "diff", "wapo-belarus-battalion", "--from", "1", "--to", "2", "--format", "json")
    )
    assert (data["old"], data["new"]) == (1, 2)
    assert data["attributions"] == {"added": [], "removed": []}
    old = json.loads(run(db, "show", "wapo-belarus-battalion", "--version", "1", "--format", "json"))
    assert "rudely stolen" in old["article"]["text"]
    assert "Text (version 2 of 2)" in run(db, "show", "wapo-belarus-battalion")


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0), capsys.readouterr().err


def test_errors_are_one_line(db: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, err = _main(capsys, "--db", db, "source", "Nobody Atall")
    assert code == 3 and err.strip() == "Error: no source named 'Nobody Atall' in the ledger"
    code, err = _main(capsys, "--db", db, "show", "missing-article")
    assert code == 3 and "no article 'missing-article'" in err
    missing = tmp_path / "nowhere.db"
    code, err = _main(capsys, "--db", str(missing), "articles")
    assert code == 1 and "no ledger there" in err and len(err.strip().splitlines()) == 1
    assert not missing.exists()
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database at all")
    code, err = _main(capsys, "--db", str(foreign), "sources")
    assert code == 1 and "not an ontherecord ledger" in err
