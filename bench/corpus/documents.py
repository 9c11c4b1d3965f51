"""DocumentSpec: one document for a printed identity, laid out into pages and rendered to images."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from PIL import Image

from .blocks import Ctx, fax_header, make_org, person_name, provider_str, signature_block
from .bodies import continuation
from .facts import Facts
from .families import FAMILIES, Family, Plan
from .fonts import DEFAULT_FONT
from .identities import PrintedIdentity
from .patients import Patient
from .render import Line, PageText, page_capacity_pt, render_pages
from .templates import Template, cover_sheet, first_page, running_header, template_for

_TOP_IN = 0.5
_FAX_TOP_IN = 0.25
_FAX_RESERVE_PT = 20.0


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """What to print: the patient identity as printed, type, date, layout and page structure.

    `extra_pages` continuation pages follow page 1; `second_patient` adds a one-page document for a
    different patient after them (a fax that bundles two patients). `family` names a layout family
    (default: the classic template `template` of `doc_type`); `relatives` are listed patients a
    family may print as the patient's insured, guarantor or relative; `keep_dob` (a near miss) keeps a
    family from leaving the birth date out.
    """

    patient: PrintedIdentity
    doc_type: str = "lab_result"
    doc_date: dt.date = dt.date(2025, 6, 2)
    template: int = 0
    with_cover_sheet: bool = False
    extra_pages: int = 0
    fax_header: bool = False
    second_patient: PrintedIdentity | None = None
    second_doc_type: str = "lab_result"
    family: str = ""
    relatives: tuple[Patient, ...] = ()
    keep_dob: bool = False

    @property
    def page_count(self) -> int:
        return int(self.with_cover_sheet) + 1 + self.extra_pages + int(self.second_patient is not None)


def _fit(lines: list[Line], capacity_pt: float) -> list[Line]:
    used, out = 0.0, []
    for line in lines:
        used += line.height_pt()
        if used > capacity_pt:
            break
        out.append(line)
    return out


def _page(body: list[Line], tail: list[Line]) -> list[Line]:
    """Body lines cut to fit the page, with `tail` (e.g. a signature) always kept."""
    room = page_capacity_pt(_TOP_IN) - _FAX_RESERVE_PT - sum(ln.height_pt() for ln in tail)
    return _fit(body, room) + tail


@dataclass(frozen=True, slots=True)
class LaidOut:
    """A document's pages, its patient exactly as printed (a form may restyle it) and what else it printed."""

    pages: list[PageText]
    patient: PrintedIdentity
    facts: Facts


def _context(spec: DocumentSpec, kinds: tuple[str, ...], full_names: bool, rng: random.Random) -> Ctx:
    sender = make_org(rng, kinds, full_names=full_names)
    recipient = make_org(rng)
    provider = provider_str(rng, person_name(rng))
    style = rng.choice(("mdy", "mdy", "mdy", "mdy_nopad", "long", "iso"))
    return Ctx(
        rng, spec.patient, spec.doc_date, sender, recipient, provider, style,
        relatives=spec.relatives, keep_dob=spec.keep_dob,
    )  # fmt: skip


def _document_pages(ctx: Ctx, tpl: Template, extra: int, first_number: int, total: int) -> list[list[Line]]:
    pages: list[list[Line]] = []
    for i in range(extra + 1):
        last = i == extra
        tail = signature_block(ctx, letter=tpl.id_style == "re") if last else []
        if i == 0:
            pages.append(_page(first_page(ctx, tpl), tail))
            continue
        header = running_header(ctx, tpl, first_number + i, total)
        pages.append(_page(header + continuation(ctx, tpl.doc_type), tail))
    return pages


