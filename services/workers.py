"""Parser worker processes: how they start, what they leave to their parent, and that they end with it.

A worker ignores Ctrl-C (its parent stops it and says what was stored), reads documents within the
expansion limits its parent gives it, and exits by itself within a second of its parent's death, so a
loader killed with ``kill -9`` leaves no worker waiting for work that will never come.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.context import ForkServerContext, SpawnContext

from loaders.readers.limits import ReadLimits, use_limits

_WATCH_INTERVAL_S = 1.0


def context() -> ForkServerContext | SpawnContext:
    """Forkserver where there is one: workers start from a clean process, not a copy of the caller's."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("forkserver")


def start_worker(parent_pid: int, limits: ReadLimits) -> None:
    """A worker's initializer: leave Ctrl-C to the parent, read within ``limits``, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    use_limits(limits)
    threading.Thread(target=_watch, args=(parent_pid,), name="xxgk-parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(_WATCH_INTERVAL_S)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)  # the parent is gone: nobody will collect what this process would parse
        except PermissionError:  # alive, under another user (cannot happen for a parent, but is not death)
            pass


def death(exit_code: int | None) -> str:
    """Why a worker process ended, in a few words."""
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        hint = ": out of memory?" if -exit_code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {exit_code}" if exit_code is not None else "it vanished"
