"""Golden articles: the seed page and five PolNeAR dev articles, held to expectations written by hand.

See tests/data/articles/README.md for where each file comes from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, SEED

from ontherecord.model import Article, Record, Source
from ontherecord.model.names import fold, name_key

ARTICLES = DATA / "articles"
POLNEAR_GOLDEN = sorted(p for p in ARTICLES.glob("*.expected.json") if not p.name.startswith("seed"))


def find_source(record: Record, name: str, match: list[str] | None = None) -> Source | None:
    """The record's source with this name (or alias); failing that, one whose name holds a ``match``."""
    for source in record.sources:
        if any(name_key(n) == name_key(name) for n in (source.name, *source.aliases)):
            return source
    for source in record.sources:
        if match and any(m in fold(n) for m in match for n in (source.name, *source.aliases)):
            return source
    return None


def sources_named(record: Record, name: str) -> list[Source]:
    """Every source of the record with this name or alias (more than one is a duplicated person)."""
    return [s for s in record.sources if any(name_key(n) == name_key(name) for n in (s.name, *s.aliases))]


def source_of(record: Record, attribution) -> Source | None:
    return record.source(attribution.source_id) if attribution.source_id else None


def same_source(record: Record, source: Source | None, name: str, match: list[str] | None = None) -> bool:
    expected = find_source(record, name, match)
    return source is not None and expected is not None and source.id == expected.id


# ---------------------------------------------------------------- the seed page


@pytest.fixture(scope="module")
def seed():
    import ontherecord

    return ontherecord.read(SEED), json.loads(SEED.with_suffix(".expected.json").read_text("utf-8"))


def test_seed_title_and_body_without_chrome(seed) -> None:
    record, expected = seed
    assert record.article.title == expected["title"]
    for chrome in expected["chrome_absent"]:
        assert chrome not in record.article.text
    for words in expected["body_present"]:
        assert words in record.article.text


def test_seed_editors_note_is_a_correction_naming_the_source(seed) -> None:
    record, expected = seed
    assert len(record.notes) == len(expected["notes"])
    for want in expected["notes"]:
        note = next(n for n in record.notes if n.text.startswith(want["starts"]))
        assert note.kind == want["kind"]
        named = sorted(name_key(record.source(i).name) for i in note.source_ids)
        got = [record.source(i).name for i in note.source_ids]
        assert named == sorted(name_key(name) for name in want["names"]), got


@pytest.mark.parametrize("index", range(9))
def test_seed_sources_and_identification(seed, index: int) -> None:
    record, expected = seed
    want = expected["sources"][index]
    source = find_source(record, want["name"], want.get("match"))
    assert source is not None, f"{want['name']} not among {[s.name for s in record.sources]}"
    assert len(sources_named(record, want["name"])) <= 1, f"{want['name']} is more than one source"
    assert source.identification == want["identification"]
    if "kind" in want:
        assert source.kind == want["kind"]
    for field in ("age", "gender"):
        if field in want:
            assert getattr(source.descriptors, field) == want[field]
    if "protected" in want:
        assert source.protected is want["protected"]


def attributions_over(record: Record, words: str):
    start = record.article.text.index(words)
    end = start + len(words)
    return [
        a for a in record.attributions if any(s.start < end and start < s.end for s in a.content)
    ]


@pytest.mark.parametrize("index", range(17))
def test_seed_every_quote_has_the_right_speaker(seed, index: int) -> None:
    record, expected = seed
    want = expected["quotes"][index]
    found = attributions_over(record, want["words"])
    assert found, f"no attribution covers {want['words']!r}"
    # Exactly one attribution of the expected kind covers the words, and it is the speaker's: a second
    # reading of the same words (another speaker, or the same twice) fails. Other kinds may overlap,
    # like the "according to" nested inside Latushko's quote.
    of_kind = [a for a in found if a.kind == want["kind"]]
    assert len(of_kind) == 1, (want, [(a.kind, source_of(record, a)) for a in found])
    speaker = source_of(record, of_kind[0])
    assert same_source(record, speaker, want["source"]), (want, speaker)


