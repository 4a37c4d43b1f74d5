"""The store's tables (SQLAlchemy 2 declarative models). Alembic migrations in ``migrations/`` create
them; ``tests/store/test_migrations.py`` checks that the migrated schema equals these models.

Articles are unique by content hash; an analysis is unique by (article, pipeline signature), so the
same article analysed twice by the same pipeline is stored once and a new model adds a new analysis
(the newest one of an article is ``is_current``). Spans, claims, matches and citations are rows of
their analysis. ``technique_counts`` and the count columns of ``analyses`` repeat what the span rows
say, per current analysis, so that ``stats`` aggregates one small table instead of joining millions
of span rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    doc_id: Mapped[str] = mapped_column(String(200))  # Article.id as ingested (a hash unless the input named one)
    source: Mapped[str | None] = mapped_column(String(2000))
    url: Mapped[str | None] = mapped_column(String(2000))
    outlet: Mapped[str | None] = mapped_column(String(300), index=True)
    date: Mapped[str | None] = mapped_column(String(40))
    day: Mapped[dt.date | None] = mapped_column(Date, index=True)  # ``date`` parsed, for ranges and stats
    title: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str | None] = mapped_column(String(12), index=True)
    words: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AnalysisRow(Base):
    __tablename__ = "analyses"
    __table_args__ = (
        UniqueConstraint("article_id", "signature", name="uq_analysis_article_signature"),
        Index("ix_analyses_current", "is_current", "outlet", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    signature: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))  # ok | partial
    reason: Mapped[str | None] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{name, version, fingerprint}]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the schema JSON of the analysed article
    # copies for filters and stats without joins
    outlet: Mapped[str | None] = mapped_column(String(300))
    day: Mapped[dt.date | None] = mapped_column(Date)
    words: Mapped[int] = mapped_column(Integer, default=0)
    n_techniques: Mapped[int] = mapped_column(Integer, default=0)
    n_claims: Mapped[int] = mapped_column(Integer, default=0)
    n_matches: Mapped[int] = mapped_column(Integer, default=0)
    n_citations: Mapped[int] = mapped_column(Integer, default=0)


class TechniqueSpanRow(Base):
    __tablename__ = "technique_spans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)  # position in the document's ``techniques`` list
    technique: Mapped[str] = mapped_column(String(80), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)


class ClaimRow(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    speaker: Mapped[str | None] = mapped_column(String(500))
    voice: Mapped[str | None] = mapped_column(String(20))


class MatchRow(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    claim_idx: Mapped[int] = mapped_column(Integer)
    idx: Mapped[int] = mapped_column(Integer)  # position in the claim's ``matches`` list
    kb_id: Mapped[str] = mapped_column(String(200), index=True)
    claim: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    similarity: Mapped[float] = mapped_column(Float)
    rating: Mapped[str | None] = mapped_column(String(200))


class CitationRow(Base):
    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    domain: Mapped[str | None] = mapped_column(String(300), index=True)
    reliability: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class TechniqueCountRow(Base):
    """Spans per technique of each *current* analysis (rows of superseded analyses are deleted)."""

    __tablename__ = "technique_counts"
    __table_args__ = (Index("ix_technique_counts_group", "outlet", "day", "technique"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    technique: Mapped[str] = mapped_column(String(80))
    n: Mapped[int] = mapped_column(Integer)
    outlet: Mapped[str | None] = mapped_column(String(300))
    day: Mapped[dt.date | None] = mapped_column(Date)


class CorrectionRow(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(20))  # technique | claim | match
    target_index: Mapped[int | None] = mapped_column(Integer)  # None for an added span
    match_index: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # reader | reviewer | admin
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex; the token is never stored
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))  # token name ("local" for a token-less loopback client)
    status: Mapped[str] = mapped_column(String(12))  # queued | running | done
    total: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)


class JobItemRow(Base):
    __tablename__ = "job_items"
    __table_args__ = (UniqueConstraint("job_id", "idx", name="uq_job_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(12))  # queued | ok | partial | error
    error_code: Mapped[str | None] = mapped_column(String(10))
    error_message: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    analysis_id: Mapped[int | None] = mapped_column(ForeignKey("analyses.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the document to analyse, until done


NO_OUTLET = ""  # stats keys cannot be NULL (NULLs never collide in a unique key)
NO_DAY = dt.date(1, 1, 1)


class StatsDailyRow(Base):
    """Totals of the current analyses per (outlet, day), kept up to date by every save and delete,
    so that ``stats`` reads a few thousand rows however many articles are stored."""

    __tablename__ = "stats_daily"
    __table_args__ = (UniqueConstraint("outlet_key", "day", name="uq_stats_daily"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_key: Mapped[str] = mapped_column(String(300))
    day: Mapped[dt.date] = mapped_column(Date)
    articles: Mapped[int] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(Integer)
    technique_spans: Mapped[int] = mapped_column(Integer)
    claims: Mapped[int] = mapped_column(Integer)
    matches: Mapped[int] = mapped_column(Integer)
    citations: Mapped[int] = mapped_column(Integer)


class StatsDailyTechniqueRow(Base):
    __tablename__ = "stats_daily_techniques"
    __table_args__ = (UniqueConstraint("outlet_key", "day", "technique", name="uq_stats_daily_techniques"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_key: Mapped[str] = mapped_column(String(300))
    day: Mapped[dt.date] = mapped_column(Date)
    technique: Mapped[str] = mapped_column(String(80))
    n: Mapped[int] = mapped_column(Integer)
