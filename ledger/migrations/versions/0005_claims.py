"""Claims: one row per file being processed now (by content), whoever runs; the database decides.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("intake_id", sa.Integer, nullable=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_fingerprint", sa.String(128), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False, index=True),
        sa.Column("holder_name", sa.String(400), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("pid_started", sa.BigInteger, nullable=False),
        sa.Column("taken_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("claims")
