"""CLI: the one table of exit statuses; `cli.main` maps every error onto it, the CLI reference prints it."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What the exit status of every command means."""

    OK = 0
    BAD_INPUT = 1
    USAGE = 2
    NOT_FOUND = 3
    BUG = 70  # EX_SOFTWARE of sysexits.h
    INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


# The one table of exit statuses (the reference in docs/cli-reference.md is generated from it).
EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "everything went well",
    ExitCode.BAD_INPUT: (
        "bad input: a file, URL, setting or ledger we cannot use; in a batch (`ingest`, `extract` of "
        "several files) some or all items failed: the others were done, the failures named and recorded"
    ),
    ExitCode.USAGE: "the command line itself is wrong (an unknown option, a missing argument)",
    ExitCode.NOT_FOUND: "the article or source asked for is not in the ledger",
    ExitCode.BUG: "a bug in ontherecord, never bad input: please report it (--debug shows the traceback)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); `ingest` keeps what it stored and a re-run resumes",
}
