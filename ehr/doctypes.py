"""chartfile's document types as the EHR names them: a LOINC code (FHIR DocumentReference.type, OBX-3)
and an HL7 v2 document type (TXA-2, user table 0270). Sites override entries in `ehr.document_types`."""

from __future__ import annotations

from collections.abc import Mapping

from chartfile.settings_ehr import DocumentType

LOINC = "http://loinc.org"
DEFAULT = DocumentType(loinc="34109-9", display="Note", hl7="NOTE")
TABLE: Mapping[str, DocumentType] = {
    "lab_result": DocumentType(loinc="11502-2", display="Laboratory report", hl7="LAB"),
    "radiology_report": DocumentType(loinc="18748-4", display="Diagnostic imaging study", hl7="DI"),
    "referral": DocumentType(loinc="57133-1", display="Referral note", hl7="REF"),
    "discharge_summary": DocumentType(loinc="18842-5", display="Discharge summary", hl7="DS"),
    "consult_note": DocumentType(loinc="11488-4", display="Consult note", hl7="CN"),
    "refill_request": DocumentType(loinc="34109-9", display="Note", hl7="REFILL"),
    "prior_authorization": DocumentType(loinc="34109-9", display="Note", hl7="PA"),
    "records_request": DocumentType(loinc="34109-9", display="Note", hl7="ROI"),
    "insurance_correspondence": DocumentType(loinc="34109-9", display="Note", hl7="INS"),
}


def document_type(doc_type: str, overrides: Mapping[str, DocumentType]) -> DocumentType:
    """How `doc_type` is named to the EHR: the site's override, the table's entry, or a generic note."""
    return overrides.get(doc_type) or TABLE.get(doc_type) or DEFAULT
