"""Brat standoff: every PolNeAR .ann file reads and writes back byte for byte, and attributions convert both ways."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ontherecord.corpus.brat import (
    BratAttribution,
    Event,
    OtherLine,
    TextBound,
    attributions_from_brat,
    brat_from_attributions,
    format_ann,
    parse_ann,
    read_ann,
)
from ontherecord.model.spans import CharSpan

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "tests" / "data" / "polnear"
SHARED = REPO.parent / "shared"
POLNEAR = SHARED / "data" / "polnear"
SCORER = SHARED / "tools" / "attrib_eval" / "score.py"


def _ann_files(root: Path) -> list[Path]:
    return sorted(root.glob("*/attributions/*.ann"))


def _raw(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _scorer():
    spec = importlib.util.spec_from_file_location("attrib_eval_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_subset_round_trips_byte_for_byte():
    files = _ann_files(BUNDLED)
    assert len(files) >= 7
    for path in files:
        raw = _raw(path)
        assert format_ann(parse_ann(raw)) == raw, path.name


@pytest.mark.corpus
def test_every_polnear_file_round_trips_and_reads_as_the_scorer_reads_it():
    if not POLNEAR.is_dir() or not SCORER.exists():
        pytest.skip(f"PolNeAR corpus or scorer not found under {SHARED}")
    score = _scorer()
    files = _ann_files(POLNEAR)
    assert len(files) > 1000
    for path in files:
        raw = _raw(path)
        doc = parse_ann(raw)
        assert format_ann(doc) == raw, path.name
        ours = [
            {r: [s.to_list() for s in a.role(r)] for r in ("source", "cue", "content")}
            | {"brat_id": a.brat_id, "type": a.type}
            for a in attributions_from_brat(doc)
        ]
        assert ours == score.parse_brat(raw), path.name


def test_discontinuous_spans_notes_and_continuation_lines_survive():
    raw = (
        "T1\tSource 0 5\tObama\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 12 20;30 41\tWe will more to come\n"
        "T4\tContent 50 60\tfirst line\n"
        "second line of the same span\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3 Content2:T4 \n"
        "#1\tAnnotatorNotes T3\tIs this one or two quotes?\n"
        "T5\tDiscard 70 75\tRead.\n"
    )
    doc = parse_ann(raw)
    assert format_ann(doc) == raw
    assert isinstance(doc.entries[3], TextBound)
    assert doc.entries[3].text == "first line\nsecond line of the same span"
    assert isinstance(doc.entries[5], OtherLine)
    (att,) = attributions_from_brat(doc)
    assert att.source == (CharSpan(0, 5),)
    assert att.content == (CharSpan(12, 20), CharSpan(30, 41), CharSpan(50, 60))
    assert att.brat_id == "E1"


def test_events_that_are_not_attributions_and_empty_attributions_are_ignored():
    raw = (
        "T1\tCue 0 4\tsaid\n"
        "E1\tDiscuss:T1\n"
        "E2\tAttribution-no-source:T1\n"
        "E3\tAttribution-no-source:T1 Cue:T1\n"
    )
    atts = attributions_from_brat(parse_ann(raw))
    assert [(a.brat_id, a.type, a.source) for a in atts] == [("E3", "Attribution-no-source", ())]


def test_writer_produces_a_file_the_reader_gives_back():
    text = '"We will win," Smith said on Friday, "and soon." Polls show a tie.'
    atts = [
        (
            (CharSpan(15, 20),),
            (CharSpan(21, 25),),
            (CharSpan(1, 12), CharSpan(38, 47)),
        ),
        ((), (CharSpan(55, 59),), (CharSpan(60, 65),)),
    ]
    doc = brat_from_attributions(text, atts)
    again = attributions_from_brat(parse_ann(format_ann(doc)))
    assert [(a.source, a.cue, a.content) for a in again] == atts
    assert [a.type for a in again] == ["Attribution", "Attribution-no-source"]
    content = next(e for e in doc.entries if isinstance(e, TextBound) and e.type == "Content")
    assert content.text == "We will win and soon."
    assert all(isinstance(e, Event) for e in doc.entries if e.line().startswith("E"))


def test_polnear_file_reads_back_into_its_own_writer_format():
    path = next(iter(_ann_files(BUNDLED)))
    text = _raw(BUNDLED / "dev" / "text" / (path.stem.rpartition("_")[0] + ".txt"))
    atts = attributions_from_brat(read_ann(path))
    rewritten = attributions_from_brat(parse_ann(format_ann(brat_from_attributions(text, atts))))
    assert [(a.source, a.cue, a.content) for a in rewritten] == [(a.source, a.cue, a.content) for a in atts]
    assert all(isinstance(a, BratAttribution) for a in rewritten)
