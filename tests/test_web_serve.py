"""`chartfile serve`, `chartfile users` and `review show --out` as real processes: TLS from the settings,
the client address behind a reverse proxy, accounts made at a terminal, a page written for the clerk."""

from __future__ import annotations

import json
import os
import pty
import re
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import make_workspace, run_cli
from harness import Workspace, cli_env
from scenarios import lab_result, text_pdf
from webdesk import PASSWORD, add_user, serving

pytestmark = pytest.mark.slow(minutes=1)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = make_workspace(tmp_path_factory.mktemp("serve"))
    run_cli(root, "patients", "import", str(root / "patients.csv"), check=True)
    (root / "batch").mkdir()
    text_pdf([lab_result("Harold Whitfield", None, None)], root / "batch" / "name_only.pdf")
    run_cli(root, "process", str(root / "batch"), check=True)
    assert add_user(root / "config.yaml", "clara", "clerk").returncode == 0
    return Workspace(root)


def _config(ws: Workspace, name: str, **web: object) -> Path:
    raw = yaml.safe_load(ws.config.read_text(encoding="utf-8"))
    raw["web"] = (raw.get("web") or {}) | web
    path = ws.root / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def _sign_in(client: httpx.Client, *, headers: dict[str, str] | None = None) -> httpx.Response:
    form = client.get("/sign-in", headers=headers)
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    data = {"csrf": token[1], "name": "clara", "password": PASSWORD, "next": "/queue"}
    return client.post("/sign-in", data=data, headers=headers)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return cert, key


def test_serve_speaks_tls_from_the_settings(ws: Workspace, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    config = _config(ws, "config-tls.yaml", tls_cert=str(cert), tls_key=str(key))
    with serving(config, log=ws.root / "serve-tls.log", scheme="https") as server:
        assert server.url.startswith("https://")
        with httpx.Client(base_url=server.url, verify=ssl.create_default_context(cafile=str(cert))) as client:
            signed = _sign_in(client)
            assert signed.status_code == 303
            assert "secure" in signed.headers["set-cookie"].lower()
            queue = client.get("/queue")
            assert queue.status_code == 200 and "name_only.pdf" in queue.text
            assert queue.headers["strict-transport-security"].startswith("max-age=")


def test_behind_a_proxy_the_forwarded_client_address_is_audited(ws: Workspace) -> None:
    config = _config(ws, "config-proxy.yaml", behind_proxy=True, proxy_addresses=["127.0.0.1"])
    forwarded = {"X-Forwarded-For": "192.0.2.44"}  # a documentation address: no traffic goes there
    with (
        serving(config, log=ws.root / "serve-proxy.log") as server,
        httpx.Client(base_url=server.url) as client,
    ):
        assert _sign_in(client, headers=forwarded).status_code == 303
        over_tls = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})  # TLS ends at the proxy
        assert "secure" in over_tls.headers["set-cookie"].lower()
        assert over_tls.headers["strict-transport-security"].startswith("max-age=")
    actors = {row["actor"] for row in ws.rows("SELECT actor FROM audit_events WHERE action = 'signed-in'")}
    assert "clara via web (192.0.2.44)" in actors


def test_without_a_proxy_a_forwarded_header_is_ignored(ws: Workspace) -> None:
    with serving(ws.config, log=ws.root / "serve.log") as server, httpx.Client(base_url=server.url) as client:
        assert _sign_in(client, headers={"X-Forwarded-For": "192.0.2.45"}).status_code == 303
    actors = {row["actor"] for row in ws.rows("SELECT actor FROM audit_events WHERE action = 'signed-in'")}
    assert "clara via web (127.0.0.1)" in actors and not any("192.0.2.45" in a for a in actors)


