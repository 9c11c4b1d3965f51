"""One validated, frozen settings tree loaded from config.yaml; each stage receives its own section."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chartfile import CONFIG_ENV
from chartfile.errors import ConfigError
from chartfile.settings_ehr import EhrSettings

DEFAULT_CONFIG_NAME = "config.yaml"
DEFAULT_CONFIG_TEXT = (Path(__file__).parent / "config.yaml").read_text(encoding="utf-8")

Seconds = Annotated[float, Field(gt=0, le=86_400)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathSettings(_Section):
    inbox: Path = Path("data/inbox")
    store: Path = Path("data/store")
    quarantine: Path = Path("data/quarantine")
    work: Path = Path("data/work")
    audit_key: Path = Path("data/audit.key")  # the site key of the audit trail's hash chain


class DatabaseSettings(_Section):
    url: str = "sqlite:///data/chartfile.db"
    busy_timeout_seconds: Seconds = 30.0
    claim_lease_seconds: Annotated[float, Field(ge=10, le=86_400)] = 120.0


class QueueSettings(_Section):
    """The job queue (Procrastinate on PostgreSQL) that spreads a backlog over `chartfile worker`s."""

    url: str = ""  # a PostgreSQL URL (may be the database of `database.url`); empty: no queue
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")] = "chartfile"
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 5
    retry_min_seconds: Seconds = 30.0
    retry_max_seconds: Seconds = 900.0
    heartbeat_seconds: Seconds = 10.0
    stalled_seconds: Seconds = 60.0
    poll_seconds: Seconds = 5.0

    @field_validator("url")
    @classmethod
    def _postgresql(cls, value: str) -> str:
        if value and not re.match(r"^postgres(ql)?(\+psycopg)?://", value):
            raise ValueError("queue.url must be a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)")
        return value

    @model_validator(mode="after")
    def _heartbeat_within_stall(self) -> QueueSettings:
        if self.stalled_seconds < 2 * self.heartbeat_seconds:
            raise ValueError("queue.stalled_seconds must be at least twice queue.heartbeat_seconds")
        return self

    def conninfo(self) -> str:
        """The URL as libpq (psycopg) takes it: without SQLAlchemy's `+psycopg` driver name."""
        return re.sub(r"^postgres(ql)?\+psycopg://", "postgresql://", self.url)


class StationSettings(_Section):
    """This daemon's station on a shared database: its name (default: the host name) and its lease."""

    name: Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f]*$")] = ""
    lease_seconds: Annotated[float, Field(ge=5, le=86_400)] = 60.0  # a crashed station is free after this

    def resolved_name(self) -> str:
        return self.name or socket.gethostname()


class IngestSettings(_Section):
    stability_seconds: Seconds = 2.0
    poll_interval_seconds: Seconds = 1.0
    rescan_seconds: Seconds = 60.0
    use_polling: bool = False
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    queue_size: Annotated[int, Field(ge=1, le=100_000)] = 64
    retry_min_seconds: Seconds = 30.0
    retry_max_seconds: Seconds = 900.0
    min_free_mb: Annotated[int, Field(ge=0, le=1_000_000_000)] = 200
    ignore_patterns: tuple[str, ...] = (
        ".*",
        "~$*",
        "*.tmp",
        "*.part",
        "*.partial",
        "*.crdownload",
        "*.filepart",
        "Thumbs.db",
        "desktop.ini",
    )

    @model_validator(mode="after")
    def _retry_range(self) -> IngestSettings:
        if self.retry_max_seconds < self.retry_min_seconds:
            raise ValueError("retry_max_seconds must not be below retry_min_seconds")
        return self


class OcrSettings(_Section):
    language: Annotated[str, Field(pattern=r"^[a-z_]{3,}(\+[a-z_]{3,})*$")] = "eng"
    dpi: Annotated[int, Field(ge=72, le=600)] = 300
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    page_timeout_seconds: Seconds = 180.0
    use_text_layer: bool = True
    min_text_layer_chars: Annotated[int, Field(ge=1)] = 20
    low_confidence: Annotated[float, Field(ge=0, le=100)] = 60.0
    double_fax_rows: bool = True
    detect_blank_pages: bool = True
    detect_orientation: bool = True
    orientation_min_confidence: Annotated[float, Field(ge=0)] = 0.0
    deskew: bool = True
    min_deskew_degrees: Annotated[float, Field(ge=0, le=10)] = 0.5
    despeckle: Literal["off", "auto", "on"] = "auto"
    speckle_ppm_threshold: Annotated[float, Field(ge=0)] = 150.0
    speck_ppm_threshold: Annotated[float, Field(ge=0)] = 40.0
    retry_below_confidence: Annotated[float, Field(ge=0, le=100)] = 60.0
    max_page_megapixels: Annotated[float, Field(gt=0, le=400)] = 40.0
    max_pages: Annotated[int, Field(ge=1, le=100_000)] = 2000
    max_work_mb: Annotated[int, Field(ge=16, le=1_000_000)] = 2048


