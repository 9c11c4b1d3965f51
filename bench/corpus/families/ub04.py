"""An institutional claim laid out like the UB-04 (CMS-1450): form locators (FL) with captions above values.

The patient is FL 8b (name, Last, First, MI), FL 9 (address), FL 10 (birth date as MMDDYYYY, no
separators, or MM/DD/YYYY) and FL 3b (MED. REC. #: the MRN when printed). Distractors: FL 3a's patient
control number, the responsible party in FL 38 (a relative), the insured in FL 58 with the insured's ID,
the attending physician in FL 76, statement period (FL 6), admission (FL 12), occurrence (FL 31) and
service dates (FL 45). The document date is the CREATION DATE printed on the revenue table's total line.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import middle_initial, restyle_name, split_city_line, with_dob_style
from ..sheet import LEFT_IN, Sheet
from ..wordlists import DIAGNOSES, HOSPITALS, INSURERS
from .base import (
    Family,
    Plan,
    before,
    clinician,
    continuation,
    dated,
    record_clinician,
    record_party,
    relative,
    shown_address,
)

NAME_CAPTION = "8 PATIENT NAME  b"
DATE_CAPTION = "CREATION DATE"
_REVENUE = (
    ("0250", "PHARMACY", "", 86),
    ("0300", "LABORATORY", "80053", 142),
    ("0320", "DX X-RAY", "71046", 310),
    ("0450", "EMERGENCY ROOM", "99284", 1240),
    ("0636", "DRUGS DETAIL CODE", "J2405", 38),
    ("0730", "EKG/ECG", "93005", 175),
    ("0762", "OBSERVATION ROOM", "G0378", 980),
)
_REV_COLUMNS = (
    ("42 REV. CD.", 0.6),
    ("43 DESCRIPTION", 2.3),
    ("44 HCPCS / RATE / HIPPS CODE", 1.3),
    ("45 SERV. DATE", 0.85),
    ("46 SERV. UNITS", 0.65),
    ("47 TOTAL CHARGES", 0.9),
    ("48 NON-COVERED CHARGES", 0.7),
)


def _mdy6(ctx: Ctx, role: str, low: int, high: int) -> str:
    return dated(ctx, role, before(ctx, low, high), "mdy6")


def _top(sheet: Sheet, ctx: Ctx) -> None:
    rng, s, p = ctx.rng, ctx.sender, ctx.patient
    provider = [s.name.upper(), s.street.upper(), s.city_line.upper(), s.phone]
    sheet.field_lines(LEFT_IN, 2.7, "1", provider, height=0.84)
    sheet.field_lines(LEFT_IN + 2.7, 2.0, "2", [], height=0.84)
    control = f"{rng.randint(10**8, 10**9 - 1)}"
    sheet.field(LEFT_IN + 4.7, 2.6, "3a PAT. CNTL #", control, height=0.42)
    sheet.gap(0.42)
    sheet.field(LEFT_IN + 4.7, 2.6, "b. MED. REC. #", p.mrn or "", height=0.42)
    sheet.gap(0.42)
    start = _mdy6(ctx, "statement_from", 3, 12)
    sheet.field_row(
        (
            ("4 TYPE OF BILL", 1.1, rng.choice(("0131", "0111", "0141"))),
            ("5 FED. TAX NO.", 1.5, f"{rng.randint(10, 99)}-{rng.randint(10**6, 10**7 - 1)}"),
            (
                "6 STATEMENT COVERS PERIOD  FROM      THROUGH",
                2.6,
                f"{start}    {_mdy6(ctx, 'statement_to', 1, 2)}",
            ),
            ("7", 2.1, ""),
        )
    )


def _patient(sheet: Sheet, ctx: Ctx) -> None:
    p, rng = ctx.patient, ctx.rng
    street, city_line = shown_address(ctx)
    city, state, zip_code = split_city_line(city_line)
    sheet.field_row((("8 PATIENT NAME  a", 3.0, ""), ("9 PATIENT ADDRESS  a", 4.3, street)))
    sheet.field_row(((NAME_CAPTION, 3.0, p.name), ("b", 2.6, city), ("c", 0.6, state), ("d", 1.1, zip_code)))
    admitted = _mdy6(ctx, "admission_date", 3, 12)
    occurrence = _mdy6(ctx, "occurrence_date", 10, 60)
    sheet.field_row(
        (
            ("10 BIRTHDATE", 1.2, p.dob or ""),
            ("11 SEX", 0.5, p.sex),
            ("ADMISSION  12 DATE", 0.9, admitted),
            ("13 HR", 0.45, f"{rng.randint(0, 23):02d}"),
            ("14 TYPE", 0.45, str(rng.randint(1, 3))),
            ("15 SRC", 0.45, "1"),
            ("16 DHR", 0.45, f"{rng.randint(0, 23):02d}"),
            ("17 STAT", 0.45, "01"),
            ("18 - 28 CONDITION CODES", 1.95, ""),
            ("29 ACDT STATE", 0.5, ""),
        )
    )
    sheet.field_row(
        (
            ("31 OCCURRENCE  CODE  DATE", 1.8, f"11   {occurrence}"),
            ("32 OCCURRENCE  CODE  DATE", 1.8, ""),
            ("35 OCCURRENCE SPAN  CODE  FROM  THROUGH", 1.9, ""),
            ("36 OCCURRENCE SPAN", 1.8, ""),
        )
    )


def _responsible(sheet: Sheet, ctx: Ctx) -> str:
    """FL 38 (the responsible party, a relative or the patient) and the insured's name for FL 58."""
    if ctx.rng.random() < 0.4:
        lines = [ctx.patient.name, ctx.patient.street, ctx.patient.city_line]
        insured = ctx.patient.name
    else:
        party = relative(ctx)
        lines = [record_party(ctx, "responsible_party", party, party.name(caps=True))]
        lines += [ctx.patient.street, ctx.patient.city_line]
        insured = party.name(caps=True)
    sheet.field_lines(LEFT_IN, 3.6, "38", lines, height=0.7)
    sheet.field_lines(LEFT_IN + 3.6, 3.7, "39 VALUE CODES  CODE  AMOUNT", ["80   3.00"], height=0.7)
    sheet.gap(0.7)
    return insured


