"""`chartfile process` and `chartfile watch`: the pipeline on given files, or as the inbox daemon."""

from __future__ import annotations

import collections
import functools
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chartfile.commands.common import (
    console,
    err_console,
    print_json_line,
    progress_bar,
    runtime_of,
    settings_of,
    shown,
)
from chartfile.commands.queued import queue_files
from chartfile.errors import UsageError, explain

if TYPE_CHECKING:  # the pipeline and its stages are imported when a command runs, not at start-up
    from chartfile.ingest.watch import InboxFilter
    from chartfile.runtime import Runtime

log = logging.getLogger(__name__)
OUTCOMES = ("filed", "review", "unmatched", "quarantined", "duplicate", "already-done", "failed")
# skipped, not failed: another run holds the file (or took it), or it is a link or special file
SKIPPED = "skipped"


def process_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files and folders (folders are searched recursively).")
    ],
    *,
    keep_source: Annotated[
        bool,
        typer.Option("--keep-source", help="Leave the input files in place (default: remove once filed)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    queue: Annotated[
        bool,
        typer.Option("--queue", help="Queue one job per file for `chartfile worker`s instead."),
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="With --queue: follow the jobs until all are finished.")
    ] = False,
) -> None:
    """Run the daemon's pipeline on files and folders now, and print a summary.

    A file another run (the daemon, another `process`) is processing now is skipped, as are links and
    special files ("skipped", counted only when there are any). Exit code 0 unless the run itself failed
    (a machine fault such as a full disk: code 3).

    With --queue the files are left where they are and one job per file is queued; workers on any machine
    that mounts them at the same path take them (`chartfile worker`); --wait shows their progress.
    """
    from chartfile.ingest.watch import InboxFilter  # noqa: PLC0415 - imported here: start-up is faster

    settings = settings_of(ctx)
    if wait and not queue:
        raise UsageError("--wait follows queued jobs: it needs --queue", hint="add --queue, or drop --wait")
    files = _expand(paths, InboxFilter(settings.ingest.ignore_patterns))
    if queue:
        queue_files(settings, files, consume=not keep_source, wait=wait, as_json=as_json)
        return
    with runtime_of(settings, program="chartfile process") as rt:
        counts = _run_all(files, rt, consume=not keep_source, show_progress=not as_json)
    shown_outcomes = (*OUTCOMES, SKIPPED) if counts.get(SKIPPED) else OUTCOMES  # "skipped": only if any
    summary = {name: counts.get(name, 0) for name in shown_outcomes} | {"total": len(files)}
    if as_json:
        print_json_line(summary)
    else:
        console.print(", ".join(f"{summary[name]} {name}" for name in shown_outcomes))
    if counts.get("failed"):
        raise typer.Exit(3)


def _expand(paths: list[Path], accept: InboxFilter) -> list[Path]:
    """The files to process; links and special files are kept in the list: the claim skips them."""
    from chartfile.ingest.watch import scan  # noqa: PLC0415

    files: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            files.extend(scan(path.resolve(), accept, regular_only=False))
        elif path.exists() or path.is_symlink():
            files.append(path.parent.resolve() / path.name)
        else:
            raise UsageError(f"no such file or folder: {path}", hint="check the path")
    return files


def _run_all(files: list[Path], rt: Runtime, *, consume: bool, show_progress: bool) -> dict[str, int]:
    from chartfile.pipeline import process_path  # noqa: PLC0415

    counts: collections.Counter[str] = collections.Counter()
    progress = progress_bar(show=show_progress)
    with progress, ThreadPoolExecutor(rt.settings.document_workers(), thread_name_prefix="doc") as pool:
        task = progress.add_task("processing", total=len(files))
        jobs = [pool.submit(process_path, path, rt, consume=consume) for path in files]
        for job in as_completed(jobs):
            counts[_outcome(job.exception(), job)] += 1
            progress.advance(task)
    return dict(counts)


def _outcome(error: BaseException | None, job: object) -> str:
    from chartfile.ingest.claim import NotRegularFileError, SourceGoneError  # noqa: PLC0415
    from chartfile.ledger.claims import ClaimedElsewhereError  # noqa: PLC0415

    if isinstance(error, ClaimedElsewhereError | SourceGoneError | NotRegularFileError):
        err_console.print(shown(f"skipped: {explain(error).message}"))
        return SKIPPED
    if error is not None:
        err_console.print(shown(f"error: {explain(error).line()}"))
        return "failed"
    result = job.result()  # type: ignore[attr-defined]
    return "already-done" if result is None else str(result.status.value)


def watch_command(ctx: typer.Context) -> None:
    """Watch the inbox and process each file once it is completely written (the daemon).

    Stops cleanly on SIGTERM or Ctrl-C after finishing the documents in progress.
    """
    from chartfile.clerk.report.schedule import run_due_reports  # noqa: PLC0415 - start-up is faster
    from chartfile.daemon import run_daemon  # noqa: PLC0415

    settings = settings_of(ctx)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with runtime_of(settings, program="chartfile watch") as rt:
        state = run_daemon(rt, stop, nightly=functools.partial(run_due_reports, settings, rt.ledger))
    log.info("stopped: %d processed, %d failed this run", state.processed, state.failed)
