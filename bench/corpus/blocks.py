"""Reusable pieces of a clinical document: letterheads, identity blocks, signatures and distractors."""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from dataclasses import dataclass, field

from .facts import Facts
from .identities import PrintedIdentity, format_date
from .patients import Patient
from .render import Line
from .wordlists import (
    CLINIC_KINDS,
    CLINIC_PLACES,
    CREDENTIALS,
    PROVIDER_FIRST,
    PROVIDER_LAST,
    RELATIVE_FIRST_F,
    RELATIVE_FIRST_M,
    STREETS,
    TOWNS,
)

ID_STYLES = ("inline", "table", "re", "heading", "separate", "columns")
_DOB_LABELS = ("DOB:", "DOB:", "D.O.B.:", "Date of Birth:", "Birth Date:", "DOB")
_MRN_LABELS = ("MRN:", "MRN:", "Med Rec #:", "Chart #:", "MR#:", "Patient ID:")
_NAME_LABELS = ("Patient:", "Patient Name:", "Name:", "Pt Name:", "Patient")


@dataclass(frozen=True, slots=True)
class Org:
    """A fake clinic, lab, hospital, insurer or pharmacy with its contact lines."""

    name: str
    street: str
    city_line: str
    phone: str
    fax: str


@dataclass(slots=True)
class Ctx:
    """Everything a template needs to write one document consistently."""

    rng: random.Random
    patient: PrintedIdentity
    doc_date: dt.date
    sender: Org
    recipient: Org
    provider: str
    date_style: str = "mdy"
    facts: Facts = field(default_factory=Facts)
    relatives: tuple[Patient, ...] = ()
    keep_dob: bool = False  # a near miss: its printed birth date is what tells it apart

    def date(self, day: dt.date) -> str:
        return format_date(day, self.date_style)

    def days_before(self, low: int, high: int) -> dt.date:
        return self.doc_date - dt.timedelta(days=self.rng.randint(low, high))


def phone(rng: random.Random) -> str:
    area = rng.choice(("617", "508", "781", "978", "413", "603", "401"))
    number = f"{rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"
    return rng.choice((f"({area}) {number}", f"{area}-{number}", f"{area}.{number.replace('-', '.')}"))


def make_org(rng: random.Random, kinds: tuple[str, ...] = CLINIC_KINDS, *, full_names: bool = False) -> Org:
    """A fake organisation: `<Place> <kind>` (or a name drawn whole from `kinds`) with address and numbers."""
    town, zip_code = rng.choice(TOWNS)
    street = f"{rng.randint(10, 2400)} {rng.choice(STREETS)}"
    if rng.random() < 0.4:
        street += f", Suite {rng.randint(100, 450)}"
    name = rng.choice(kinds) if full_names else f"{rng.choice(CLINIC_PLACES)} {rng.choice(kinds)}"
    return Org(name, street, f"{town}, MA {zip_code}", phone(rng), phone(rng))


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(PROVIDER_FIRST)} {rng.choice(PROVIDER_LAST)}"


def provider_str(rng: random.Random, name: str) -> str:
    """A clinician's name as printed: `Dr. First Last`, `First Last, MD`, `LAST, FIRST NP`, ..."""
    first, last = name.split(" ", 1)
    cred = rng.choice(CREDENTIALS)
    styles = [f"Dr. {first} {last}", f"{first} {last}, {cred}", f"{last.upper()}, {first.upper()} {cred}"]
    styles += [f"{first[0]}. {last}, {cred}", f"{first} {last} {cred}"]
    return rng.choice(styles)


def relative_name(ctx: Ctx) -> str:
    """A guarantor/subscriber/parent: often shares the patient's surname (a realistic distractor)."""
    first = ctx.rng.choice(RELATIVE_FIRST_F + RELATIVE_FIRST_M)
    last = ctx.patient.printed_surname.title() if ctx.rng.random() < 0.7 else ctx.rng.choice(PROVIDER_LAST)
    return f"{last.upper()}, {first.upper()}" if ctx.rng.random() < 0.4 else f"{first} {last}"


def npi(rng: random.Random) -> str:
    return f"1{rng.randint(0, 999_999_999):09d}"


def number(rng: random.Random, prefix: str = "", digits: int = 8) -> str:
    return f"{prefix}{rng.randint(0, 10**digits - 1):0{digits}d}"


def paragraph(text: str, *, size: float = 10.5, x_in: float = 1.0) -> list[Line]:
    """Wrap prose conservatively so each Line fits within the page at `size` points."""
    width = int((8.5 - 0.6 - x_in) * 72 / (size * 0.6))
    return [Line(part, size, x_in=x_in) for part in textwrap.wrap(text, width)]


def heading(text: str, size: float = 11.0) -> list[Line]:
    return [Line("", 6), Line(text, size, bold=True)]


