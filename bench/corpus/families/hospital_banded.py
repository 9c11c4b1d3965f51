"""A hospital report with banded headers: shaded section bands, the patient's name alone under the first band.

Modelled on hospital information system printouts (discharge summaries, inpatient consultations): a
shaded or inverted band "PATIENT INFORMATION" / "PATIENT DEMOGRAPHICS" / "PATIENT" with the name alone on
the line under it (or, now and then, label/value pairs in a two-column grid), then MRN / DOB / sex,
an encounter band (admit and discharge dates, attending, PCP), an emergency-contact band (a relative
with a phone) and the report's sections. The document date is the electronic signature date; dictation
and transcription dates, admission and discharge dates are distractors.
"""

from __future__ import annotations

import datetime as dt

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import compose, restyle_name
from ..sheet import LEFT_IN, BandStyle, Sheet
from ..wordlists import DIAGNOSES, HOSPITALS, MEDICATIONS, NARRATIVE
from .base import (
    Family,
    Plan,
    age,
    before,
    clinician,
    clock,
    continuation,
    record_clinician,
    record_party,
    relative,
)

_BANDS = ("PATIENT INFORMATION", "PATIENT DEMOGRAPHICS", "PATIENT", "PATIENT IDENTIFICATION")
_MRN_LABELS = ("MRN:", "Med Rec No:", "Hospital #:", "Unit No:", "MR#:")
_DOB_LABELS = ("DOB:", "Birth Date:", "Born:", "D.O.B.:")
_GRID_NAME_LABELS = ("Name:", "Patient Name:", "Pat. Name:", "Name (Last, First):")
_TITLES = {
    "discharge_summary": ("DISCHARGE SUMMARY", "HOSPITAL DISCHARGE SUMMARY"),
    "consult_note": ("INPATIENT CONSULTATION", "CONSULTATION REPORT"),
}


def _identity(sheet: Sheet, ctx: Ctx, style: BandStyle, fill: int) -> None:
    rng, p = ctx.rng, ctx.patient
    band = rng.choice(_BANDS)
    sheet.band(band, style=style, fill=fill)
    dob = p.dob or ""
    if p.dob_date is not None and rng.random() < 0.5:
        dob += f" ({age(p.dob_date, ctx.doc_date)} y)"
    mrn_label, dob_label = rng.choice(_MRN_LABELS), rng.choice(_DOB_LABELS)
    if rng.random() < 0.7:
        ctx.facts.name_label = f"{band} (band; name alone below)"
        sheet.line(p.name, 12, bold=True)
        parts = [
            f"{mrn_label} {p.mrn}" if p.mrn else "",
            f"{dob_label} {dob}" if p.dob else "",
            f"Sex: {p.sex}",
        ]
        sheet.line("     ".join(part for part in parts if part), 10)
        return
    label = rng.choice(_GRID_NAME_LABELS)
    ctx.facts.name_label = f"{band} (band) / {label}"
    left = [(label, p.name), (dob_label, dob)]
    right = [(mrn_label, p.mrn or ""), ("Sex:", p.sex)]
    sheet.columns(left, right, label_w=1.35)


def _encounter(sheet: Sheet, ctx: Ctx, style: BandStyle, fill: int) -> None:
    rng = ctx.rng
    discharged = before(ctx, 0, 2) if ctx.rng.random() < 0.5 else before(ctx, 1, 3)
    admitted = discharged - dt.timedelta(days=rng.randint(2, 9))
    attending = clinician(rng)
    sheet.band("ENCOUNTER", style=style, fill=fill)
    left = [
        ("Admit Date:", ctx.facts.date("admission_date", format_date(admitted, "mdy"), admitted)),
        ("Discharge Date:", format_date(discharged, "mdy")),
        ("Account #:", number(rng, "V", 9)),
    ]
    if discharged != ctx.doc_date:
        ctx.facts.date("discharge_date", left[1][1], discharged)
    right = [
        ("Attending:", record_clinician(ctx, "attending", attending.name(rng.randrange(4)))),
        ("PCP:", record_clinician(ctx, "pcp", clinician(rng).name(0))),
        ("Unit/Room:", f"{rng.randint(2, 9)}{rng.choice('ABCDEW')}-{rng.randint(1, 40)}"),
    ]
    sheet.columns(left, right, label_w=1.25, size=9.5)
    party = relative(ctx)
    sheet.band("EMERGENCY CONTACT", style=style, fill=fill)
    name = record_party(ctx, "emergency_contact", party, party.name("first_last"))
    sheet.line(f"{name}  ({party.relation})   Phone: {clinician(rng).phone}", 10)


def _sections(sheet: Sheet, ctx: Ctx, style: BandStyle, fill: int) -> None:
    rng = ctx.rng
    sheet.band("DIAGNOSES", style=style, fill=fill)
    for i, (code, text) in enumerate(rng.sample(DIAGNOSES, 3), 1):
        sheet.line(f"{i}. {text} ({code})", 10)
    sheet.band("HOSPITAL COURSE", style=style, fill=fill)
    sheet.para(" ".join(rng.sample(NARRATIVE, 4)), 10)
    sheet.band("MEDICATIONS", style=style, fill=fill)
    for drug, sig in rng.sample(MEDICATIONS, 3):
        sheet.line(f"{drug} - {sig}", 9.5)


def _signature(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    dictated = before(ctx, 1, 3)
    transcribed = dictated + dt.timedelta(days=rng.randint(0, (ctx.doc_date - dictated).days - 1))
    sheet.gap(0.15)
    signed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "mdy_nopad", "long")))
    ctx.facts.doc_date("Electronically signed ... on", signed)
    sheet.line(
        f"Electronically signed by {ctx.provider} on {signed} at {clock(rng, 7, 19)}",
        9.5,
    )
    d = ctx.facts.date("dictated_date", format_date(dictated, "mdy"), dictated)
    t = ctx.facts.date("transcribed_date", format_date(transcribed, "mdy"), transcribed)
    sheet.line(f"D: {d}   T: {t}   Job #{rng.randint(10**5, 10**6 - 1)}", 8.5)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """Page 1 with its bands and signature; continuation pages carry the name in a running header."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, "last_first", caps=rng.random() < 0.8)
    style: BandStyle = rng.choice(("shade", "shade", "invert"))
    fill = rng.choice((200, 215, 230))
    sheet = Sheet()
    sheet.centered(s.name.upper(), 15)
    sheet.centered(f"{s.street}  |  {s.city_line}  |  {s.phone}", 8.5, bold=False)
    sheet.gap(0.1)
    sheet.band(rng.choice(_TITLES[plan.doc_type]), style="invert", size=13)
    _identity(sheet, ctx, style, fill)
    _encounter(sheet, ctx, style, fill)
    _sections(sheet, ctx, style, fill)
    _signature(sheet, ctx)
    sheet.text(
        LEFT_IN,
        10.5,
        f"{compose(ctx.patient, 'last_first', caps=True)}   Page {plan.first_number} of {plan.total}",
        8,
    )
    p = ctx.patient
    header = f"{compose(p, 'last_first', caps=True)}   {p.mrn or ''}   {s.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "hospital_banded",
    "banded",
    "acute-care hospital",
    ("discharge_summary", "consult_note"),
    HOSPITALS,
    build,
)