def _classic_pages(spec: DocumentSpec, rng: random.Random) -> tuple[Ctx, list[PageText]]:
    tpl = template_for(spec.doc_type, spec.template)
    ctx = _context(spec, tpl.sender_kinds, tpl.full_sender_names, rng)
    start = 1 + int(spec.with_cover_sheet)
    pages = _document_pages(ctx, tpl, spec.extra_pages, start, spec.page_count)
    if spec.second_patient is not None:
        tpl2 = template_for(spec.second_doc_type, spec.template)
        ctx2 = replace(ctx, patient=spec.second_patient, provider=provider_str(rng, person_name(rng)))
        ctx2.facts = Facts()
        pages.append(_page(first_page(ctx2, tpl2), signature_block(ctx2, letter=tpl2.id_style == "re")))
    return ctx, [PageText(lines) for lines in pages]


def _family_pages(spec: DocumentSpec, family: Family, rng: random.Random) -> tuple[Ctx, list[PageText]]:
    if family.build is None:
        raise ValueError(f"{family.name} is a classic family: give its template instead")
    ctx = _context(spec, family.sender_kinds, family.full_sender_names, rng)
    start = 1 + int(spec.with_cover_sheet)
    plan = Plan(spec.doc_type, spec.extra_pages, spec.second_patient, start, spec.page_count)
    pages = family.build(ctx, plan)
    if len(pages) != spec.page_count - int(spec.with_cover_sheet):
        raise AssertionError(f"{family.name} laid out {len(pages)} pages for a plan of {plan}")
    return ctx, pages


def _fax_date(sent: dt.datetime, style: int) -> str:
    return (f"{sent:%m/%d/%Y}", f"{sent:%b-%d-%Y}".upper(), f"{sent:%m/%d/%y}")[style]


def lay_out(spec: DocumentSpec, rng: random.Random) -> LaidOut:
    """Lay the document out into pages (cover, document, second patient) and say what it printed."""
    family = FAMILIES.get(spec.family)
    classic = family is None or family.build is None
    ctx, pages = _classic_pages(spec, rng) if classic or family is None else _family_pages(spec, family, rng)
    total = spec.page_count
    sent = dt.datetime.combine(spec.doc_date, dt.time(rng.randint(7, 18), rng.randint(0, 59)))
    sent += dt.timedelta(days=rng.choice((0, 0, 1, 2, 3)))
    if spec.with_cover_sheet:
        pages.insert(0, PageText(_page(cover_sheet(ctx, total, sent), [])))
        ctx.facts.date("fax_cover_date", f"{sent:%m/%d/%Y}", sent.date())
    if spec.fax_header:
        style = rng.randrange(3)
        ctx.facts.date("fax_sent", _fax_date(sent, style), sent.date())
        pages = [
            PageText([fax_header(ctx, sent, n, total, style), Line("", 6), *page.lines], 0.25, page.items)
            for n, page in enumerate(pages, 1)
        ]
    return LaidOut(pages, ctx.patient, ctx.facts)


def build_pages(spec: DocumentSpec, rng: random.Random) -> list[PageText]:
    """Lay the document out into pages of text (cover sheet, document pages, second patient)."""
    return lay_out(spec, rng).pages


def render_document(
    spec: DocumentSpec, *, rng: random.Random, dpi: int = 300, font: str = DEFAULT_FONT
) -> list[Image.Image]:
    """Render a DocumentSpec to clean white grayscale pages at `dpi` (degrade them separately)."""
    return render_pages(build_pages(spec, rng), dpi=dpi, font=font)


def two_patient_fax(
    first: PrintedIdentity,
    second: PrintedIdentity,
    *,
    doc_type: str = "lab_result",
    second_doc_type: str | None = None,
    doc_date: dt.date = dt.date(2025, 6, 2),
    template: int = 0,
    with_cover_sheet: bool = False,
) -> DocumentSpec:
    """A faxed document whose page after page 1 (and any cover sheet) belongs to a *different* patient."""
    return DocumentSpec(
        first,
        doc_type,
        doc_date,
        template,
        with_cover_sheet,
        extra_pages=0,
        fax_header=True,
        second_patient=second,
        second_doc_type=second_doc_type or doc_type,
    )