@pytest.mark.parametrize(
    ("web", "said"),
    [
        pytest.param({"port": 70000}, "web.port: Input should be less than or equal to 65535", id="port"),
        pytest.param({"tls_cert": "/nowhere/cert.pem"}, "tls_cert and tls_key go together", id="tls-half"),
        pytest.param(
            {"tls_cert": "/nowhere/cert.pem", "tls_key": "/nowhere/key.pem"},
            "the TLS certificate /nowhere/cert.pem is not a file",
            id="tls-missing",
        ),
        pytest.param({"idle_timeout_minutes": 0}, "web.idle_timeout_minutes", id="idle-zero"),
    ],
)
def test_a_bad_web_setting_is_named(ws: Workspace, web: dict[str, object], said: str) -> None:
    config = _config(ws, "config-bad.yaml", **web)
    done = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(config), "serve"],
        capture_output=True, text=True, timeout=60, env=cli_env(), check=False,
    )  # fmt: skip
    assert done.returncode == 2 and said in done.stderr, done.stderr


def _at_a_terminal(config: Path, answers: list[str]) -> tuple[int, str]:
    """`chartfile users add dana --role supervisor` on a pseudo-terminal, typing `answers`."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        args = ["--config", str(config), "users", "add", "dana", "--role", "supervisor"]
        os.execve(sys.executable, [sys.executable, "-m", "chartfile", *args], cli_env())
    said, typed = b"", 0
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
        if said.count(b"password") > typed and typed < len(answers):
            os.write(fd, answers[typed].encode() + b"\n")
            typed += 1
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), said.decode(errors="replace")


def test_users_add_asks_twice_at_a_terminal(ws: Workspace) -> None:
    code, said = _at_a_terminal(ws.config, ["first try password", "another password"])
    assert code == 2 and "the two passwords differ" in said and PASSWORD not in said
    code, said = _at_a_terminal(ws.config, [PASSWORD, PASSWORD])
    assert code == 0 and "account dana added (supervisor)" in said, said
    assert PASSWORD not in said  # not echoed
    listed = [
        json.loads(line)
        for line in run_cli(ws.root, "users", "list", "--json", check=True).stdout.splitlines()
    ]
    assert {(u["name"], u["role"]) for u in listed} >= {("clara", "clerk"), ("dana", "supervisor")}
    hashes = ws.rows("SELECT password_hash FROM users WHERE name = 'dana'")
    assert hashes[0]["password_hash"].startswith("$argon2id$")


def test_users_change_role_disable_and_unlock(ws: Workspace) -> None:
    assert add_user(ws.config, "erin", "clerk").returncode == 0
    done = run_cli(ws.root, "users", "change", "erin", "--role", "admin", "--disable", "--json", check=True)
    assert json.loads(done.stdout) == {"name": "erin", "role": "admin"}
    row = ws.rows("SELECT role, disabled FROM users WHERE name = 'erin'")[0]
    assert (row["role"], row["disabled"]) == ("admin", 1)
    missing = run_cli(ws.root, "users", "change", "nobody", "--unlock")
    assert missing.returncode == 2 and "no account named 'nobody'" in missing.stderr


def test_review_show_writes_the_page_where_the_clerk_can_open_it(ws: Workspace, tmp_path: Path) -> None:
    doc = ws.rows("SELECT id FROM documents WHERE status = 'review'")[0]["id"]
    show = ["review", "show", str(doc), "--out", "-"]
    piped = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(ws.config), *show],
        capture_output=True, timeout=120, env=cli_env(), check=True,
    )  # fmt: skip
    assert piped.stdout.startswith(b"\x89PNG\r\n\x1a\n") and len(piped.stdout) > 10_000
    target = tmp_path / "page.png"
    done = run_cli(ws.root, "review", "show", str(doc), "--out", str(target), check=True)
    assert target.read_bytes() == piped.stdout and "page written to" in done.stderr
    assert target.stat().st_mode & 0o077 == 0  # private, like everything chartfile writes
    exported = ws.rows("SELECT actor, detail FROM audit_events WHERE action = 'exported' ORDER BY id")
    assert [json.loads(row["detail"])["to"] for row in exported] == ["-", str(target)]
    bad = run_cli(ws.root, "review", "show", str(doc), "--out", "/nonexistent/dir/page.png")
    assert bad.returncode == 2 and "cannot write /nonexistent/dir/page.png" in bad.stderr
