"""Talking to the EHR: the deliveries outbox, and each patient's source time (ADT / FHIR).

Revision ID: 0003_ehr
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ehr"
down_revision = "0002"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("source_time", _TZ, nullable=True))
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("event", sa.String(24), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("patient_mrn", sa.String(64), nullable=False),
        sa.Column("replaces", sa.Integer, nullable=True),
        sa.Column("replaces_document", sa.Integer, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TZ, nullable=False),
        sa.Column("lease_until", _TZ, nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("first_failed_at", _TZ, nullable=True),
        sa.Column("delivered_at", _TZ, nullable=True),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("receipt", sa.Text, nullable=False),
    )
    op.create_index("ix_deliveries_document_id", "deliveries", ["document_id"])
    op.create_index("ix_deliveries_state", "deliveries", ["state"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_state", table_name="deliveries")
    op.drop_index("ix_deliveries_document_id", table_name="deliveries")
    op.drop_table("deliveries")
    with op.batch_alter_table("patients") as batch:
        batch.drop_column("source_time")
