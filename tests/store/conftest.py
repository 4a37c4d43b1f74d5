"""Stores on the real databases: a SQLite file per test, and PostgreSQL in a schema of its own.

The PostgreSQL server is ``PROPSCOPE_TEST_PG_URL`` (default: the test machines' server on
127.0.0.1:5432, database ``test``); each test gets a fresh schema that is dropped afterwards, so
parallel runs never see each other's rows. Where no server answers, those tests are skipped and
say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.store import Store
from propscope.store import db as store_db

PG_URL = os.environ.get("PROPSCOPE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_schema_url() -> Iterator[tuple[str, str]]:
    """(URL, schema) of a fresh PostgreSQL schema; skips the test when no server answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {store_db.redact(PG_URL)} (set PROPSCOPE_TEST_PG_URL): {str(exc.orig).splitlines()[0]}")
    schema = f"propscope_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PG_URL, schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[tuple[str, str]]:
    yield from pg_schema_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}", migrate=True)
        yield opened
        opened.close()
        return
    for url, schema in pg_schema_url():
        opened = Store.open(url, schema=schema, migrate=True)
        yield opened
        opened.close()
