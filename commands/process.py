"""`chartfile process` and `chartfile watch`: the pipeline on given files, or as the inbox daemon."""

from __future__ import annotations

import collections
import functools
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Annotated

import typer

from chartfile.clerk.report.schedule import run_due_reports
from chartfile.commands.common import (
    console,
    err_console,
    print_json_line,
    progress_bar,
    runtime_of,
    settings_of,
)
from chartfile.daemon import run_daemon
from chartfile.errors import UsageError, explain
from chartfile.ingest.watch import InboxFilter, scan
from chartfile.pipeline import process_path
from chartfile.runtime import Runtime

log = logging.getLogger(__name__)
OUTCOMES = ("filed", "review", "unmatched", "quarantined", "duplicate", "already-done", "failed")


def process_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files and folders (folders are searched recursively).")
    ],
    keep_source: Annotated[
        bool,
        typer.Option("--keep-source", help="Leave the input files in place (default: remove once filed)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Run the daemon's pipeline on files and folders now, and print a summary.

    Exit code 0 unless the run itself failed (a machine fault such as a full disk: code 3).
    """
    settings = settings_of(ctx)
    files = _expand(paths, InboxFilter(settings.ingest.ignore_patterns))
    with runtime_of(settings) as rt:
        counts = _run_all(files, rt, consume=not keep_source, show_progress=not as_json)
    summary = {name: counts.get(name, 0) for name in OUTCOMES} | {"total": len(files)}
    if as_json:
        print_json_line(summary)
    else:
        console.print(", ".join(f"{summary[name]} {name}" for name in OUTCOMES), highlight=False)
    if counts.get("failed"):
        raise typer.Exit(3)


def _expand(paths: list[Path], accept: InboxFilter) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(scan(path.resolve(), accept))
        elif path.is_file():
            files.append(path.resolve())
        else:
            raise UsageError(f"no such file or folder: {path}", hint="check the path")
    return files


def _run_all(files: list[Path], rt: Runtime, *, consume: bool, show_progress: bool) -> dict[str, int]:
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
    if error is not None:
        err_console.print(f"error: {explain(error).line()}", highlight=False)
        return "failed"
    result = job.result()  # type: ignore[attr-defined]
    return "already-done" if result is None else str(result.status.value)


def watch_command(ctx: typer.Context) -> None:
    """Watch the inbox and process each file once it is completely written (the daemon).

    Stops cleanly on SIGTERM or Ctrl-C after finishing the documents in progress.
    """
    settings = settings_of(ctx)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with runtime_of(settings) as rt:
        state = run_daemon(rt, stop, nightly=functools.partial(run_due_reports, settings, rt.ledger))
    log.info("stopped: %d processed, %d failed this run", state.processed, state.failed)
