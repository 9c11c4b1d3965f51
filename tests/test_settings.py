"""Settings: validated at start-up, one line per bad field, relative paths resolved, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from chartfile.errors import ConfigError
from chartfile.settings import DEFAULT_CONFIG_TEXT, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_is_valid_and_relative_paths_resolve_against_its_folder(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path / "config.yaml", DEFAULT_CONFIG_TEXT))
    assert settings.paths.inbox == tmp_path / "data" / "inbox"
    assert settings.paths.store == tmp_path / "data" / "store"
    assert settings.database.url == f"sqlite:///{tmp_path}/data/chartfile.db"
    assert settings.matching.auto_file_min_score > settings.matching.review_min_score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ocr:\n  dpi: 5\n", "ocr.dpi", id="dpi-too-low"),
        pytest.param("ocr:\n  langauge: eng\n", "ocr.langauge", id="misspelt-key"),
        pytest.param(
            "matching:\n  weights:\n    dob_exakt: 3\n", "matching.weights.dob_exakt", id="misspelt-weight"
        ),
        pytest.param(
            "matching:\n  weights:\n    surname_close: 9\n",
            "matching.weights.surname_close must not be above surname_exact",
            id="name-reading-above-exact",
        ),
        pytest.param(
            "matching:\n  auto_file_min_score: 0.1\n  review_min_score: 0.5\n",
            "matching",
            id="thresholds-inverted",
        ),
        pytest.param(
            "paths:\n  inbox: store/in\n  store: store\n",
            "paths.inbox and paths.store",
            id="inbox-inside-store",
        ),
        pytest.param("ingest:\n  stability_seconds: -1\n", "ingest.stability_seconds", id="negative-seconds"),
        pytest.param("- just\n- a list\n", "expected a mapping", id="not-a-mapping"),
        pytest.param("ocr: [unclosed\n", "not valid YAML", id="bad-yaml"),
    ],
)
def test_bad_settings_are_rejected_naming_the_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path / "config.yaml", text))
    assert expected in str(caught.value)
    assert str(tmp_path / "config.yaml") in str(caught.value)


def test_cli_prints_one_line_per_bad_field_and_exits_2(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    raw["ocr"]["dpi"] = 10
    raw["ingest"]["workers"] = -3
    write(tmp_path / "config.yaml", yaml.safe_dump(raw))
    done = run_cli(tmp_path, "status")
    assert done.returncode == 2
    bad_lines = [line for line in done.stderr.splitlines() if str(tmp_path / "config.yaml") in line]
    assert len(bad_lines) == 2
    assert any("ocr.dpi" in line for line in bad_lines)
    assert any("ingest.workers" in line for line in bad_lines)


def test_missing_config_says_how_to_make_one(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "status")
    assert done.returncode == 2
    assert "config file not found" in done.stderr
    assert "chartfile init" in done.stderr


def test_init_writes_config_folders_and_database(tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = run_cli(tmp_path, "init", str(target))  # --config is ignored by init
    assert done.returncode == 0, done.stderr
    assert (target / "config.yaml").is_file()
    assert (target / "data" / "inbox").is_dir()
    assert (target / "data" / "chartfile.db").is_file()
    assert (target / "data" / "chartfile.db").stat().st_mode & 0o077 == 0
    again = run_cli(tmp_path, "init", str(target))
    assert again.returncode == 2
    assert "exists already" in again.stderr


@pytest.mark.parametrize(
    ("ocr_workers", "ingest_workers", "documents"),
    [
        pytest.param(1, 0, 2, id="default-one-more-document-than-tesseracts"),
        pytest.param(3, 0, 4, id="default-follows-ocr-workers"),
        pytest.param(2, 5, 5, id="configured"),
    ],
)
def test_documents_in_flight(tmp_path: Path, ocr_workers: int, ingest_workers: int, documents: int) -> None:
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    raw["ocr"]["workers"], raw["ingest"]["workers"] = ocr_workers, ingest_workers
    settings = load_settings(write(tmp_path / "config.yaml", yaml.safe_dump(raw)))
    assert settings.workers() == ocr_workers
    assert settings.document_workers() == documents