def test_seed_nested_source_inside_a_quote(seed) -> None:
    record, expected = seed
    text = record.article.text
    for want in expected["nested"]:
        nested = [
            a for a in attributions_over(record, want["words"])
            if a.kind == want["kind"] and any(text[c.start : c.end] == want["cue"] for c in a.cue)
        ]
        assert len(nested) == 1, nested
        source = source_of(record, nested[0])
        assert source is not None and want["source_match"] in fold(source.name)


def test_seed_qualifier_on_unproven_claim(seed) -> None:
    record, expected = seed
    for want in expected["qualifiers"]:
        qualified = [
            a for a in attributions_over(record, want["content_has"])
            if any(want["text"] in q.text for q in a.qualifiers)
        ]
        assert qualified, "the qualifier is not attached to the claim it qualifies"
        carrying = [a for a in record.attributions if any(want["text"] in q.text for q in a.qualifiers)]
        assert carrying == qualified, "the qualifier is attached to more than the claim it qualifies"
        assert len(qualified) == 1
        source = source_of(record, qualified[0])
        assert source is not None and want["source_match"] in fold(source.name)


def test_seed_impact_of_the_discredited_source(seed, tmp_path: Path) -> None:
    from ontherecord.archive import Ledger

    record, expected = seed
    want = expected["impact"]
    with Ledger(str(tmp_path / "seed.db")) as ledger:
        ledger.write_record(record)
        impact = ledger.impact(want["source"])
    sentences = [s for article in impact.articles for s in article.sentences]
    for item in want["includes"]:
        hits = [s for s in sentences if item["sentence_has"] in s.text]
        assert hits, f"impact misses {item['sentence_has']!r}"
        assert [s.how for s in hits] == [item["how"]], (item, [s.how for s in hits])
    for words in want["excludes"]:
        assert not [s for s in sentences if words in s.text], f"impact wrongly lists {words!r}"
    assert want["source"].split()[-1] in impact.draft_correction


# ---------------------------------------------------------------- PolNeAR dev articles


def read_polnear(nlp, path: Path) -> Record:
    """Read a corpus text as evaluate does: the whole file is the body, so offsets match the .ann."""
    from ontherecord.pipeline import read_doc
    from ontherecord.settings import Settings

    text = path.read_text(encoding="utf-8")
    article = Article(id=path.stem, text=text)
    return read_doc(article, (), nlp(text), Settings(), str(path))


@pytest.mark.parametrize("golden", POLNEAR_GOLDEN, ids=lambda p: p.name.split("_")[0])
def test_polnear_article_sources_and_speakers(nlp, golden: Path) -> None:
    expected = json.loads(golden.read_text("utf-8"))
    record = read_polnear(nlp, ARTICLES / expected["text"])
    for want in expected["sources"]:
        source = find_source(record, want["name"], want.get("match"))
        assert source is not None, f"{want['name']} not among {[s.name for s in record.sources]}"
        assert len(sources_named(record, want["name"])) <= 1, f"{want['name']} is more than one source"
        allowed = want["identification"]
        assert source.identification in (allowed if isinstance(allowed, list) else [allowed])
        if "kind" in want:
            assert source.kind == want["kind"]
    right = []
    for want in expected["speakers"]:
        start, end = want["at"], want["at"] + len(want["cue"])
        at_cue = [a for a in record.attributions if any(c.start < end and start < c.end for c in a.cue)]
        # Right only if every attribution at this cue is the speaker's: a wrong second reading spoils it.
        if at_cue and all(
            same_source(record, source_of(record, a), want["source"], want.get("match")) for a in at_cue
        ):
            right.append(want["cue"] + f"@{start}")
    assert len(right) >= expected["min_speakers_right"], right
