"""FHIR R4 both ways: `patients import --fhir` (MRN by the site's system, a newer record never overwritten,
replaced-by as a merge), and filed documents POSTed as transaction Bundles to a real HTTP server that
validates them with fhir.resources: 2xx delivered, 4xx shown on the document, 5xx retried."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from conftest import make_workspace, run_cli
from ehr_peers import FhirServer
from fhir.resources.R4B.bundle import Bundle
from harness import Workspace, wait_until
from scenarios import lab_result, text_pdf

MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.999.1"
DOC_SYSTEM = "urn:chartfile:test:document"


def patient(
    ident: str, mrn: str, family: str, given: list[str], birth: str, *, updated: str, **more: Any
) -> Any:
    return {
        "resourceType": "Patient",
        "id": ident,
        "meta": {"lastUpdated": updated},
        "identifier": [
            {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "123-45-6789"},
            {"system": MRN_SYSTEM, "value": mrn},
        ],
        "name": [{"use": "official", "family": family, "given": given}],
        "birthDate": birth,
        **more,
    }


def bundle_file(path: Path, patients: list[dict[str, Any]]) -> Path:
    """A Bundle as an EHR exports it (the invalid entries a test adds are left as they are)."""
    entries = [{"fullUrl": f"urn:uuid:{p['id']}", "resource": p} for p in patients]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": "2026-11-30T08:00:00Z",
        "entry": entries,
    }
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def fhir_workspace(root: Path, **fhir: Any) -> Workspace:
    ws = Workspace(make_workspace(root))
    run_cli(ws.root, "patients", "import", str(ws.root / "patients.csv"), check=True)
    ehr: dict[str, Any] = {"mrn_system": MRN_SYSTEM}
    if fhir:
        target = {"enabled": True, "document_identifier_system": DOC_SYSTEM} | fhir
        ehr |= {
            "fhir": target,
            "delivery": {"retry_min_seconds": 0.5, "retry_max_seconds": 1, "timeout_seconds": 5},
        }
    ws.configure(ehr=ehr)
    return ws


def test_patients_import_fhir_upserts_by_the_sites_mrn_and_merges_replaced_by(tmp_path: Path) -> None:
    ws = fhir_workspace(tmp_path)
    text_pdf([lab_result("Margaret Lindqvist", "07/15/1949", "4471205")], tmp_path / "lab.pdf")
    run_cli(ws.root, "process", str(tmp_path / "lab.pdf"), check=True)
    newer = bundle_file(
        tmp_path / "newer.json",
        [
            patient(
                "p1",
                "5550001",
                "Nakamura",
                ["Kenji", "Ray"],
                "1970-05-06",
                updated="2026-11-30T09:00:00Z",
                gender="male",
                telecom=[
                    {"system": "email", "value": "k@example.org"},
                    {"system": "phone", "value": "555-0111"},
                ],
                address=[
                    {
                        "use": "home",
                        "line": ["4 Bay Rd", "Unit 2"],
                        "city": "Salem",
                        "state": "MA",
                        "postalCode": "01970",
                    }
                ],
            ),
            patient("p2", "4471299", "Lindqvist", ["Margaret"], "1949-07-15", updated="2026-11-30T09:00:00Z"),
            patient(
                "p3",
                "4471205",
                "Lindqvist",
                ["Margaret"],
                "1949-07-15",
                updated="2026-11-30T09:00:00Z",
                link=[{"other": {"reference": "Patient/p2"}, "type": "replaced-by"}],
            ),
            {"resourceType": "Patient", "id": "p4", "identifier": [{"system": "urn:other", "value": "X1"}]},
            {"resourceType": "Patient", "id": "p5", "birthDate": "1999-13-40"},
        ],
    )
    done = run_cli(ws.root, "patients", "import", "--fhir", str(newer), "--json", check=True)
    report = json.loads(done.stdout)
    assert (report["inserted"], report["updated"], report["merged"], report["documents_moved"]) == (
        2,
        1,
        1,
        1,
    )
    assert [r["entry"] for r in report["rejected"]] == [5, 4]  # an invalid Patient; no MRN of the site's
    (kenji,) = ws.rows("SELECT * FROM patients WHERE mrn = '5550001'")
    assert (kenji["last_name"], kenji["first_name"], kenji["middle_name"], str(kenji["dob"])) == (
        "Nakamura",
        "Kenji",
        "Ray",
        "1970-05-06",
    )
    assert (kenji["sex"], kenji["phone"], kenji["address"], kenji["city"], kenji["zip"]) == (
        "M",
        "555-0111",
        "4 Bay Rd, Unit 2",
        "Salem",
        "01970",
    )
    (old,) = ws.rows("SELECT * FROM patients WHERE mrn = '4471205'")
    assert old["merged_into"] == "4471299" and ws.documents()[0]["patient_mrn"] == "4471299"
    older = bundle_file(
        tmp_path / "older.json",
        [patient("p1", "5550001", "Nakamura-Old", ["Ken"], "1970-05-06", updated="2026-11-01T09:00:00Z")],
    )
    again = json.loads(
        run_cli(ws.root, "patients", "import", "--fhir", str(older), "--json", check=True).stdout
    )
    assert again["stale"] == 1 and again["updated"] == 0
    assert ws.rows("SELECT last_name FROM patients WHERE mrn = '5550001'") == [{"last_name": "Nakamura"}]


def test_patients_import_fhir_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    ws = fhir_workspace(tmp_path)
    (tmp_path / "bad.json").write_text('{"resourceType": "Patient", "id": "p1"}', encoding="utf-8")
    done = run_cli(ws.root, "patients", "import", "--fhir", str(tmp_path / "bad.json"))
    assert done.returncode == 2 and "not a valid FHIR R4 Bundle" in done.stderr
    both = run_cli(
        ws.root, "patients", "import", str(ws.root / "patients.csv"), "--fhir", str(tmp_path / "bad.json")
    )
    assert both.returncode == 2 and "either FILE.csv or --fhir" in both.stderr


def test_documents_are_posted_as_validated_bundles_4xx_shown_5xx_retried(tmp_path: Path) -> None:
    answers = iter([503, 201, 400, 201, 200])
    server = FhirServer(status=lambda _b: next(answers)).start()
    try:
        ws = fhir_workspace(tmp_path, base_url=server.url)
        lab = text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], tmp_path / "lab.pdf")
        other = text_pdf([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], tmp_path / "other.pdf")
        run_cli(ws.root, "process", str(lab), check=True)
        (doc,) = ws.documents()
        first = run_cli(ws.root, "deliver", "--json")
        assert first.returncode == 1 and json.loads(first.stdout)["retry"] == 1  # 503: tried again later
        wait_until(
            lambda: run_cli(ws.root, "deliver").returncode == 0 and delivered(ws), timeout=60, what="retry"
        )
        run_cli(ws.root, "process", str(other), check=True)
        refused = run_cli(ws.root, "deliver", "--json")
        assert refused.returncode == 1 and json.loads(refused.stdout)["rejected"] == 1  # 400: a person looks
        second = max(d["id"] for d in ws.documents())
        shown = json.loads(run_cli(ws.root, "documents", "show", str(second), "--json", check=True).stdout)
        assert [(d["state"], d["last_error"][:8]) for d in shown["deliveries"]] == [("rejected", "HTTP 400")]
        run_cli(
            ws.root, "documents", "refile", str(doc["id"]), "4471206", "--reason", "wrong chart", check=True
        )
        assert run_cli(ws.root, "deliver").returncode == 0
    finally:
        server.stop()
    assert server.invalid == []  # every body validated as a FHIR Bundle (fhir.resources) on the server
    retried, filed, _refused, cancel, replacement = [as_json(b) for b in server.bundles]
    assert retried == filed  # the same identifier and content again
    binary, create = filed["entry"]
    assert binary["request"] == {"method": "PUT", "url": f"Binary/chartfile-{doc['id']}-1"}
    pdf = base64.b64decode(binary["resource"]["data"])
    assert hashlib.sha256(pdf).hexdigest() == doc["stored_sha256"]
    reference = create["resource"]
    assert create["request"]["ifNoneExist"] == f"identifier={DOC_SYSTEM}|{doc['id']}-1"
    assert reference["status"] == "current" and reference["identifier"] == [
        {"system": DOC_SYSTEM, "value": f"{doc['id']}-1"}
    ]
    assert reference["subject"]["identifier"] == {"system": MRN_SYSTEM, "value": "4471203"}
    assert reference["type"]["coding"][0] | {"display": ""} == {
        "system": "http://loinc.org",
        "code": "11502-2",
        "display": "",
    }
    attachment = reference["content"][0]["attachment"]
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf).digest() and attachment["size"] == len(
        pdf
    )
    assert attachment["url"] == f"Binary/chartfile-{doc['id']}-1" and reference["date"]
    (cancelled,) = [e for e in cancel["entry"] if e["resource"]["resourceType"] == "DocumentReference"]
    assert cancelled["request"]["method"] == "PUT" and cancelled["resource"]["status"] == "entered-in-error"
    assert cancelled["resource"]["subject"]["identifier"]["value"] == "4471203"
    replacing = replacement["entry"][1]["resource"]
    assert replacing["subject"]["identifier"]["value"] == "4471206"
    assert replacing["identifier"][0]["value"] == f"{doc['id']}-2"
    assert replacing["relatesTo"] == [
        {"code": "replaces", "target": {"identifier": {"system": DOC_SYSTEM, "value": f"{doc['id']}-1"}}}
    ]
    (after,) = [d for d in ws.documents() if d["id"] == doc["id"]]
    assert (
        base64.b64decode(replacement["entry"][0]["resource"]["data"])
        == Path(after["stored_path"]).read_bytes()
    )


def as_json(bundle: Bundle) -> Any:
    return json.loads(bundle.model_dump_json(exclude_none=True))


def delivered(ws: Workspace) -> bool:
    return all(r["state"] == "delivered" for r in ws.rows("SELECT state FROM deliveries"))
