"""What a layout family is, and the people and dates every family prints besides the patient."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from .. import bodies
from ..blocks import Ctx, npi
from ..contact import format_phone, random_address, random_phone_digits
from ..facts import Facts
from ..identities import PrintedIdentity, format_date
from ..render import Line, PageText, page_capacity_pt
from ..wordlists import (
    CREDENTIALS,
    PROVIDER_FIRST,
    PROVIDER_LAST,
    RELATIVE_FIRST_F,
    RELATIVE_FIRST_M,
    STAFF_FIRST,
)


@dataclass(frozen=True, slots=True)
class Plan:
    """The pages a family lays out: page 1, `extra_pages` continuations, maybe a second patient's page."""

    doc_type: str
    extra_pages: int = 0
    second_patient: PrintedIdentity | None = None
    first_number: int = 1
    total: int = 1


BuildFn = Callable[[Ctx, Plan], list[PageText]]


@dataclass(frozen=True, slots=True)
class Family:
    """A layout family modelled on one kind of real form: its structure, sender and document types.

    `build` is None for a classic family (the templates of one identity style, laid out as before).
    """

    name: str
    structure: str
    sender: str
    doc_types: tuple[str, ...]
    sender_kinds: tuple[str, ...] = ()
    build: BuildFn | None = None
    full_sender_names: bool = False
    second_patient: bool = False
    id_style: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """Someone printed besides the patient: an insured, guarantor, relative or responsible party."""

    first: str
    last: str
    dob: dt.date
    sex: str
    relation: str
    mrn: str = ""
    middle: str = ""

    def name(self, order: str = "last_first", *, caps: bool = False, comma: bool = True) -> str:
        middle = f" {self.middle[:1]}" if self.middle else ""
        text = (
            f"{self.last}{',' if comma else ''} {self.first}{middle}"
            if order == "last_first"
            else (f"{self.first}{middle} {self.last}")
        )
        return text.upper() if caps else text


@dataclass(frozen=True, slots=True)
class Clinician:
    """A prescriber, ordering, referring or attending clinician with NPI and numbers."""

    first: str
    last: str
    credential: str
    npi: str
    phone: str
    fax: str

    def name(self, style: int = 0) -> str:
        styles = (
            f"{self.first} {self.last}, {self.credential}",
            f"Dr. {self.first} {self.last}",
            f"{self.last.upper()}, {self.first.upper()}",
            f"{self.first[0]}. {self.last}, {self.credential}",
        )
        return styles[style % len(styles)]


def clinician(rng: random.Random) -> Clinician:
    phone = format_phone(random_phone_digits(rng), rng)
    fax = format_phone(random_phone_digits(rng), rng)
    first, last = rng.choice(PROVIDER_FIRST), rng.choice(PROVIDER_LAST)
    return Clinician(first, last, rng.choice(CREDENTIALS), npi(rng), phone, fax)


def staff_name(rng: random.Random) -> str:
    return f"{rng.choice(STAFF_FIRST)} {rng.choice(PROVIDER_LAST)}"


def patient_dob(ctx: Ctx) -> dt.date:
    """The patient's birth date as printed, or a plausible one when the document prints none."""
    if ctx.patient.dob_date is not None:
        return ctx.patient.dob_date
    return dt.date(1950 + ctx.rng.randrange(40), 1 + ctx.rng.randrange(12), 1 + ctx.rng.randrange(28))


def age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _offset(day: dt.date, years_low: int, years_high: int, rng: random.Random) -> dt.date:
    days = rng.randint(years_low * 365, years_high * 365)
    return day + dt.timedelta(days=days)


