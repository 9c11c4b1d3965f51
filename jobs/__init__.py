"""jobs: a backlog spread over machines on an existing job queue, Procrastinate on PostgreSQL.

`chartfile process --queue` and `reprocess --queue` put one job per file or document on the queue
(`queue.py`); `chartfile worker` on any machine takes them and runs each through the one stage chain
(`tasks.py`: `pipeline.process_path`, `clerk.reprocess.reprocess_document`, the same code `process` and
`reprocess` run), retrying a fault of the machine with back-off, quarantining on the last attempt, and
retrying the jobs of a worker that stopped (`worker.py`). The ledger's claims and checksums make a job
safe to run twice. It sits between the edge and daemon | clerk: it may import clerk, pipeline, runtime,
the stages, the ledger and what is below; nothing above it but the CLI imports it.
"""

from __future__ import annotations
