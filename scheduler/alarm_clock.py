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

Tick = Callable[[datetime], tuple[Any, datetime | None]]


class AlarmClock:
    def __init__(
        self,
        tick: Tick,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        safety: timedelta = timedelta(seconds=30),
    ) -> None:
        self.tick = tick
        self.clock = clock
        self.safety = safety
        self.heartbeat = 0.0  # monotonic time of the last finished tick
        self.next_due: datetime | None = None
        self._lock = threading.Lock()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def start(self) -> None:
        self._scheduler.add_job(
            self._run, "interval", seconds=self.safety.total_seconds(), id="safety", next_run_time=self.clock()
        )
        self._scheduler.start()

    def wake(self) -> None:
        """Something changed (a command, a delivery): tick now."""
        self._arm(self.clock())

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def _arm(self, when: datetime) -> None:
        if self._scheduler.running:
            self._scheduler.add_job(self._run, "date", run_date=when, id="wake", replace_existing=True)

    def _run(self) -> None:
        with self._lock:
            try:
                _, next_due = self.tick(self.clock())
            except Exception:
                log.exception("tick_failed")
                next_due = self.clock() + min(self.safety, timedelta(seconds=5))  # try again soon
            self.heartbeat = time.monotonic()
            self.next_due = next_due
            if next_due is not None:
                self._arm(max(next_due, self.clock()))
