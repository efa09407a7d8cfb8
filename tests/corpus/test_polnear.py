"""PolNeAR split loading: the scorer's annotator choice, raw texts with offsets intact, a corpus hash that notices
edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ontherecord.corpus.polnear import corpus_hash, load_split
from ontherecord.errors import InputError

BUNDLED_DEV = Path(__file__).resolve().parents[1] / "data" / "polnear" / "dev"


def test_loads_every_article_with_the_first_listed_annotator():
    articles = load_split(BUNDLED_DEV)
    assert len(articles) == 7
    by_id = {a.id: a for a in articles}
    flynn = by_id["politico_2016-09-08_flynn-says-trump-absolutely-righ"]
    assert flynn.annotator == "4b22"
    assert [a.id for a in articles] == sorted(by_id)
    assert all(a.attributions for a in articles)


def test_offsets_index_the_raw_text():
    for article in load_split(BUNDLED_DEV):
        for att in article.attributions:
            for span in att.cue + att.source + att.content:
                assert 0 <= span.start < span.end <= len(article.text)
    breitbart = load_split(BUNDLED_DEV, ids={"breitbart_2016-09-12_stealth-over-health-hillary-clin"})[0]
    first = breitbart.attributions[0]
    assert first.source[0].slice(breitbart.text) == "The New York Post"
    assert first.cue[0].slice(breitbart.text) == "reports"


def test_without_metadata_the_smallest_annotator_id_wins(tmp_path):
    dev = tmp_path / "dev"
    shutil.copytree(BUNDLED_DEV, dev)
    flynn = "politico_2016-09-08_flynn-says-trump-absolutely-righ"
    (dev / "attributions" / f"{flynn}_4b22.ann").unlink()
    (article,) = load_split(dev, ids={flynn})
    assert article.annotator == "4e07"


def test_corpus_hash_notices_a_changed_annotation(tmp_path):
    dev = tmp_path / "dev"
    shutil.copytree(BUNDLED_DEV, dev)
    before = corpus_hash(dev)
    assert before == corpus_hash(BUNDLED_DEV)
    ann = next((dev / "attributions").glob("usa-today*.ann"))
    ann.write_text(ann.read_text(encoding="utf-8") + "#9\tAnnotatorNotes T1\tchecked\n", encoding="utf-8")
    assert corpus_hash(dev) != before
    ids = {"breitbart_2016-09-12_stealth-over-health-hillary-clin"}
    assert corpus_hash(dev, ids) == corpus_hash(BUNDLED_DEV, ids)


def test_a_folder_without_texts_is_refused(tmp_path):
    with pytest.raises(InputError, match="no text/"):
        load_split(tmp_path)
