"""Run a test command with the services the tests need started first (see docs/testing.md).

Usage: python scripts/test_services.py -- COMMAND [ARGS...]
"""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: test_services.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    result = subprocess.run(command, check=False)
    # pytest's "no tests collected" (5) is a failure for CI: a suite that ran nothing proves nothing.
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
