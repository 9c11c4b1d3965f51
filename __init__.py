"""chartfile: scan-and-index for medical records."""

from __future__ import annotations

__version__ = "0.1.0"
