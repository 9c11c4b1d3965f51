"""Whatever a patient list or a file name holds is printed as it is: an MRN "[/]" or a file named with
rich markup never becomes markup (nor crashes a command), and terminal control codes are shown escaped."""

from __future__ import annotations

import pytest
from conftest import make_workspace, run_cli
from harness import Workspace
from scenarios import lab_result, text_pdf

pytestmark = pytest.mark.slow(minutes=1)

MARKUP_NAME = "[bold red]x[link=https:e.invalid]y\x1b[2J.pdf"  # no "/" in a file name
WIDE = {"COLUMNS": "400"}  # tables as wide as the text: nothing truncated


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = make_workspace(tmp_path_factory.mktemp("markup"))
    (root / "markup.csv").write_text(
        "mrn,last_name,first_name,dob\n[/],Quillfeather,Ezekiel,1961-05-05\n",
        encoding="utf-8",
    )
    run_cli(root, "patients", "import", str(root / "markup.csv"), check=True)
    text_pdf([lab_result("Ezekiel Quillfeather", None, None)], root / MARKUP_NAME)
    run_cli(root, "process", str(root / MARKUP_NAME), check=True)
    return Workspace(root)


def cli(ws: Workspace, *args: str) -> str:
    done = run_cli(ws.root, *args, env=WIDE)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MarkupError" not in done.stderr and "Traceback" not in done.stderr
    assert "\x1b[2J" not in done.stdout  # the control code is never sent to the terminal
    return done.stdout


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("review", "list"), id="review-list"),
        pytest.param(("review", "show", "1"), id="review-show"),
        pytest.param(("documents", "show", "1"), id="documents-show"),
    ],
)
def test_an_mrn_in_brackets_is_printed_literally(ws: Workspace, command: tuple[str, ...]) -> None:
    assert "[/]" in cli(ws, *command)  # the best candidate's MRN


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("review", "list"), id="review-list"),
        pytest.param(("review", "show", "1"), id="review-show"),
        pytest.param(("documents", "show", "1"), id="documents-show"),
        pytest.param(("search", "Laboratory"), id="search"),
        pytest.param(("documents", "list", "--json"), id="json"),
    ],
)
def test_a_markup_file_name_is_printed_literally_and_its_control_code_escaped(
    ws: Workspace, command: tuple[str, ...]
) -> None:
    out = cli(ws, *command)
    escaped = "\\u001b" if "--json" in command else "\\x1b"  # JSON escapes it its own way
    assert f"[bold red]x[link=https:e.invalid]y{escaped}[2J.pdf" in out


def test_a_decision_the_audit_listing_and_a_bad_argument_are_literal_too(ws: Workspace) -> None:
    """(Last in this module: it files the document.)"""
    assert "(MRN [/])" in cli(ws, "review", "assign", "1", "[/]", "--reason", "[red]checked")
    listing = cli(ws, "audit", "--document", "1")
    assert '"mrn":"[/]"' in listing and "[red]checked" in listing
    bad = run_cli(ws.root, "documents", "show", "[/]")
    assert bad.returncode == 2 and "MarkupError" not in bad.stderr and "Traceback" not in bad.stderr
