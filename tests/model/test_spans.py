from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontherecord.model.spans import CharSpan, normalize_spans, spans_cover, spans_text


@given(st.text(max_size=200), st.data())
def test_span_slice_stays_inside_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = CharSpan(start, end)
    assert span.slice(text) == text[start:end]
    assert len(span) == len(span.slice(text))


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 50)), max_size=8))
def test_normalize_spans_is_sorted_disjoint_and_idempotent(raw: list[tuple[int, int]]) -> None:
    spans = [CharSpan(s, s + n) for s, n in raw]
    out = normalize_spans(spans)
    assert all(len(s) > 0 for s in out)
    assert all(a.end < b.start for a, b in pairwise(out))
    assert normalize_spans(out) == out
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert covered == {i for s in out for i in range(s.start, s.end)}


def test_bad_spans_are_refused() -> None:
    with pytest.raises(ValueError):
        CharSpan(5, 3)
    with pytest.raises(ValueError):
        CharSpan(-1, 3)


def test_discontinuous_quote_reads_with_ellipsis() -> None:
    text = '"Life is short," he said. "Fight."'
    spans = (CharSpan(1, 15), CharSpan(27, 33))
    assert spans_text(spans, text) == "Life is short, … Fight."
    assert spans_cover(spans) == CharSpan(1, 33)
    assert spans_cover(()) is None
