"""The database schema as typed SQLAlchemy 2.0 ORM classes."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Patient(Base):
    """One row of the patient master list."""

    __tablename__ = "patients"

    mrn: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(200))
    middle_name: Mapped[str] = mapped_column(String(200), default="")
    dob: Mapped[dt.date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(64), default="")
    zip: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    merged_into: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    # when the EHR last changed this record (ADT message / FHIR resource time): older news is not applied
    source_time: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, default=None
    )


class Intake(Base):
    """The claim journal: every file taken from the inbox, before any work is done on it."""

    __tablename__ = "intake"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_path: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text)
    source_fingerprint: Mapped[str] = mapped_column(String(128), index=True)  # dev:inode:size:mtime_ns
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    work_path: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)  # claimed, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the station that took it (its recovery is that station's); NULL on rows older than stations
    station: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True, default=None)


class Document(Base):
    """A processed document and its index fields; the id is the intake id."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(ForeignKey("intake.id"), primary_key=True, autoincrement=False)
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    patient_mrn: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    doc_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    doc_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    stored_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    stored_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    original_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    quarantine_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)  # split from this
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_documents_queue", "status", "received_at", "id"),)  # the review queue


class Page(Base):
    """The text of one page of a document (indexed for full-text search)."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    mean_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    low_confidence: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (Index("ix_pages_document_number", "document_id", "number", unique=True),)


class AuditEvent(Base):
    """Append-only audit trail: who did what to which document, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # HMAC-SHA256 (site key) of this row chained to the row before it; NULL on rows older than the chain
    chain: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)


class AuditHead(Base):
    """The audit chain (its one row), keyed: where it starts and what it seals before that (rows older
    than the chain, or older than a break IT resealed), and its newest link (rows deleted at its end show)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))  # "" until the chain is started
    start_id: Mapped[int] = mapped_column(Integer, default=0)  # the chain's first row
    sealed_rows: Mapped[int] = mapped_column(Integer, default=0)  # rows before it...
    sealed_sha256: Mapped[str] = mapped_column(String(64), default="")  # ...and their digest

    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_one_row"),)


class Claim(Base):
    """A file being processed now, one claim per content (SHA-256), whoever runs: the database decides.

    The holder renews its lease while it works; a claim whose lease ran out, or whose holder on this
    machine is gone, may be taken over."""

    __tablename__ = "claims"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    intake_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_path: Mapped[str] = mapped_column(Text)
    source_fingerprint: Mapped[str] = mapped_column(String(128))
    holder: Mapped[str] = mapped_column(String(64), index=True)  # a token unique to the holding process
    holder_name: Mapped[str] = mapped_column(String(400))  # "chartfile watch (pid 12 on host, user)"
    host: Mapped[str] = mapped_column(String(200))  # machine id: liveness is checked on its own host
    pid: Mapped[int] = mapped_column(Integer)
    pid_started: Mapped[int] = mapped_column(BigInteger)  # the process's start time (a reused pid differs)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReportRun(Base):
    """One nightly unmatched report written (the newest date is where the schedule resumes)."""

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    ran_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    html_path: Mapped[str] = mapped_column(Text)
    csv_path: Mapped[str] = mapped_column(Text)
    documents: Mapped[int] = mapped_column(Integer)
    emailed: Mapped[bool] = mapped_column(default=False)


class Delivery(Base):
    """The outbox: one message to the EHR about a document, written in the unit that caused it."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    target: Mapped[str] = mapped_column(String(16))  # mdm, fhir, command
    event: Mapped[str] = mapped_column(String(24))  # filed, replaced, entered-in-error
    version: Mapped[int] = mapped_column(Integer)  # the document's delivery version this message is about
    patient_mrn: Mapped[str] = mapped_column(String(64))  # whose chart it goes to (or is taken from)
    replaces: Mapped[int | None] = mapped_column(Integer, nullable=True)  # version replaced (and its doc)
    replaces_document: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # pending, sending, retrying, delivered, ...
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")  # never patient data
    receipt: Mapped[str] = mapped_column(Text, default="")  # what the receiver answered (ACK code, status)


class User(Base):
    """A person who signs in to the review desk: a role, an argon2 hash, and the lock-out state."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # clerk, supervisor, admin
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)  # raised to end every session
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Station(Base):
    """A scan station (one daemon) on the shared database: its lease, renewed while it runs, and what it
    last said about itself (inbox depth, documents in progress, paused). A second daemon for the same
    station is refused while the lease is live; a crashed station's lease runs out."""

    __tablename__ = "stations"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))  # a token unique to the running daemon
    holder_name: Mapped[str] = mapped_column(String(400))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    pid_started: Mapped[int] = mapped_column(BigInteger)
    inbox: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    stopped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    inbox_files: Mapped[int] = mapped_column(Integer, default=0)
    in_progress: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(default=False)


class Lease(Base):
    """A named job only one station does at a time (the nightly report), held until `expires_at`."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(400))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
