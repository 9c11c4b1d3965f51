"""Supervisors' and administrators' pages: the audit trail, merging patients, and the accounts."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from chartfile.clerk import accounts
from chartfile.clerk.accounts import Role
from chartfile.clerk.documents import audit_trail
from chartfile.errors import UsageError
from chartfile.web.guard import Visit

AUDIT_ROWS = 200


def audit(visit: Visit) -> Response:
    q = visit.query
    document_id = int(q["document"]) if q.get("document", "").isdigit() else None
    since = None
    if q.get("since"):
        try:
            since = dt.datetime.combine(dt.date.fromisoformat(q["since"]), dt.time(), tzinfo=dt.UTC)
        except ValueError as e:
            raise UsageError("write the date as YYYY-MM-DD", hint="e.g. 2026-11-30") from e
    rows = audit_trail(
        visit.ledger, document_id=document_id, since=since, action=q.get("action") or None, limit=AUDIT_ROWS
    )
    with visit.ledger.unit() as unit:
        unit.audit("viewed-audit", document_id, command="web desk", rows=len(rows))
    return visit.render("audit.html", rows=list(reversed(rows)), limit=AUDIT_ROWS)


def merge_form(visit: Visit) -> Response:
    return visit.render("merge.html", old=visit.query.get("old", ""), new=visit.query.get("new", ""))


def users(visit: Visit) -> Response:
    found = accounts.list_users(visit.ledger, now=visit.ledger.clock())
    return visit.render("users.html", users=found, roles=list(Role))


def add_user(visit: Visit) -> Response:
    form = visit.form
    if form.get("password", "") != form.get("password_again", ""):
        raise UsageError("the two passwords differ", hint="type the same password twice")
    made = accounts.add_user(
        visit.ledger,
        form.get("name", "").strip(),
        Role.parse(form.get("role", "clerk")),
        form.get("password", ""),
    )
    return RedirectResponse(f"/admin/users?done={quote(f'account {made.name} added')}", status_code=303)


def change_user(visit: Visit) -> Response:
    name = visit.request.path_params["name"]
    what = visit.form.get("change", "")
    changes = {
        "disable": {"disabled": True},
        "enable": {"disabled": False},
        "unlock": {"unlock": True},
    }
    if what == "role":
        accounts.change_user(visit.ledger, name, role=Role.parse(visit.form.get("role", "")))
    elif what == "password":
        accounts.change_user(visit.ledger, name, password=visit.form.get("password", ""))
    elif what in changes:
        accounts.change_user(visit.ledger, name, **changes[what])  # type: ignore[arg-type]
    else:
        raise UsageError("unknown change", hint="use the buttons on the accounts page")
    return RedirectResponse(f"/admin/users?done={quote(f'account {name} changed')}", status_code=303)
