"""`chartfile db check`: for IT, is the database as chartfile needs it (answers, audit trail intact and
guarded, site key private, no claims left by gone runs); `--repair` puts guards back, frees stale claims."""

from __future__ import annotations

from typing import Annotated

import typer

from chartfile.commands.audit import render_report
from chartfile.commands.common import (
    console,
    err_console,
    labelled,
    ledger_of,
    print_json_line,
    settings_of,
    shown,
)
from chartfile.errors import explain

app = typer.Typer(
    help="The database, for IT: create or upgrade it, check it, repair its guards.", no_args_is_help=True
)


@app.command("check")
def check_command(
    ctx: typer.Context,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Put missing audit guard triggers back and free stale claims (both audited)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check the database: SQLite's quick check, the audit trail's chain and guards, the site key.

    Exit 0 when all is well; 5 when the audit trail is broken or unguarded (the daemon refuses to start
    then too); 1 for a damaged database or a site key others can read.
    """
    from chartfile.ledger.health import check, problem  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        health = check(ledger, repair=repair)
    if as_json:
        print_json_line(health.as_json())
    else:
        console.print(labelled("database", f"{health.database} ({health.engine}, schema {health.revision})"))
        render_report(health.audit)
        console.print(labelled("site key", "private" if health.key_private else "READABLE BY OTHERS"))
        console.print(labelled("files being processed", health.claims))
        if health.repaired_guards:
            console.print(labelled("guards put back", ", ".join(health.repaired_guards)))
        if health.stale_claims_freed:
            console.print(labelled("stale claims freed", health.stale_claims_freed))
    wrong = problem(health)
    if wrong is not None:
        for line in explain(wrong).lines():
            err_console.print(shown(line))
        raise typer.Exit(wrong.exit_code)


@app.command("upgrade")
def upgrade_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create the database or bring its schema to this chartfile's version (the same migrations on SQLite
    and PostgreSQL). Run it once after installing a new chartfile, before starting the stations; a second
    run changes nothing. Needs a database role that may create tables, functions and triggers.
    """
    from chartfile.ledger.db import head_revision, make_engine, revision  # noqa: PLC0415

    settings = settings_of(ctx)
    engine = make_engine(settings.database)
    try:
        before = revision(engine)
    finally:
        engine.dispose()
    with ledger_of(settings) as ledger, ledger.reading() as session:
        engine_name = session.get_bind().dialect.name
    after = head_revision()
    report = {"engine": engine_name, "from": before, "to": after, "changed": before != after}
    if as_json:
        print_json_line(report)
    elif before == after:
        console.print(shown(f"the {engine_name} database is at schema {after} already: nothing to do"))
    else:
        console.print(
            shown(f"the {engine_name} database was upgraded from schema {before or 'none'} to {after}")
        )
