"""The ``propscope`` console script: registers the commands and maps every error to one line and an exit code.

Start-up time matters here (a user who mistypes a path should not wait for models), so this module and
``propscope.cli.analyze`` import only typer and the standard library; each command group (``kb``,
``train``, ...) is imported when it is invoked, not to print ``propscope --help``.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click; older releases use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]

if TYPE_CHECKING:
    import click

from propscope import __version__
from propscope.cli import analyze, batch, reanalyze, serve
from propscope.errors import PropscopeError, UsageError

log = logging.getLogger(__name__)

# name -> (module holding a typer ``app``, one-line help shown by ``propscope --help`` without importing it)
GROUPS: dict[str, tuple[str, str]] = {
    "train": ("propscope.cli.train", "Train the models (needs the [train] extra: pip install 'propscope[train]')."),
    "ptc": ("propscope.cli.ptc", "SemEval-2020 Task 11 (PTC): predict label files and score them."),
    "claims": ("propscope.cli.claims", "Check-worthy claims: score sentences with the claims model."),
    "kb": ("propscope.cli.kb", "The knowledge base of fact-checks and disinformation cases."),
    "db": ("propscope.cli.db", "The store of analysed articles (SQLite by default, PostgreSQL with --db)."),
    "token": ("propscope.cli.token", "API tokens for 'propscope serve' (shown once, stored hashed)."),
    "corpus": ("propscope.cli.corpus", "Statistics over analysed corpora (technique rates, claims, sources by outlet and period)."),
    "corrections": ("propscope.cli.corrections", "Reviewer corrections of the store, as training data."),
}


def _plain_help(command: click.Command) -> None:
    """Plain click help for a command and its subcommands: rich markup would eat ``[train]`` and
    importing rich costs a tenth of a second on every ``--help``."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub)


class LazyGroup(TyperGroup):
    """The root group: command groups are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in GROUPS if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in GROUPS and cmd_name not in self.commands:
            module = importlib.import_module(GROUPS[cmd_name][0])
            group = typer.main.get_group(module.app)
            group.name = cmd_name
            _plain_help(group)
            self.add_command(group, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit=formatter.width - 20)))
            else:
                rows.append((name, GROUPS[name][1]))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="propscope",
    cls=LazyGroup,
    help="Take news articles apart like a fact-checker: persuasion techniques, claims, known debunks, sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("analyze")(analyze.analyze)
app.command("serve")(serve.serve)
app.command("batch")(batch.batch)
app.command("reanalyze")(reanalyze.reanalyze)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"propscope {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress and decisions to stderr."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _command() -> click.Command:
    command = typer.main.get_command(app)
    _plain_help(command)
    return command


def usage_line(exc: click_errors.UsageError) -> str:
    """``propscope: error E003: <what is wrong> (see 'propscope analyze --help')``, on one line."""
    # typer's own click copy prefixes pydantic-style "Value error, "; the rest is the useful part
    message = " ".join(exc.format_message().replace("Value error, ", "").split())
    command_path = exc.ctx.command_path if exc.ctx is not None else "propscope"
    return f"propscope: error {UsageError.code}: {message} (see '{command_path} --help')"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI: every error is one line on stderr and an exit code (README), never a traceback."""
    try:
        result: Any = _command().main(args=argv, prog_name="propscope", standalone_mode=False)
    except PropscopeError as exc:
        typer.echo(f"propscope: error {exc.code}: {exc.message}", err=True)
        return exc.exit_code
    except click_errors.NoArgsIsHelpError as exc:
        # a bare group ("propscope", "propscope kb") asks what it can do: help, not an error
        assert exc.ctx is not None
        typer.echo(exc.ctx.get_help())
        return 0
    except click_errors.UsageError as exc:
        typer.echo(usage_line(exc), err=True)
        return UsageError.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("propscope: aborted", err=True)
        return 130
    except click_errors.ClickException as exc:
        typer.echo(f"propscope: error {UsageError.code}: {' '.join(exc.format_message().split())}", err=True)
        return UsageError.exit_code
    except KeyboardInterrupt:
        typer.echo("propscope: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line for the user, the traceback with --verbose
        log.info("internal error", exc_info=True)
        typer.echo(
            f"propscope: error E000: internal error ({type(exc).__name__}: {exc}); "
            "run with --verbose for the traceback and please report it",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
