"""The audit trail's actor is the real user (the process's uid) and, under sudo, the person who ran sudo
(the sudo process's real uid): never $LOGNAME, $USER or $SUDO_USER, which a caller sets at will."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from harness import Workspace, cli_env
from scenarios import lab_result, text_pdf

pytestmark = pytest.mark.slow(minutes=1)

CLERK = "cftest-clerk"  # made for the test when missing, removed after it
# The account chartfile runs as here: root (the interpreter of these tests is root's and private to it);
# in a deployment it is `chartfile` (README, Deployment): the same sudo, another target user.
SERVICE = "root"


def actors(ws: Workspace, action: str) -> list[str]:
    return [
        row["actor"] for row in ws.rows("SELECT actor FROM audit_events WHERE action = ? ORDER BY id", action)
    ]


def test_logname_and_user_are_not_the_actor(workspace: Path) -> None:
    ws = Workspace(workspace)
    text_pdf([lab_result("Harold Whitfield", None, None)], workspace / "lab.pdf")
    run_cli(workspace, "process", str(workspace / "lab.pdf"), check=True)
    env = cli_env() | {"LOGNAME": "spoofed", "USER": "spoofed", "SUDO_USER": "spoofed", "SUDO_UID": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(ws.config), "documents", "show", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    me = pwd.getpwuid(os.getuid()).pw_name
    assert actors(ws, "viewed") == [me] and "spoofed" not in {
        row["actor"] for row in ws.rows("SELECT actor FROM audit_events")
    }


@contextlib.contextmanager
def system_users(*names: str) -> Iterator[None]:
    made = []
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/bin/sh", name], check=True
            )
            made.append(name)
    try:
        yield
    finally:
        for name in made:
            subprocess.run(["userdel", name], check=False)


@contextlib.contextmanager
def sudo_rule(rule: str) -> Iterator[None]:
    """A sudoers drop-in for the test, checked by visudo before it is put in place, removed after."""
    draft = Path(tempfile.mkdtemp()) / "rule"
    draft.write_text(rule + "\n", encoding="utf-8")
    draft.chmod(0o440)
    subprocess.run(["visudo", "-cf", str(draft)], check=True, capture_output=True)
    target = Path("/etc/sudoers.d") / f"chartfile-test-{uuid.uuid4().hex[:8]}"
    shutil.move(draft, target)
    try:
        yield
    finally:
        target.unlink(missing_ok=True)


@pytest.fixture
def clerk_sudo(workspace: Path) -> Iterator[Workspace]:
    """A clerk allowed to run chartfile as the service account through sudo, as the README documents."""
    if os.getuid() != 0 or shutil.which("sudo") is None:
        pytest.skip("needs root and sudo (CI runs as root; make test installs sudo)")
    with system_users(CLERK), sudo_rule(f"{CLERK} ALL=({SERVICE}) NOPASSWD: {sys.executable}"):
        text_pdf([lab_result("Harold Whitfield", None, None)], workspace / "lab.pdf")
        yield Workspace(workspace)


def as_service(
    ws: Workspace, *args: str, invoker: str | None = None, env: dict[str, str] | None = None
) -> None:
    """`sudo -u SERVICE chartfile ...`, run by the clerk (through runuser), with its environment."""
    command = ["sudo", "-u", SERVICE, sys.executable, "-m", "chartfile", "--config", str(ws.config), *args]
    if invoker is not None:
        command = ["runuser", "-u", invoker, "--", *command]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd="/",
        env=cli_env() | (env or {}),
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_clerk_under_sudo_is_recorded_with_the_service_account(clerk_sudo: Workspace) -> None:
    ws = clerk_sudo
    run_cli(ws.root, "process", str(ws.root / "lab.pdf"), check=True)
    as_service(ws, "documents", "show", "1", invoker=CLERK)
    spoofed = {"SUDO_USER": "root", "SUDO_UID": "0", "LOGNAME": "root", "USER": "root"}
    as_service(ws, "review", "show", "1", invoker=CLERK, env=spoofed)  # sudo keeps none of these anyway
    me = pwd.getpwuid(os.getuid()).pw_name
    assert set(actors(ws, "received")) == {me}
    assert actors(ws, "viewed") == [f"{CLERK} (sudo as {SERVICE})"] * 2
