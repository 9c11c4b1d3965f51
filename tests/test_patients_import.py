"""Patient CSV import: valid rows upserted by MRN, invalid rows reported by line number without PHI."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

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
