"""`chartfile worker`'s engine: a Procrastinate worker whose jobs run the stage chain in threads (one
Tesseract per slot), retried with back-off, and a sweep that retries the jobs of workers that stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor

import procrastinate
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job, Status

from chartfile.errors import explain
from chartfile.jobs.queue import PROCESS_TASK, REPROCESS_TASK, ensure_schema, path_of, reached
from chartfile.jobs.tasks import run_document, run_file
from chartfile.runtime import Runtime
from chartfile.settings import QueueSettings

log = logging.getLogger(__name__)


class Backoff(procrastinate.BaseRetryStrategy):
    """Retry after `retry_min_seconds`, doubling up to `retry_max_seconds`, `max_attempts` runs in all."""

    def __init__(self, queue: QueueSettings) -> None:
        self.queue = queue

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> procrastinate.RetryDecision | None:
        if job.attempts + 1 >= self.queue.max_attempts:
            return None
        wait = min(self.queue.retry_max_seconds, self.queue.retry_min_seconds * 2**job.attempts)
        log.warning(
            "job %s: attempt %d failed (%s); retried in %.0f s",
            job.id,
            job.attempts + 1,
            explain(exception).message,
            wait,
        )
        return procrastinate.RetryDecision(retry_in={"seconds": round(wait)})


def final(context: procrastinate.JobContext, queue: QueueSettings) -> bool:
    """Whether this run is the job's last attempt."""
    return context.job.attempts + 1 >= queue.max_attempts


def build_app(rt: Runtime) -> procrastinate.App:
    """The app with chartfile's two tasks bound to this process's runtime."""
    queue = rt.settings.queue
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=queue.conninfo()))
    retry = Backoff(queue)

    @app.task(name=PROCESS_TASK, queue=queue.name, pass_context=True, retry=retry)
    def process_file(
        context: procrastinate.JobContext, path: str = "", path_hex: str = "", consume: bool = True
    ) -> str:
        outcome = run_file(rt, path_of(path, path_hex), consume=consume, final_attempt=final(context, queue))
        log.info("job %s: %s", context.job.id, outcome)
        return outcome

    @app.task(name=REPROCESS_TASK, queue=queue.name, pass_context=True, retry=retry)
    def reprocess(context: procrastinate.JobContext, document_id: int) -> str:
        outcome = run_document(rt, document_id)
        log.info("job %s: document %d %s", context.job.id, document_id, outcome)
        return outcome

    return app


def run_worker(rt: Runtime, *, slots: int, drain: bool = False) -> None:
    """Take jobs until SIGTERM / Ctrl-C (the jobs in progress are finished first), or with `drain`
    until the queue has none left. `slots`: documents in flight at once."""
    ensure_schema(rt.settings.queue)
    asyncio.run(_serve(rt, slots=slots, drain=drain))


async def _serve(rt: Runtime, *, slots: int, drain: bool) -> None:
    queue = rt.settings.queue
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(slots, thread_name_prefix="job"))
    app = build_app(rt)
    with reached(queue):
        async with app.open_async():
            await retry_stalled(app, queue)
            sweep = asyncio.create_task(_sweep(app, queue))
            try:
                await app.run_worker_async(
                    queues=[queue.name],
                    name=f"{socket.gethostname()}-{os.getpid()}",
                    concurrency=slots,
                    wait=not drain,
                    fetch_job_polling_interval=queue.poll_seconds,
                    update_heartbeat_interval=queue.heartbeat_seconds,
                    stalled_worker_timeout=queue.stalled_seconds,
                )
            finally:
                sweep.cancel()


async def _sweep(app: procrastinate.App, queue: QueueSettings) -> None:
    while True:
        await asyncio.sleep(queue.heartbeat_seconds)
        try:
            await retry_stalled(app, queue)
        except ConnectorException as e:
            log.warning("stalled jobs could not be looked for now (%s); trying again", type(e).__name__)


async def retry_stalled(app: procrastinate.App, queue: QueueSettings) -> int:
    """Put back the jobs whose worker stopped sending its heartbeat (killed, its machine gone); how many.
    Their files are safe: the ledger takes over the dead worker's claim and undoes its half-done work."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=queue.name, seconds_since_heartbeat=queue.stalled_seconds
    )
    retried = 0
    for job in stalled:
        try:
            if job.attempts + 1 >= queue.max_attempts:  # its worker died on each attempt: stop there
                await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
                log.error(
                    "job %s: its worker stopped on its last attempt; failed, its file untouched", job.id
                )
                continue
            await app.job_manager.retry_job(job)
        except ConnectorException:
            continue  # another worker's sweep took it first
        log.warning(
            "job %s: its worker stopped (no heartbeat for %.0f s); retried", job.id, queue.stalled_seconds
        )
        retried += 1
    return retried
