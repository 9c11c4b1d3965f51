"""The import rules of chartfile's layout, read from the source (nothing is imported), so they cannot rot.

Imports run one way, top to bottom; within a layer, the groups (`|`) may not import one another:

    cli, commands, web, __main__                  the edges: parse, print or render, pass the clock and actor
    jobs                                          the job queue: enqueues, and runs jobs through the chain
    daemon | clerk                                the inbox loop; what clerks do
    pipeline, runtime                             the one stage chain and what it runs on
    ingest | ocr | matching | indexer | ehr       the stages (ehr: HL7 v2 / FHIR messages and their transport)
    ledger                                        database, store, files, journals, units of work
    records, settings(_ehr), errors, logs, __init__   the data model, the settings, the errors
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the repository root is the `chartfile` package
NOT_THE_PACKAGE = {"tests", "bench", "build", "deploy", ".venv"}
LAYERS: tuple[tuple[frozenset[str], ...], ...] = (
    (frozenset({"cli", "commands", "web", "__main__"}),),
    (frozenset({"jobs"}),),
    (frozenset({"daemon"}), frozenset({"clerk"})),
    (frozenset({"pipeline", "runtime"}),),
    (
        frozenset({"ingest"}),
        frozenset({"ocr"}),
        frozenset({"matching"}),
        frozenset({"indexer"}),
        frozenset({"ehr"}),
    ),
    (frozenset({"ledger"}),),
    (frozenset({"records", "settings", "settings_ehr", "errors", "logs", "__init__"}),),
)


def place(top: str) -> tuple[int, int]:
    """(layer, group) of a top-level module or package of chartfile."""
    for layer, groups in enumerate(LAYERS):
        for group, names in enumerate(groups):
            if top in names:
                return layer, group
    raise AssertionError(f"chartfile.{top} is in no layer: add it to LAYERS (and to the README's Layout)")


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level chartfile module) of every chartfile import; relative imports count as `.`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "chartfile":
                tops = [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
                found += [(node.lineno, top) for top in tops]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "chartfile":
                    found.append((node.lineno, parts[1] if len(parts) > 1 else "__init__"))
    return found


def violations(source: str, module: str) -> list[str]:
    """Each import in `source` (of top-level module `module`) that points up or sideways."""
    here = place(module)
    wrong = []
    for line, top in imported(ast.parse(source)):
        if top == ".":
            wrong.append(f"line {line}: a relative import (write chartfile.X)")
            continue
        there = place(top if (ROOT / top).is_dir() or (ROOT / f"{top}.py").exists() else "__init__")
        if there[0] < here[0] or (there[0] == here[0] and there[1] != here[1]):
            way = "up" if there[0] < here[0] else "sideways"
            wrong.append(f"line {line}: chartfile.{module} imports chartfile.{top} ({way})")
    return wrong


def package_files() -> list[tuple[str, Path]]:
    """(top-level module, file) for every Python file of the package."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_THE_PACKAGE or parts[0].startswith("."):
            continue
        found.append((parts[0].removesuffix(".py"), path))
    return found


def test_every_import_points_down_or_stays_in_its_group() -> None:
    files = package_files()
    assert len(files) > 50 and {top for top, _ in files} >= {"ledger", "clerk", "pipeline", "ingest"}
    wrong = [
        f"{path.relative_to(ROOT)}: {problem}"
        for top, path in files
        for problem in violations(path.read_text(encoding="utf-8"), top)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        pytest.param(
            "ledger", "from chartfile.matching import PatientIndex", "(up)", id="ledger-imports-a-stage"
        ),
        pytest.param("ingest", "import chartfile.ocr.poppler", "(sideways)", id="stage-imports-a-stage"),
        pytest.param("daemon", "from chartfile.clerk import report", "(sideways)", id="daemon-imports-clerk"),
        pytest.param("records", "from chartfile import pipeline", "(up)", id="records-imports-pipeline"),
        pytest.param("ocr", "from . import poppler", "relative import", id="relative"),
        pytest.param(
            "clerk", "from chartfile.pipeline import run_stages", "", id="clerk-imports-pipeline-ok"
        ),
        pytest.param("indexer", "from chartfile import ledger, records", "", id="stage-imports-ledger-ok"),
        pytest.param("ehr", "from chartfile.clerk import adt", "(up)", id="ehr-imports-clerk"),
        pytest.param(
            "ehr", "from chartfile.matching import PatientIndex", "(sideways)", id="ehr-imports-a-stage"
        ),
        pytest.param(
            "daemon", "from chartfile.ehr.deliver import DeliveryWorker", "", id="daemon-imports-ehr-ok"
        ),
        pytest.param(
            "jobs", "from chartfile.clerk.reprocess import Selection", "", id="jobs-imports-clerk-ok"
        ),
        pytest.param("clerk", "from chartfile.jobs.queue import JobQueue", "(up)", id="clerk-imports-jobs"),
    ],
)
def test_the_check_catches_upward_and_sideways_imports(module: str, source: str, expected: str) -> None:
    found = violations(source, module)
    assert (expected in found[0]) if expected else found == []