def letterhead(org: Org, rng: random.Random) -> list[Line]:
    style = rng.randrange(3)
    contact = f"Phone {org.phone}   Fax {org.fax}"
    if style == 0:
        return [
            Line(org.name.upper(), rng.choice((15.0, 16.0, 18.0)), bold=True, align="center"),
            Line(f"{org.street}, {org.city_line}", 10, align="center"),
            Line(contact, 10, align="center"),
        ]
    if style == 1:
        return [
            Line(org.name, 16, bold=True),
            Line(org.street, 10),
            Line(org.city_line, 10),
            Line(contact, 10),
        ]
    return [
        Line(org.name, 14, bold=True),
        Line(org.street, 10, right_text=f"Tel: {org.phone}", right_x_in=5.6),
        Line(org.city_line, 10, right_text=f"Fax: {org.fax}", right_x_in=5.6),
    ]


def title(text: str, rng: random.Random) -> list[Line]:
    return [Line("", 8), Line(text, rng.choice((14.0, 15.0, 16.0)), bold=True, align="center"), Line("", 6)]


def _id_rows(ctx: Ctx) -> list[tuple[str, str]]:
    p, rng = ctx.patient, ctx.rng
    rows = [(rng.choice(_NAME_LABELS[:4]), p.name)]
    ctx.facts.name_label = rows[0][0]
    if p.dob is not None:
        rows.append((rng.choice(_DOB_LABELS[:5]), p.dob))
    if p.sex and rng.random() < 0.5:
        rows.append(("Sex:", p.sex))
    if p.mrn is not None:
        rows.append((rng.choice(_MRN_LABELS), p.mrn))
    return rows


def identity_block(ctx: Ctx, style: str, extra: list[tuple[str, str]] | None = None) -> list[Line]:
    """The patient identity printed in one of ID_STYLES, with `extra` label/value distractors mixed in."""
    rows, more = _id_rows(ctx), list(extra or [])
    p = ctx.patient
    if style == "table":
        both = rows[:2] + more[:2] + rows[2:] + more[2:]
        return [Line(label, 10.5, bold=True, right_text=value, right_x_in=2.7) for label, value in both]
    if style == "columns":
        lines = []
        for i in range(max(len(rows), len(more))):
            left = f"{rows[i][0]} {rows[i][1]}" if i < len(rows) else ""
            right = f"{more[i][0]} {more[i][1]}" if i < len(more) else None
            lines.append(Line(left, 10.5, right_text=right, right_x_in=5.0))
        return lines
    if style == "re":
        dob = f" (DOB {p.dob})" if p.dob else ""
        out = [Line(f"RE: {p.name}{dob}", 11, bold=True)]
        if p.mrn:
            out.append(Line(f"{ctx.rng.choice(_MRN_LABELS)} {p.mrn}", 11))
        return out + [Line(f"{label} {value}", 10.5) for label, value in more]
    if style == "heading":
        out = [Line("PATIENT", 11, bold=True), Line(p.name, 11)]
        out += [Line(f"{label} {value}", 10.5) for label, value in rows[1:]]
        return out + [Line(f"{label} {value}", 10.5) for label, value in more]
    if style == "separate":
        return [Line(f"{label} {value}", 11) for label, value in rows[:1] + more[:1] + rows[1:] + more[1:]]
    parts = [f"{label} {value}" for label, value in rows]
    return [Line("    ".join(parts), 10.5)] + [Line(f"{label} {value}", 10.5) for label, value in more]


def signature_block(ctx: Ctx, *, letter: bool = False) -> list[Line]:
    """A signature: `Sincerely,` for letters, else an e-signature stamp or a signature line with NPI."""
    rng, who = ctx.rng, ctx.provider
    if letter:
        return [
            Line("", 10),
            Line("Sincerely,", 10.5),
            Line("", 10),
            Line(who, 10.5),
            Line(ctx.sender.name, 10),
        ]
    if rng.random() < 0.5:
        stamp = f"{who} on {ctx.date(ctx.doc_date)} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
        return [Line("", 10), Line("Electronically signed by:", 10), Line(stamp, 10)]
    return [Line("", 10), Line("_" * 32, 10), Line(who, 10), Line(f"NPI: {npi(rng)}", 9)]


def fax_header(ctx: Ctx, when: dt.datetime, page: int, total: int, style: int) -> Line:
    """The line a sending fax machine stamps at the top of every page."""
    s = ctx.sender
    digits = "".join(c for c in s.fax if c.isdigit())
    to_digits = "".join(c for c in ctx.recipient.fax if c.isdigit())
    if style == 0:
        text = f"From: {s.fax}   To: {ctx.recipient.fax}   {when:%m/%d/%Y %H:%M}   Page {page} of {total}"
    elif style == 1:
        text = (
            f"{when:%b-%d-%Y %H:%M}".upper()
            + f"  FROM: {s.name.upper()} {digits}  TO: {to_digits}  P.{page}/{total}"
        )
    else:
        text = f"{when:%m/%d/%y %H:%M} FAX {digits}    {s.name}    PAGE {page:02d}/{total:02d}"
    return Line(text, 8.5, x_in=0.4)
