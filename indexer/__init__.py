"""indexer: the indexing stage. It turns a recognised and matched document (`OcrResult`, `Extraction`,
`MatchDecision`) into the ledger's `Outcome`: status, patient, score and candidates, reasons, index fields
(type, date), page texts and the searchable PDF to stamp. It may import only the ledger and the records,
settings and errors below it; not the other stages.
"""

from __future__ import annotations

from chartfile.indexer.filing import index_document

__all__ = ["index_document"]
