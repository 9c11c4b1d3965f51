"""A professional claim form laid out like the CMS-1500 (02/12): numbered boxes, captions above values.

The patient is box 2 (name), 3 (birth date in MM | DD | YY digit boxes), 5 (address and telephone) and
26 (account number: the practice's MRN when printed). Distractors: the insured in box 4 with a birth date in
11a (a relative, sometimes a listed patient), the insured's ID in 1a, the referring provider in 17, the
onset date in 14 and service dates in the 24A table. The document date is box 31's signature DATE.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import middle_initial, restyle_name, split_city_line, with_dob_style
from ..sheet import LEFT_IN, Sheet, fit
from ..wordlists import CLINIC_KINDS, DIAGNOSES, INSURERS, STREETS
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
    shown_phone,
)

NAME_CAPTION = "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)"
DATE_CAPTION = "31. SIGNATURE OF PHYSICIAN OR SUPPLIER ... DATE"
_CPT = (("99213", 110), ("99214", 165), ("99203", 150), ("93000", 45), ("36415", 12), ("81002", 9))
# Each row: (caption, width in inches, value key); a key starting with "#" prints digit boxes.
_ROWS: tuple[tuple[tuple[str, float, str], ...], ...] = (
    (
        ("1. MEDICARE  MEDICAID  TRICARE  CHAMPVA  GROUP HEALTH PLAN  FECA BLK LUNG  OTHER", 4.3, "program"),
        ("1a. INSURED'S I.D. NUMBER  (For Program in Item 1)", 3.0, "member_id"),
    ),
    (
        (NAME_CAPTION, 2.8, "name"),
        ("3. PATIENT'S BIRTH DATE  MM | DD | YY", 1.3, "#dob"),
        ("SEX", 0.3, "sex"),
        ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", 2.9, "insured"),
    ),
    (
        ("5. PATIENT'S ADDRESS (No., Street)", 2.9, "street"),
        ("6. PATIENT RELATIONSHIP TO INSURED", 1.5, "relation"),
        ("7. INSURED'S ADDRESS (No., Street)", 2.9, "ins_street"),
    ),
    (
        ("CITY", 2.3, "city"),
        ("STATE", 0.6, "state"),
        ("8. RESERVED FOR NUCC USE", 1.5, ""),
        ("CITY", 2.3, "ins_city"),
        ("STATE", 0.6, "ins_state"),
    ),
    (
        ("ZIP CODE", 1.1, "zip"),
        ("TELEPHONE (Include Area Code)", 1.8, "phone"),
        ("", 1.5, ""),
        ("ZIP CODE", 1.1, "ins_zip"),
        ("TELEPHONE (Include Area Code)", 1.8, ""),
    ),
    (
        ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", 2.9, ""),
        ("10. IS PATIENT'S CONDITION RELATED TO:", 1.5, ""),
        ("11. INSURED'S POLICY GROUP OR FECA NUMBER", 2.9, "group"),
    ),
    (
        ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", 2.9, ""),
        ("a. EMPLOYMENT? (Current or Previous)", 1.5, "no"),
        ("a. INSURED'S DATE OF BIRTH  MM | DD | YY", 2.1, "#ins_dob"),
        ("SEX", 0.8, "ins_sex"),
    ),
    (
        ("d. INSURANCE PLAN NAME OR PROGRAM NAME", 2.9, ""),
        ("b. AUTO ACCIDENT?  PLACE (State)", 1.5, "no"),
        ("c. INSURANCE PLAN NAME OR PROGRAM NAME", 2.9, "plan"),
    ),
    (
        (
            "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE I authorize the release of any medical or other "
            "information necessary to process this claim.",
            4.4,
            "sig12",
        ),
        (
            "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE I authorize payment of medical benefits to the "
            "undersigned physician or supplier.",
            2.9,
            "sig13",
        ),
    ),
    (
        ("14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)  MM | DD | YY", 2.4, "#onset"),
        ("15. OTHER DATE  QUAL.", 2.0, ""),
        ("16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", 2.9, ""),
    ),
    (
        ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", 2.6, "referring"),
        ("17b. NPI", 1.8, "ref_npi"),
        ("18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", 2.9, ""),
    ),
    (
        ("21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)", 4.4, "dx"),
        ("23. PRIOR AUTHORIZATION NUMBER", 2.9, "pa"),
    ),
)
_TABLE = (
    ("24. A. DATE(S) OF SERVICE  From  To", 1.6),
    ("B. PLACE OF SERVICE", 0.55),
    ("C. EMG", 0.35),
    ("D. PROCEDURES (CPT/HCPCS)", 1.5),
    ("E. DIAGNOSIS POINTER", 0.6),
    ("F. $ CHARGES", 0.9),
    ("G. DAYS OR UNITS", 0.5),
    ("J. RENDERING PROVIDER ID. #", 1.3),
)


def _insured(ctx: Ctx, values: dict[str, str]) -> None:
    """Box 4, 6, 7 and 11a: the patient as the insured (SAME or the name again), else a relative."""
    rng, p = ctx.rng, ctx.patient
    values["relation"] = "Self"
    values["insured"] = "SAME" if rng.random() < 0.3 else p.name
    if rng.random() < 0.35:
        return
    party = relative(ctx)
    values["relation"] = {"Spouse": "Spouse", "Parent": "Child"}.get(party.relation, "Other")
    dob = format_date(party.dob, "mdy_space")
    values["insured"] = record_party(
        ctx, "insured", party, party.name(caps=True, comma=rng.random() < 0.7), dob
    )
    values |= {"#ins_dob": "#" + dob, "ins_sex": party.sex}
    for key in ("street", "city", "state", "zip"):
        values[f"ins_{key}"] = values[key]
    if rng.random() < 0.3:
        values["ins_street"] = f"{rng.randint(3, 900)} {rng.choice(STREETS)}".upper()


def _values(ctx: Ctx) -> dict[str, str]:
    rng, p = ctx.rng, ctx.patient
    street, city_line = shown_address(ctx)
    city, state, zip_code = split_city_line(city_line)
    ref = clinician(rng)
    dx = "   ".join(f"{'ABC'[i]}. {code}" for i, (code, _) in enumerate(rng.sample(DIAGNOSES, 3)))
    onset = dated(ctx, "onset_date", before(ctx, 10, 120), "mdy_space")
    sig12 = format_date(ctx.doc_date, "mdy6") if rng.random() < 0.3 else ""
    values = {
        "program": "[X] GROUP HEALTH PLAN",
        "member_id": number(rng, rng.choice(("XQH", "W", "ZGP", "")), 9),
        "name": p.name,
        "#dob": f"#{p.dob}" if p.dob else "",
        "sex": p.sex,
        "street": street,
        "city": city,
        "state": state,
        "zip": zip_code,
        "phone": shown_phone(ctx),
        "group": number(rng, digits=6),
        "no": "NO",
        "plan": rng.choice(INSURERS).upper(),
        "sig12": f"SIGNED  SIGNATURE ON FILE      DATE  {sig12}",
        "sig13": "SIGNED  SIGNATURE ON FILE",
        "#onset": f"#{onset}",
        "referring": record_clinician(ctx, "referring", f"DN {ref.name(2)}"),
        "ref_npi": ref.npi,
        "dx": dx,
        "pa": number(rng, "PA", 8) if rng.random() < 0.4 else "",
    }
    _insured(ctx, values)
    return values


def _services(sheet: Sheet, ctx: Ctx) -> int:
    rng, total, npi = ctx.rng, 0, clinician(ctx.rng).npi
    rows = []
    for cpt, fee in rng.sample(_CPT, rng.randint(2, 4)):
        day = dated(ctx, "service_date", before(ctx, 3, 40), "mdy2_space")
        rows.append([f"{day}  {day}", "11", "", cpt, "A", f"{fee:.2f}", "1", npi])
        total += fee
    sheet.gap(0.05)
    sheet.grid([w for _, w in _TABLE], [c for c, _ in _TABLE], rows, size=7.0)
    sheet.gap(0.05)
    return total


def _bottom(sheet: Sheet, ctx: Ctx, total: int) -> None:
    rng, p = ctx.rng, ctx.patient
    account = p.mrn or f"{rng.randint(10_000, 99_999)}-{rng.randint(1, 9)}"
    tax_id = f"{rng.randint(10, 99)}-{rng.randint(10**6, 10**7 - 1)}"
    sheet.field_row(
        (
            ("25. FEDERAL TAX I.D. NUMBER  SSN EIN", 1.6, tax_id),
            ("26. PATIENT'S ACCOUNT NO.", 1.5, account),
            ("27. ACCEPT ASSIGNMENT?", 1.2, "YES"),
            ("28. TOTAL CHARGE", 1.1, f"$ {total:.2f}"),
            ("29. AMOUNT PAID", 1.0, "$ 0.00"),
            ("30. Rsvd for NUCC Use", 0.9, ""),
        )
    )
    signed = ctx.facts.doc_date(DATE_CAPTION, format_date(ctx.doc_date, rng.choice(("mdy2", "mdy6", "mdy"))))
    s = ctx.sender
    address = [s.name.upper(), s.street.upper(), s.city_line.upper()]
    blocks = (
        (
            "31. SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS",
            2.4,
            [ctx.provider.upper(), f"SIGNED {ctx.provider.split(',')[0].upper()}", f"DATE {signed}"],
        ),
        ("32. SERVICE FACILITY LOCATION INFORMATION", 2.4, address),
        (f"33. BILLING PROVIDER INFO & PH #  {s.phone}", 2.5, address),
    )
    x = LEFT_IN
    for caption, width, lines in blocks:
        sheet.field_lines(x, width, caption, lines, height=0.9)
        x += width
    sheet.gap(0.9)


def _header(sheet: Sheet, ctx: Ctx) -> None:
    payer = ctx.rng.choice(INSURERS).upper()
    for i, text in enumerate((payer, "CLAIMS DEPARTMENT", f"PO BOX {ctx.rng.randint(1000, 99999)}")):
        sheet.text(4.6, sheet.y + i * 0.16, text, 8.5)
    sheet.gap(0.6)
    text, size = fit("HEALTH INSURANCE CLAIM FORM", 4.0, 14.0, bold=True)
    sheet.text(LEFT_IN, sheet.y, text, size, bold=True)
    sheet.text(LEFT_IN, sheet.y + 0.26, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", 6.5)
    sheet.text(7.3, sheet.y + 0.26, "PICA", 6.5)
    sheet.gap(0.44)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """One CMS-1500 page: the claim, numbered boxes top to bottom."""
    ident = restyle_name(middle_initial(ctx.patient), "last_first", caps=True, comma=ctx.rng.random() < 0.7)
    ctx.patient = with_dob_style(ident, "mdy_space")
    ctx.facts.name_label = NAME_CAPTION
    sheet = Sheet()
    _header(sheet, ctx)
    values = _values(ctx)
    for row in _ROWS:
        sheet.field_row([(caption, width, values.get(key, "")) for caption, width, key in row])
    _bottom(sheet, ctx, _services(sheet, ctx))
    header = f"CLAIM ATTACHMENT   Patient: {ctx.patient.name}   Acct: {ctx.patient.mrn or ''}"
    pages = [PageText([], items=sheet.items)]
    return pages + [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]


FAMILY = Family(
    "cms1500_claim",
    "caption_box",
    "physician practice billing office",
    ("insurance_correspondence",),
    CLINIC_KINDS,
    build,
)
