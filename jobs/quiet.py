"""Procrastinate's log lines without job arguments: it names a job by its call (`process(path=...)`), and
a file's path may carry a patient's name; chartfile's lines name the job by id, task and outcome."""

from __future__ import annotations

import logging

from chartfile.errors import explain


class NoJobArguments(logging.Filter):
    """Rewrites each record of the `procrastinate` loggers to its job id, task and action; an error's
    traceback becomes chartfile's explanation of it (which names no patient data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("procrastinate"):
            return True
        job, action = getattr(record, "job", None), getattr(record, "action", "")
        if isinstance(job, dict):
            record.msg, record.args = "job %s (%s): %s", (job.get("id"), job.get("task_name"), action)
        elif action:
            record.msg, record.args = "%s", (action,)
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.msg}: %s"
            record.args = (*(record.args or ()), explain(record.exc_info[1]).message)
            record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """On every handler of the root logger (a filter on a logger would not see its children's records)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, NoJobArguments) for f in handler.filters):
            handler.addFilter(NoJobArguments())
