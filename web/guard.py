"""Every request to a page goes through here: who is signed in (and not idle too long), the CSRF token of
a form, whether their role allows it (a refusal is audited), the ledger acting as that person, and one
place where a clerk function's error becomes the page a person reads."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from chartfile.clerk.accounts import Account, Role, account_name, current_account
from chartfile.errors import ChartfileError, UsageError, explain
from chartfile.ledger import Ledger
from chartfile.settings import Settings
from chartfile.web.render import html
from chartfile.web.session import SESSION_COOKIE, Expired, SessionCodec, SessionData, csrf_matches

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebState:
    """What the app holds for its lifetime: settings, the ledger (its actor is replaced per request), the
    cookie codec and the templates."""

    settings: Settings
    ledger: Ledger
    codec: SessionCodec
    env: Environment


@dataclass(frozen=True, slots=True)
class Visit:
    """One request by a signed-in person: their account, a ledger acting as them, the form and query."""

    request: Request
    state: WebState
    account: Account
    ledger: Ledger
    csrf: str
    form: dict[str, str]
    forms: dict[str, list[str]]  # every value of each field (repeated fields)
    query: dict[str, str]

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def render(self, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(html(self.state.env, template, self.values() | values), status_code=status)

    def values(self) -> dict[str, Any]:
        said = self.query.get("done", "")
        return {
            "done": said if DONE.fullmatch(said) else "",
            "account": self.account,
            "Role": Role,
            "csrf": self.csrf,
            "idle_minutes": self.settings.web.idle_timeout_minutes,
            "path": self.request.url.path,
            "query": self.query,
        }


Handler = Callable[[Visit], Response]
# What a page says was just done (`?done=`): only the desk's own sentences, never any text a link brings.
DONE = re.compile(r"(document|account) [\w.-]{1,64}( [a-z-]+){1,3}( into [\d, ]{1,60})?(: [a-z]+)?|\d+ moved")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def actor_of(account: Account, request: Request) -> str:
    """How the audit trail names a person at the desk."""
    return f"{account.name} via web ({client_address(request)})"


def state_of(request: Request) -> WebState:
    found: WebState = request.app.state.web
    return found


def page(role: Role, handler: Handler) -> Callable[[Request], Any]:
    """A Starlette endpoint that runs `handler` for a signed-in person whose role is at least `role`."""

    async def endpoint(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else None
        return await run_in_threadpool(_visit, request, form, role, handler)

    return endpoint


def _visit(request: Request, form: FormData | None, role: Role, handler: Handler) -> Response:
    state = state_of(request)
    found = state.codec.read(request.cookies.get(SESSION_COOKIE))
    if isinstance(found, Expired):
        _audit_expiry(state, request, found)
        return _to_sign_in(request, "idle")
    account = current_account(state.ledger, found.user_id, found.epoch) if found else None
    if found is None or account is None:
        return _to_sign_in(request, "")
    ledger = dataclasses.replace(state.ledger, actor=actor_of(account, request))
    fields = {k: str(v) for k, v in (form or {}).items()}
    forms = {k: [str(v) for v in form.getlist(k)] for k in form} if form else {}
    visit = Visit(request, state, account, ledger, found.csrf, fields, forms, dict(request.query_params))
    given = request.headers.get("x-csrf-token") or fields.get("csrf")
    if form is not None and not csrf_matches(found.csrf, given):
        return _refuse(visit, "missing or wrong CSRF token", "The form had no valid token: reload the page.")
    if not account.may(role):
        return _refuse(visit, f"needs the {role.label} role", f"This needs the {role.label} role.")
    response = _run(handler, visit)
    _refresh(response, state, found, request)
    return response


def _refuse(visit: Visit, why: str, line: str) -> Response:
    """403, and an audit row saying who was refused what."""
    request = visit.request
    _audit(
        visit.ledger,
        "refused",
        why=why,
        method=request.method,
        path=request.url.path,
        role=visit.account.role.label,
    )
    return visit.render("error.html", status=403, title="Not allowed", lines=[line])


def _run(handler: Handler, visit: Visit) -> Response:
    try:
        return handler(visit)
    except UsageError as e:
        said = explain(e)
        status = 404 if said.message.startswith("no ") else 400
        return visit.render("error.html", status=status, title="Cannot do that", lines=said.lines())
    except ChartfileError as e:
        log.error("web request %s failed: %s", visit.request.url.path, explain(e).log_line())
        return visit.render("error.html", status=503, title="Something failed", lines=explain(e).lines())


def _audit(ledger: Ledger, action: str, **detail: Any) -> None:
    with ledger.unit() as unit:
        unit.audit(action, None, **detail)


def _audit_expiry(state: WebState, request: Request, expired: Expired) -> None:
    name = account_name(state.ledger, expired.user_id)
    actor = f"{name} via web ({client_address(request)})"
    minutes = state.settings.web.idle_timeout_minutes
    _audit(dataclasses.replace(state.ledger, actor=actor), "signed-out-idle", user=name, idle_minutes=minutes)


def _to_sign_in(request: Request, why: str) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    where = f"/sign-in?next={quote(target, safe='')}" + (f"&why={why}" if why else "")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": where})
    response = RedirectResponse(where, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _refresh(response: Response, state: WebState, found: SessionData, request: Request) -> None:
    """Issue the cookie anew: the idle time-out counts from this request."""
    if SESSION_COOKIE not in response.headers.get("set-cookie", ""):
        set_session_cookie(response, state, found, request)


def set_session_cookie(response: Response, state: WebState, data: SessionData, request: Request) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        state.codec.issue(data),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
