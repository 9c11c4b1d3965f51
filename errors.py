"""chartfile's exception hierarchy; each error says what went wrong and what to do next.

Messages never contain patient data: they name files by path or document id only.
"""

from __future__ import annotations


class ChartfileError(Exception):
    """Base class. `stage` names where it happened; `hint` says what a person should do."""

    exit_code = 1
    stage = "pipeline"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(ChartfileError):
    """The settings file is missing or invalid."""

    exit_code = 2
    stage = "config"


class UsageError(ChartfileError):
    """A command was called with arguments that cannot work (unknown id, bad file)."""

    exit_code = 2
    stage = "cli"


class InputError(ChartfileError):
    """The input file itself is bad: unsupported, truncated, encrypted, unreadable. Quarantine it."""

    stage = "ingest"


class UnsupportedFileError(InputError):
    """The file is not a PDF, TIFF, PNG or JPEG."""


class UnreadableFileError(InputError):
    """The file claims a supported format but cannot be decoded."""


class OcrError(InputError):
    """Tesseract failed on the document as a whole (not one page: single pages are marked unreadable)."""

    stage = "ocr"


class MachineError(ChartfileError):
    """The machine, not the input, failed: disk full, store not writable, database locked.

    The input is left where it is and retried later; it is never quarantined for this.
    """

    exit_code = 3


class StoreError(MachineError):
    """Writing to the document store failed."""

    stage = "store"


class DatabaseError(MachineError):
    """The database could not be read or written."""

    stage = "database"


class DependencyMissingError(ChartfileError):
    """A required external program (tesseract, poppler) is not installed."""

    exit_code = 4
    stage = "setup"
