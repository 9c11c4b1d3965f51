"""`chartfile report unmatched` on real processed documents; the HTML checked in headless Chromium."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import database_url_for, make_workspace, run_cli
from harness import connect_database
from PIL import Image
from scenarios import lab_result, text_pdf

HOSTILE_NAME = "<img src=x onerror=alert(1)>.pdf"
_DECODED_PROBE = (
    "<script>window.addEventListener('load', () => { document.body.dataset.decoded = "
    "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length; });</script></body>"
)

pytestmark = pytest.mark.both_databases


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "headless Chromium is needed: apt-get install chromium"
    return subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


class Elements(HTMLParser):
    """Tags with their attributes, and the page's text, from Chromium's serialised DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory, database: str, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, Any]]:
    ws = make_workspace(tmp_path_factory.mktemp("report"), database_url_for(database, request))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    batch.mkdir()
    text_pdf([lab_result("Harold Whitfield", None, None)], batch / "name_only.pdf")
    text_pdf([lab_result("Zebulon Quartermaine", "02/29/1988", "9999999")], batch / "stranger.pdf")
    text_pdf([lab_result("Ottilie Brandvold", "06/12/1990", "8888888")], batch / HOSTILE_NAME)
    text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], batch / "castellano.pdf")
    (batch / "letter.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    run_cli(ws, "process", str(batch), check=True)
    done = run_cli(ws, "report", "unmatched", "--out", str(ws / "out"), "--json", check=True)
    return ws, json.loads(done.stdout)


def test_report_lists_each_waiting_status_with_totals_and_ageing(report: tuple[Path, dict[str, Any]]) -> None:
    ws, data = report
    assert {s: v["total"] for s, v in data["statuses"].items()} == {
        "review": 1,
        "unmatched": 2,
        "quarantined": 1,
    }
    assert data["total"] == 4 and data["ageing"] == {"<24h": 4, "24-72h": 0, ">72h": 0}
    review = data["sections"][0]["documents"][0]
    assert review["source_name"] == "name_only.pdf" and review["candidates"][0]["mrn"] == "4471203"
    assert review["pages"] == 1 and 0 <= review["age_hours"] < 1
    assert Path(review["thumbnail"]).parent == ws / "data" / "store" / "previews"
    assert Path(data["html"]).name == f"unmatched-{data['report_date']}.html"
    with Path(data["csv"]).open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert sorted(row["status"] for row in table) == ["quarantined", "review", "unmatched", "unmatched"]
    assert {row["source_name"] for row in table} >= {"name_only.pdf", HOSTILE_NAME, "letter.docx"}
    with connect_database(ws) as db:
        exported = db.execute("SELECT count(*) FROM audit_events WHERE action = 'exported'").fetchone()[0]
    assert exported == 4


def test_report_renders_in_headless_chromium(report: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, data = report
    html = Path(data["html"])
    screenshot = tmp_path / "report.png"
    shot = chromium(
        f"--screenshot={screenshot}", "--window-size=1200,900", html.as_uri(), profile=tmp_path / "p1"
    )
    assert screenshot.is_file(), shot.stderr
    with Image.open(screenshot) as image:
        assert image.size == (1200, 900)
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128]) / (grey.width * grey.height)
    assert 0.005 < dark < 0.5  # text and table lines on a white page, not blank and not black
    probe = tmp_path / "probe.html"
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", _DECODED_PROBE), encoding="utf-8")
    dom = chromium("--dump-dom", probe.as_uri(), profile=tmp_path / "p2")
    page = Elements()
    page.feed(dom.stdout)
    for status in ("review", "unmatched", "quarantined"):
        assert page.having("table", data_status=status, **{"class": "documents"}), status
        assert page.having("section", id=f"status-{status}")
    assert page.having("table", id="totals")
    text = " ".join(" ".join(page.text).split())
    assert "Totals and ageing" in text and "Review (1)" in text and "Unmatched (2)" in text
    assert page.having("td", id="total-documents") and "all 4 4 0 0" in text  # the totals row
    assert page.having("body", data_decoded="3")  # three first-page thumbnails decoded by the browser
    assert HOSTILE_NAME in text and not page.having("img", src="x")  # shown as text, never as markup
