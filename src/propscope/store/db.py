"""Database URLs, engines and migrations (SQLAlchemy 2 + Alembic).

The default database is the SQLite file ``$PROPSCOPE_HOME/propscope.db`` (see
:func:`propscope.kb.paths.data_home`); ``PROPSCOPE_DB`` or an explicit URL
(``postgresql+psycopg://user@host/db``) selects another. ``schema`` (PostgreSQL only) puts every
table, and Alembic's version table, in that schema: tests use it to keep parallel runs apart.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from propscope.errors import StoreError, StoreNotMigrated

DB_FILE = "propscope.db"
HEAD = "0003"


def default_url() -> str:
    if os.environ.get("PROPSCOPE_DB"):
        return os.environ["PROPSCOPE_DB"]
    from propscope.kb.paths import data_home

    return f"sqlite:///{data_home() / DB_FILE}"


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def make_engine(url: str | None = None, schema: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`default_url`); SQLite files get WAL, foreign keys and
    ``BEGIN IMMEDIATE`` for writes, so concurrent writers wait for each other instead of failing."""
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {redact(url)}") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact(url)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        _sqlite_setup(engine)
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off, so that BEGIN is ours to choose (below)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write takes the lock at BEGIN: two deferred transactions that both upgrade to writing
        # would fail at once with "database is locked" instead of waiting.
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("propscope.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _connected(engine: Engine) -> Iterator[Any]:
    try:
        with engine.connect() as connection:
            yield connection
    except OperationalError as exc:
        reason = " ".join(str(exc.orig).split())  # one line: the CLI prints errors on one line
        raise StoreError(f"cannot reach database {redact(str(engine.url))}: {reason}") from exc


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to ``revision`` (default: the newest); returns the revision reached."""
    from alembic import command

    with _connected(engine) as connection:
        try:
            command.upgrade(_alembic_config(connection), revision)
            connection.commit()
        except SQLAlchemyError as exc:
            raise StoreError(f"migration failed on {redact(str(engine.url))}: {exc}") from exc
    return current_revision(engine)


def downgrade(engine: Engine, revision: str) -> str | None:
    from alembic import command

    with _connected(engine) as connection:
        command.downgrade(_alembic_config(connection), revision)
        connection.commit()
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with _connected(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_head(engine: Engine) -> None:
    revision = current_revision(engine)
    if revision != HEAD:
        raise StoreNotMigrated(
            f"the database {redact(str(engine.url))} is at revision {revision or 'none'}, not {HEAD}: "
            "run 'propscope db upgrade'"
        )


def ping(engine: Engine) -> None:
    with _connected(engine) as connection:
        connection.execute(text("SELECT 1"))
