"""Stage ③: the Doc's sentences, computed once per Doc.

spaCy rebuilds ``doc.sents`` by walking every token on each access; the reading stages ask for
the sentences several times per article, which cost about a quarter of their time on PolNeAR dev.
The boundaries (token offsets, plain ints: the Doc stays serialisable) are kept in ``user_data``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_KEY = "otr.sentence_bounds"


def sentences(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, walking the tokens only the first time it is asked for a Doc."""
    bounds = doc.user_data.get(_KEY)
    if bounds is None or (bounds and bounds[-1][1] != len(doc)):
        bounds = doc.user_data[_KEY] = tuple((s.start, s.end) for s in doc.sents)
    return [doc[start:end] for start, end in bounds]
