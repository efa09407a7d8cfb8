"""Package hygiene: light imports, a complete public API, documented settings and commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ontherecord
from ontherecord.settings import settings_help

REPO = Path(__file__).resolve().parent.parent


def test_import_loads_no_heavy_libraries() -> None:
    code = (
        "import sys, ontherecord, ontherecord.model.serialize;"
        "heavy = [m for m in ('spacy', 'sqlalchemy', 'pyspark', 'trafilatura') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_all_is_sorted_and_complete() -> None:
    assert ontherecord.__all__ == sorted(ontherecord.__all__)
    for name in ontherecord.__all__:
        assert getattr(ontherecord, name) is not None
    # Every public class the package itself defines is exported (imported helpers like Path are not ours).
    public = {
        n
        for n in dir(ontherecord)
        if not n.startswith("_")
        and isinstance(getattr(ontherecord, n), type)
        and getattr(ontherecord, n).__module__.startswith("ontherecord")
    }
    assert public <= set(ontherecord.__all__)


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    for name in settings_help():
        assert f"`{name}`" in doc, f"setting {name} missing from docs/settings.md"


def test_every_command_is_documented_and_has_help() -> None:
    from ontherecord.cli import cli

    doc = (REPO / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help"
        assert f"## ontherecord {name}" in doc, f"command {name} missing from docs/cli-reference.md"


def test_python_dash_m_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ontherecord", "--help"], capture_output=True, text=True, check=True
    )
    assert "Who said what" in out.stdout


def test_generated_docs_are_current() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
