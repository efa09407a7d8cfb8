"""The archive door: ``ontherecord.Ledger`` is the facade above storage and queries, not part of ledger/."""

from __future__ import annotations

import subprocess
import sys

import ontherecord
import ontherecord.ledger
from ontherecord.archive import Ledger


def test_the_package_ledger_is_the_archive_door() -> None:
    assert ontherecord.Ledger is Ledger
    assert not hasattr(ontherecord.ledger, "Ledger")


def _loaded_by(modules: list[str]) -> set[str]:
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


_STAGES = ("attribution", "resolution", "claims", "nlp", "ingest", "pipeline", "batch", "identity")


def test_storage_loads_nothing_above_it() -> None:
    modules = ("engine", "integrity", "migrations", "reads", "repo", "schema", "sqlite_copy", "store", "types")
    loaded = _loaded_by([f"ontherecord.ledger.{m}" for m in modules])
    above = {f"ontherecord.{p}" for p in ("archive", "query", *_STAGES)}
    assert not any(m == p or m.startswith(p + ".") for m in loaded for p in above)
    assert "spacy" not in loaded


def test_queries_load_no_stage_code_and_no_door() -> None:
    loaded = _loaded_by(["ontherecord.query"])
    forbidden = {f"ontherecord.{p}" for p in ("archive", *_STAGES)}
    assert not any(m == p or m.startswith(p + ".") for m in loaded for p in forbidden)
    assert "spacy" not in loaded
