"""Run a test command with the services the tests need started first (see docs/testing.md).

Usage: python scripts/test_services.py -- COMMAND [ARGS...]

PostgreSQL: unless ONTHERECORD_TEST_PG_URL is already set, a throwaway PostgreSQL cluster is created
in a temporary directory (Debian's ``postgresql`` package is installed first when missing and we are
root), started on 127.0.0.1 on a free port, and its URL exported as ONTHERECORD_TEST_PG_URL for the
command. When that is impossible, one line says why and the command runs anyway: the PostgreSQL
tests then skip, giving the reason.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PG_ENV = "ONTHERECORD_TEST_PG_URL"
PG_USER = "ontherecord"
PG_DB = "ontherecord_test"


class ServiceUnavailable(Exception):
    """A service could not be started; the message is the one line shown to the user."""


def _say(message: str) -> None:
    print(f"test_services: {message}", file=sys.stderr, flush=True)


def _pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live: PATH first, then Debian's versioned directories (newest first)."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True
    )
    return Path(found[0]).parent if found else None


def _install_postgres() -> Path:
    if os.geteuid() != 0:
        raise ServiceUnavailable("PostgreSQL is not installed and we are not root to apt-get it")
    if not shutil.which("apt-get"):
        raise ServiceUnavailable("PostgreSQL is not installed and there is no apt-get to install it")
    _say("installing PostgreSQL from Debian's packages (apt-get install postgresql)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        done = subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ServiceUnavailable(f"{' '.join(cmd)} failed: {last}")
    bindir = _pg_bindir()
    if bindir is None:
        raise ServiceUnavailable("apt-get installed postgresql but initdb is nowhere to be found")
    return bindir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_cluster_owner(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the "postgres" user.
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServiceUnavailable("running as root without runuser, so PostgreSQL cannot be started")
    return [runuser, "-u", "postgres", "--", *cmd]


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if done.returncode != 0:
        last = (done.stdout.strip().splitlines() or ["no output"])[-1]
        raise ServiceUnavailable(f"{what} failed: {last}")


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster; yields its SQLAlchemy URL, stops and removes it after."""
    bindir = _pg_bindir() or _install_postgres()
    root = Path(tempfile.mkdtemp(prefix="ontherecord-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        try:
            shutil.chown(root, "postgres", "postgres")
        except (LookupError, PermissionError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise ServiceUnavailable(f"cannot hand {root} to the postgres user: {exc}") from exc
    port = _free_port()
    started = False
    try:
        _run(
            _as_cluster_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    PG_USER,
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            "initdb",
        )
        # fsync off: a test cluster is thrown away, so durability only costs time.
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
        _run(
            _as_cluster_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            "pg_ctl start",
        )
        started = True
        _run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, PG_DB], "createdb")
        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{PG_DB}"
    finally:
        if started:
            subprocess.run(
                _as_cluster_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def java() -> None:
    """Spark local mode (tests marked ``spark``) needs a Java runtime: install Debian's when missing."""
    if shutil.which("java"):
        return
    done = subprocess.run(["sh", str(Path(__file__).with_name("java.sh"))], check=False)
    if done.returncode != 0 or not shutil.which("java"):
        _say("no Java runtime, the Spark tests will skip")


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: test_services.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    # A CI timeout sends SIGTERM: unwind like Ctrl-C, so the PostgreSQL cluster is stopped and removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    java()
    with contextlib.ExitStack() as services:
        env = dict(os.environ)
        if env.get(PG_ENV):
            _say(f"using PostgreSQL from {PG_ENV}")
        else:
            try:
                env[PG_ENV] = services.enter_context(postgres())
                _say(f"PostgreSQL running for the tests ({env[PG_ENV]})")
            except ServiceUnavailable as exc:
                _say(f"no PostgreSQL, its tests will skip: {exc}")
        result = subprocess.run(command, env=env, check=False)
    # pytest's "no tests collected" (5) is a failure for CI: a suite that ran nothing proves nothing.
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
