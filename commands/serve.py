"""`chartfile serve`: the review desk in a browser (uvicorn), on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from chartfile.commands.common import settings_of, utc_clock
from chartfile.errors import ConfigError

log = logging.getLogger(__name__)


def serve_command(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: web.port).", min=1, max=65535)] = None,
) -> None:
    """Serve the review desk: sign in, work the queue, look up patients and documents.

    HTTPS when web.tls_cert and web.tls_key are set; behind a reverse proxy set web.behind_proxy.
    Accounts are made with `chartfile users add NAME --role clerk|supervisor|admin`.
    """
    settings = settings_of(ctx)
    web = settings.web
    for what, setting, path in (("certificate", "tls_cert", web.tls_cert), ("key", "tls_key", web.tls_key)):
        if path is not None and not path.is_file():
            raise ConfigError(
                f"the TLS {what} {path} is not a file", hint=f"fix web.{setting} in {settings.config_path}"
            )
    import uvicorn  # noqa: PLC0415  # imported here: a command that does not use it starts faster

    from chartfile.web.app import create_app  # noqa: PLC0415

    app = create_app(settings, clock=utc_clock)
    where = f"{'https' if web.tls else 'http'}://{host or web.host}:{port or web.port}"
    log.info("review desk on %s", where)
    uvicorn.run(
        app,
        host=host or web.host,
        port=port or web.port,
        ssl_certfile=str(web.tls_cert) if web.tls_cert else None,
        ssl_keyfile=str(web.tls_key) if web.tls_key else None,
        proxy_headers=web.behind_proxy,
        forwarded_allow_ips=list(web.proxy_addresses) if web.behind_proxy else [],
        server_header=False,
        log_config=None,  # chartfile's own logging (set up with the settings)
        access_log=False,  # the audit trail records who looked at what; URLs may carry MRNs
    )
