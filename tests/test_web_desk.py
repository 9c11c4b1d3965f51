"""The review desk in real Chromium (Playwright) against a real `chartfile serve` on real processed
documents: sign-in and lock-out, escaping, accessibility, roles, CSRF, idle log-off, and a clerk working
a queue of 10 documents to empty (assign, reject, split, re-file), checked in the database, the store and
the audit trail."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from conftest import PATIENTS_CSV, make_workspace, run_cli
from harness import Workspace
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect
from scenarios import image_pdf, lab_result, text_pdf
from webdesk import Server, add_user, chromium, serving, sign_in

pytestmark = pytest.mark.slow(minutes=3)

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_FILE = "e_<img src=x onerror=alert(2)>.pdf"
XSS_MRN = "4471299"
CLERK, SUPERVISOR, ADMIN, LOCKED = "clara", "sam", "ada", "lou"
CLERK_ACTOR = f"{CLERK} via web (127.0.0.1)"
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "desk.png"


@dataclass(frozen=True, slots=True)
class Desk:
    ws: Workspace
    server: Server
    browser: Browser

    @property
    def url(self) -> str:
        return self.server.url

    def doc(self, source_name: str) -> dict[str, Any]:
        return self.ws.rows("SELECT * FROM documents WHERE source_name = ?", source_name)[0]

    def audit(self, action: str) -> list[dict[str, Any]]:
        rows = self.ws.rows("SELECT * FROM audit_events WHERE action = ? ORDER BY id", action)
        return [row | {"detail": json.loads(row["detail"])} for row in rows]


def _batch(folder: Path) -> None:
    """Ten documents a clerk must look at: names without birth date or MRN (some scanned, so OCRed), and
    one fax naming two patients."""
    folder.mkdir()
    text_pdf([lab_result("Harold Whitfield", None, None)], folder / "a_whitfield.pdf")
    image_pdf([lab_result("Adaeze Okonkwo", None, None)], folder / "b_okonkwo_scan.pdf")
    image_pdf([lab_result("Margaret Lindqvist", None, None)], folder / "c_lindqvist_scan.pdf")
    text_pdf(
        [
            lab_result("Harold Whitfield", "03/04/1957", "4471203"),
            lab_result("Adaeze Okonkwo", "11/23/1984", "4471204", address="9 Oak Road, Amherst MA"),
        ],
        folder / "d_two_patients.pdf",
    )
    text_pdf([lab_result("Rafael Castellano", None, None)], folder / XSS_FILE)
    image_pdf([lab_result("Harold Whitfield", None, None)], folder / "f_whitfield_scan.pdf")
    text_pdf([lab_result("Adaeze Okonkwo", None, None)], folder / "g_okonkwo.pdf")
    text_pdf([lab_result("Margaret Lindqvist", None, None)], folder / "h_lindqvist.pdf")
    text_pdf(
        [lab_result("Rafael Castellano", None, None, doc_date="09/14/2026")], folder / "i_castellano.pdf"
    )
    text_pdf([lab_result("Harold Whitfield", None, None, doc_date="08/03/2026")], folder / "j_whitfield.pdf")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    root = make_workspace(tmp_path_factory.mktemp("desk"))
    raw = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    raw["ehr"] = {"command": {"enabled": True, "argv": ["/bin/true"]}}  # what the desk files is sent on
    (root / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    csv = root / "patients.csv"
    csv.write_text(PATIENTS_CSV + f"{XSS_MRN},{XSS_NAME},Test,,1990-01-01,F,,,,,\n", encoding="utf-8")
    run_cli(root, "patients", "import", str(csv), check=True)
    _batch(root / "batch")
    summary = json.loads(run_cli(root, "process", str(root / "batch"), "--json", check=True).stdout)
    assert summary["review"] == 10, summary
    for name, role in ((CLERK, "clerk"), (SUPERVISOR, "supervisor"), (ADMIN, "admin"), (LOCKED, "clerk")):
        made = add_user(root / "config.yaml", name, role)
        assert made.returncode == 0 and f"account {name} added ({role})" in made.stdout, made.stderr
    with serving(root / "config.yaml", log=root / "serve.log") as server, chromium() as browser:
        yield Desk(Workspace(root), server, browser)


@pytest.fixture
def context(desk: Desk) -> Iterator[BrowserContext]:
    made = desk.browser.new_context(viewport={"width": 1400, "height": 900})
    yield made
    made.close()


def signed_in(context: BrowserContext, desk: Desk, name: str = CLERK) -> Page:
    page = context.new_page()
    sign_in(page, desk.url, name)
    expect(page.locator("form.who")).to_contain_text(name)
    return page


def test_users_add_refuses_a_short_password_and_a_taken_name(desk: Desk) -> None:
    short = add_user(desk.ws.config, "bob", "clerk", password="short")
    assert short.returncode == 2 and "too short" in short.stderr
    taken = add_user(desk.ws.config, CLERK, "clerk")
    assert taken.returncode == 2 and "exists already" in taken.stderr
    wrong_role = add_user(desk.ws.config, "bob", "boss")
    assert wrong_role.returncode == 2 and "unknown role" in wrong_role.stderr
    added = desk.audit("user-added")
    assert [a["detail"]["user"] for a in added] == [CLERK, SUPERVISOR, ADMIN, LOCKED]
    assert all("password" not in json.dumps(a["detail"]) for a in added)


def test_sign_in_sets_a_private_session_cookie_and_security_headers(
    desk: Desk, context: BrowserContext
) -> None:
    page = context.new_page()
    response = page.goto(desk.url + "/queue")
    assert response is not None and "/sign-in" in page.url  # not signed in: sent to sign in first
    sign_in(page, desk.url, CLERK, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong name or password.")
    sign_in(page, desk.url, CLERK)
    response = page.goto(desk.url + "/queue")
    assert response is not None and response.status == 200
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    cookie = next(c for c in context.cookies() if c["name"] == "chartfile_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "onerror" not in cookie["value"] and CLERK not in cookie["value"]
    assert any(a["actor"] == CLERK_ACTOR for a in desk.audit("signed-in"))
    assert any(a["detail"]["why"] == "wrong password" for a in desk.audit("sign-in-failed"))


def test_repeated_failures_lock_the_account_until_an_admin_unlocks_it(
    desk: Desk, context: BrowserContext
) -> None:
    page = context.new_page()
    for _ in range(5):
        sign_in(page, desk.url, LOCKED, "wrong password again")
    expect(page.get_by_role("alert")).to_contain_text("locked")
    sign_in(page, desk.url, LOCKED)  # the right password, but locked
    expect(page.get_by_role("alert")).to_contain_text("locked")
    assert "/sign-in" in page.url
    assert [a["actor"] for a in desk.audit("sign-in-refused")] == [f"{LOCKED} via web (127.0.0.1)"]
    admin = signed_in(desk.browser.new_context(), desk, ADMIN)
    admin.goto(desk.url + "/admin/users")
    admin.get_by_role("button", name=f"Unlock {LOCKED}").click()
    expect(admin.get_by_role("status")).to_have_text(f"account {LOCKED} changed")
    sign_in(page, desk.url, LOCKED)
    expect(page.locator("form.who")).to_contain_text(LOCKED)
    unlocked = [a for a in desk.audit("user-changed") if a["detail"].get("unlocked")]
    assert unlocked and unlocked[-1]["actor"] == f"{ADMIN} via web (127.0.0.1)"
    admin.get_by_label(f"New password for {LOCKED}").fill("a brand new password")
    admin.locator("tr", has_text=LOCKED).get_by_role("button", name="Set password").click()
    page.goto(desk.url + "/queue")  # a changed account's sessions end
    assert "/sign-in" in page.url
    sign_in(page, desk.url, LOCKED, "a brand new password")
    expect(page.locator("form.who")).to_contain_text(LOCKED)


def test_markup_in_a_patient_name_or_a_file_name_renders_as_text(desk: Desk, context: BrowserContext) -> None:
    dialogs: list[str] = []
    page = signed_in(context, desk)

    def seen(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    page.goto(f"{desk.url}/patients/{XSS_MRN}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{XSS_NAME}, Test")
    page.goto(desk.url + "/patients/find?name=onerror")
    expect(page.locator("table.found td").first).to_have_text(f"{XSS_NAME}, Test")
    page.goto(
        desk.url + "/queue?done=Your+session+ended%3A+call+555-0100"
    )  # a link cannot speak for the desk
    expect(page.locator("table.queue")).to_contain_text(XSS_FILE.removesuffix(".pdf"))
    assert page.locator("p.done").count() == 0
    page.goto(f"{desk.url}/documents/{desk.doc(XSS_FILE)['id']}")
    expect(page.locator("dl.facts")).to_contain_text(XSS_FILE)
    assert page.locator("img[src='x']").count() == 0 and dialogs == []


def _serious(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]


def test_the_desk_checks_each_field_highlights_the_page_and_passes_axe(
    desk: Desk, context: BrowserContext, tmp_path: Path
) -> None:
    page = signed_in(context, desk)
    page.goto(desk.url + "/queue")
    expect(page.locator("ul.counts")).to_contain_text("review: 10")
    assert _serious(page) == []
    two = desk.doc("d_two_patients.pdf")
    page.goto(f"{desk.url}/documents/{two['id']}")
    best = page.locator("article.candidate").first
    expect(best.locator("h3")).to_contain_text("Whitfield, Harold")
    for field in ("Last name", "Date of birth", "MRN"):
        expect(best.locator("tr", has=page.get_by_role("rowheader", name=field))).to_contain_text("agrees")
    address = page.get_by_role("rowheader", name="Address")
    expect(best.locator("tr", has=address)).to_contain_text("not read from the document")
    runner_up = page.locator("article.candidate").nth(1)  # her page prints another street than the list's
    expect(runner_up.locator("h3")).to_contain_text("Okonkwo, Adaeze")
    expect(runner_up.locator("tr", has=address)).to_contain_text("differs")
    for field in ("name", "dob", "mrn"):
        assert page.locator(f"svg.page-image rect.mark-{field}").count() >= 1, field
    expect(page.locator("ol.thumbs button.thumb")).to_have_count(2)
    assert _serious(page) == []
    shot = tmp_path / "desk.png"
    page.screenshot(path=str(shot))
    with Image.open(shot) as image:
        assert image.size == (1400, 900)
        grey = image.convert("L")
        assert 0.01 < sum(grey.histogram()[:128]) / (grey.width * grey.height) < 0.5
    if os.environ.get("CHARTFILE_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, SCREENSHOT)
    scanned = desk.doc("b_okonkwo_scan.pdf")  # OCRed: the words are where Tesseract read them
    page.goto(f"{desk.url}/documents/{scanned['id']}")
    assert page.locator("svg.page-image rect.mark-name").count() == 2
    png = page.request.get(f"{desk.url}/documents/{scanned['id']}/pages/1.png")
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    views = [a for a in desk.audit("viewed") if a["document_id"] == scanned["id"]]
    assert {a["detail"].get("shown") for a in views} >= {None, "page image"}
    assert {a["actor"] for a in views} == {CLERK_ACTOR}


def test_a_clerk_is_refused_supervisor_work_and_the_refusal_is_audited(
    desk: Desk, context: BrowserContext
) -> None:
    page = signed_in(context, desk)
    response = page.goto(desk.url + "/audit")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("needs the supervisor role")
    page.goto(desk.url + "/queue")
    token = page.locator("form.who input[name=csrf]").get_attribute("value") or ""
    merged = page.request.post(
        desk.url + "/patients/merge",
        form={"csrf": token, "old_mrn": "4471205", "new_mrn": "4471206", "reason": "same"},
    )
    assert merged.status == 403
    refused = [a for a in desk.audit("refused") if a["actor"] == CLERK_ACTOR]
    assert {(a["detail"]["path"], a["detail"]["why"]) for a in refused} >= {
        ("/audit", "needs the supervisor role"),
        ("/patients/merge", "needs the supervisor role"),
    }
    assert desk.ws.rows("SELECT merged_into FROM patients WHERE mrn = '4471205'") == [{"merged_into": None}]
    supervisor = signed_in(desk.browser.new_context(), desk, SUPERVISOR)
    response = supervisor.goto(desk.url + "/audit")
    assert response is not None and response.status == 200
    expect(supervisor.locator("table.audit")).to_contain_text("refused")


def test_a_form_posted_without_its_csrf_token_is_refused(desk: Desk, context: BrowserContext) -> None:
    page = signed_in(context, desk)
    target = desk.doc("j_whitfield.pdf")
    page.goto(f"{desk.url}/documents/{target['id']}")
    forms: list[dict[str, str | float | bool]] = [
        {"reason": "no token"},
        {"reason": "wrong", "csrf": "forged"},
    ]
    for form in forms:
        response = page.request.post(f"{desk.url}/documents/{target['id']}/reject", form=form)
        assert response.status == 403, form
    assert desk.doc("j_whitfield.pdf")["status"] == "review"
    refused = [a for a in desk.audit("refused") if a["detail"]["why"] == "missing or wrong CSRF token"]
    assert len(refused) == 2 and {a["actor"] for a in refused} == {CLERK_ACTOR}


def _work(page: Page, desk: Desk) -> str:
    """Decide the document at the desk as planned for its source; returns what was done."""
    source, before = page.locator("dl.facts dd").first.inner_text(), page.url
    if source == "b_okonkwo_scan.pdf":
        page.keyboard.press("a")  # the shortcut: assign the top candidate
    elif source == "c_lindqvist_scan.pdf":
        page.get_by_label("MRN", exact=True).first.fill("4471205")
        page.get_by_role("button", name="Find").click()
        page.locator("#found").get_by_role("button", name="Assign to Lindqvist, Margaret").click()
    elif source == "d_two_patients.pdf":
        for part, (thumb, mrn) in enumerate(((1, "4471203"), (2, "4471204")), 1):
            page.locator(f"#split-pages-{part}").click()
            page.get_by_role("button", name=f"Pick page {thumb} for the split range").click()
            page.locator(f"#split-mrn-{part}").fill(mrn)
        expect(page.locator("#split-pages-2")).to_have_value("2")
        page.get_by_role("button", name="Split", exact=True).click()
    elif source == XSS_FILE:
        page.keyboard.press("r")
        page.keyboard.type("misdirected fax")
        page.keyboard.press("Enter")
    else:
        page.locator("#assign-top button").click()
    page.wait_for_url(lambda url: url != before)  # on to the next document (or the empty queue)
    page.wait_for_load_state()
    return source


def test_a_clerk_works_the_queue_to_empty_and_everything_names_them(
    desk: Desk, context: BrowserContext
) -> None:
    page = signed_in(context, desk)
    page.goto(desk.url + "/queue")
    page.keyboard.press("n")  # the shortcut: open the oldest
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    worked: list[str] = []
    while "/documents/" in page.url and len(worked) < 12:
        worked.append(_work(page, desk))
    assert len(worked) == 10 and len(set(worked)) == 10, worked
    expect(page.locator("ul.counts")).to_contain_text("review: 0")
    expect(page.locator("table.queue")).to_contain_text("Nothing waiting here.")
    assert desk.ws.rows("SELECT id FROM documents WHERE status = 'review'") == []
    store = desk.ws.folder("store")
    for source, mrn in (("a_whitfield.pdf", "4471203"), ("b_okonkwo_scan.pdf", "4471204"),
                        ("c_lindqvist_scan.pdf", "4471205")):  # fmt: skip
        doc = desk.doc(source)
        assert (doc["status"], doc["patient_mrn"]) == ("filed", mrn), source
        assert Path(doc["stored_path"]).is_relative_to(store / "patients" / mrn)
        assert Path(doc["stored_path"]).is_file()
    rejected = desk.doc(XSS_FILE)
    assert rejected["status"] == "rejected" and Path(rejected["stored_path"]).is_file()
    parent = desk.doc("d_two_patients.pdf")
    children = desk.ws.rows("SELECT * FROM documents WHERE parent_id = ? ORDER BY id", parent["id"])
    assert parent["status"] == "split"
    assert [(c["patient_mrn"], c["page_count"]) for c in children] == [("4471203", 1), ("4471204", 1)]
    assert all(Path(c["stored_path"]).is_file() for c in children)
    by_action = {a: desk.audit(a) for a in ("assigned", "rejected", "split")}
    assert len(by_action["assigned"]) == 8 and len(by_action["rejected"]) == 1
    assert len(by_action["split"]) == 3  # two children and the parent
    assert {e["actor"] for events in by_action.values() for e in events} == {CLERK_ACTOR}
    assert by_action["rejected"][0]["detail"]["reason"] == "misdirected fax"
    sent = desk.ws.rows("SELECT * FROM deliveries WHERE document_id = ?", desk.doc("a_whitfield.pdf")["id"])
    assert [(d["target"], d["event"], d["patient_mrn"]) for d in sent] == [("command", "filed", "4471203")]
    _refile(page, desk)


def _refile(page: Page, desk: Desk) -> None:
    doc = desk.doc("f_whitfield_scan.pdf")
    page.goto(f"{desk.url}/documents/{doc['id']}")
    page.get_by_label("MRN", exact=True).last.fill("4471206")
    page.locator("#refile-reason").fill("belongs to another chart")
    page.get_by_role("button", name="Re-file").click()
    expect(page.get_by_role("status")).to_have_text(f"document {doc['id']} re-filed")
    after = desk.doc("f_whitfield_scan.pdf")
    assert (after["status"], after["patient_mrn"]) == ("filed", "4471206")
    assert Path(after["stored_path"]).is_relative_to(desk.ws.folder("store") / "patients" / "4471206")
    assert Path(after["stored_path"]).is_file() and not Path(doc["stored_path"]).exists()
    refiled = desk.audit("refiled")
    assert [(a["document_id"], a["actor"]) for a in refiled] == [(doc["id"], CLERK_ACTOR)]
    assert (
        refiled[0]["detail"]["before"]["mrn"] == "4471203"
        and refiled[0]["detail"]["after"]["mrn"] == "4471206"
    )


def test_an_idle_session_is_signed_out(desk: Desk, tmp_path: Path) -> None:
    raw = yaml.safe_load(desk.ws.config.read_text(encoding="utf-8"))
    raw["web"] = (raw.get("web") or {}) | {"idle_timeout_minutes": 0.05}  # 3 seconds
    idle_config = desk.ws.root / "config-idle.yaml"  # the same data folder, a short time-out
    idle_config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with serving(idle_config, log=tmp_path / "serve.log") as server:
        scripted = desk.browser.new_context()
        page = scripted.new_page()
        sign_in(page, server.url, CLERK)
        expect(page.locator("form.who")).to_contain_text(CLERK)
        page.wait_for_url(re.compile(r"/sign-in\?.*why=idle"), timeout=30_000)  # the page reloads itself
        expect(page.get_by_role("status")).to_contain_text("signed out after")
        plain = desk.browser.new_context(java_script_enabled=False)  # the server alone decides
        other = plain.new_page()
        sign_in(other, server.url, CLERK)
        expect(other.locator("form.who")).to_contain_text(CLERK)
        other.wait_for_timeout(4_500)  # longer than the 3-second time-out, no request in between
        other.goto(server.url + "/queue")
        assert "/sign-in" in other.url and "why=idle" in other.url
    expired = desk.audit("signed-out-idle")
    assert len(expired) >= 2 and all(a["actor"].startswith(f"{CLERK} via web") for a in expired)
