"""Migrations: from an empty database and from the previous revision, on SQLite and PostgreSQL;
the migrated schema is exactly the models' (Alembic's autogenerate finds nothing to change)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from propscope.errors import StoreNotMigrated
from propscope.store import StatsQuery, Store
from propscope.store import db as store_db
from propscope.store.tables import AnalysisRow, ArticleRow, Base, TechniqueCountRow

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


def _rows_of_revision_0002(engine: Engine) -> None:
    """Two stored analyses as revision 0002 wrote them (no stats tables yet)."""
    import datetime as dt

    from propscope.schema import article_to_dict

    now = dt.datetime(2024, 1, 1)
    with engine.begin() as connection:
        for i, (outlet, day, spans) in enumerate((("RT", dt.date(2024, 1, 2), 2), ("RT", dt.date(2024, 1, 2), 1)), start=1):
            article = analysed(f"Written at revision 0002, number {i}. Still here.", outlet=outlet, date=day.isoformat())
            document = article_to_dict(article)
            document.pop("text")
            connection.execute(ArticleRow.__table__.insert().values(
                id=i, content_hash=f"h{i}", doc_id=article.id, outlet=outlet, date=day.isoformat(), day=day, language="en",
                words=len(article.text.split()), text=article.text, created=now))
            connection.execute(AnalysisRow.__table__.insert().values(
                id=i, article_id=i, signature="old", status="ok", created=now, is_current=True, components=[], document=document,
                outlet=outlet, day=day, words=len(article.text.split()), n_techniques=spans, n_claims=1, n_matches=0, n_citations=1))
            connection.execute(TechniqueCountRow.__table__.insert().values(analysis_id=i, technique="Doubt", n=spans, outlet=outlet, day=day))


def test_from_the_previous_revision_keeps_the_data_and_fills_the_new_tables(engine: Engine) -> None:
    assert store_db.upgrade(engine, "0002") == "0002"
    assert "stats_daily" not in inspect(engine).get_table_names()
    with pytest.raises(StoreNotMigrated, match="propscope db upgrade"):
        store_db.require_head(engine)
    _rows_of_revision_0002(engine)
    assert store_db.upgrade(engine) == store_db.HEAD
    store = Store(engine=engine)
    assert store.get(1).article.text == "Written at revision 0002, number 1. Still here."
    (row,) = store.stats(StatsQuery())
    words = 2 * len("Written at revision 0002, number 1. Still here.".split())
    assert (row["outlet"], row["articles"], row["technique_spans"], row["words"]) == ("RT", 2, 3, words)
    assert row["by_technique"] == {"Doubt": round(3000 / words, 3)}
    store.save(analysed("A new one after the upgrade. Yes.", outlet="RT", date="2024-01-02"), "new")
    assert store.stats(StatsQuery())[0]["articles"] == 3


def test_from_the_first_revision(engine: Engine) -> None:
    assert store_db.upgrade(engine, "0001") == "0001"
    assert "api_tokens" not in inspect(engine).get_table_names()
    assert store_db.upgrade(engine) == store_db.HEAD
    Store(engine=engine).create_token("ana", "admin")


def test_downgrade_to_the_previous_revision_and_back(engine: Engine) -> None:
    store_db.upgrade(engine)
    assert store_db.downgrade(engine, "0001") == "0001"
    tables = inspect(engine).get_table_names()
    assert "corrections" not in tables and "stats_daily" not in tables
    assert store_db.upgrade(engine) == store_db.HEAD
