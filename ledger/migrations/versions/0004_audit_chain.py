"""The audit trail's keyed hash chain: a chain value per row, the chain's head, guards on the head.

Rows written before this revision keep no chain value; the first command after it starts the chain and
seals them in the head (their count and digest), keyed with the site key (ledger/chain.py).

Revision ID: 0004
Revises: 0003_ehr
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from chartfile.ledger.guards import SQLITE_GUARDS, head_guards

revision = "0004"
down_revision = "0003_ehr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("chain", sa.String(64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("start_id", sa.Integer, nullable=False),
        sa.Column("sealed_rows", sa.Integer, nullable=False),
        sa.Column("sealed_sha256", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_one_row"),
    )
    op.execute(
        "INSERT INTO audit_head (id, last_id, last_hash, mac, start_id, sealed_rows, sealed_sha256) "
        "SELECT 1, COALESCE(MAX(id), 0), '', '', 0, 0, '' FROM audit_events"
    )
    if op.get_bind().dialect.name == "sqlite":
        for name in head_guards():
            op.execute(SQLITE_GUARDS[name])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in head_guards():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("chain")
