"""What a document printed besides the patient: the document date's label, distractors, contact lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PERSON = "person"
DATE = "date"


@dataclass(frozen=True, slots=True)
class Distractor:
    """Something printed that is NOT the patient's identity or the document date.

    A person (`kind` "person": insured, guarantor, prescriber, relative, second patient, ...) with the
    name as printed, the birth date as printed when one is (`dob`, ISO in `iso`) and the MRN when the
    person is on the master list; or a date (`kind` "date": fax sent, service, specimen, injury, ...) as
    printed with its ISO value.
    """

    role: str
    kind: str
    printed: str
    dob: str = ""
    iso: str = ""
    mrn: str = ""


@dataclass(slots=True)
class Facts:
    """Collected while a document is laid out; the generator turns them into truth fields."""

    doc_date_label: str = ""
    doc_date_printed: str = ""
    name_label: str = ""
    printed_phone: str | None = None
    printed_address: str | None = None
    distractors: list[Distractor] = field(default_factory=list)
    variations: list[str] = field(default_factory=list)

    def doc_date(self, label: str, printed: str) -> str:
        """Record which printed date is the document date (the first recorded wins); return `printed`."""
        if not self.doc_date_printed:
            self.doc_date_label, self.doc_date_printed = label, printed
        return printed

    def date(self, role: str, printed: str, day: dt.date) -> str:
        """Record a printed date that is not the document date; return `printed`."""
        self.distractors.append(Distractor(role, DATE, printed, iso=day.isoformat()))
        return printed

    def person(
        self, role: str, printed: str, *, dob: str = "", day: dt.date | None = None, mrn: str = ""
    ) -> str:
        """Record a printed person who is not the patient; return `printed`."""
        iso = day.isoformat() if day else ""
        self.distractors.append(Distractor(role, PERSON, printed, dob=dob, iso=iso, mrn=mrn))
        return printed
