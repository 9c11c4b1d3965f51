"""Looking at documents and the audit trail: listings, one document in full (the view is audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.audit_queries import list_events
from chartfile.ledger.models import Document
from chartfile.ledger.queries import document_detail, document_summary, list_documents


def list_summaries(
    ledger: Ledger, *, status: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """`documents list`: each document's summary, oldest first."""
    with ledger.reading() as session:
        return [document_summary(d) for d in list_documents(session, status=status, limit=limit)]


def show_document(ledger: Ledger, document_id: int) -> dict[str, Any]:
    """`documents show`: everything known about one document; the view is audited."""
    with ledger.unit() as unit:
        detail = document_detail(unit.session, document_id)
        if detail is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
        unit.audit("viewed", document_id, command="documents show")
    return detail


def audit_trail(
    ledger: Ledger,
    *,
    document_id: int | None = None,
    since: dt.datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Audit rows oldest first, for one document (which must exist) or all."""
    with ledger.reading() as session:
        if document_id is not None and session.get(Document, document_id) is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
        return list_events(session, document_id=document_id, since=since, action=action, limit=limit)
