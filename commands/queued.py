"""`process --queue` and `reprocess --queue`: put the work on the job queue instead of running it here,
and with `--wait` follow the batch with a progress bar until every job is finished."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from chartfile.commands.common import console, print_json_line, progress_bar, shown
from chartfile.commands.worker import queued_settings

if TYPE_CHECKING:  # Procrastinate is imported only when a queue is used (start-up of every command)
    from chartfile.jobs.queue import JobQueue
    from chartfile.settings import Settings


def queue_files(settings: Settings, files: list[Path], *, consume: bool, wait: bool, as_json: bool) -> None:
    """One job per file; the files stay where they are until a worker has filed them."""
    from chartfile.jobs.queue import JobQueue  # noqa: PLC0415

    queue = JobQueue(queued_settings(settings).queue)
    follow(queue, queue.enqueue_files(files, consume=consume), wait=wait, as_json=as_json)


def queue_documents(settings: Settings, document_ids: list[int], *, wait: bool, as_json: bool) -> None:
    """One job per document to run again from its kept original."""
    from chartfile.jobs.queue import JobQueue  # noqa: PLC0415

    queue = JobQueue(queued_settings(settings).queue)
    follow(queue, queue.enqueue_documents(document_ids), wait=wait, as_json=as_json)


def follow(queue: JobQueue, job_ids: list[int], *, wait: bool, as_json: bool) -> None:
    """Say what was queued; with `wait`, a progress bar until every job is finished, then the jobs by
    state; exit code 3 if any failed (its reason is in the worker's log and, for a file, `status`)."""
    summary: dict[str, object] = {"queued": len(job_ids), "queue": queue.settings.name}
    if job_ids:
        summary["jobs"] = f"{min(job_ids)}-{max(job_ids)}"
    if wait and job_ids:
        progress = progress_bar(show=not as_json)
        with progress:
            task = progress.add_task("waiting for the workers", total=len(job_ids))
            counts = queue.wait(job_ids, on_progress=lambda done: progress.update(task, completed=done))
        summary |= {"done": counts.get("done", 0), "failed": counts.get("failed", 0)}
    if as_json:
        print_json_line(summary)
    else:
        console.print(shown(", ".join(f"{value} {key}" for key, value in summary.items() if key != "queue")))
        if not wait:
            console.print(shown(f"follow them with: chartfile status (queue {queue.settings.name})"))
    if wait and summary.get("failed"):
        raise typer.Exit(3)
