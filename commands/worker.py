"""`chartfile worker`: take OCR and matching jobs from the job queue and run them, on any machine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from chartfile.commands.common import runtime_of, settings_of
from chartfile.errors import ConfigError

if TYPE_CHECKING:
    from chartfile.settings import Settings


def worker_command(
    ctx: typer.Context,
    concurrency: Annotated[
        int,
        typer.Option(
            min=0, max=64, help="Tesseract processes (one per job slot); 0: ocr.workers, else one per core."
        ),
    ] = 0,
    drain: Annotated[
        bool,
        typer.Option("--drain", help="Stop once no job is left (default: run until stopped)."),
    ] = False,
) -> None:
    """Take jobs from the job queue (`queue.url`) and run each through the pipeline.

    Queued files are claimed exactly as `chartfile process` claims them, from the same paths (mount the
    shares at the same paths as the machine that queued them); a job is safe to run twice. A fault of the
    machine is retried with back-off; the last attempt quarantines the file with the reason. Jobs of a
    worker that stopped (killed, its machine gone) are taken again after `queue.stalled_seconds`. Stops
    cleanly on SIGTERM or Ctrl-C after finishing the jobs in progress.
    """
    settings = queued_settings(settings_of(ctx))
    if concurrency:
        settings = settings.model_copy(
            update={"ocr": settings.ocr.model_copy(update={"workers": concurrency})}
        )
    from chartfile.jobs import quiet  # noqa: PLC0415  # imported here: a command that does not use it starts faster
    from chartfile.jobs.worker import run_worker  # noqa: PLC0415

    quiet.install()
    with runtime_of(settings, program="chartfile worker") as rt:
        run_worker(rt, slots=settings.document_workers(), drain=drain)


def queued_settings(settings: Settings) -> Settings:
    """The settings, once `queue.url` is known to be set."""
    if not settings.queue.url:
        raise ConfigError(
            "queue.url is not set: there is no job queue",
            hint="set queue.url in config.yaml to the PostgreSQL database the workers share",
        )
    return settings
