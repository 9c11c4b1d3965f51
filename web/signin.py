"""Signing in and out: the sign-in form (with its own CSRF token), lock-out, and the session cookie."""

from __future__ import annotations

import dataclasses
import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from chartfile.clerk import accounts
from chartfile.web.guard import Visit, actor_of, client_address, set_session_cookie, state_of
from chartfile.web.render import html
from chartfile.web.session import SESSION_COOKIE, SIGN_IN_COOKIE, SessionData, new_csrf

NOTES = {
    "idle": "You were signed out after {minutes:g} minutes without activity.",
    "out": "You are signed out.",
}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) is followed after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/queue"
    return target


def _form(request: Request, *, error: str = "", status: int = 200) -> Response:
    state = state_of(request)
    token, cookie = state.codec.sign_in_token()
    why = request.query_params.get("why", "")
    note = NOTES.get(why, "").format(minutes=state.settings.web.idle_timeout_minutes)
    values = {
        "token": token,
        "error": error,
        "note": note,
        "next": _safe_next(request.query_params.get("next")),
        "account": None,
    }
    response = HTMLResponse(html(state.env, "sign_in.html", values), status_code=status)
    response.set_cookie(
        SIGN_IN_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def sign_in_page(request: Request) -> Response:
    return _form(request)


async def sign_in_post(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_sign_in, request, {k: str(v) for k, v in form.items()})


def _sign_in(request: Request, form: dict[str, str]) -> Response:
    state = state_of(request)
    if not state.codec.sign_in_matches(request.cookies.get(SIGN_IN_COOKIE), form.get("csrf", "")):
        return _form(request, error="The sign-in form expired. Please try again.", status=403)
    name = form.get("name", "").strip()[:64]
    web = state.settings.web
    ledger = dataclasses.replace(state.ledger, actor=f"{name or '?'} via web ({client_address(request)})")
    outcome = accounts.sign_in(
        ledger,
        name,
        form.get("password", ""),
        max_failures=web.lockout_failures,
        lock_for=dt.timedelta(minutes=web.lockout_minutes),
    )
    if outcome.account is None:
        said = (
            f"Too many failed attempts: the account is locked for {web.lockout_minutes:g} minutes "
            "(an administrator can unlock it)."
            if outcome.locked
            else "Wrong name or password."
        )
        return _form(request, error=said, status=401)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    data = SessionData(outcome.account.id, outcome.account.session_epoch, new_csrf())
    set_session_cookie(response, state, data, request)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


def sign_out(visit: Visit) -> Response:
    accounts.sign_out(visit.ledger, visit.account)
    response = RedirectResponse("/sign-in?why=out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


__all__ = ["actor_of", "sign_in_page", "sign_in_post", "sign_out"]
