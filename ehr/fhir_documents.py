"""A document as a FHIR R4 transaction Bundle, built and validated with fhir.resources (R4B models: the
resources used, Bundle, Binary and DocumentReference, are the same in R4 4.0.1). Pure: the time is given.

    filed / replaced   PUT Binary/chartfile-<doc>-<version> (content: binary) and a conditional create of
                       the DocumentReference (ifNoneExist: its identifier), so a repeat creates nothing new;
                       a replacement carries relatesTo replaces -> the earlier version's identifier.
    entered-in-error   a conditional update of that version's DocumentReference to status entered-in-error.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping

from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.binary import Binary
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.documentreference import (
    DocumentReference,
    DocumentReferenceContent,
    DocumentReferenceContext,
    DocumentReferenceRelatesTo,
)
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from chartfile.ehr.doctypes import LOINC, document_type
from chartfile.ehr.v2build import unique_id
from chartfile.records import DeliveryJob
from chartfile.settings_ehr import DocumentType, FhirTarget

PDF = "application/pdf"


def binary_id(document_id: int, version: int) -> str:
    return f"chartfile-{document_id}-{version}"


def build_bundle(
    job: DeliveryJob,
    *,
    settings: FhirTarget,
    mrn_system: str,
    types: Mapping[str, DocumentType],
    pdf: bytes | None,
) -> Bundle:
    """The transaction Bundle for one outbox job; `pdf`: the stored file's bytes (None: not readable)."""
    system = settings.document_identifier_system
    ident = unique_id(job.document_id, job.version)
    query = f"identifier={system}|{ident}"
    doc = _document_reference(job, settings, mrn_system, types, pdf)
    if job.event == "entered-in-error":
        put = BundleEntryRequest(method="PUT", url=f"DocumentReference?{query}")
        return Bundle(type="transaction", entry=[BundleEntry(resource=doc, request=put)])
    entries = []
    if settings.content == "binary":
        assert pdf is not None, "content: binary needs the PDF's bytes"
        name = binary_id(job.document_id, job.version)
        binary = Binary(id=name, contentType=PDF, data=base64.b64encode(pdf))
        entries.append(
            BundleEntry(resource=binary, request=BundleEntryRequest(method="PUT", url=f"Binary/{name}"))
        )
    create = BundleEntryRequest(method="POST", url="DocumentReference", ifNoneExist=query)
    entries.append(BundleEntry(resource=doc, request=create))
    return Bundle(type="transaction", entry=entries)


def _document_reference(
    job: DeliveryJob,
    settings: FhirTarget,
    mrn_system: str,
    types: Mapping[str, DocumentType],
    pdf: bytes | None,
) -> DocumentReference:
    kind = document_type(job.doc_type, types)
    ident = Identifier(
        system=settings.document_identifier_system, value=unique_id(job.document_id, job.version)
    )
    relates = None
    if job.replaces is not None and job.event == "replaced":
        old = Identifier(system=settings.document_identifier_system, value=unique_id(*job.replaces))
        relates = [DocumentReferenceRelatesTo(code="replaces", target=Reference(identifier=old))]
    context = None
    if job.doc_date is not None:
        context = DocumentReferenceContext(period=Period(start=job.doc_date.isoformat()))
    return DocumentReference(
        masterIdentifier=ident,
        identifier=[ident],
        status="entered-in-error" if job.event == "entered-in-error" else "current",
        docStatus="final",
        type=CodeableConcept(coding=[Coding(system=LOINC, code=kind.loinc, display=kind.display)]),
        subject=Reference(type="Patient", identifier=Identifier(system=mrn_system, value=job.patient.mrn)),
        date=job.received_at.astimezone(dt.UTC).isoformat(),
        relatesTo=relates,
        content=[DocumentReferenceContent(attachment=_attachment(job, settings, pdf))],
        context=context,
    )


def _attachment(job: DeliveryJob, settings: FhirTarget, pdf: bytes | None) -> Attachment:
    """Where the PDF is, its size and hash (SHA-1, base64, as FHIR defines Attachment.hash)."""
    if settings.content == "binary":
        url = f"Binary/{binary_id(job.document_id, job.version)}"
    else:
        assert job.stored_path is not None
        url = settings.attachment_base_url + job.stored_path.relative_to(job.store_root).as_posix()
    if pdf is None:
        return Attachment(contentType=PDF, url=url, title=f"document {job.document_id}")
    return Attachment(
        contentType=PDF,
        url=url,
        size=len(pdf),
        hash=base64.b64encode(hashlib.sha1(pdf, usedforsecurity=False).digest()),
        title=f"document {job.document_id}",
    )
