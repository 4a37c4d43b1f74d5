"""``propscope token create --name N --role reader|reviewer|admin``, ``token list``, ``token revoke``."""

from __future__ import annotations

from enum import Enum

import typer

from propscope.cli.db import DB_OPTION

app = typer.Typer(help="API tokens for 'propscope serve' (shown once, stored hashed).", no_args_is_help=True)


class Role(str, Enum):
    reader = "reader"
    reviewer = "reviewer"
    admin = "admin"


def create_token(name: str, role: str, url: str | None) -> str:
    from propscope.store import Store

    store = Store.open(url, migrate=True)
    try:
        token, _info = store.create_token(name, role)
    finally:
        store.close()
    return token


@app.command("create")
def create_command(
    name: str = typer.Option(..., "--name", help="Who holds the token (unique)."),
    role: Role = typer.Option(Role.reader, "--role", help="reader: read; reviewer: also write; admin: also import into the KB."),
    db: str | None = DB_OPTION,
) -> None:
    """Create a token and print it once: only its SHA-256 is stored."""
    token = create_token(name, role.value, db)
    typer.echo(token)
    typer.echo(f"propscope: token '{name}' ({role.value}) created; it is shown only now", err=True)


@app.command("list")
def list_command(db: str | None = DB_OPTION) -> None:
    """Names, roles and creation times of the tokens (never the tokens)."""
    from propscope.store import Store

    store = Store.open(db, migrate=True)
    try:
        for info in store.tokens():
            typer.echo(f"{info.name}\t{info.role}\t{info.created.isoformat(timespec='seconds')}")
    finally:
        store.close()


@app.command("revoke")
def revoke_command(name: str = typer.Argument(..., help="The token's name."), db: str | None = DB_OPTION) -> None:
    from propscope.store import Store

    store = Store.open(db, migrate=True)
    try:
        store.revoke_token(name)
    finally:
        store.close()
    typer.echo(f"propscope: token '{name}' revoked", err=True)