def relative(ctx: Ctx, *, adult: bool = True) -> Party:
    """A relative of the patient (parent of a child, else spouse or adult child): often the same surname.

    Now and then a listed patient of the same surname (a family member who is also a patient).
    """
    rng, dob = ctx.rng, patient_dob(ctx)
    listed = [p for p in ctx.relatives if age(p.dob, ctx.doc_date) >= 18 or not adult]
    if listed and rng.random() < 0.4:
        p = rng.choice(listed)
        relation = "Spouse" if abs((p.dob - dob).days) < 15 * 365 else "Parent" if p.dob < dob else "Child"
        return Party(p.first_name, p.last_name, p.dob, p.sex, relation, p.mrn, p.middle_name)
    sex = rng.choice(("F", "M"))
    first = rng.choice(RELATIVE_FIRST_F if sex == "F" else RELATIVE_FIRST_M)
    last = ctx.patient.last.title() or ctx.patient.printed_surname.title()
    if rng.random() < 0.3:
        last = rng.choice(PROVIDER_LAST)
    if age(dob, ctx.doc_date) < 18:
        return Party(first, last, _offset(dob, -42, -20, rng), sex, "Parent")
    if age(dob, ctx.doc_date) > 70 and rng.random() < 0.5:
        return Party(first, last, _offset(dob, 22, 38, rng), sex, "Child")
    return Party(first, last, _offset(dob, -6, 6, rng), sex, "Spouse")


def record_party(ctx: Ctx, role: str, party: Party, printed: str, dob_printed: str = "") -> str:
    """Record a printed party (with its birth date when printed) as a distractor; return `printed`."""
    day = party.dob if dob_printed else None
    return ctx.facts.person(role, printed, dob=dob_printed, day=day, mrn=party.mrn)


def record_clinician(ctx: Ctx, role: str, printed: str) -> str:
    return ctx.facts.person(role, printed)


def dated(ctx: Ctx, role: str, day: dt.date, style: str) -> str:
    """`day` printed in `style`, recorded as a date that is not the document date."""
    return ctx.facts.date(role, format_date(day, style), day)


def doc_dated(ctx: Ctx, label: str, style: str) -> str:
    """The document date printed in `style`, recorded as the document date with its label."""
    return ctx.facts.doc_date(label, format_date(ctx.doc_date, style))


def shown_phone(ctx: Ctx) -> str:
    """The patient's phone as printed (recorded in the truth)."""
    ctx.facts.printed_phone = ctx.patient.phone
    return ctx.patient.phone


def shown_address(ctx: Ctx) -> tuple[str, str]:
    """The patient's (street, city line) as printed (recorded in the truth)."""
    ctx.facts.printed_address = f"{ctx.patient.street}, {ctx.patient.city_line}"
    return ctx.patient.street, ctx.patient.city_line


def other_address(rng: random.Random) -> tuple[str, str]:
    return random_address(rng)


def before(ctx: Ctx, low: int, high: int) -> dt.date:
    return ctx.doc_date - dt.timedelta(days=ctx.rng.randint(low, high))


def flowing(lines: list[Line], *, top_in: float = 0.5) -> PageText:
    """A page of flowing lines cut to fit (room kept for a fax header)."""
    room, used, kept = page_capacity_pt(top_in) - 20.0, 0.0, []
    for line in lines:
        used += line.height_pt()
        if used > room:
            break
        kept.append(line)
    return PageText(kept, top_in=top_in)


def continuation(ctx: Ctx, header: str, plan: Plan, page: int) -> PageText:
    """A continuation page: the family's running header (`header`, then the page number) and more body."""
    number_text = f"Page {plan.first_number + page - 1} of {plan.total}"
    lines = [Line(header, 9, right_text=number_text, right_x_in=6.6), Line("", 8)]
    return flowing(lines + bodies.continuation(ctx, plan.doc_type))


def second_context(ctx: Ctx, plan: Plan) -> Ctx | None:
    """A context for the bundled second patient's page (its own facts), or None when there is none."""
    if plan.second_patient is None:
        return None
    return dataclasses.replace(ctx, patient=plan.second_patient, facts=Facts(), relatives=())


def record_second(ctx: Ctx, other: Ctx) -> None:
    """Record the second patient's identity, as its page printed it, as a distractor of the document."""
    p = other.patient
    day = p.dob_date if p.dob else None
    ctx.facts.person("second_patient", p.name, dob=p.dob or "", day=day)
    ctx.facts.distractors += other.facts.distractors


def clock(rng: random.Random, first_hour: int = 0, last_hour: int = 23) -> str:
    """A time of day, HH:MM."""
    return f"{rng.randint(first_hour, last_hour):02d}:{rng.randint(0, 59):02d}"


def toll_free(rng: random.Random) -> str:
    return f"1-800-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
