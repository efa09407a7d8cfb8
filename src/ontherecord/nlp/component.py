"""Transitional stub: the spaCy component moved to ``ontherecord.spacy_component`` (a face above the door).

An install made before the move names this module in its ``spacy_factories`` entry point, and spaCy
imports every such entry point whenever it builds any pipeline. Without this file, ``spacy.load``
would fail for everyone on that install until it is reinstalled (``pip install -e .`` re-registers
the entry point from pyproject.toml). It imports nothing of ours, so ``nlp/`` still never reaches
the reading door. Delete it once installs have been refreshed.
"""

from __future__ import annotations

from typing import NoReturn


def make_attribution_component(*args: object, **kwargs: object) -> NoReturn:
    """The old entry point's target: says where the component went."""
    raise ImportError(
        "the ontherecord spaCy component is now ontherecord.spacy_component; "
        "reinstall ontherecord to re-register its entry point"
    )
