"""`chartfile deliver`: send what the outbox holds now (the daemon does this in the background)."""

from __future__ import annotations

from typing import Annotated

import typer

from chartfile.commands.common import console, ledger_of, print_json_line, progress_bar, settings_of
from chartfile.errors import UsageError
from chartfile.records import DeliveryJob, DeliveryResult


def deliver_command(
    ctx: typer.Context,
    retry: Annotated[
        int | None,
        typer.Option(metavar="ID", help="First put document ID's rejected deliveries back in the queue."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Deliver filed documents to the EHR now: every message that is due, until none is left.

    Messages waiting for their back-off stay queued (`chartfile status` counts them; `documents show ID`
    shows each one's state and last error). Exit 1 if a delivery was rejected or failed.
    """
    from chartfile.ehr.deliver import drain  # noqa: PLC0415 - HL7, FHIR: imported here, start-up is faster
    from chartfile.ledger import deliveries  # noqa: PLC0415

    settings = settings_of(ctx)
    if not settings.ehr.targets():
        raise UsageError(
            "no delivery target is enabled", hint="enable ehr.mdm, ehr.fhir or ehr.command in config.yaml"
        )
    with ledger_of(settings) as ledger:
        requeued = deliveries.requeue(ledger, retry) if retry is not None else 0
        with progress_bar(show=not as_json) as bar:
            task = bar.add_task("delivering", total=None)

            def advance(_job: DeliveryJob, _result: DeliveryResult) -> None:
                bar.advance(task)

            counts = drain(ledger, settings.ehr, progress=advance)
        with ledger.reading() as session:
            waiting = deliveries.state_counts(session)
    summary: dict[str, object] = {name: counts.get(name, 0) for name in deliveries.OUTCOMES}
    summary |= {"requeued": requeued, "queue": waiting}
    if as_json:
        print_json_line(summary)
    else:
        line = ", ".join(f"{summary[name]} {name}" for name in deliveries.OUTCOMES)
        console.print(f"{line}; queue: {waiting}", highlight=False)
    if counts.get("rejected") or counts.get("retry") or counts.get("not-sent"):
        raise typer.Exit(1)
