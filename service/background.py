"""Background work of a service process: the projection runner, the slot job and the dispatcher.

``syfo serve`` starts this next to the API; ``syfo worker`` runs it without the API. Nothing here
holds state that the event store cannot rebuild: the alarm clock asks the tables what is due.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from domain.kalender import oslo_dato
from projections.oppdaterer import Kjoring
from scheduler.alarm_clock import AlarmClock
from service.compliance.anchor import anchor_head

if TYPE_CHECKING:
    from scheduler.slot_ticker import SlotTicker
    from service.bootstrap import Core

log = structlog.get_logger(__name__)

RETENTION_JOB = "oppbevaring"


@dataclass
class Background:
    """Built by ``service.bootstrap.build_background``; ``start`` and ``stopp`` bracket the process."""

    kjerne: Core
    intervall: float = 0.5
    takt: SlotTicker | None = None  # None: projections only
    sikkerhet: timedelta = timedelta(seconds=30)
    kjedeanker: Path | None = (
        None  # the anchor file (service.compliance.anchor): the head is appended at start, then daily
    )
    kjedeanker_intervall: timedelta = timedelta(days=1)
    ankret: threading.Event = field(default_factory=threading.Event)  # set after each anchor written
    oppbevaring_ar: int | None = None  # the retention period (RET-1): a daily run erases what is past it
    oppbevart: threading.Event = field(default_factory=threading.Event)  # set after each retention run
    _kjoring: Kjoring | None = None
    _ankerplan: BackgroundScheduler | None = None
    _vekkeklokke: AlarmClock | None = None
    _traader: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self._kjoring = Kjoring(self.kjerne.oppdaterer, intervall=self.intervall)
        self._traader.append(self._kjoring.start())
        if self.takt is not None:
            self._vekkeklokke = AlarmClock(self.takt.tick, safety=self.sikkerhet)
            self._vekkeklokke.start()
        if self.kjedeanker is None and self.oppbevaring_ar is None:
            return
        self._ankerplan = BackgroundScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        if self.oppbevaring_ar is not None:
            self._ankerplan.add_job(
                self.oppbevar, "interval", days=1, next_run_time=datetime.now(UTC), id=RETENTION_JOB
            )
        if self.kjedeanker is not None:
            self._ankerplan.add_job(
                self.ankre,
                "interval",
                seconds=self.kjedeanker_intervall.total_seconds(),
                next_run_time=datetime.now(UTC),
                id="kjedeanker",
            )
        self._ankerplan.start()

    def planned_jobs(self) -> list[str]:
        """The ids of the daily jobs this process has scheduled (for health and tests)."""
        return [j.id for j in self._ankerplan.get_jobs()] if self._ankerplan is not None else []

    def oppbevar(self) -> None:
        """The daily retention run (RET-1; ``service.compliance.retention``) as of today in Oslo."""
        from service.compliance.retention import kjor_oppbevaring

        assert self.oppbevaring_ar is not None
        try:
            r = kjor_oppbevaring(self.kjerne, oslo_dato(datetime.now(UTC)), ar=self.oppbevaring_ar)
        except Exception:  # the next run tries again; the service goes on
            log.exception("retention_failed")
            return
        log.info("retention_ran", **r.som_dict())
        self.oppbevart.set()

    def ankre(self) -> None:
        """The daily job: append the chain's head to the anchor file (AUD-2; ``service.compliance.anchor``)."""
        assert self.kjedeanker is not None
        try:
            a = anchor_head(self.kjerne.engine, self.kjedeanker)
        except Exception:  # the next run tries again; the service goes on
            log.exception("chain_anchor_failed")
            return
        if a is not None:
            log.info("chain_anchored", position=a.position)
        self.ankret.set()

    def vekk(self) -> None:
        """A command was stored: let the projections and the scheduler look now, not at the next tick."""
        if self._kjoring is not None:
            self._kjoring.vekk.set()
        if self._vekkeklokke is not None:
            self._vekkeklokke.wake()

    @property
    def projeksjon_hjerteslag(self) -> float:
        """Monotonic time of the runner's last completed pass (0.0 before the first)."""
        return self._kjoring.hjerteslag if self._kjoring else 0.0

    @property
    def planlegger_hjerteslag(self) -> float | None:
        """Monotonic time of the scheduler's last tick; None when this process runs no scheduler."""
        return self._vekkeklokke.heartbeat if self._vekkeklokke else None

    def stopp(self, timeout: float = 5.0) -> None:
        if self._ankerplan is not None:
            self._ankerplan.shutdown(wait=True)
            self._ankerplan = None
        if self.takt is not None:
            self.takt.dispatcher.stopp.set()
        if self._vekkeklokke is not None:
            self._vekkeklokke.stop()
        if self._kjoring is not None:
            self._kjoring.stopp.set()
            self._kjoring.vekk.set()
        for t in self._traader:
            t.join(timeout)
        self._traader.clear()
