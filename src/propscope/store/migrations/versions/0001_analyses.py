"""Articles and their analyses: spans, claims, matches, citations, per-technique counts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(2000)),
        sa.Column("url", sa.String(2000)),
        sa.Column("outlet", sa.String(300)),
        sa.Column("date", sa.String(40)),
        sa.Column("day", sa.Date),
        sa.Column("title", sa.String(1000)),
        sa.Column("language", sa.String(12)),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_day", "articles", ["day"])
    op.create_index("ix_articles_language", "articles", ["language"])
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("components", sa.JSON, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("outlet", sa.String(300)),
        sa.Column("day", sa.Date),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("n_techniques", sa.Integer, nullable=False),
        sa.Column("n_claims", sa.Integer, nullable=False),
        sa.Column("n_matches", sa.Integer, nullable=False),
        sa.Column("n_citations", sa.Integer, nullable=False),
        sa.UniqueConstraint("article_id", "signature", name="uq_analysis_article_signature"),
    )
    op.create_index("ix_analyses_article_id", "analyses", ["article_id"])
    op.create_index("ix_analyses_current", "analyses", ["is_current", "outlet", "day"])
    op.create_table(
        "technique_spans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("technique", sa.String(80), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_index("ix_technique_spans_analysis_id", "technique_spans", ["analysis_id"])
    op.create_index("ix_technique_spans_technique", "technique_spans", ["technique"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("speaker", sa.String(500)),
        sa.Column("voice", sa.String(20)),
    )
    op.create_index("ix_claims_analysis_id", "claims", ["analysis_id"])
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("claim_idx", sa.Integer, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("kb_id", sa.String(200), nullable=False),
        sa.Column("claim", sa.Text, nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("rating", sa.String(200)),
    )
    op.create_index("ix_matches_analysis_id", "matches", ["analysis_id"])
    op.create_index("ix_matches_kb_id", "matches", ["kb_id"])
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("domain", sa.String(300)),
        sa.Column("reliability", sa.Float),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
    )
    op.create_index("ix_citations_analysis_id", "citations", ["analysis_id"])
    op.create_index("ix_citations_domain", "citations", ["domain"])
    op.create_table(
        "technique_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("technique", sa.String(80), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("outlet", sa.String(300)),
        sa.Column("day", sa.Date),
    )
    op.create_index("ix_technique_counts_analysis_id", "technique_counts", ["analysis_id"])
    op.create_index("ix_technique_counts_group", "technique_counts", ["outlet", "day", "technique"])


def downgrade() -> None:
    for table in ("technique_counts", "citations", "matches", "claims", "technique_spans", "analyses", "articles"):
        op.drop_table(table)