class MatchWeights(_Section):
    """log2 Bayes factors per comparison level (how the defaults were chosen: matching/compare.py)."""

    surname_exact: float = 7.0
    surname_ocr_or_part: float = 6.0
    surname_close: float = 4.5
    surname_near: float = 2.0
    surname_else: float = -5.0
    first_exact: float = 5.5
    first_nickname: float = 4.0
    first_ocr: float = 3.5
    first_close: float = 3.0
    first_initial: float = 1.0
    first_near: float = 1.0
    first_else: float = -4.0
    middle_exact: float = 1.5
    middle_initial: float = 1.0
    middle_else: float = -2.0
    dob_exact: float = 12.0
    dob_swapped: float = 5.0
    dob_typo: float = 4.0
    dob_glyphs: float = 9.0  # digit boxes OCR partly misread, whose readable digits (6 or more) agree
    dob_century: float = 5.0
    dob_else: float = -8.0
    mrn_exact: float = 14.0
    mrn_ocr: float = 9.0
    mrn_one_edit: float = 5.0
    mrn_other_format: float = -1.0
    mrn_else: float = -6.0
    phone_exact: float = 6.0
    phone_else: float = -1.0
    address_exact: float = 3.0
    address_close: float = 1.5
    address_zip: float = 0.5
    address_else: float = -1.0
    label_patient: float = 1.0  # a label says the name is the patient's

    @model_validator(mode="after")
    def _exact_is_strongest(self) -> MatchWeights:
        """A name read exactly weighs at least as much as any other reading of it (the scorer relies on
        it: a surname and first name both read exactly are not also tried in the other order)."""
        levels = self.model_dump()
        for field in ("surname", "first"):
            exact = levels[f"{field}_exact"]
            heavier = [k for k, v in levels.items() if k.startswith(f"{field}_") and v > exact]
            if heavier:
                raise ValueError(f"matching.weights.{heavier[0]} must not be above {field}_exact")
        return self


