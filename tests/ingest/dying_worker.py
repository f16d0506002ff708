"""A parser worker that dies on some documents, as one killed by the out-of-memory killer would.

Imported by the worker processes (the loader pickles the function by name): it must live in a module of
its own, not in a test file.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from services.ingest import Job, _prepare_job
from services.prepare import Prepared


def prepare_or_die(job: Job) -> Prepared:
    """``kill-me`` documents always kill their process; a ``flaky`` one only the first time it is read."""
    path = Path(job[0])
    if "kill-me" in path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "flaky" in path.name:
        marker = path.with_suffix(".died-once")
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    return _prepare_job(job)