def _revenue(sheet: Sheet, ctx: Ctx) -> None:
    rng, rows, total = ctx.rng, [], 0
    for code, text, hcpcs, fee in sorted(rng.sample(_REVENUE, rng.randint(3, 6))):
        rows.append([code, text, hcpcs, _mdy6(ctx, "service_date", 1, 10), "1", f"{fee:.2f}", ""])
        total += fee
    created = ctx.facts.doc_date(DATE_CAPTION, format_date(ctx.doc_date, "mdy6"))
    rows.append(["0001", f"PAGE 1 OF 1     {DATE_CAPTION} {created}", "", "TOTALS", "", f"{total:.2f}", ""])
    sheet.gap(0.05)
    sheet.grid([w for _, w in _REV_COLUMNS], [c for c, _ in _REV_COLUMNS], rows, size=7.5)
    sheet.gap(0.05)


def _payer(sheet: Sheet, ctx: Ctx, insured: str) -> None:
    rng, attending = ctx.rng, clinician(ctx.rng)
    payer = rng.choice(INSURERS).upper()
    relation = "18" if insured == ctx.patient.name else rng.choice(("01", "19", "G8"))
    sheet.field_row(
        (
            ("50 PAYER NAME", 2.4, payer),
            ("51 HEALTH PLAN ID", 1.3, number(rng, digits=7)),
            ("52 REL. INFO", 0.6, "Y"),
            ("53 ASG. BEN.", 0.6, "Y"),
            ("54 PRIOR PAYMENTS", 1.1, "0.00"),
            ("55 EST. AMOUNT DUE", 1.3, ""),
        )
    )
    sheet.field_row(
        (
            ("58 INSURED'S NAME", 2.6, insured),
            ("59 P. REL", 0.6, relation),
            ("60 INSURED'S UNIQUE ID", 1.9, number(rng, rng.choice(("YGH", "W", "")), 9)),
            ("61 GROUP NAME", 1.2, rng.choice(("STATE EMPLOYEES", "ACME CORP", "TOWN OF QUINCY"))),
            ("62 INSURANCE GROUP NO.", 1.0, number(rng, digits=6)),
        )
    )
    codes = [code.replace(".", "") for code, _ in rng.sample(DIAGNOSES, 3)]
    sheet.field_row(
        (("66 DX  67 PRINCIPAL", 3.0, "   ".join(codes)), ("69 ADMIT DX", 1.4, codes[0]), ("72 ECI", 2.9, ""))
    )
    npi_line = f"NPI {attending.npi}   LAST {attending.last.upper()}   FIRST {attending.first.upper()}"
    sheet.field_row(
        (
            ("76 ATTENDING", 3.65, record_clinician(ctx, "attending", npi_line)),
            ("77 OPERATING", 3.65, ""),
        )
    )
    sheet.field_row((("80 REMARKS", 3.65, ""), ("81CC", 3.65, "")), height=0.5)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """One UB-04 page."""
    ident = restyle_name(middle_initial(ctx.patient), "last_first", caps=True, comma=ctx.rng.random() < 0.6)
    ctx.patient = with_dob_style(ident, ctx.rng.choice(("mdy8", "mdy8", "mdy")))
    ctx.facts.name_label = NAME_CAPTION
    sheet = Sheet()
    _top(sheet, ctx)
    _patient(sheet, ctx)
    insured = _responsible(sheet, ctx)
    _revenue(sheet, ctx)
    _payer(sheet, ctx, insured)
    sheet.text(
        LEFT_IN,
        sheet.y + 0.05,
        "UB-04 CMS-1450     APPROVED OMB NO. 0938-0997     NUBC  National Uniform Billing Committee",
        6.5,
    )
    header = f"ATTACHMENT TO UB-04   PATIENT: {ctx.patient.name}   MED REC: {ctx.patient.mrn or ''}"
    pages = [PageText([], items=sheet.items)]
    return pages + [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]


FAMILY = Family(
    "ub04_claim", "caption_box", "hospital patient accounts", ("insurance_correspondence",), HOSPITALS, build
)
