"""The post-file command (like paperless-ngx's post-consume script): run without a shell, the document's
metadata in CHARTFILE_* environment variables and the PDF's path as the last argument.

Exit 0: delivered; exit 65 (EX_DATAERR): the importer refused this document (a person must look); any
other exit, or a timeout: tried again later. Its output is not kept (it may name patients).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from chartfile.ehr.doctypes import document_type
from chartfile.ehr.v2build import unique_id
from chartfile.records import DeliveryJob, DeliveryResult
from chartfile.settings_ehr import CommandTarget, DocumentType

EX_DATAERR = 65


def environment(job: DeliveryJob, types: Mapping[str, DocumentType]) -> dict[str, str]:
    """The CHARTFILE_* variables describing one outbox job."""
    kind = document_type(job.doc_type, types)
    patient = job.patient
    return {
        "CHARTFILE_EVENT": job.event,
        "CHARTFILE_DOCUMENT_ID": str(job.document_id),
        "CHARTFILE_DOCUMENT_VERSION": str(job.version),
        "CHARTFILE_UNIQUE_ID": unique_id(job.document_id, job.version),
        "CHARTFILE_REPLACES": unique_id(*job.replaces) if job.replaces else "",
        "CHARTFILE_MRN": patient.mrn,
        "CHARTFILE_PATIENT_LAST_NAME": patient.last_name,
        "CHARTFILE_PATIENT_FIRST_NAME": patient.first_name,
        "CHARTFILE_PATIENT_DOB": patient.dob.isoformat() if patient.dob else "",
        "CHARTFILE_DOC_TYPE": job.doc_type,
        "CHARTFILE_DOC_TYPE_LOINC": kind.loinc,
        "CHARTFILE_DOC_DATE": job.doc_date.isoformat() if job.doc_date else "",
        "CHARTFILE_RECEIVED_AT": job.received_at.isoformat(),
        "CHARTFILE_PAGES": str(job.page_count),
        "CHARTFILE_PDF_PATH": str(job.stored_path or ""),
        "CHARTFILE_SHA256": job.stored_sha256 or "",
    }


def run_command(
    job: DeliveryJob, settings: CommandTarget, types: Mapping[str, DocumentType]
) -> DeliveryResult:
    argv = [*settings.argv, str(job.stored_path or "")]
    try:
        done = subprocess.run(
            argv,
            env=os.environ | environment(job, types),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=settings.timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return DeliveryResult("retry", f"the post-file command ran over {settings.timeout_seconds:.0f} s")
    except OSError as e:
        return DeliveryResult(
            "not-sent", f"cannot run the post-file command ({e.strerror or type(e).__name__})"
        )
    if done.returncode == 0:
        return DeliveryResult("delivered", "exit 0")
    if done.returncode == EX_DATAERR:
        return DeliveryResult("rejected", f"the post-file command refused the document (exit {EX_DATAERR})")
    return DeliveryResult("retry", f"the post-file command failed (exit {done.returncode})")
