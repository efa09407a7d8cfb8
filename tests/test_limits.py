"""Issue 12, limits that hold: a character limit before parsing, a per-article time limit, long
bodies parsed in pieces, and adversarial texts read correctly (outputs, not timings)."""

from __future__ import annotations

import importlib.util
import signal
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import spacy

from ontherecord import deadline, pipeline
from ontherecord.batch.local import ingest_paths
from ontherecord.deadline import ArticleTimeout, time_limit
from ontherecord.errors import InputError
from ontherecord.model import Failure, Page, Record
from ontherecord.nlp import pipeline as nlp_pipeline
from ontherecord.settings import Settings

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("adversarial", REPO / "bench" / "adversarial.py")
assert _spec is not None and _spec.loader is not None
adversarial = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(adversarial)

TEXT = "The mayor said on Tuesday that the bridge would reopen next month."


def _page(i: int, text: str = TEXT) -> Page:
    return Page(id=f"p{i}", text=text, origin=f"feed.jsonl:{i}", format="text")


# --- the character limit ---------------------------------------------------------------------


def test_a_body_over_max_article_chars_fails_before_parsing() -> None:
    settings = Settings(max_article_chars=100)
    with pytest.raises(InputError) as caught:
        pipeline.clean(_page(1, "word " * 100), settings)
    assert "499 characters" in str(caught.value) and "setting max_article_chars" in str(caught.value)
    failure = pipeline.cleaned(_page(1, "word " * 100), settings)
    assert isinstance(failure, Failure) and failure.stage == "clean"
    assert "\n" not in failure.message and "word word" not in failure.message


def test_the_default_char_limit_is_below_spacys() -> None:
    assert Settings().max_article_chars < spacy.blank("en").max_length


# --- the time limit --------------------------------------------------------------------------


def test_time_limit_stops_a_stuck_loop_and_restores_an_outer_alarm() -> None:
    with time_limit(30):
        started = time.monotonic()
        with pytest.raises(ArticleTimeout), time_limit(0.2):
            while time.monotonic() - started < 20:
                time.sleep(0.01)
        assert time.monotonic() - started < 20
        outer, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < outer <= 30  # the outer alarm is set again, less the time spent
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_time_limit_off_the_main_thread_runs_without_a_limit() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(deadline.available()))
    thread.start()
    thread.join(10)
    assert seen == [False]


def _sleepy_rely(*args: Any) -> Any:
    time.sleep(30)
    return []


def test_an_article_past_the_time_limit_fails_naming_its_stage_and_the_next_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(article_timeout_s=0.5, use_model=False)
    real_rely = pipeline.rely
    monkeypatch.setattr(
        pipeline, "rely", lambda a, *rest: _sleepy_rely() if "SLOW" in a.text else real_rely(a, *rest)
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    started = time.monotonic()
    results = list(pipeline.process_pages([_page(1, TEXT + " SLOW"), _page(2)], nlp, settings))
    assert time.monotonic() - started < 30
    assert isinstance(results[0], Failure) and results[0].stage == "rely"
    assert "setting article_timeout_s" in results[0].message
    assert isinstance(results[1], Record)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ingest_goes_on_after_a_real_adversarial_article_runs_out_of_time(tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_long.txt").write_text(adversarial.short_paragraphs(30_000), encoding="utf-8")
    for i in range(3):
        text = f"Mayor Jane Doe{i} said the bridge would reopen."
        (folder / f"b_{i}.txt").write_text(text, encoding="utf-8")
    settings = Settings(db=str(tmp_path / "ledger.db"), article_timeout_s=1.5, batch_size=2)
    summary = ingest_paths([folder], settings, jobs=jobs, progress=False)
    assert (summary.new, summary.failed) == (3, 1)
    (failure,) = summary.failures
    assert "a_long" in failure.origin and "article_timeout_s" in failure.message


# --- long bodies in pieces -------------------------------------------------------------------


def test_pieces_tile_the_text_and_cut_at_paragraph_breaks() -> None:
    text = adversarial.short_paragraphs(5_000)
    parts = nlp_pipeline.pieces(text, 300)
    assert "".join(parts) == text
    assert all(len(p) <= 300 for p in parts)
    assert all(p.endswith("\n\n") for p in parts[:-1])
    unbroken = "x" * 1000
    assert nlp_pipeline.pieces(unbroken, 300) == ["x" * 300] * 3 + ["x" * 100]


def test_a_body_parsed_in_pieces_reads_like_the_whole(nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(use_model=False)
    text = adversarial.short_paragraphs(3_000)
    whole = pipeline.read(text, settings)
    monkeypatch.setattr(nlp_pipeline, "PIECE_CHARS", 500)
    pieced = pipeline.read(text, settings)
    assert pieced.attributions == whole.attributions
    assert pieced.sentences == whole.sentences


# --- adversarial texts: correct output -------------------------------------------------------


def test_repeated_paragraphs_each_give_their_own_quotation(nlp: Any) -> None:
    unit = '"Yes," he said.\n\n'
    record = pipeline.read(unit * 40, Settings(use_model=False))
    body = record.article.text
    # The parser reads a few of the identical paragraphs differently; the ones read are right.
    assert len(record.attributions) >= 36
    for attribution in record.attributions:
        assert attribution.kind == "direct"
        assert [c.slice(body) for c in attribution.content] == ['"Yes,"']
        assert [c.slice(body) for c in attribution.cue] == ["said"]
    assert len({a.content for a in record.attributions}) == len(record.attributions)


@pytest.mark.parametrize("kind", sorted(adversarial.KINDS))
def test_every_adversarial_kind_reads_into_a_valid_record(nlp: Any, kind: str) -> None:
    text = adversarial.KINDS[kind](3_000)
    record = pipeline.read(text, Settings())
    body = record.article.text
    for attribution in record.attributions:
        for span in (*attribution.cue, *attribution.content, *attribution.source):
            assert 0 <= span.start < span.end <= len(body)
    assert record.sentences


def test_sentence_of_finds_the_same_sentence_as_spacy(nlp: Any) -> None:
    from ontherecord.nlp.sentences import sentence_of

    doc = nlp("Smith said the plan works. Jones disagreed.\n\n“It will fail,” she said. They said so too.")
    assert all(sentence_of(tok) == tok.sent for tok in doc)


def test_a_span_window_is_capped_around_its_cue_on_one_giant_sentence() -> None:
    from ontherecord.attribution.learned_features import WINDOW_SIDE_TOKENS, window

    class _Arrays:
        sent = [0] * 10_000
        sent_bounds = np.array([[0, 10_000]])

    w0, w1 = window(_Arrays(), 5_000, 5_001, 1, 1)  # type: ignore[arg-type]
    assert (w0, w1) == (5_000 - WINDOW_SIDE_TOKENS, 5_001 + WINDOW_SIDE_TOKENS)
