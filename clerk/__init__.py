"""clerk: what a clerk does, as functions any interface calls (the CLI today, a web UI later): the review
queue and its evidence, decisions (assign, reject, re-file, merge patients), split, search, patient list
import, first-page previews, reprocess, the audit trail and the unmatched report. It may import the
pipeline (reprocess runs the stage chain again), the stages and the ledger below it, never the daemon or
the CLI.
"""
