"""`ontherecord demo` (what `make demo` runs): the bundled page's sources, then the impact and its draft."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_shows_sources_impact_and_draft(tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "ontherecord", "demo", "--keep", str(kept)],
        capture_output=True, text=True, timeout=300, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    table = out[out.index("source") : out.index("The correction names")]
    expected = [
        ("Pavel Kulazhanka", "named"),
        ("Vadim Prokopiev", "named"),
        ("Aleksandr", "partial"),
        ("Aleks", "partial"),
    ]
    for name, level in expected:
        # One row per source: a person listed twice is two sources where the page has one.
        rows = [line for line in table.splitlines() if line.startswith(name + " ")]
        assert len(rows) == 1 and level in rows[0], (name, rows)
    assert "The correction names Pavel Kulazhanka" in out
    impact = out[out.index("Impact: Pavel Kulazhanka") :]
    # The eleven sentences of tests/seed_attributions.RESTING_ON_KULAZHANKA, no more.
    assert "11 sentences in 1 article rest on this source" in impact
    for how in ("quoted", "paraphrased", "shared", "self_reported"):
        assert f"\n{how} " in impact, how
    assert "Basically, there are two wings" not in impact
    assert "Draft correction" in impact and "Remove the" in impact
    # The ledger it wrote is a real one the other commands can read.
    listed = subprocess.run(
        [sys.executable, "-m", "ontherecord", "--db", str(kept), "articles"],
        capture_output=True, text=True, timeout=120,
    )
    assert "belarus-battalion" in listed.stdout


def test_demo_never_writes_into_an_existing_ledger(tmp_path: Path) -> None:
    # Issue 12: `demo --keep EXISTING.db` used to add the demo article and a "discredited" flag to it.
    real = tmp_path / "newsroom.db"
    real.write_bytes(b"")  # any existing file, even an empty one, is refused
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "not-yet.db")
    for kept in (real, link):
        before = os.lstat(kept)
        result = subprocess.run(
            [sys.executable, "-m", "ontherecord", "demo", "--keep", str(kept)],
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"Error: {kept}: already exists; the demo writes only a new ledger, never into an existing file "
            "(choose a path that does not exist)"
        ]
        assert result.stdout == ""
        after = os.lstat(kept)
        unchanged = (before.st_ino, before.st_size, before.st_mtime_ns)
        assert (after.st_ino, after.st_size, after.st_mtime_ns) == unchanged
    assert not (tmp_path / "not-yet.db").exists()
