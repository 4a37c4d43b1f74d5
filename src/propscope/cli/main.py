"""The ``propscope`` console script: registers the commands and maps coded errors to exit codes."""

from __future__ import annotations

import logging
import sys

import click
import typer

from propscope import __version__
from propscope.cli import analyze, claims, db, kb, ptc, serve, token, train
from propscope.errors import PropscopeError

app = typer.Typer(
    name="propscope",
    help="Take news articles apart like a fact-checker: persuasion techniques, claims, known debunks, sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("analyze")(analyze.analyze)
app.add_typer(train.app, name="train")
app.add_typer(ptc.app, name="ptc")
app.add_typer(claims.app, name="claims")
app.add_typer(kb.app, name="kb")
app.add_typer(db.app, name="db")
app.add_typer(token.app, name="token")
app.command("serve")(serve.serve)


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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a library error becomes one line on stderr and a non-zero exit, never a traceback."""
    try:
        result = app(args=argv, prog_name="propscope", standalone_mode=False)
    except PropscopeError as exc:
        typer.echo(f"propscope: error {exc.code}: {exc.message}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        typer.echo("propscope: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("propscope: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
