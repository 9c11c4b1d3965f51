"""The desk's changes (POST, each with its CSRF token): assign, reject, split, re-file, and for
supervisors merge patients and reprocess. Each is the clerk function the CLI calls, acting as the
signed-in person; then the desk moves on to the next document waiting."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from chartfile.clerk import decisions, split
from chartfile.clerk.queue import next_waiting
from chartfile.clerk.reprocess import Selection, reprocess_document, select_documents
from chartfile.errors import UsageError
from chartfile.runtime import open_runtime
from chartfile.web.guard import Visit


def _document_id(visit: Visit) -> int:
    return int(visit.request.path_params["document_id"])


def _onward(visit: Visit, document_id: int, said: str) -> Response:
    """To the next document waiting (the queue when none is), saying what was done."""
    following = next_waiting(visit.ledger, document_id)
    where = f"/documents/{following}" if following is not None else "/queue"
    return RedirectResponse(f"{where}?done={quote(said)}", status_code=303)


def _reason(visit: Visit, *, required: bool) -> str:
    reason = visit.form.get("reason", "").strip()
    if required and not reason:
        raise UsageError("a reason is required", hint="say why, e.g. 'misdirected fax'")
    return reason


def assign(visit: Visit) -> Response:
    document_id = _document_id(visit)
    mrn = visit.form.get("mrn", "").strip()
    if not mrn:
        raise UsageError("no patient chosen", hint="pick a candidate or find the patient first")
    reason = _reason(visit, required=False) or "assigned at the review desk"
    decisions.assign(visit.ledger, document_id, mrn, reason=reason)
    return _onward(visit, document_id, f"document {document_id} assigned")


def reject(visit: Visit) -> Response:
    document_id = _document_id(visit)
    decisions.reject(visit.ledger, document_id, reason=_reason(visit, required=True))
    return _onward(visit, document_id, f"document {document_id} rejected")


def split_document(visit: Visit) -> Response:
    document_id = _document_id(visit)
    pairs = zip(visit.forms.get("pages", []), visit.forms.get("mrn", []), strict=False)
    chosen = [(pages.strip(), mrn.strip()) for pages, mrn in pairs if pages.strip() or mrn.strip()]
    if len(chosen) < 1:
        raise UsageError("no page ranges given", hint="pick pages on the thumbnails and give each an MRN")
    parts = split.parse_parts([p for p, _ in chosen], [m for _, m in chosen])
    reason = _reason(visit, required=False) or "split at the review desk"
    made = split.split_document(visit.ledger, document_id, parts, reason=reason)
    children = ", ".join(str(d.document_id) for d in made if d.document_id != document_id)
    return _onward(visit, document_id, f"document {document_id} split into {children}")


def refile(visit: Visit) -> Response:
    document_id = _document_id(visit)
    mrn = visit.form.get("mrn", "").strip()
    decisions.refile(visit.ledger, document_id, mrn, reason=_reason(visit, required=True))
    return RedirectResponse(
        f"/documents/{document_id}?done={quote(f'document {document_id} re-filed')}", status_code=303
    )


def merge(visit: Visit) -> Response:
    old, new = visit.form.get("old_mrn", "").strip(), visit.form.get("new_mrn", "").strip()
    made = decisions.merge_patients(visit.ledger, old, new, reason=_reason(visit, required=True))
    return RedirectResponse(f"/patients/{quote(new, safe='')}?done={len(made)}+moved", status_code=303)


def reprocess(visit: Visit) -> Response:
    document_id = _document_id(visit)
    with open_runtime(visit.settings, clock=visit.ledger.clock, actor=visit.ledger.actor) as rt:
        chosen, skipped = select_documents(rt.ledger, Selection(ids=(document_id,), include_decided=True))
        if not chosen:
            note = skipped[0].note if skipped else "nothing to reprocess"
            raise UsageError(
                f"document {document_id} was not reprocessed: {note}", hint="see its audit trail"
            )
        result = reprocess_document(document_id, rt)
    said = f"document {document_id} reprocessed: {result.outcome}"
    return RedirectResponse(f"/documents/{document_id}?done={quote(said)}", status_code=303)
