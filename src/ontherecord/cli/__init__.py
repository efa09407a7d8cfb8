"""The `ontherecord` command: thin skins over the library, one module per command group.

Library errors become a one-line message and a non-zero exit here, and only here, with the status
that ``exit_codes.EXIT_CODES``, the one table of exit statuses, gives them.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from ontherecord.cli.exit_codes import ExitCode
from ontherecord.cli.render import printable
from ontherecord.errors import NotFoundError, OntherecordError, SettingsError
from ontherecord.settings import load_settings

# Each module exposes COMMANDS, a list of click commands.
_COMMAND_MODULES = ("read", "ledger", "export", "evaluate", "batch", "audit")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="URL",
    envvar="ONTHERECORD_DB",
    help="Ledger: a SQLite file or an SQLAlchemy URL (postgresql://…). Default: ontherecord.db",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="A TOML file of settings (see docs/settings.md).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="ontherecord")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, debug: bool) -> None:
    """Who said what in the news, and which sentences rest on whose word."""
    try:
        settings = load_settings(config).with_(db=db)
    except OSError as exc:
        raise click.ClickException(f"{config}: cannot read settings: {exc.strerror or exc}") from exc
    ctx.obj = {"settings": settings, "debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    # trafilatura and its helpers log their own parsing chatter at WARNING; our errors say what matters.
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.ERROR)


for _name in _COMMAND_MODULES:
    for _command in importlib.import_module(f"ontherecord.cli.{_name}").COMMANDS:
        cli.add_command(_command)


def _error(message: str, code: ExitCode) -> NoReturn:
    # Messages name files and values that came from outside: no escape sequence reaches the terminal.
    click.echo(f"Error: {printable(message, keep_newlines=False)}", err=True)
    sys.exit(code)


def _undecodable(args: list[str]) -> str | None:
    """A message for a ledger URL (``--db`` or an ONTHERECORD_ variable) holding bytes that are not UTF-8.

    Other arguments are left to their command: a path with such bytes in its name is an article
    file like any other (the readers name it with the bytes escaped, and the batch goes on), and
    a name or id is simply not found. A ledger URL is different: every message names it, and the
    database drivers cannot open it.
    """
    named = [
        ("--db", value.removeprefix("--db="))
        for i, value in enumerate(args)
        if value.startswith("--db=") or (i > 0 and args[i - 1] == "--db")
    ]
    named += [(k, v) for k, v in os.environ.items() if k.startswith("ONTHERECORD_")]
    for where, value in named:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # Shown with the bad bytes escaped (\xff), never raw.
            shown = os.fsencode(value).decode("utf-8", "backslashreplace")
            return f"{where} is not valid UTF-8 ({shown}); rename the ledger's file or folder, or use UTF-8 text"
    return None


def _where(exc: BaseException) -> str:
    """Where in ontherecord a bug was raised (file:line), for a report that carries no data."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}ontherecord{os.sep}" in f.filename] or frames
    if not ours:
        return ""
    frame = ours[-1]
    parts = Path(frame.filename).parts
    short = "/".join(parts[parts.index("ontherecord") :]) if "ontherecord" in parts else parts[-1]
    return f" at {short}:{frame.lineno}"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the group and turn every error into one line on stderr and its exit status."""
    args = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in args
    bad_argument = _undecodable(args)
    if bad_argument is not None:
        _error(bad_argument, ExitCode.BAD_INPUT)
    try:
        rv = cli.main(args=args, prog_name="ontherecord", standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort) or EOF at a prompt
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError):
            exc.show()  # the usage line helps here
            sys.exit(exc.exit_code)
        code = ExitCode(exc.exit_code) if exc.exit_code in set(ExitCode) else ExitCode.BAD_INPUT
        _error(exc.format_message(), code)
    except SettingsError as exc:
        if debug:
            raise
        for problem in exc.problems:  # one line per bad value, so all of them can be fixed at once
            click.echo(f"Error: {printable(problem, keep_newlines=False)}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    except NotFoundError as exc:
        if debug:
            raise
        _error(str(exc), ExitCode.NOT_FOUND)
    except OntherecordError as exc:
        if debug:
            raise
        _error(str(exc), ExitCode.BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say. Point stdout at /dev/null so the
        # interpreter's final flush does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.OK)
    except OSError as exc:  # the machine said no (permissions, a full disk): the environment, not a bug
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or type(exc).__name__}", ExitCode.BAD_INPUT)
    except Exception as exc:  # a bug: its type and place only, since its text may hold article text or SQL
        if debug:
            raise
        _error(
            f"internal error ({type(exc).__name__}{_where(exc)}); run with --debug for the traceback and "
            "please report it",
            ExitCode.BUG,
        )
    sys.exit(rv if isinstance(rv, int) else ExitCode.OK)
