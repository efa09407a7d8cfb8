"""The `ontherecord` command: thin skins over the library, one module per command group.

Library errors become a one-line message and a non-zero exit here, and only here.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from ontherecord.errors import InputError, NotFoundError, OntherecordError
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
        settings = load_settings(config)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{config}: cannot read settings: {exc}") from exc
    ctx.obj = {"settings": settings.with_(db=db), "debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    # trafilatura and its helpers log their own parsing chatter at WARNING; our errors say what matters.
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.ERROR)


for _name in _COMMAND_MODULES:
    for _command in importlib.import_module(f"ontherecord.cli.{_name}").COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the group and turn library errors into one line on stderr."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="ontherecord", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NotFoundError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    except (InputError, OntherecordError) as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: one line for the user, the traceback with --debug
        if debug:
            raise
        click.echo(f"Error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(70)
