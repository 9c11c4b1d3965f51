"""chartfile: scan-and-index for medical records."""

from __future__ import annotations

__version__ = "0.1.0"
# The variable naming the settings file when --config is not given (`settings.find_config`); here, not in
# settings, so that `chartfile --help` and `--version` start without pydantic
CONFIG_ENV = "CHARTFILE_CONFIG"
