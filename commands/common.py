"""What every command shares: loading settings once, opening the database, printing JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from chartfile.ledger.db import make_engine, migrate, session_factory
from chartfile.logs import setup_logging
from chartfile.runtime import prepare_folders, private_umask
from chartfile.settings import Settings, find_config, load_settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


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
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on the migrated database (folders created with private permissions)."""
    private_umask()
    prepare_folders(settings.paths)
    engine = make_engine(settings.database)
    migrate(engine)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


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
