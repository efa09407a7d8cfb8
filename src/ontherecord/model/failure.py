"""Stage ①: an article the reader could not turn into a Record (batch runs record it and go on)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Failure:
    """Where (``origin``: a path, ``path:line``, a WARC URI), at which stage, and why."""

    origin: str
    stage: str
    message: str
