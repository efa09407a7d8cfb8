"""The reading door: one failure policy, whichever runner calls it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import spacy

from ontherecord import pipeline
from ontherecord.errors import ExtractionError, InputError
from ontherecord.model import Article, Failure, Page, Record
from ontherecord.settings import Settings

TEXT = "Headline\n\nThe mayor said on Tuesday that the bridge would reopen next month."


@pytest.fixture()
def stages(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The four stages after parsing, replaced by trivial ones a test can make fail."""
    calls: dict[str, Any] = {
        "extract": lambda article, doc, layout, settings: [],
        "resolve": lambda article, doc, layout, attributions, notes: SimpleNamespace(
            attributions=[], notes=[], sources=[]
        ),
        "qualify": lambda article, doc, layout, attributions: [],
        "rely": lambda article, doc, layout, resolution, attributions: [],
    }
    names = {"extract": "extract_attributions", "resolve": "resolve", "qualify": "attach_qualifiers", "rely": "rely"}
    for stage, name in names.items():
        monkeypatch.setattr(pipeline, name, lambda *args, _stage=stage: calls[_stage](*args))
    return calls


class _Flaky:
    """A blank pipeline that fails on any text holding ``BAD``, in a batch and alone."""

    def __init__(self) -> None:
        self.nlp = spacy.blank("en")

    def __call__(self, text: str) -> Any:
        if "BAD" in text:
            raise ValueError("cannot tokenise this")
        return self.nlp(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Any]:
        for text in texts:
            yield self(text)


def _page(i: int, text: str = TEXT) -> Page:
    return Page(id=f"p{i}", text=text, origin=f"feed.jsonl:{i}", format="text")


@pytest.mark.parametrize("stage", ["extract", "resolve", "qualify", "rely"])
def test_a_stage_that_raises_is_a_failure_naming_that_stage(stages: dict[str, Any], stage: str) -> None:
    def boom(*args: Any) -> Any:
        raise KeyError("speaker")

    stages[stage] = boom
    page = _page(1)
    with pytest.raises(ExtractionError) as caught:
        pipeline.process_page(page, spacy.blank("en"))
    assert (caught.value.stage, caught.value.problem) == (stage, "KeyError: 'speaker'")
    (result,) = pipeline.process_pages([page], spacy.blank("en"))
    assert result == Failure("feed.jsonl:1", stage, "KeyError: 'speaker'")


def test_every_page_gets_one_result_in_order(stages: dict[str, Any]) -> None:
    chrome = _page(2, "Advertisement\n\nShare this article")
    unreadable = Failure("feed.jsonl:3", "read", "not JSON")
    results = list(pipeline.process_pages([_page(1), chrome, unreadable, _page(4, TEXT + " BAD"), _page(5)], _Flaky()))
    assert [type(r) for r in results] == [Record, Failure, Failure, Failure, Record]
    assert results[1] == Failure("feed.jsonl:2", "clean", "no article text left after removing page chrome")
    assert results[2] is unreadable
    # One bad text spoils spaCy's batch; the door parses one by one to find it and keeps the rest.
    assert results[3] == Failure("feed.jsonl:4", "parse", "ValueError: cannot tokenise this")
    assert [r.article.id for r in results if isinstance(r, Record)] == ["p1", "p5"]


def test_cleaned_and_clean_agree() -> None:
    chrome = _page(2, "Advertisement\n\nShare this article")
    with pytest.raises(InputError, match="no article text left"):
        pipeline.clean(chrome)
    expected = Failure(chrome.origin, "clean", "no article text left after removing page chrome")
    assert pipeline.cleaned(chrome) == expected
    job = pipeline.cleaned(_page(1))
    assert isinstance(job, pipeline.Cleaned) and job.origin == "feed.jsonl:1"
    assert isinstance(job.article, Article) and job.article.title == "Headline"


def test_an_unreadable_file_is_a_read_failure_in_place(tmp_path: Any) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    (failure,) = pipeline.pages(empty, Settings())
    assert isinstance(failure, Failure) and (failure.origin, failure.stage) == (str(empty), "read")