class MatchingSettings(_Section):
    auto_file_min_score: Probability = 0.995
    review_min_score: Probability = 0.20
    min_weight_margin: Annotated[float, Field(ge=0.0, le=100.0)] = 6.0
    prior_match_probability: Annotated[float, Field(gt=0.0, lt=1.0)] = 1e-4
    max_candidates: Annotated[int, Field(ge=1, le=50)] = 5
    weights: MatchWeights = MatchWeights()

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> MatchingSettings:
        if self.auto_file_min_score <= self.review_min_score:
            raise ValueError("auto_file_min_score must be above review_min_score")
        return self


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class ReportSettings(_Section):
    """The nightly unmatched report: when, where to, and (optionally) whom to email."""

    enabled: bool = True
    nightly_time: dt.time = dt.time(6, 0)
    timezone: str = ""  # an IANA name such as America/New_York; empty: the machine's local time
    output: Path = Path("data/reports")
    max_catch_up_nights: Annotated[int, Field(ge=1, le=366)] = 14
    smtp_host: str = ""  # empty: no email
    smtp_port: Annotated[int, Field(ge=1, le=65_535)] = 25
    smtp_starttls: bool = False
    smtp_timeout_seconds: Seconds = 30.0
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    smtp_attach_report: bool = False  # the HTML and CSV name patients: attach only on a trusted mail path

    @field_validator("nightly_time", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            return value
        if isinstance(value, dt.time):
            return value
        raise ValueError('write the time as "HH:MM" in quotes, e.g. "06:00"')

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
                raise ValueError(f"unknown time zone {value!r}") from e
        return value

    @model_validator(mode="after")
    def _mail_complete(self) -> ReportSettings:
        if self.smtp_host and not (self.smtp_from and self.smtp_to):
            raise ValueError("smtp_host needs smtp_from and smtp_to")
        return self

    def zone(self) -> dt.tzinfo:
        """The zone `nightly_time` is read in."""
        if self.timezone:
            return zoneinfo.ZoneInfo(self.timezone)
        try:
            return zoneinfo.ZoneInfo("localtime")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            local = dt.datetime.now().astimezone().tzinfo
            return local if local is not None else dt.UTC


class WebSettings(_Section):
    """`chartfile serve`: where the review desk listens, its TLS, sign-in and session rules."""

    host: str = "127.0.0.1"  # 0.0.0.0 only behind a firewall or with TLS
    port: Annotated[int, Field(ge=1, le=65_535)] = 8080
    tls_cert: Path | None = None  # PEM certificate (chain); with tls_key, served over HTTPS
    tls_key: Path | None = None
    behind_proxy: bool = False  # trust X-Forwarded-For/-Proto from proxy_addresses (a reverse proxy)
    proxy_addresses: tuple[str, ...] = ("127.0.0.1",)
    idle_timeout_minutes: Annotated[float, Field(gt=0, le=1_440)] = 15.0
    lockout_failures: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_minutes: Annotated[float, Field(gt=0, le=10_080)] = 15.0
    secret_key_file: Path = Path("data/web-secret.key")  # made on first start; signs the session cookies
    page_dpi: Annotated[int, Field(ge=50, le=200)] = 100  # page images at reading size
    queue_page_size: Annotated[int, Field(ge=10, le=500)] = 50

    @model_validator(mode="after")
    def _tls_pair(self) -> WebSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: set both or neither")
        return self

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


class Settings(_Section):
    paths: PathSettings = PathSettings()
    database: DatabaseSettings = DatabaseSettings()
    ingest: IngestSettings = IngestSettings()
    ocr: OcrSettings = OcrSettings()
    matching: MatchingSettings = MatchingSettings()
    logging: LogSettings = LogSettings()
    report: ReportSettings = ReportSettings()
    ehr: EhrSettings = EhrSettings()
    web: WebSettings = WebSettings()
    queue: QueueSettings = QueueSettings()
    station: StationSettings = StationSettings()
    config_path: Path | None = None

    @model_validator(mode="after")
    def _folders_apart(self) -> Settings:
        inbox, store = self.paths.inbox.resolve(), self.paths.store.resolve()
        if inbox == store or inbox.is_relative_to(store) or store.is_relative_to(inbox):
            raise ValueError("paths.inbox and paths.store must not contain one another")
        quarantine = self.paths.quarantine.resolve()
        if quarantine.is_relative_to(inbox):
            raise ValueError("paths.quarantine must not be inside paths.inbox")
        return self

    def workers(self) -> int:
        """OCR processes to run at once: the configured number, or one per core."""
        return self.ocr.workers or os.cpu_count() or 1

    def document_workers(self) -> int:
        """Documents in flight: the configured number, or one more than the OCR processes.

        The extra document is claimed and its first pages prepared, or the last one assembled and filed,
        while Tesseract reads: Tesseract never waits for that work between documents.
        """
        return self.ingest.workers or self.workers() + 1


def find_config(explicit: Path | None) -> Path:
    """The config file to use: --config, then $CHARTFILE_CONFIG, then ./config.yaml."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else Path.cwd() / DEFAULT_CONFIG_NAME


def load_settings(path: Path) -> Settings:
    """Read and validate a config file; relative paths resolve against the file's folder."""
    if not path.is_file():
        raise ConfigError(
            f"config file not found: {path}",
            hint="run `chartfile init DIR` to write one, or pass --config PATH",
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}", hint="fix the file's syntax") from e
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections", hint="see `chartfile init`")
    return parse_settings(raw, base=path.resolve().parent, source=path)


def parse_settings(raw: dict[str, Any], *, base: Path, source: Path) -> Settings:
    """Validate a settings mapping, resolving relative paths against `base`."""
    try:
        settings = Settings.model_validate(_resolve_paths(raw, base) | {"config_path": source})
    except ValidationError as e:
        lines = [f"{source}: {_field_name(err['loc'])}: {err['msg']}" for err in e.errors()]
        raise ConfigError("\n".join(lines), hint="fix these settings and start again") from e
    return settings


def _field_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _resolve_paths(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    data = dict(raw)
    paths = data.get("paths")
    if isinstance(paths, dict):
        data["paths"] = {key: _absolute(value, base) for key, value in paths.items()}
    database = data.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str):
        data["database"] = database | {"url": resolve_sqlite_url(database["url"], base)}
    elif database is None:
        data["database"] = {"url": resolve_sqlite_url(DatabaseSettings().url, base)}
    if paths is None:
        data["paths"] = {key: base / value for key, value in PathSettings().model_dump().items()}
    report = data.get("report", {})
    if isinstance(report, dict):
        data["report"] = report | {"output": _absolute(report.get("output", ReportSettings().output), base)}
    data["ehr"] = _resolve_ehr_paths(data.get("ehr") or {}, base)
    web = data.get("web", {})
    if isinstance(web, dict):
        files = {"secret_key_file": web.get("secret_key_file", WebSettings().secret_key_file)}
        files |= {key: web[key] for key in ("tls_cert", "tls_key") if web.get(key)}
        data["web"] = web | {key: _absolute(value, base) for key, value in files.items()}
    return data


def _resolve_ehr_paths(ehr: Any, base: Path) -> Any:
    """The listener's kept folder and the FHIR token file, relative to the config file's folder."""
    if not isinstance(ehr, dict):
        return ehr
    listener, fhir = ehr.get("listener", {}), ehr.get("fhir", {})
    if isinstance(listener, dict):
        kept = listener.get("kept", EhrSettings().listener.kept)
        ehr = ehr | {"listener": listener | {"kept": _absolute(kept, base)}}
    if isinstance(fhir, dict) and fhir.get("bearer_token_file"):
        ehr = ehr | {"fhir": fhir | {"bearer_token_file": _absolute(fhir["bearer_token_file"], base)}}
    return ehr


def _absolute(value: Any, base: Path) -> Any:
    if isinstance(value, str | Path):
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    return value


def resolve_sqlite_url(url: str, base: Path) -> str:
    """Make a relative `sqlite:///file.db` URL absolute against `base`; other URLs pass through."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        return url
    file_part = url[len(prefix) :]
    if file_part.startswith("/"):
        return url
    return prefix + str(base / file_part)
