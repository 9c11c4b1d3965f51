"""Test helpers for the review desk: a real `chartfile serve` process on a free port, accounts made with
the real `chartfile users add`, and headless Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import cli_env, wait_until
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def add_user(
    config: Path, name: str, role: str, password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    """`chartfile users add NAME --role ROLE` with the password piped as one line on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(config), "users", "add", name, "--role", role],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
        check=False,
    )


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


def _answers(url: str) -> bool:
    unverified = ssl.create_default_context()  # only asks whether the server is up
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url + "/sign-in", timeout=5, context=unverified) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def serving(config: Path, *, log: Path, scheme: str = "http") -> Iterator[Server]:
    """`chartfile --config CONFIG serve --port P` until the block ends (then SIGTERM, SIGKILL if need be)."""
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chartfile", "--config", str(config), "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(),
            start_new_session=True,
        )
    server = Server(f"{scheme}://127.0.0.1:{port}", proc, log)
    try:
        wait_until(
            lambda: _answers(server.url) or (proc.poll() is not None and _died(log)),
            timeout=60,
            what="chartfile serve to answer",
        )
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _died(log: Path) -> bool:
    raise AssertionError("chartfile serve exited:\n" + log.read_text(encoding="utf-8", errors="replace"))


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def sign_in(page: Page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(url + "/sign-in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
