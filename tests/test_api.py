"""The Python API: ontherecord.read() on paths and on text, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED

import ontherecord
from ontherecord.model.serialize import record_from_json, record_to_json


def test_read_a_path_and_the_same_text_agree() -> None:
    from_path = ontherecord.read(SEED)
    from_name = ontherecord.read(str(SEED))
    assert from_path == from_name
    assert from_path.article.id == SEED.stem
    assert record_from_json(record_to_json(from_path)) == from_path


def test_read_text_that_is_an_article() -> None:
    text = "Budget vote delayed\n\n“We need another week,” said Maria Lopez, the council’s chair."
    record = ontherecord.read(text)
    assert record.article.title == "Budget vote delayed"
    (attribution,) = record.attributions
    assert record.source(attribution.source_id).name == "Maria Lopez"


def test_a_mistyped_path_is_an_error_not_a_one_line_article() -> None:
    with pytest.raises(ontherecord.InputError, match="missing-story.txt"):
        ontherecord.read("missing-story.txt")


def test_a_page_that_is_only_chrome_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "chrome.txt"
    page.write_text(
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n", encoding="utf-8"
    )
    with pytest.raises(ontherecord.InputError, match="chrome.txt"):
        ontherecord.read(page)
