"""The monitor's figures per region, kept per server process and recomputed in the background.

Computing a region's figures reads and decodes all of its case, decision, provision and
allocation records and builds the quarters' cubes with their suppression: milliseconds for a
municipality, about a minute for a region of 50,000 cases (docs/benchmarks.md). No request
waits that long. A request asks :meth:`FigureStore.answer` with the version of what the
region's figures would be built from now (``sources.records_version``, one indexed query):

- the kept figures are of that version: they are served;
- otherwise one computation per region starts on the store's worker thread, and the request
  waits for it a short while (:attr:`FigureStore.wait_seconds`); done in time, its figures are
  served; not done, the last kept figures are served with the time they were computed and a
  note that newer ones are on their way, or, before a region's first figures, a page that
  says they are being computed.

A computation warms what the monitor's first page shows (the current quarter's trail), so the
page asked after it is served from memory; another quarter is computed when asked for.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import datetime

from wmo_desk.server.web.suppression import Disclosure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figures:
    """A region's figures, the version of the records they were built from, and when."""

    data: Disclosure
    version: tuple
    computed_at: datetime


@dataclass(frozen=True)
class Answer:
    """What a request gets: figures (None: none yet) and whether they are of the newest
    records (False: older ones, newer figures are being computed)."""

    figures: Figures | None
    fresh: bool


class FigureStore:
    """The newest figures of the last few regions (by their municipality codes), and at most
    one computation at a time per server process, on one worker thread."""

    def __init__(self, wait_seconds: float = 2.0, first_wait_seconds: float = 10.0, size: int = 8):
        #: how long a request waits for a computation while older figures could be served
        self.wait_seconds = wait_seconds
        #: how long it waits before a region's first figures (nothing to serve meanwhile)
        self.first_wait_seconds = first_wait_seconds
        self._size = size
        self._lock = threading.Lock()
        self._items: dict[tuple, Figures] = {}
        self._jobs: dict[tuple, Future[Figures]] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-figures")

    def answer(self, region: tuple, version: tuple, build: Callable[[], Figures]) -> Answer:
        """The figures of ``region`` for ``version`` (see the module doc); ``build`` reads and
        computes them, on the worker thread, and returns them with the version it read."""
        with self._lock:
            kept = self._items.get(region)
            if kept is not None and kept.version == version:
                self._items[region] = self._items.pop(region)  # the newest at the end
                return Answer(kept, fresh=True)
            job = self._jobs.get(region)
            if job is None or job.done():
                job = self._pool.submit(self._run, region, build)
                self._jobs[region] = job
        wait_for([job], timeout=self.wait_seconds if kept else self.first_wait_seconds)
        with self._lock:
            kept = self._items.get(region)
        if kept is None:
            return Answer(None, fresh=False)
        return Answer(kept, fresh=kept.version >= version)

    def _run(self, region: tuple, build: Callable[[], Figures]) -> Figures:
        try:
            figures = build()
        except Exception:
            # no personal data in the message: the region's codes only
            log.exception("De monitorcijfers van %s zijn niet berekend", ",".join(region))
            raise
        with self._lock:
            kept = self._items.get(region)
            if kept is None or kept.version <= figures.version:
                self._items.pop(region, None)
                self._items[region] = figures
                while len(self._items) > self._size:
                    del self._items[next(iter(self._items))]
        return figures

    def close(self) -> None:
        """Stop the worker; a computation under way is finished, none is started."""
        self._pool.shutdown(wait=False, cancel_futures=True)
