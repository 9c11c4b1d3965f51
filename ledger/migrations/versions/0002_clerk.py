"""The clerk's side: append-only audit trail, split children, patient merges, nightly report runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("UPDATE", "DELETE")


def upgrade() -> None:
    op.add_column("documents", sa.Column("parent_id", sa.Integer, nullable=True))
    op.create_index("ix_documents_parent_id", "documents", ["parent_id"])
    op.add_column("patients", sa.Column("merged_into", sa.String(64), nullable=True))
    op.create_table(
        "report_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_date", sa.Date, nullable=False, unique=True),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("html_path", sa.Text, nullable=False),
        sa.Column("csv_path", sa.Text, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("emailed", sa.Boolean, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER audit_events_no_{statement.lower()} BEFORE {statement} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{statement.lower()}")
    op.drop_table("report_runs")
    with op.batch_alter_table("patients") as batch:
        batch.drop_column("merged_into")
    op.drop_index("ix_documents_parent_id", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("parent_id")
