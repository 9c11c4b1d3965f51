"""ADT messages read into `PatientUpdate` records (python-hl7's parser: any 2.x version). Pure.

A01/A04/A08 (admit, register, update) and A28/A31 (add, update person) carry the patient in PID; A40
(merge) carries the surviving patient in PID and the merged-away record in MRG. A field the message leaves
empty keeps what is stored; `""` (HL7's null) clears it. Problems are `MessageProblemError`s with the ACK code
and HL7 error code (table 0357) to answer with, and a reason that names fields, never their values.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import hl7

from chartfile.errors import ChartfileError
from chartfile.records import Demographics, PatientUpdate

UPSERT_EVENTS = ("A01", "A04", "A08", "A28", "A31")
MERGE_EVENTS = ("A40",)
_TS = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$")
HL7_NULL = '""'


class MessageProblemError(ChartfileError):
    """A message chartfile does not take: answered with `ack` (AE: its content; AR: rejected) and `code`."""

    stage = "hl7"

    def __init__(self, message: str, *, ack: str, code: str, control_id: str = "") -> None:
        super().__init__(message, hint="fix the message at the sender; it was kept for a person to look at")
        self.ack = ack
        self.code = code
        self.control_id = control_id


@dataclass(frozen=True, slots=True)
class Header:
    """MSH: who sent what, when, under which control id."""

    control_id: str
    message_type: str
    event: str
    version: str
    sending_application: str
    sending_facility: str
    time: dt.datetime | None

    @property
    def name(self) -> str:
        return f"{self.message_type}^{self.event}"


@dataclass(frozen=True, slots=True)
class AdtMessage:
    header: Header
    update: PatientUpdate
    prior_mrn: str | None = None  # A40: the record merged into `update`'s patient


def parse(text: str) -> Any:
    """The python-hl7 message; segments may end in CR, LF or CRLF."""
    cleaned = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    try:
        return hl7.parse(cleaned)
    except (hl7.ParseException, ValueError, IndexError) as e:
        raise MessageProblemError(
            "not an HL7 v2 message: it does not begin with an MSH segment", ack="AR", code="100"
        ) from e


def read_header(message: Any, *, zone: dt.tzinfo) -> Header:
    """MSH of a parsed message; a missing control id or type is a rejection."""
    control_id = _get(message, "MSH.F10")
    if not control_id:
        raise MessageProblemError("MSH-10 (message control id) is empty", ack="AR", code="101")
    message_type, event = _get(message, "MSH.F9.R1.C1"), _get(message, "MSH.F9.R1.C2")
    if not message_type:
        raise MessageProblemError(
            "MSH-9 (message type) is empty", ack="AR", code="101", control_id=control_id
        )
    return Header(
        control_id=control_id,
        message_type=message_type,
        event=event,
        version=_get(message, "MSH.F12.R1.C1") or "2.5",
        sending_application=_get(message, "MSH.F3.R1.C1"),
        sending_facility=_get(message, "MSH.F4.R1.C1"),
        time=read_time(_get(message, "MSH.F7.R1.C1"), zone=zone),
    )


def read_adt(message: Any, header: Header, *, authority: str, zone: dt.tzinfo) -> AdtMessage:
    """The patient news in a supported ADT message (see the module's docstring)."""
    problem = _unsupported(header)
    if problem:
        raise MessageProblemError(problem[0], ack="AR", code=problem[1], control_id=header.control_id)
    try:
        pid = message.segment("PID")
    except KeyError as e:
        raise _content("the PID segment is missing", "100", header) from e
    recorded = _get(message, "EVN.F2.R1.C1") if _has(message, "EVN") else ""
    when = read_time(recorded, zone=zone) or header.time
    update = PatientUpdate(
        patient=_demographics(pid, header, authority=authority),
        source_time=when,
        present=_present(pid),
        source=f"{header.name} {header.control_id}",
    )
    prior = None
    if header.event in MERGE_EVENTS:
        if not _has(message, "MRG"):
            raise _content("the MRG segment (the merged record) is missing", "100", header)
        prior = _mrn(message.segment("MRG"), 1, authority)
        if not prior:
            raise _content("MRG-1 has no MRN", "101", header)
    return AdtMessage(header, update, prior)


def _unsupported(header: Header) -> tuple[str, str] | None:
    if header.message_type != "ADT":
        return f"message type {header.message_type} is not taken (only ADT)", "200"
    if header.event not in (*UPSERT_EVENTS, *MERGE_EVENTS):
        supported = ", ".join((*UPSERT_EVENTS, *MERGE_EVENTS))
        return f"event {header.event or '(none)'} is not taken (only {supported})", "201"
    return None


def _content(reason: str, code: str, header: Header) -> MessageProblemError:
    return MessageProblemError(reason, ack="AE", code=code, control_id=header.control_id)


def _demographics(pid: Any, header: Header, *, authority: str) -> Demographics:
    mrn = _mrn(pid, 3, authority)
    if not mrn:
        raise _content("PID-3 has no MRN", "101", header)
    if len(mrn) > 64:
        raise _content("PID-3's MRN is longer than 64 characters", "102", header)
    dob_text = _sub(pid, 7, 1)
    dob = read_time(dob_text, zone=dt.UTC)
    if dob_text and dob_text != HL7_NULL and dob is None:
        raise _content("PID-7 (birth date) is not a date", "102", header)
    street, other = _sub(pid, 11, 1), _sub(pid, 11, 2)
    return Demographics(
        mrn=mrn,
        last_name=_sub(pid, 5, 1),
        first_name=_sub(pid, 5, 2),
        middle_name=_sub(pid, 5, 3),
        dob=dob.date() if dob else None,
        sex=_sub(pid, 8, 1),
        phone=_phone(pid),
        address=", ".join(part for part in (street, other) if part),
        city=_sub(pid, 11, 3),
        state=_sub(pid, 11, 4),
        zip=_sub(pid, 11, 5),
    )


_FIELDS_BY_PID = {
    5: ("last_name", "first_name", "middle_name"),
    7: ("dob",),
    8: ("sex",),
    11: ("address", "city", "state", "zip"),
    13: ("phone",),
}


def _present(pid: Any) -> frozenset[str]:
    """The master list's fields this PID speaks of (an empty field keeps what is stored)."""
    named: set[str] = set()
    for number, fields in _FIELDS_BY_PID.items():
        if len(pid) > number and str(pid(number)):
            named.update(fields)
    return frozenset(named)


def _mrn(segment: Any, field: int, authority: str) -> str:
    """The MRN among an identifier list's repetitions: the configured authority's (CX.4), else the first
    typed MR (CX.5), else the first."""
    count = len(segment(field)) if len(segment) > field else 0
    reps = [
        (_sub(segment, field, 1, rep=r), _sub(segment, field, 4, rep=r), _sub(segment, field, 5, rep=r))
        for r in range(1, count + 1)
    ]
    reps = [rep for rep in reps if rep[0]]
    if authority:
        chosen = [rep for rep in reps if rep[1] == authority]
    else:
        chosen = [rep for rep in reps if rep[2] == "MR"] or reps[:1]
    return chosen[0][0] if chosen else ""


def _phone(pid: Any) -> str:
    number = _sub(pid, 13, 1)
    if number:
        return number
    area, local = _sub(pid, 13, 6), _sub(pid, 13, 7)
    return f"{area}-{local}" if area and local else local


def _sub(segment: Any, field: int, component: int, subcomponent: int = 1, *, rep: int = 1) -> str:
    """One value of a segment, unescaped; '' when absent; HL7's null `""` is '' too."""
    try:
        value = str(segment.extract_field(1, field, rep, component, subcomponent)).strip()
    except (IndexError, KeyError, AttributeError):
        return ""
    return "" if value == HL7_NULL else value


def _get(message: Any, path: str) -> str:
    try:
        return str(message[path]).strip()
    except (IndexError, KeyError):
        return ""


def _has(message: Any, name: str) -> bool:
    return any(str(segment[0]) == name for segment in message)


def read_time(text: str, *, zone: dt.tzinfo) -> dt.datetime | None:
    """An HL7 TS/DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]); without an offset it is in `zone`."""
    match = _TS.match(text.strip()) if text else None
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        tz = zone
        if offset:
            sign = 1 if offset[0] == "+" else -1
            tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        return dt.datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
