"""ingest: the intake stage. It owns the inbox side: which files count and when one is ready
(`ingest/watch.py`: filter, stability tracker, watchdog hints), sniffing a file's format from its bytes,
staging a copy (hashed) for the ledger's claim journal (`claim`), and releasing the inbox file once its
outcome is committed. It may import the ledger, records, settings and errors; not the other stages.
"""
