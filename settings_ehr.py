"""The `ehr` settings section: the ADT listener, the MRN identifier, and where filed documents are delivered.

Everything is off by default: no listener runs unless `chartfile hl7 listen` is started, and no document is
delivered unless a target is enabled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Port = Annotated[int, Field(ge=1, le=65_535)]
Seconds = Annotated[float, Field(gt=0, le=86_400)]
Target = Literal["mdm", "fhir", "command"]
TARGETS: tuple[Target, ...] = ("mdm", "fhir", "command")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListenerSettings(_Section):
    """`chartfile hl7 listen`: ADT in over MLLP."""

    host: str = "127.0.0.1"
    port: Port = 2575
    kept: Path = Path("data/hl7-kept")  # malformed or unsupported messages, each beside a note saying why
    receiving_application: str = "CHARTFILE"
    receiving_facility: str = ""
    idle_timeout_seconds: Seconds = 600.0


class DocumentType(_Section):
    """How one chartfile document type is named to the EHR."""

    loinc: Annotated[str, Field(pattern=r"^\d{1,7}-\d$")]
    display: str
    hl7: Annotated[str, Field(min_length=1, max_length=30)]  # TXA-2 (user table 0270)


class MdmTarget(_Section):
    """HL7 v2 MDM^T02 over MLLP to an interface engine."""

    enabled: bool = False
    host: str = ""
    port: Port = 2576
    content: Literal["embedded", "reference"] = "embedded"  # OBX-5 as base64 (ED) or a pointer (RP)
    reference_base: str = ""  # RP pointer prefix (e.g. https://chartfile.example/store/); empty: the path
    sending_application: str = "CHARTFILE"
    sending_facility: str = ""
    receiving_application: str = ""
    receiving_facility: str = ""

    @model_validator(mode="after")
    def _complete(self) -> MdmTarget:
        if self.enabled and not self.host:
            raise ValueError("mdm.enabled needs mdm.host")
        return self


class FhirTarget(_Section):
    """FHIR R4 DocumentReference (+ Binary, or an attachment URL) POSTed as a transaction Bundle."""

    enabled: bool = False
    base_url: str = ""
    content: Literal["binary", "url"] = "binary"
    attachment_base_url: str = ""  # with content: url, the attachment URL is this + the store-relative path
    document_identifier_system: str = "urn:chartfile:document"
    bearer_token_file: Path | None = None  # a file holding a token sent as "Authorization: Bearer ..."

    @model_validator(mode="after")
    def _complete(self) -> FhirTarget:
        if self.enabled and not self.base_url.startswith(("http://", "https://")):
            raise ValueError("fhir.enabled needs fhir.base_url (http:// or https://)")
        if self.content == "url" and self.enabled and not self.attachment_base_url:
            raise ValueError("fhir.content: url needs fhir.attachment_base_url")
        return self


class CommandTarget(_Section):
    """A post-file command (like paperless-ngx's post-consume script): metadata in the environment."""

    enabled: bool = False
    argv: tuple[str, ...] = ()  # run without a shell; the PDF path is added as the last argument
    timeout_seconds: Seconds = 120.0

    @model_validator(mode="after")
    def _complete(self) -> CommandTarget:
        if self.enabled and not self.argv:
            raise ValueError("command.enabled needs command.argv (the program and its arguments)")
        return self


class DeliverySettings(_Section):
    """How deliveries are retried: back-off from retry_min_seconds doubling up to retry_max_seconds."""

    retry_min_seconds: Seconds = 30.0
    retry_max_seconds: Seconds = 3600.0
    timeout_seconds: Seconds = 30.0
    poll_seconds: Seconds = 2.0
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 50

    @model_validator(mode="after")
    def _retry_range(self) -> DeliverySettings:
        if self.retry_max_seconds < self.retry_min_seconds:
            raise ValueError("retry_max_seconds must not be below retry_min_seconds")
        return self


class EhrSettings(_Section):
    mrn_system: str = "urn:chartfile:mrn"  # the site's MRN identifier system (FHIR), assigning authority (v2)
    mrn_assigning_authority: str = ""  # PID-3.4 of the MRN; empty: any identifier typed MR (or the first)
    listener: ListenerSettings = ListenerSettings()
    delivery: DeliverySettings = DeliverySettings()
    mdm: MdmTarget = MdmTarget()
    fhir: FhirTarget = FhirTarget()
    command: CommandTarget = CommandTarget()
    document_types: dict[str, DocumentType] = Field(default_factory=dict)  # overrides of ehr/doctypes.py

    def targets(self) -> tuple[Target, ...]:
        """The delivery targets that are enabled, in a fixed order."""
        return tuple(name for name in TARGETS if getattr(self, name).enabled)
