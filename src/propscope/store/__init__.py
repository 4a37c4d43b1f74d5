"""The store: analysed articles, reviewer corrections, API tokens and jobs in one SQL database.

SQLite file by default (``$PROPSCOPE_HOME/propscope.db``), PostgreSQL when a URL is given
(``postgresql+psycopg://user@host/db``, or ``PROPSCOPE_DB``). The schema is created and migrated by
Alembic (``propscope db upgrade``, or :func:`propscope.store.db.upgrade`).

The API (everything a caller needs; all methods are thread-safe and raise coded errors)::

    from propscope.store import Store, ArticleQuery, StatsQuery, CorrectionRequest

    store = Store.open(url, migrate=True)       # url None: PROPSCOPE_DB, else the SQLite file
    saved = store.save(article, signature, status="ok", source="a.txt")
    saved.article_id, saved.analysis_id, saved.created   # created False: already stored
    stored = store.get(saved.article_id)          # StoredArticle: .article (an Article), .analysis,
                                                  # .analyses (all of them, newest first)
    page = store.list_articles(ArticleQuery(outlet="RT", technique="Loaded_Language", limit=20))
    rows = store.stats(StatsQuery(by_outlet=True, period="month"))
    store.add_correction(article_id, CorrectionRequest("technique", "reject", index=0), author="ana")
    store.corrections(article_id)
    token, info = store.create_token("ana", "reviewer")   # token shown once; only its hash is kept
    store.authenticate(token)                     # TokenInfo or None
    job_id = store.create_job(owner, settings, [(source, payload), ...]); store.job(job_id, owner)
    store.delete(article_id)

Identity: an article is its text (SHA-256 of ``text``); an analysis is (article, pipeline signature)
where the signature is :meth:`propscope.engine.Analyzer.signature` of the run settings. Saving the
same pair twice stores nothing new; a new model or new thresholds add an analysis, which becomes the
article's current one, and the old one is kept. Corrections never change an analysis: they record
who decided what about which item (``before``/``after``), for review and for training data.

Writers that save batches (corpus runs) call :meth:`Store.save` per analysed article, or
:func:`save_outcome` for an :class:`~propscope.engine.Outcome`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from propscope.store.store import (
    ACTIONS,
    ROLES,
    ArticleQuery,
    CorrectionRequest,
    Job,
    JobItem,
    Saved,
    StatsQuery,
    Store,
    StoredArticle,
    TokenInfo,
)

if TYPE_CHECKING:
    from propscope.engine import Outcome

__all__ = [
    "ACTIONS",
    "ROLES",
    "ArticleQuery",
    "CorrectionRequest",
    "Job",
    "JobItem",
    "Saved",
    "StatsQuery",
    "Store",
    "StoredArticle",
    "TokenInfo",
    "save_outcome",
]


def save_outcome(store: Store, outcome: Outcome, signature: str) -> Saved | None:
    """Store an outcome's article (``ok`` or ``partial``); ``None`` for an error outcome."""
    if outcome.article is None or outcome.status == "error":
        return None
    return store.save(outcome.article, signature, status=outcome.status, reason=outcome.reason, source=outcome.source)
