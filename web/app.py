"""The review desk as an ASGI app: the routes and the role each needs, the ledger for the app's lifetime,
static files (htmx and the desk's own script, served from the package: no CDN, no build step)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from chartfile.clerk.accounts import Role
from chartfile.ledger import ledger_for
from chartfile.settings import Settings
from chartfile.web import actions, admin, views
from chartfile.web.guard import WebState, page
from chartfile.web.headers import SecurityHeaders
from chartfile.web.render import STATIC, environment
from chartfile.web.session import SessionCodec, load_secret
from chartfile.web.signin import sign_in_page, sign_in_post, sign_out

WEB_ACTOR = "web"  # the app's own actor; every request acts as the signed-in person instead


def routes() -> list[BaseRoute]:
    clerk, supervisor, admin_ = Role.CLERK, Role.SUPERVISOR, Role.ADMIN
    doc = "/documents/{document_id:int}"
    return [
        Route("/sign-in", sign_in_page, methods=["GET"]),
        Route("/sign-in", sign_in_post, methods=["POST"]),
        Route("/sign-out", page(clerk, sign_out), methods=["POST"]),
        Route("/", page(clerk, views.home)),
        Route("/queue", page(clerk, views.queue)),
        Route(doc, page(clerk, views.desk)),
        Route(doc + "/pages/{number:int}.png", page(clerk, views.page_png)),
        Route(doc + "/thumbs/{number:int}.png", page(clerk, views.thumbnail_png)),
        Route(doc + "/assign", page(clerk, actions.assign), methods=["POST"]),
        Route(doc + "/reject", page(clerk, actions.reject), methods=["POST"]),
        Route(doc + "/split", page(clerk, actions.split_document), methods=["POST"]),
        Route(doc + "/refile", page(clerk, actions.refile), methods=["POST"]),
        Route(doc + "/reprocess", page(supervisor, actions.reprocess), methods=["POST"]),
        Route("/patients/find", page(clerk, views.find_patients)),
        Route("/patients/merge", page(supervisor, admin.merge_form), methods=["GET"]),
        Route("/patients/merge", page(supervisor, actions.merge), methods=["POST"]),
        Route("/patients/{mrn:str}", page(clerk, views.patient)),
        Route("/search", page(clerk, views.search)),
        Route("/dashboard", page(clerk, views.dashboard)),
        Route("/status", page(clerk, views.status)),
        Route("/audit", page(supervisor, admin.audit)),
        Route("/admin/users", page(admin_, admin.users), methods=["GET"]),
        Route("/admin/users", page(admin_, admin.add_user), methods=["POST"]),
        Route("/admin/users/{name:str}", page(admin_, admin.change_user), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(settings: Settings, *, clock: Callable[[], dt.datetime]) -> Starlette:
    """The app; the ledger is opened (migrated, recovered) when the server starts."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # as every edge opens it: a refile at the desk tells the EHR, a split's intake is this station's
        with ledger_for(settings, clock=clock, actor=WEB_ACTOR, program="chartfile serve") as ledger:
            codec = SessionCodec(
                load_secret(settings.web.secret_key_file),
                idle_seconds=settings.web.idle_timeout_minutes * 60,
            )
            app.state.web = WebState(settings, ledger, codec, environment())
            yield

    return Starlette(routes=routes(), middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
