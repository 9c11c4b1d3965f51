"""HL7 v2 messages chartfile sends, built with hl7apy (every value escaped by the library): the ACK an ADT
message is answered with, and the MDM messages a document is delivered as (pure: the time is given).

    filed             MDM^T02  original document notification and content
    replaced          MDM^T10  document replacement notification and content (TXA-13: the one replaced)
    entered-in-error  MDM^T11  document cancel notification (the copy on the wrong chart)
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message, Segment

from chartfile.ehr.doctypes import document_type
from chartfile.records import DeliveryJob, Demographics
from chartfile.settings_ehr import DocumentType, MdmTarget

VERSION = "2.5"
ACK_VERSIONS = ("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6")
_TOLERANT = VALIDATION_LEVEL.TOLERANT
EVENTS = {"filed": "T02", "replaced": "T10", "entered-in-error": "T11"}
STRUCTURES = {"T02": "MDM_T02", "T10": "MDM_T02", "T11": "MDM_T01"}


@dataclass(frozen=True, slots=True)
class Ack:
    """An ACK's content: code (AA, AE, AR), the message it answers, the reason, HL7 error code (0357)."""

    code: str
    control_id: str
    text: str = ""
    error_code: str = ""
    version: str = VERSION
    event: str = ""


def ts(value: dt.datetime | dt.date) -> str:
    """An HL7 TS: YYYYMMDDHHMMSS+ZZZZ (a date alone as YYYYMMDD)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d%H%M%S%z")
    return value.strftime("%Y%m%d")


def build_ack(ack: Ack, *, application: str, facility: str, now: dt.datetime, control_id: str) -> str:
    """The ACK (ER7) answering a message, in its version where hl7apy knows it."""
    version = ack.version if ack.version in ACK_VERSIONS else VERSION
    message = Message("ACK", version=version, validation_level=_TOLERANT)
    _header(message, "ACK", ack.event, application=application, facility=facility, now=now)
    message.msh.msh_10 = control_id
    message.msa.msa_1 = ack.code
    message.msa.msa_2 = ack.control_id
    if ack.text:
        message.msa.msa_3 = ack.text[:80]
    if ack.error_code and version in ("2.5", "2.5.1", "2.6"):
        err = message.add_segment("ERR")
        err.err_3.cwe_1 = ack.error_code
        err.err_3.cwe_3 = "HL70357"
        err.err_4 = "E"
        err.err_8 = ack.text[:250]
    return str(message.to_er7())


def _header(
    message: Any, kind: str, event: str, *, application: str, facility: str, now: dt.datetime
) -> None:
    msh = message.msh
    msh.msh_3 = application
    if facility:
        msh.msh_4 = facility
    msh.msh_7 = ts(now)
    parts = [kind, event, "ACK" if kind == "ACK" else ""]
    datatype = str(msh.msh_9.datatype).lower()
    for index, part in enumerate(parts, 1):
        if part and (kind != "ACK" or index < 3 or datatype == "msg"):
            setattr(msh.msh_9, f"{datatype}_{index}", part)
    msh.msh_11 = "P"


def build_mdm(
    job: DeliveryJob,
    *,
    settings: MdmTarget,
    types: Mapping[str, DocumentType],
    pdf: bytes | None,
    now: dt.datetime,
    authority: str = "",
) -> str:
    """The MDM message (ER7) for one outbox job; `pdf`: the stored file's bytes (content: embedded);
    `authority`: the MRN's assigning authority (PID-3.4)."""
    trigger = EVENTS[job.event]
    message = Message(STRUCTURES[trigger], version=VERSION, validation_level=_TOLERANT)
    _header(
        message,
        "MDM",
        trigger,
        application=settings.sending_application,
        facility=settings.sending_facility,
        now=now,
    )
    message.msh.msh_9.msg_3 = STRUCTURES[trigger]
    if settings.receiving_application:
        message.msh.msh_5 = settings.receiving_application
    if settings.receiving_facility:
        message.msh.msh_6 = settings.receiving_facility
    message.msh.msh_10 = control_id(job)
    message.evn.evn_1 = trigger
    message.evn.evn_2 = ts(now)
    _pid(message.pid, job.patient, authority)
    message.pv1.pv1_2 = "N"  # not applicable: the document is not tied to a visit
    kind = document_type(job.doc_type, types)
    _txa(message.txa, job, kind, settings)
    if trigger != "T11":
        group = message.add_group(f"{STRUCTURES[trigger]}_OBSERVATION")
        _obx(group.add_segment("OBX"), job, kind, settings, pdf)
    return str(message.to_er7())


