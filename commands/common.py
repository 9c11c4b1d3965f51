"""What every command shares: the edge's clock and actor, loading settings once, opening the ledger,
printing JSON lines and a progress bar."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from chartfile.ledger import Ledger, open_ledger
from chartfile.logs import setup_logging
from chartfile.runtime import Runtime, open_runtime
from chartfile.settings import Settings, find_config, load_settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def utc_clock() -> dt.datetime:
    """The one clock: every time chartfile records is read from here and passed down."""
    return dt.datetime.now(dt.UTC)


def os_user() -> str:
    """The one actor: the OS user running the command, for the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def settings_of(ctx: typer.Context) -> Settings:
    """Load and validate the settings named by --config / $CHARTFILE_CONFIG / ./config.yaml."""
    root = ctx.find_root()
    if root.obj is None or "settings" not in root.obj:
        config: Path | None = (root.obj or {}).get("config")
        settings = load_settings(find_config(config))
        setup_logging(settings.logging)
        root.obj = (root.obj or {}) | {"settings": settings}
    result: Settings = root.obj["settings"]
    return result


@contextmanager
def ledger_of(settings: Settings) -> Iterator[Ledger]:
    """The migrated ledger (folders created with private permissions), with this edge's clock and actor."""
    targets = settings.ehr.targets()
    with open_ledger(
        settings.paths, settings.database, clock=utc_clock, actor=os_user(), targets=targets
    ) as ledger:
        yield ledger


@contextmanager
def runtime_of(settings: Settings) -> Iterator[Runtime]:
    """The pipeline's runtime (ledger, OCR engine and pool, patient index), this edge's clock and actor."""
    with open_runtime(settings, clock=utc_clock, actor=os_user()) as rt:
        yield rt


def print_json_line(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str) + "\n")


def progress_bar(*, show: bool) -> Progress:
    """A bar with count and time left, on stderr (stdout stays clean for --json and pipes)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not show,
    )
