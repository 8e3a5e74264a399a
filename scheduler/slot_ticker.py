"""One tick of the scheduler: run the 08:00 working-day slots that have come, then deliver what is due.

Every slot since the last one run is run once, in order (RP-1, RP-3: each decides as known at that
slot), so a service that was down catches up when it is back. After a restart the first slot is
the oldest one with a planned rung still undecided, found in the reminders read model, but not
older than ``max_catch_up`` (reminders weeks late help nobody; the rungs stay visible as
planned-and-missed in the read model). The last slot run is the only state kept between ticks,
and a restart simply recomputes it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from domain.kalender import Arbeidskalender
from domain.paminnelser import PLANLAGT
from projections.oppdaterer import PosisjonKonflikt
from projections.sporringer import aware
from projections.tabeller import paminnelser
from scheduler.slot_run import SlotApp, run_slot
from scheduler.utsender import Rapport, Utsender

ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass
class SlotTicker:
    slot_app: SlotApp
    engine: Engine
    dispatcher: Utsender
    catch_up: Callable[[], Any]  # bring the read models up to date
    calendar: Arbeidskalender
    last_slot: datetime | None = None
    max_catch_up: timedelta | None = None  # after a restart, slots older than this are not run
    # A virtual clock (``syfo simulate``) lives through each slot, so deliveries go out at the slot;
    # the wall clock is past every missed slot already, so it delivers once, now.
    virtual_clock: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def due_slots(self, now: datetime) -> list[datetime]:
        """Working-day slots after the last one run, up to ``now``."""
        since = self.last_slot
        if since is None:
            oldest = self._oldest_planned()
            if oldest is None or oldest > now:
                return []
            since = oldest - ONE_MICROSECOND
            if self.max_catch_up is not None:
                since = max(since, now - self.max_catch_up)
        return self.calendar.slots_mellom(since, now)

    def _catch_up(self) -> None:
        """Catch the read models up; another runner doing it at the same moment is as good."""
        with contextlib.suppress(PosisjonKonflikt):
            self.catch_up()

    def tick(self, now: datetime) -> tuple[Rapport, datetime | None]:
        """Run due slots, deliver, and say when the next thing falls due."""
        with self._lock:
            self._catch_up()
            report = Rapport()
            for slot in self.due_slots(now):
                run_slot(self.slot_app, slot)
                self.last_slot = slot
                self._catch_up()
                if self.virtual_clock:
                    report.legg_sammen(self.dispatcher.kjor(slot))
                    self._catch_up()
            report.legg_sammen(self.dispatcher.kjor(now))
            self._catch_up()
            return report, self.next_due(now)

    def next_due(self, now: datetime) -> datetime | None:
        """The next slot (while any rung is planned), or the next delivery or retry, whichever is first."""
        times = []
        if self._oldest_planned() is not None:
            since = max(now, self.last_slot) if self.last_slot else now
            times.append(self.calendar.neste_slot_etter(since))
        delivery = self.dispatcher.neste_tidspunkt()
        if delivery is not None:
            times.append(delivery)
        return min(times) if times else None

    def _oldest_planned(self) -> datetime | None:
        p = paminnelser.c
        with self.engine.connect() as conn:
            t = conn.execute(select(func.min(p.forfall)).where(p.status == PLANLAGT)).scalar_one_or_none()
        return aware(t).astimezone(UTC) if t is not None else None
