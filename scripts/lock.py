"""Write requirements.lock from pyproject.toml: each package `make install` puts in .venv, pinned with hashes.

Usage: python scripts/lock.py [--uv PATH] [UV_ARGS...]      (what `make lock` runs)

The lock covers the runtime dependencies, the `dev` extra and what installing needs beyond them: the
build backend named in `[build-system] requires` (the Makefile builds the project itself without build
isolation, from the locked setuptools) and pip (so the installer the venv ends with is a locked one).
It is resolved for one target, CPython 3.11 on Linux x86_64 (manylinux_2_28, glibc 2.28 or newer), the
machines the project runs and is tested on; another target needs its own lock.

Pins already in requirements.lock are kept where they still satisfy pyproject.toml (uv prefers the pins
of an existing output file), so adding a dependency changes only what it brings. Extra arguments go to
`uv pip compile`: `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed versions,
`LOCK_ARGS="--upgrade-package spacy"` one package.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
WORK = REPO / ".cache" / "lock"
PYTHON_VERSION = "3.11"
PLATFORM = "x86_64-manylinux_2_28"

HEADER = f"""\
# requirements.lock: every package `make install` puts in .venv, each pinned to one version with the
# sha256 of every file PyPI has for it. Regenerate with `make lock` (scripts/lock.py, uv pip compile);
# never edit by hand. `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed versions.
#
# Target: CPython {PYTHON_VERSION} on Linux x86_64 ({PLATFORM}); other platforms need their own lock.
# Covers: [project] dependencies and the `dev` extra of pyproject.toml, plus [build-system] requires
# and pip (see scripts/lock.py). Installed with `pip install --require-hashes -r requirements.lock`,
# then the project with `pip install --no-deps --no-build-isolation -e .`.
# Not covered by hashes: pyspark publishes only an sdist, and pip builds it in an isolated environment
# whose setuptools comes from PyPI unpinned (the sdist itself is hash-checked).
#
"""


def installer_requirements(pyproject: Path) -> list[str]:
    """What installing needs beyond the declared dependencies: the build backend, and pip itself."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [*data["build-system"]["requires"], "pip"]


def find_uv(given: str | None) -> str:
    """The uv to run: --uv, else the one on PATH; a clear error when there is none."""
    uv = given or shutil.which("uv")
    if not uv or not (Path(uv).is_file() or shutil.which(uv)):
        sys.exit("lock: uv not found; run `make install` (uv is in the dev extra) or pass UV=/path/to/uv")
    return uv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", help="the uv executable (default: uv on PATH)")
    args, uv_args = parser.parse_known_args(argv)
    uv = find_uv(args.uv)

    WORK.mkdir(parents=True, exist_ok=True)
    installer_in = WORK / "installer.in"
    requirements = installer_requirements(REPO / "pyproject.toml")
    installer_in.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    # uv keeps the pins of the file it writes to; seed it with the committed lock so they are preferred.
    out = WORK / "requirements.lock"
    if LOCK.exists():
        shutil.copyfile(LOCK, out)
    elif out.exists():
        out.unlink()
    command = [
        uv, "pip", "compile", "pyproject.toml", os.path.relpath(installer_in, REPO),
        "--extra", "dev",
        "--generate-hashes",
        "--python-version", PYTHON_VERSION,
        "--python-platform", PLATFORM,
        "--custom-compile-command", "make lock",
        "--no-header",
        "--quiet",
        "--output-file", os.path.relpath(out, REPO),
        *uv_args,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO)
    if done.returncode != 0:
        print("lock: uv pip compile failed; requirements.lock is unchanged", file=sys.stderr)
        return done.returncode
    body = out.read_text(encoding="utf-8")
    pins = sum(1 for line in body.splitlines() if line and not line[0].isspace() and not line.startswith("#"))
    summary = f"{pins} packages, Python {PYTHON_VERSION}, {PLATFORM}"
    # Left untouched when nothing changed: a newer lock file makes the next `make` rebuild the venv.
    if LOCK.exists() and LOCK.read_text(encoding="utf-8") == HEADER + body:
        print(f"lock: {LOCK.name} is up to date ({summary})")
        return 0
    tmp = WORK / "requirements.lock.new"
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(LOCK)
    print(f"lock: wrote {LOCK.name} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