def control_id(job: DeliveryJob) -> str:
    """MSH-10: the same for every attempt of one message, so the receiver can drop a repeat."""
    suffix = "X" if job.event == "entered-in-error" else ""
    return f"CF{job.document_id}-{job.version}{suffix}"


def unique_id(document_id: int, version: int) -> str:
    """TXA-12 / the DocumentReference identifier: one document, one version."""
    return f"{document_id}-{version}"


def _pid(pid: Segment, patient: Demographics, authority: str) -> None:
    pid.pid_1 = "1"
    pid.pid_3.cx_1 = patient.mrn
    if authority:
        pid.pid_3.cx_4.hd_1 = authority
    pid.pid_3.cx_5 = "MR"
    if patient.last_name:
        pid.pid_5.xpn_1.fn_1 = patient.last_name
    if patient.first_name:
        pid.pid_5.xpn_2 = patient.first_name
    if patient.middle_name:
        pid.pid_5.xpn_3 = patient.middle_name
    if patient.dob:
        pid.pid_7 = ts(patient.dob)
    if patient.sex:
        pid.pid_8 = patient.sex[:1].upper()
    _address(pid, patient)
    if patient.phone:
        pid.pid_13.xtn_1 = patient.phone


def _address(pid: Segment, patient: Demographics) -> None:
    parts = [
        ("sad_1", patient.address),
        ("xad_3", patient.city),
        ("xad_4", patient.state),
        ("xad_5", patient.zip),
    ]
    for name, value in parts:
        if not value:
            continue
        if name == "sad_1":
            pid.pid_11.xad_1.sad_1 = value
        else:
            setattr(pid.pid_11, name, value)


def _txa(txa: Segment, job: DeliveryJob, kind: DocumentType, settings: MdmTarget) -> None:
    txa.txa_1 = "1"
    txa.txa_2 = kind.hl7
    txa.txa_3 = "AP"  # other application data: a PDF
    txa.txa_4 = ts(job.doc_date or job.received_at)
    txa.txa_6 = ts(job.received_at)
    txa.txa_12.ei_1 = unique_id(job.document_id, job.version)
    txa.txa_12.ei_2 = settings.sending_application
    if job.replaces is not None:
        txa.txa_13.ei_1 = unique_id(*job.replaces)
        txa.txa_13.ei_2 = settings.sending_application
    txa.txa_16 = f"{job.document_id:06d}.pdf"
    txa.txa_17 = "DO"  # documented
    txa.txa_19 = "CA" if job.event == "entered-in-error" else "AV"


def _obx(obx: Segment, job: DeliveryJob, kind: DocumentType, settings: MdmTarget, pdf: bytes | None) -> None:
    obx.obx_1 = "1"
    embedded = settings.content == "embedded"
    obx.obx_2 = "ED" if embedded else "RP"
    obx.obx_3.ce_1 = kind.loinc
    obx.obx_3.ce_2 = kind.display
    obx.obx_3.ce_3 = "LN"
    value = obx.obx_5
    value.datatype = "ED" if embedded else "RP"
    if embedded:
        assert pdf is not None, "embedded content needs the PDF's bytes"
        value.ed_1.hd_1 = settings.sending_application
        value.ed_2, value.ed_3, value.ed_4 = "AP", "PDF", "Base64"
        value.ed_5 = base64.b64encode(pdf).decode("ascii")
    else:
        value.rp_1 = reference(job, settings)
        value.rp_2.hd_1 = settings.sending_application
        value.rp_3, value.rp_4 = "AP", "PDF"
    for component in value.children:  # hl7apy issue 144: a varies field's named children are not written
        component.name = None
    obx.obx_11 = "F"


def reference(job: DeliveryJob, settings: MdmTarget) -> str:
    """The RP pointer: the stored file's path below the store, after `reference_base` (or the full path)."""
    assert job.stored_path is not None
    if not settings.reference_base:
        return str(job.stored_path)
    return settings.reference_base + job.stored_path.relative_to(job.store_root).as_posix()
