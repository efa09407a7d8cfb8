"""`extract FILE…` (issue 12): one Record per readable file, in the order given; each file that
cannot be read is named on stderr, the others still printed, and the exit status is 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ontherecord.cli import cli

TEXTS = Path(__file__).resolve().parent.parent / "data" / "batch" / "texts"
GOOD = sorted(TEXTS.glob("*.txt"))[:2]


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    return [GOOD[0], tmp_path / "missing.txt", GOOD[1], empty]


def _extract(*args: str) -> tuple[int, str, list[str]]:
    result = CliRunner().invoke(cli, ["extract", "--rules-only", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr.splitlines()


def _ids() -> list[str]:
    return [p.stem for p in GOOD]


def test_jsonl_prints_the_readable_in_order_and_names_the_rest(inputs: list[Path]) -> None:
    code, out, err = _extract("--format", "jsonl", *map(str, inputs))
    assert code == 1
    assert [json.loads(line)["article"]["id"] for line in out.splitlines()] == _ids()
    assert len(err) == 2
    assert err[0].startswith(f"Error: {inputs[1]}: ") and "no such file" in err[0]
    assert err[1].startswith(f"Error: {inputs[3]}: ") and "empty" in err[1]


def test_json_is_an_array_of_the_readable_ones(inputs: list[Path]) -> None:
    code, out, err = _extract("--format", "json", *map(str, inputs))
    assert code == 1 and len(err) == 2
    assert [r["article"]["id"] for r in json.loads(out)] == _ids()


def test_all_readable_is_exit_0_in_order() -> None:
    code, out, err = _extract("--format", "json", str(GOOD[1]), str(GOOD[0]))
    assert (code, err) == (0, [])
    assert [r["article"]["id"] for r in json.loads(out)] == _ids()[::-1]


def test_text_shows_each_readable_file(inputs: list[Path]) -> None:
    code, out, err = _extract("--format", "text", *map(str, inputs))
    assert code == 1 and len(err) == 2
    assert out.count("Attributions") == 2
