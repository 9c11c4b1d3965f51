"""`chartfile hl7 ...`: the MLLP listener that keeps the master list current from ADT, and what it kept."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.table import Table

from chartfile.commands.common import console, ledger_of, print_json_line, settings_of

app = typer.Typer(
    help="HL7 v2: keep the patient master list current from the EHR's ADT feed.", no_args_is_help=True
)


@app.command("listen")
def listen_command(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: ehr.listener.host).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=0, max=65_535, help="TCP port (default: ehr.listener.port; 0: any free)."),
    ] = None,
) -> None:
    """Listen for ADT^A01/A04/A08/A28/A31 (register, update) and ADT^A40 (merge) over MLLP.

    Every message is answered: AA (applied), AE (its content is wrong: see the reason) or AR (rejected, or
    not stored now: the sender retries). Messages not taken are kept in ehr.listener.kept with a note.
    Stops on SIGTERM or Ctrl-C.
    """
    from chartfile.clerk.adt import Receiver  # noqa: PLC0415 - hl7apy: imported here, start-up is faster
    from chartfile.ehr import mllp  # noqa: PLC0415

    settings = settings_of(ctx)
    listener = settings.ehr.listener
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with ledger_of(settings) as ledger:
        mllp.serve(
            host if host is not None else listener.host,
            port if port is not None else listener.port,
            Receiver(ledger, settings),
            stop=stop,
            idle_timeout=listener.idle_timeout_seconds,
        )


@app.command("kept")
def kept_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Messages the listener did not take, oldest first: when, what, the ACK sent and why."""
    from chartfile.ehr.kept import kept_notes  # noqa: PLC0415

    settings = settings_of(ctx)
    notes = kept_notes(settings.ehr.listener.kept)
    if as_json:
        for note in notes:
            print_json_line(note)
        return
    table = Table("received", "message", "ACK", "why", "file")
    for note in notes:
        table.add_row(
            str(note.get("received_at", ""))[:19],
            str(note.get("message", "")),
            f"{note.get('ack', '')} {note.get('error_code', '')}",
            str(note.get("reason", "")),
            str(note.get("message_path", "")),
        )
    console.print(table)
    console.print(f"{len(notes)} message(s) kept in {settings.ehr.listener.kept}", highlight=False)
