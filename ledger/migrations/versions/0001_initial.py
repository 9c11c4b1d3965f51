"""Initial schema: patients, intake journal, documents, pages (+ FTS5 on SQLite), audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("mrn", sa.String(64), primary_key=True),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("middle_name", sa.String(200), nullable=False),
        sa.Column("dob", sa.Date, nullable=False, index=True),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(64), nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("zip", sa.String(32), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
    )
    op.create_table(
        "intake",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_fingerprint", sa.String(128), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("work_path", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("claimed_at", _TZ, nullable=False),
        sa.Column("finished_at", _TZ, nullable=True),
    )
    _create_documents()
    _create_pages()
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Integer, nullable=True, index=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_fts()


def _create_documents() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, sa.ForeignKey("intake.id"), primary_key=True, autoincrement=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("patient_mrn", sa.String(64), nullable=True, index=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("candidates", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("extraction", sa.JSON, nullable=False),
        sa.Column("doc_type", sa.String(64), nullable=True),
        sa.Column("doc_date", sa.Date, nullable=True),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("stored_path", sa.Text, nullable=True),
        sa.Column("stored_sha256", sa.String(64), nullable=True),
        sa.Column("original_path", sa.Text, nullable=True),
        sa.Column("quarantine_path", sa.Text, nullable=True),
        sa.Column("duplicate_of", sa.Integer, nullable=True),
        sa.Column("received_at", _TZ, nullable=False),
        sa.Column("processed_at", _TZ, nullable=False),
    )


def _create_pages() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("mean_confidence", sa.Float, nullable=True),
        sa.Column("low_confidence", sa.Boolean, nullable=False),
    )
    op.create_index("ix_pages_document_number", "pages", ["document_id", "number"], unique=True)


def _create_sqlite_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE pages_fts USING fts5(text, content='pages', content_rowid='id', "
        "tokenize='porter unicode61')"
    )
    op.execute(
        "CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN "
        "INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN "
        "INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER pages_au AFTER UPDATE ON pages BEGIN "
        "INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("pages_ai", "pages_ad", "pages_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS pages_fts")
    for table in ("audit_events", "pages", "documents", "intake", "patients"):
        op.drop_table(table)
