"""The `ehr` settings: off by default, and a target switched on without what it needs is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chartfile.errors import ConfigError
from chartfile.settings import parse_settings


def test_everything_is_off_by_default(tmp_path: Path) -> None:
    settings = parse_settings({}, base=tmp_path, source=tmp_path / "config.yaml")
    assert settings.ehr.targets() == () and settings.ehr.listener.kept == tmp_path / "data" / "hl7-kept"


@pytest.mark.parametrize(
    ("ehr", "said"),
    [
        pytest.param({"mdm": {"enabled": True}}, "mdm.enabled needs mdm.host", id="mdm-without-host"),
        pytest.param({"fhir": {"enabled": True}}, "fhir.enabled needs fhir.base_url", id="fhir-without-url"),
        pytest.param(
            {"fhir": {"enabled": True, "base_url": "https://f", "content": "url"}},
            "needs fhir.attachment_base_url",
            id="fhir-url-without-base",
        ),
        pytest.param(
            {"command": {"enabled": True}}, "command.enabled needs command.argv", id="command-no-argv"
        ),
        pytest.param({"mdm": {"content": "inline"}}, "ehr.mdm.content", id="unknown-content"),
        pytest.param(
            {"delivery": {"retry_min_seconds": 10, "retry_max_seconds": 5}}, "retry_max", id="retries"
        ),
        pytest.param({"listener": {"port": 70000}}, "ehr.listener.port", id="port"),
        pytest.param(
            {"document_types": {"lab_result": {"loinc": "x", "display": "L", "hl7": "LAB"}}},
            "loinc",
            id="loinc",
        ),
        pytest.param({"mdm": {"hots": "x"}}, "ehr.mdm.hots", id="misspelt-key"),
    ],
)
def test_an_incomplete_target_is_refused(tmp_path: Path, ehr: dict[str, Any], said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({"ehr": ehr}, base=tmp_path, source=tmp_path / "config.yaml")
    assert said in caught.value.message


def test_enabled_targets_in_order(tmp_path: Path) -> None:
    ehr = {
        "command": {"enabled": True, "argv": ["/bin/true"]},
        "mdm": {"enabled": True, "host": "engine.example"},
        "fhir": {"bearer_token_file": "secrets/token"},
    }
    settings = parse_settings({"ehr": ehr}, base=tmp_path, source=tmp_path / "config.yaml")
    assert settings.ehr.targets() == ("mdm", "command")
    assert settings.ehr.fhir.bearer_token_file == tmp_path / "secrets" / "token"
