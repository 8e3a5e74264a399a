"""APScheduler 3.11 as an alarm clock: it wakes the tick at the next due time, nothing more.

It holds only an in-memory job store: one date job re-armed to the next due instant after every
tick, and an interval job as a safety sweep. Missed runs are never dropped
(``misfire_grace_time=None``), and it would not matter if they were: the tick asks the tables what
is due, so a restart or a late alarm only makes the next tick do more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

log = structlog.get_logger(__name__)

Tikk = Callable[[datetime], tuple[Any, datetime | None]]


class Vekkeklokke:
    def __init__(
        self,
        tikk: Tikk,
        klokke: Callable[[], datetime] = lambda: datetime.now(UTC),
        sikkerhet: timedelta = timedelta(seconds=30),
    ) -> None:
        self.tikk = tikk
        self.klokke = klokke
        self.sikkerhet = sikkerhet
        self.hjerteslag = 0.0  # monotonic time of the last finished tick
        self.neste: datetime | None = None
        self._laas = threading.Lock()
        self._planlegger = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def start(self) -> None:
        self._planlegger.add_job(
            self._kjor, "interval", seconds=self.sikkerhet.total_seconds(), id="sikkerhet", next_run_time=self.klokke()
        )
        self._planlegger.start()

    def vekk(self) -> None:
        """Something changed (a command, a delivery): tick now."""
        self._arm(self.klokke())

    def stopp(self) -> None:
        if self._planlegger.running:
            self._planlegger.shutdown(wait=True)

    def _arm(self, tid: datetime) -> None:
        if self._planlegger.running:
            self._planlegger.add_job(self._kjor, "date", run_date=tid, id="vekk", replace_existing=True)

    def _kjor(self) -> None:
        with self._laas:
            try:
                _, neste = self.tikk(self.klokke())
            except Exception:
                log.exception("tikk_feilet")
                neste = self.klokke() + min(self.sikkerhet, timedelta(seconds=5))  # try again soon
            self.hjerteslag = time.monotonic()
            self.neste = neste
            if neste is not None:
                self._arm(max(neste, self.klokke()))
