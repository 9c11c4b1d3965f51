"""What every command shares: the edge's clock and actor, loading settings once, opening the ledger,
printing data safely (never as markup or terminal control codes), JSON lines and a progress bar."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from chartfile.commands.actor import sudo_invoker_uid, user_name

if TYPE_CHECKING:  # the ledger, runtime and settings are imported when a command runs, not at start-up
    from rich.progress import Progress
    from rich.table import Table

    from chartfile.ledger import Ledger
    from chartfile.runtime import Runtime
    from chartfile.settings import Settings

# Data never becomes markup, emoji or a highlight: a patient's MRN "[/]" or a file named "[bold]x.jpg"
# print as they are; styled words are Text objects (`labelled`).
console = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)
# Control characters (ESC, BEL, CR, ...) and bidirectional overrides, shown as escapes instead
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def utc_clock() -> dt.datetime:
    """The one clock: every time chartfile records is read from here and passed down."""
    return dt.datetime.now(dt.UTC)


def os_user() -> str:
    """The one actor, for the audit trail: the real user running the command (its uid), and, under sudo,
    the person who ran sudo, as "alice (sudo as chartfile)". Never $LOGNAME or $USER."""
    real = user_name(os.getuid())
    invoker = sudo_invoker_uid()
    if invoker is None or user_name(invoker) == real:
        return real
    return f"{user_name(invoker)} (sudo as {real})"


def shown(value: object) -> str:
    """A value as a terminal may show it: control characters as visible escapes (\\x1b)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def text(value: object, style: str = "") -> Text:
    """Data as literal text (never markup), optionally styled."""
    return Text(shown(value), style=style)


def labelled(label: str, value: object) -> Text:
    """`label: value`, the label bold, the value literal."""
    return Text.assemble((label, "bold"), ": ", shown(value))


def add_row(table: Table, *values: object) -> None:
    """A table row of literal cells."""
    table.add_row(*(text(value) for value in values))


def settings_of(ctx: typer.Context) -> Settings:
    """Load and validate the settings named by --config / $CHARTFILE_CONFIG / ./config.yaml."""
    from chartfile.logs import setup_logging  # noqa: PLC0415
    from chartfile.settings import find_config, load_settings  # noqa: PLC0415

    root = ctx.find_root()
    if root.obj is None or "settings" not in root.obj:
        config: Path | None = (root.obj or {}).get("config")
        settings = load_settings(find_config(config))
        setup_logging(settings.logging)
        root.obj = (root.obj or {}) | {"settings": settings}
    result: Settings = root.obj["settings"]
    return result


@contextmanager
def ledger_of(settings: Settings, *, new_audit_key: bool = False) -> Iterator[Ledger]:
    """The migrated ledger (folders created with private permissions), with this edge's clock and actor.

    `new_audit_key`: only for `audit reseal --new-key` (the site key is lost for good)."""
    from chartfile.ledger import ledger_for  # noqa: PLC0415

    with ledger_for(settings, clock=utc_clock, actor=os_user(), new_audit_key=new_audit_key) as ledger:
        yield ledger


@contextmanager
def runtime_of(settings: Settings, *, program: str = "chartfile") -> Iterator[Runtime]:
    """The pipeline's runtime (ledger, OCR engine and pool, patient index), this edge's clock and actor.

    `program` names this run in its claims: "already being processed by chartfile watch (pid ...)"."""
    from chartfile.runtime import open_runtime  # noqa: PLC0415 - the OCR engine, the patient index

    with open_runtime(settings, clock=utc_clock, actor=os_user(), program=program) as rt:
        yield rt


def print_json_line(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str) + "\n")


def progress_bar(*, show: bool) -> Progress:
    """A bar with count and time left, on stderr (stdout stays clean for --json and pipes)."""
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not show,
    )
