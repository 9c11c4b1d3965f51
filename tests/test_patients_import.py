"""Patient CSV import: valid rows upserted by MRN, invalid rows reported by line number without PHI."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from conftest import run_cli
from harness import Workspace

pytestmark = pytest.mark.both_databases  # the patient list on SQLite and on PostgreSQL

BAD_CSV = """mrn,last_name,first_name,middle_name,dob,sex,phone,address,city,state,zip,insurer
1001,Abernathy,Clara,,1960-02-29,F,,,,,,Acme
1002,,Bertram,,1970-01-01,M,,,,,,
1003,Colquitt,Dorothea,,1969-02-30,F,,,,,,
1004,Delacroix,Emile,,03/04/1957,M,,,,,,
,Eastwood,Fanny,,1990-05-05,F,,,,,,
1006,Farquhar,Gideon,Q,2199-01-01,M,,,,,,
1007,Grimsby,Hattie,,1988-08-08,F,555-1000,1 Main St,Lowell,MA,01850,
"""


def test_bad_rows_are_reported_by_line_and_the_rest_imported(workspace: Path) -> None:
    csv_file = workspace / "mixed.csv"
    csv_file.write_text(BAD_CSV, encoding="utf-8")
    done = run_cli(workspace, "patients", "import", str(csv_file), "--json", check=True)
    report = json.loads(done.stdout)
    assert (report["inserted"], report["updated"]) == (2, 0)
    reasons = {problem["line"]: " ".join(problem["reasons"]) for problem in report["rejected"]}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "last_name is empty" in reasons[3]
    assert "not a real date" in reasons[4] and "not a real date" in reasons[5]
    assert "mrn is empty" in reasons[6]
    assert "outside" in reasons[7]
    for secret in ("Bertram", "Colquitt", "1969-02-30", "03/04/1957", "Farquhar"):
        assert secret not in done.stdout + done.stderr


def test_reimport_upserts_by_mrn(workspace: Path) -> None:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    changed = workspace / "changed.csv"
    changed.write_text(
        "mrn,last_name,first_name,dob\n4471204,Okonkwo-Bell,Adaeze,1984-11-23\n"
        "4471203,Whitfield,Harold,1957-03-04\n",
        encoding="utf-8",
    )
    done = run_cli(workspace, "patients", "import", str(changed), "--json", check=True)
    report = json.loads(done.stdout)
    # only the columns the file has are compared: a missing column keeps what is stored
    assert (report["inserted"], report["updated"], report["unchanged"]) == (0, 1, 1)


def test_missing_required_column_is_a_usage_error(workspace: Path) -> None:
    bad = workspace / "nodob.csv"
    bad.write_text("mrn,last_name,first_name\n1,A,B\n", encoding="utf-8")
    done = run_cli(workspace, "patients", "import", str(bad))
    assert done.returncode == 2
    assert "header lacks column(s) dob" in done.stderr


def import_bytes(workspace: Path, data: bytes, *extra: str) -> tuple[int, dict[str, object], str]:
    csv_file = workspace / "list.csv"
    csv_file.write_bytes(data)
    done = run_cli(workspace, "patients", "import", str(csv_file), "--json", *extra)
    return done.returncode, json.loads(done.stdout) if done.stdout else {}, done.stderr


ACCENTED = "mrn,last_name,first_name,dob\n2001,Müller,Zoë,1970-01-01\n2002,Peña,José,1971-02-02\n"


@pytest.mark.parametrize(
    ("encoded", "encoding", "warned"),
    [
        pytest.param(ACCENTED.encode("utf-8"), "utf-8", False, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + ACCENTED.encode("utf-8"), "utf-8-sig", False, id="utf-8-bom"),
        pytest.param(ACCENTED.encode("utf-16"), "utf-16", False, id="utf-16-bom"),
        pytest.param(ACCENTED.encode("utf-16-le"), "utf-16-le", False, id="utf-16-le-no-bom"),
        pytest.param(ACCENTED.encode("cp1252"), "cp1252", True, id="windows-1252"),
    ],
)
def test_the_encoding_is_found_and_a_guess_is_said(
    workspace: Path, encoded: bytes, encoding: str, warned: bool
) -> None:
    code, report, stderr = import_bytes(workspace, encoded)
    assert code == 0 and report["inserted"] == 2 and report["encoding"] == encoding, stderr
    assert bool(report["warnings"]) is warned
    assert "Traceback" not in stderr
    names = {row["last_name"] for row in Workspace(workspace).rows("SELECT last_name FROM patients")}
    assert names == {"Müller", "Peña"}


def test_encoding_can_be_given_and_a_wrong_one_is_a_usage_error(workspace: Path) -> None:
    code, report, _ = import_bytes(workspace, ACCENTED.encode("latin-1"), "--encoding", "latin-1")
    assert code == 0 and report["warnings"] == [] and report["encoding"] == "iso8859-1"
    code, _, stderr = import_bytes(workspace, ACCENTED.encode("cp1252"), "--encoding", "utf-8")
    assert code == 2 and "line 2 is not valid utf-8" in stderr
    code, _, stderr = import_bytes(workspace, b"x", "--encoding", "klingon")
    assert code == 2 and "unknown encoding 'klingon'" in stderr


def test_an_unclosed_quote_refuses_the_file_naming_the_line(workspace: Path) -> None:
    data = (
        "mrn,last_name,first_name,dob\n3001,Abbott,Ann,1950-01-01\n"
        '3002,"Baxter,Bea,1951-01-01\n3003,Cole,Cy,1952-01-01\n3004,Dunn,Di,1953-01-01\n'
    )
    code, _, stderr = import_bytes(workspace, data.encode())
    assert code == 2 and "malformed quoting in line 3: unexpected end of data" in stderr
    assert "nothing was imported" in stderr and "Baxter" not in stderr
    assert Workspace(workspace).rows("SELECT mrn FROM patients") == []


def test_a_repeated_mrn_is_reported_by_line(workspace: Path) -> None:
    data = (
        "mrn,last_name,first_name,dob\n4001,Ames,Al,1950-01-01\n4002,Bell,Bo,1951-01-01\n"
        "4001,Ames,Alan,1950-01-01\n4003,Cobb,Cy,1952-01-01\n4003,Cobb,Cy,1952-01-01\n"
    )
    code, report, stderr = import_bytes(workspace, data.encode())
    assert code == 0 and report["inserted"] == 2  # 4002, and 4003 once
    reasons = {problem["line"]: problem["reasons"][0] for problem in report["rejected"]}  # type: ignore[attr-defined]
    assert sorted(reasons) == [2, 4]
    assert "repeated on line(s) 4 with other values" in reasons[2] and "line(s) 2" in reasons[4]
    assert report["warnings"] == ["line 6: the same row as line 5; imported once"]
    assert "Ames" not in stderr and "Alan" not in stderr
    mrns = {row["mrn"] for row in Workspace(workspace).rows("SELECT mrn FROM patients")}
    assert mrns == {"4002", "4003"}
