"""Per (outlet, day) totals for stats, filled from the analyses already stored.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NO_DAY = dt.date(1, 1, 1)


def upgrade() -> None:
    daily = op.create_table(
        "stats_daily",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outlet_key", sa.String(300), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("technique_spans", sa.Integer, nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("matches", sa.Integer, nullable=False),
        sa.Column("citations", sa.Integer, nullable=False),
        sa.UniqueConstraint("outlet_key", "day", name="uq_stats_daily"),
    )
    techniques = op.create_table(
        "stats_daily_techniques",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outlet_key", sa.String(300), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("technique", sa.String(80), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.UniqueConstraint("outlet_key", "day", "technique", name="uq_stats_daily_techniques"),
    )
    # Backfill: grouped in SQL by the raw columns, folded in Python (an empty outlet and no outlet
    # share one key), so that the same code runs on SQLite and PostgreSQL.
    bind = op.get_bind()
    analyses = sa.table("analyses", sa.column("outlet"), sa.column("day", sa.Date), sa.column("is_current"),
                        *(sa.column(c) for c in ("words", "n_techniques", "n_claims", "n_matches", "n_citations")))
    rows = bind.execute(
        sa.select(analyses.c.outlet, analyses.c.day, sa.func.count(), sa.func.sum(analyses.c.words),
                  sa.func.sum(analyses.c.n_techniques), sa.func.sum(analyses.c.n_claims), sa.func.sum(analyses.c.n_matches),
                  sa.func.sum(analyses.c.n_citations))
        .where(analyses.c.is_current == sa.true()).group_by(analyses.c.outlet, analyses.c.day)
    ).all()
    totals: dict[tuple[str, dt.date], list[int]] = {}
    for outlet, day, *values in rows:
        entry = totals.setdefault((outlet or "", day or NO_DAY), [0] * 6)
        for i, value in enumerate(values):
            entry[i] += int(value or 0)
    if totals:
        op.bulk_insert(daily, [
            {"outlet_key": o, "day": d, "articles": v[0], "words": v[1], "technique_spans": v[2], "claims": v[3],
             "matches": v[4], "citations": v[5]} for (o, d), v in totals.items()
        ])
    counts = sa.table("technique_counts", sa.column("outlet"), sa.column("day", sa.Date), sa.column("technique"), sa.column("n"))
    per: dict[tuple[str, dt.date, str], int] = {}
    for outlet, day, technique, n in bind.execute(
        sa.select(counts.c.outlet, counts.c.day, counts.c.technique, sa.func.sum(counts.c.n))
        .group_by(counts.c.outlet, counts.c.day, counts.c.technique)
    ).all():
        key = (outlet or "", day or NO_DAY, technique)
        per[key] = per.get(key, 0) + int(n or 0)
    if per:
        op.bulk_insert(techniques, [{"outlet_key": o, "day": d, "technique": t, "n": n} for (o, d, t), n in per.items()])


def downgrade() -> None:
    op.drop_table("stats_daily_techniques")
    op.drop_table("stats_daily")
