"""chartfile's exception hierarchy; each error says what went wrong and what to do next.

Messages never contain patient data: they name files by path or document id only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


class AuditTrailError(ChartfileError):
    """The audit trail is not as chartfile wrote it (a row edited, forged or deleted; a guard trigger
    dropped; the site key missing or wrong). Nothing runs on it until IT has looked (README, Audit trail)."""

    exit_code = 5
    stage = "audit"


class DependencyMissingError(ChartfileError):
    """A required external program (tesseract, poppler) is not installed."""

    exit_code = 4
    stage = "setup"


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a person is told about an error: the first chartfile error in its chain (its message names
    no patient data), else only the error's type and where in chartfile's code it happened."""

    error: BaseException
    cause: ChartfileError | None
    where: str

    @property
    def stage(self) -> str:
        return self.cause.stage if self.cause is not None else "internal"

    @property
    def message(self) -> str:
        if self.cause is not None:
            return self.cause.message
        return f"unexpected {type(self.error).__name__} at {self.where}"

    @property
    def hint(self) -> str:
        return self.cause.hint if self.cause is not None else "report this to IT with the sidecar"

    @property
    def exit_code(self) -> int:
        return self.cause.exit_code if self.cause is not None else 1

    def line(self) -> str:
        """One line for a command's error output: the message and what to do, or the error's type."""
        if self.cause is None:
            return type(self.error).__name__
        return str(self.cause)

    def lines(self) -> list[str]:
        """The CLI's last words before it exits: `error: ...` and `  what to do: ...`."""
        said = [f"error: {self.message}"]
        return said + ([f"  what to do: {self.hint}"] if self.cause is not None and self.hint else [])

    def log_line(self) -> str:
        """For the daemon's log: what kind of fault, its message, and what followed it."""
        if self.cause is None:
            return type(self.error).__name__
        kind = "machine fault" if isinstance(self.cause, MachineError) else f"{self.cause.stage} error"
        then = "" if self.cause is self.error else f", then {type(self.error).__name__}"
        return f"{kind}: {self.cause.message}{then}"


def explain(error: BaseException) -> Explanation:
    """The one place an exception is turned into what a person reads (CLI, daemon log, quarantine note)."""
    cause: BaseException | None = error
    for _ in range(10):
        if cause is None or isinstance(cause, ChartfileError):
            break
        cause = cause.__cause__ or cause.__context__
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?"
    return Explanation(error, cause if isinstance(cause, ChartfileError) else None, where)
