"""`chartfile users ...`: the review desk's accounts (add, list, change role or password, lock, unlock)."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from chartfile.commands.common import console, ledger_of, print_json_line, settings_of
from chartfile.errors import UsageError

if TYPE_CHECKING:  # the accounts (argon2, the ledger) are imported when a command runs, not at start-up
    from chartfile.clerk.accounts import Role

app = typer.Typer(help="Accounts for the review desk (`chartfile serve`).", no_args_is_help=True)

Name = Annotated[
    str, typer.Argument(metavar="NAME", help="The account's name (what the person signs in as).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]


def read_password(*, interactive: bool) -> str:
    """Asked twice at a terminal (not echoed); else one line from stdin."""
    if not interactive:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("no password on stdin", hint="pipe one line: the password")
        return line
    first = getpass.getpass("password: ")
    if first != getpass.getpass("password again: "):
        raise UsageError("the two passwords differ", hint="run the command again and type the same twice")
    return first


def _role(text: str) -> Role:
    from chartfile.clerk.accounts import Role  # noqa: PLC0415

    return Role.parse(text)


@app.command("add")
def add_command(
    ctx: typer.Context,
    name: Name,
    role: Annotated[str, typer.Option(help="clerk, supervisor or admin.")] = "clerk",
    as_json: AsJson = False,
) -> None:
    """Add an account; the password is asked twice (or read as one line from stdin when piped)."""
    from chartfile.clerk import accounts  # noqa: PLC0415 - imported here: start-up is faster

    chosen = _role(role)
    password = accounts.check_password(read_password(interactive=sys.stdin.isatty()))
    with ledger_of(settings_of(ctx)) as ledger:
        made = accounts.add_user(ledger, name, chosen, password)
    if as_json:
        print_json_line({"name": made.name, "role": made.role.label})
        return
    console.print(f"account {made.name} added ({made.role.label})", highlight=False)


@app.command("list")
def list_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every account: role, disabled, locked out, last sign-in."""
    from chartfile.clerk import accounts  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        found = accounts.list_users(ledger, now=ledger.clock())
    if as_json:
        for row in found:
            print_json_line(row)
        return
    table = Table("name", "role", "disabled", "locked", "last sign-in")
    for row in found:
        table.add_row(
            row["name"], row["role"], str(row["disabled"]), str(row["locked"]), row["last_sign_in_at"] or "-"
        )
    console.print(table)


@app.command("change")
def change_command(
    ctx: typer.Context,
    *,
    name: Name,
    role: Annotated[str | None, typer.Option(help="A new role: clerk, supervisor or admin.")] = None,
    password: Annotated[bool, typer.Option("--password", help="Set a new password (asked).")] = False,
    disable: Annotated[bool, typer.Option("--disable", help="Refuse sign-in from now on.")] = False,
    enable: Annotated[bool, typer.Option("--enable", help="Allow sign-in again.")] = False,
    unlock: Annotated[bool, typer.Option("--unlock", help="Lift a lock-out after failed sign-ins.")] = False,
    as_json: AsJson = False,
) -> None:
    """Change an account; any change ends the account's open sessions."""
    from chartfile.clerk import accounts  # noqa: PLC0415 - imported here: start-up is faster

    if disable and enable:
        raise UsageError("--disable and --enable contradict each other", hint="give one of them")
    new_password = read_password(interactive=sys.stdin.isatty()) if password else None
    with ledger_of(settings_of(ctx)) as ledger:
        changed = accounts.change_user(
            ledger,
            name,
            role=_role(role) if role else None,
            password=new_password,
            disabled=True if disable else (False if enable else None),
            unlock=unlock,
        )
    if as_json:
        print_json_line({"name": changed.name, "role": changed.role.label})
        return
    console.print(f"account {changed.name} changed", highlight=False)
