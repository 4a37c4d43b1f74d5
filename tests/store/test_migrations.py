"""Migrations: from an empty database and from the previous revision, on SQLite and PostgreSQL;
the migrated schema is exactly the models' (Alembic's autogenerate finds nothing to change)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from propscope.errors import StoreNotMigrated
from propscope.store import Store
from propscope.store import db as store_db
from propscope.store.tables import Base

from .articles import analysed
from .conftest import pg_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = store_db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield made
        made.dispose()
        return
    for url, schema in pg_schema_url():
        made = store_db.make_engine(url, schema=schema)
        yield made
        made.dispose()


def test_from_empty_to_head_matches_the_models(engine: Engine) -> None:
    assert store_db.current_revision(engine) is None
    assert store_db.upgrade(engine) == store_db.HEAD
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert store_db.upgrade(engine) == store_db.HEAD  # running it again changes nothing


def test_from_the_previous_revision_keeps_the_data(engine: Engine) -> None:
    assert store_db.upgrade(engine, "0001") == "0001"
    assert "api_tokens" not in inspect(engine).get_table_names()
    store = Store(engine=engine)
    with pytest.raises(StoreNotMigrated, match="propscope db upgrade"):
        store_db.require_head(engine)
    saved = store.save(analysed("Written at revision 0001. Still here."), "sig")  # tables of 0001 only
    assert store_db.upgrade(engine) == store_db.HEAD
    assert store.get(saved.article_id).article.text == "Written at revision 0001. Still here."
    store.create_token("ana", "admin")  # a table of 0002
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 1


def test_downgrade_to_the_previous_revision_and_back(engine: Engine) -> None:
    store_db.upgrade(engine)
    assert store_db.downgrade(engine, "0001") == "0001"
    assert "corrections" not in inspect(engine).get_table_names()
    assert store_db.upgrade(engine) == store_db.HEAD
