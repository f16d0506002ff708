"""Documents received whole (``ingestReport``) are read in a parser process of their own, not the server's.

Reading is CPU work and a document may be built to take all the memory it can: in a separate process it
neither holds up the server's event loop nor grows the server, and if the process dies (killed by the
out-of-memory killer, say) the upload fails in one line and the next one gets a new process.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from core.settings import Settings
from loaders.pipeline import Overrides
from loaders.readers.limits import ReadLimits
from services.prepare import Prepared, prepare_upload, shown, warm_up
from services.workers import context, start_worker


class UploadParser:
    """One parser process, started when the first document arrives; uploads take turns."""

    def __init__(self, settings: Settings) -> None:
        self.limits = ReadLimits.from_settings(settings)
        self._pool: ProcessPoolExecutor | None = None

    def _process(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=context(), initializer=start_worker,
                                             initargs=(os.getpid(), self.limits))
        return self._pool

    def start(self) -> None:
        """Start the process and its imports now (a server that takes uploads), not on the first upload."""
        self._process().submit(warm_up)

    async def prepare(self, name: str, data: bytes, overrides: Overrides, synthetic: bool) -> Prepared:
        """The document read, parsed, placed and checked, or why it could not be."""
        pool = self._process()
        try:
            return await asyncio.wrap_future(pool.submit(prepare_upload, name, data, overrides, synthetic,
                                                         self.limits))
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False)
            return Prepared(shown(name), None, reason="the parser process died reading it (out of memory?)")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
