"""``propscope db upgrade|status [--db URL]``: create or migrate the store's database."""

from __future__ import annotations

import typer

# The store (SQLAlchemy) is imported inside the commands: 'propscope --help' stays fast.

app = typer.Typer(help="The store of analysed articles (SQLite by default, PostgreSQL with --db).", no_args_is_help=True)

DB_OPTION = typer.Option(None, "--db", help="Database URL (default: $PROPSCOPE_DB, else $PROPSCOPE_HOME/propscope.db).")


def upgrade_database(url: str | None) -> tuple[str, str | None]:
    """Migrate the database at ``url`` to the newest revision; returns (redacted URL, revision)."""
    from propscope.store import db as store_db

    engine = store_db.make_engine(url)
    try:
        return store_db.redact(str(engine.url)), store_db.upgrade(engine)
    finally:
        engine.dispose()


@app.command("upgrade")
def upgrade_command(db: str | None = DB_OPTION) -> None:
    """Create the tables, or migrate them to this version's schema (safe to run again)."""
    url, revision = upgrade_database(db)
    typer.echo(f"propscope: {url} is at revision {revision}")


@app.command("status")
def status_command(db: str | None = DB_OPTION) -> None:
    """The database's revision and the newest one this version knows."""
    from propscope.store import db as store_db

    engine = store_db.make_engine(db)
    try:
        revision = store_db.current_revision(engine)
        typer.echo(f"{store_db.redact(str(engine.url))}: revision {revision or 'none'} (newest: {store_db.HEAD})")
    finally:
        engine.dispose()
