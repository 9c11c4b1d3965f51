"""Several stations on one database: the station of each intake row, station leases, named leases (the
nightly report); on PostgreSQL, full-text search (a tsvector column, GIN-indexed) and the audit guards.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from chartfile.ledger.guards import PG_GUARDS, pg_guard_sql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("intake") as batch:
        batch.add_column(sa.Column("station", sa.String(200), nullable=True))
    op.create_index("ix_intake_station", "intake", ["station"])
    op.create_table(
        "stations",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("holder_name", sa.String(400), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("pid_started", sa.BigInteger, nullable=False),
        sa.Column("inbox", sa.Text, nullable=False),
        sa.Column("started_at", _TZ, nullable=False),
        sa.Column("seen_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
        sa.Column("stopped_at", _TZ, nullable=True),
        sa.Column("inbox_files", sa.Integer, nullable=False),
        sa.Column("in_progress", sa.Integer, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("holder_name", sa.String(400), nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_search()
        for name in PG_GUARDS:
            for statement in pg_guard_sql(name):
                op.execute(statement)


def _postgresql_search() -> None:
    # English stems without a stop-word list (as SQLite's porter tokenizer): "no pneumothorax" stays a phrase
    op.execute("CREATE TEXT SEARCH DICTIONARY chartfile_stem (TEMPLATE = snowball, Language = english)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION chartfile (COPY = english)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION chartfile ALTER MAPPING FOR asciiword, asciihword, "
        "hword_asciipart, word, hword, hword_part WITH chartfile_stem"
    )
    op.execute(
        "ALTER TABLE pages ADD COLUMN text_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('chartfile', text)) STORED"
    )
    op.execute("CREATE INDEX ix_pages_text_tsv ON pages USING GIN (text_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, *_rest) in PG_GUARDS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS chartfile_{name}()")
        op.execute("DROP INDEX IF EXISTS ix_pages_text_tsv")
        op.execute("ALTER TABLE pages DROP COLUMN IF EXISTS text_tsv")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS chartfile")
        op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS chartfile_stem")
    op.drop_table("leases")
    op.drop_table("stations")
    op.drop_index("ix_intake_station", table_name="intake")
    with op.batch_alter_table("intake") as batch:
        batch.drop_column("station")
