"""ocr: the recognition stage. It owns reading pages (PDF text layers, native page images, TIFF faxes,
PNG/JPEG), preparing them (despeckle, straighten, turn), running Tesseract (the only module that calls
it: `ocr/tesseract.py`) and poppler (`ocr/poppler.py`) in a bounded pool, and assembling the searchable
PDF: `recognize(IncomingFile) -> OcrResult`. It may import only records, settings and errors; not the
ledger, not the other stages.
"""
