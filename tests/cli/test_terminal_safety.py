"""Nothing from an article, a file name or an editor drives the terminal (issue 12): escape sequences,
C0/C1 control characters and bidi overrides are stripped from every text output, and JSON output
spells the ones JSON allows raw as \\u escapes, so the data itself is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger.ledger_builders import _Builder

from ontherecord.archive import Ledger
from ontherecord.cli import cli, main
from ontherecord.cli.render import as_json, printable
from ontherecord.model import (
    Article,
    AttributionKind,
    Identification,
    Note,
    NoteKind,
    Record,
    RelianceHow,
    SourceKind,
)

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;owned\x07"  # set the window title
LINK = "\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\"  # a hidden hyperlink
C1_CSI = "\x9b31m"  # CSI in its 8-bit spelling
RESET = "\x1bc"  # full terminal reset
RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"  # bidi override and isolates ("Trojan Source")
CONTROLS = "\x07\x08\x00\x7f\x85"  # bell, backspace, NUL, DEL, NEL
HOSTILE = [CLEAR, TITLE, LINK, C1_CSI, RESET, RLO, LRI, PDI, *CONTROLS, "\r"]
# What must never reach a terminal, whole or in part.
FORBIDDEN = ["\x1b", "\x9b", RLO, LRI, PDI, "\x07", "\x08", "\x00", "\x7f", "\x85", "\r"]

NAME = f"Anna{CLEAR} Smith{RLO}"


def _text(version: int) -> str:
    return (
        f"City budget{TITLE} passes\n\n"
        f"“We will fix the roads{C1_CSI},” said Anna Smith{LINK}, the mayor. {CONTROLS}\n\n"
        f"The council voted 7-2{RESET} on Monday.{LRI}evil{PDI}" + (" Updated." if version == 2 else "")
    )


def _record(version: int) -> Record:
    text = _text(version)
    b = _Builder(
        Article(
            id="hostile",
            text=text,
            title=f"Budget{CLEAR}{TITLE} passes{RLO}",
            url=f"https://x.example/{RESET}",
        )
    )
    anna = b.source(NAME, SourceKind.PERSON, Identification.NAMED)
    b.attribution(
        anna,
        AttributionKind.DIRECT,
        [(f"Anna Smith{LINK}", None)],
        [("said", None)],
        [(f"“We will fix the roads{C1_CSI},”", None)],
        qualifiers=[(f"unproven{RESET}", "fix the roads")],
    )
    b.sentence("“We will fix", "the mayor.", (anna, RelianceHow.QUOTED))
    b.notes.append(Note(NoteKind.CORRECTION, f"Corrected{CLEAR} the vote{RLO} count.", (anna,)))
    return b.record()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "hostile.db")
    with Ledger(path) as ledger:
        ledger.write_record(_record(1))
        ledger.write_record(_record(2))
        ledger.flag(NAME, reason=f"Made it up{CLEAR}{TITLE}", author=f"desk{RLO}", status="discredited")
        ledger.record_failure(f"archive{TITLE}.jsonl:3", "read", f"not JSON{CLEAR}: {C1_CSI}{RLO}")
    return path


COMMANDS = [
    ["articles"],
    ["show", "hostile"],
    ["show", "hostile", "--version", "1"],
    ["sources"],
    ["source", NAME],
    ["impact", NAME],
    ["diff", "hostile"],
    ["failures"],
    ["audit", "show"],
    ["flag", NAME, "--reason", f"again{CLEAR}", "--status", "disputed"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0] + ("-" + a[-1] if a[-1].isdigit() else ""))
def test_text_output_carries_no_terminal_controls(db: str, args: list[str]) -> None:
    # color=True: as on a terminal, where click strips nothing.
    result = CliRunner().invoke(cli, ["--db", db, *args], color=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    shown = result.output + (result.stderr if result.stderr_bytes else "")
    ours = _without_our_styles(shown)
    for bad in FORBIDDEN:
        assert bad not in ours, (bad, ours)


def test_an_error_message_naming_what_was_asked_for_is_stripped(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--db", db, "source", f"nobody{CLEAR}{TITLE}{RLO}"])
    assert caught.value.code == 3
    (line,) = capsys.readouterr().err.splitlines()
    assert "no source named" in line and "nobody" in line
    for bad in FORBIDDEN:
        assert bad not in line, bad


def _without_our_styles(text: str) -> str:
    # Our own styling is SGR from click.style: ESC [ digits ; m. Everything else is forbidden.
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_the_words_survive_the_stripping(db: str) -> None:
    out = CliRunner().invoke(cli, ["--db", db, "show", "hostile"], color=False).output
    assert "Budget passes" in out
    assert "We will fix the roads" in out and "the mayor." in out
    assert "Anna Smith" in out


def test_ingest_failure_lines_are_stripped_too(tmp_path: Path) -> None:
    bad = tmp_path / f"bad{CLEAR}{RLO}.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "l.db"), "ingest", "--no-progress", str(bad)], color=True
    )
    assert result.exit_code == 1
    ours = _without_our_styles(result.output)
    # The reader names an odd file with its controls escaped (\\x1b...), so it stays identifiable.
    assert "bad" in ours and ".jsonl:1: read: not JSON" in ours
    for forbidden in FORBIDDEN:
        assert forbidden not in ours


def test_json_output_is_the_same_data_with_no_raw_controls(db: str) -> None:
    out = CliRunner().invoke(cli, ["--db", db, "show", "hostile", "--format", "json"], color=True).output
    for bad in FORBIDDEN:
        assert bad not in out, bad
    data = json.loads(out)
    assert data["article"]["text"] == _text(2)
    assert data["sources"][0]["name"] == NAME


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (f"a{CLEAR}b", "ab"),
        (f"a{TITLE}b", "ab"),
        (f"a{LINK}b", "aherEb".replace("E", "e")),
        (f"a{C1_CSI}b", "ab"),
        (f"{RLO}evil{PDI}", "evil"),
        ("line one\r\nline two\rthree", "line one\nline two\nthree"),
        ("tab\tkept\n", "tab\tkept\n"),
        ("lone \ud83d surrogate", "lone \ufffd surrogate"),
        ("«quotes», émigré, 北京", "«quotes», émigré, 北京"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_as_json_escapes_only_what_a_terminal_would_act_on() -> None:
    data = {"t": f"x{C1_CSI}{RLO}\u2028\ud83d é 北"}
    text = as_json(data)
    assert "\\u009b" in text and "\\u202e" in text and "\\u2028" in text and "\\ud83d" in text
    assert "é 北" in text
    assert json.loads(text) == data
