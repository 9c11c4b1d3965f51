"""ehr: talking to the EHR. It reads ADT messages (HL7 v2) and FHIR Patient bundles into `PatientUpdate`
records, builds the messages a filed document is delivered as (MDM^T02/T10/T11 with hl7apy, FHIR R4
DocumentReference bundles with fhir.resources), and carries them: MLLP in and out (python-hl7's asyncio
streams), HTTP POST, or a post-file command; the delivery worker sends what the ledger's outbox holds.
A stage-level package: it may import the ledger, records, settings and errors; not the other stages, the
pipeline, the clerk, the daemon or the CLI (the listener is handed what to do with a message).
"""
