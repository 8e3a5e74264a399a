"""One tick of the scheduler: run the 08:00 working-day slots that have come, then deliver what is due.

Every slot since the last one run is run once, in order (RP-1, RP-3: each decides as known at that
slot), so a service that was down catches up when it is back. After a restart the first slot is
the oldest one with a planned rung still undecided, found in the reminders read model, but not
older than ``maks_innhenting`` (reminders weeks late help nobody; the rungs stay visible as
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
from scheduler.slotkjoring import SlotApp, kjor_slot
from scheduler.utsender import Rapport, Utsender

EN_MIKRO = timedelta(microseconds=1)


@dataclass
class Takt:
    slotapp: SlotApp
    engine: Engine
    utsender: Utsender
    oppdater: Callable[[], Any]  # bring the read models up to date
    kalender: Arbeidskalender
    siste_slot: datetime | None = None
    maks_innhenting: timedelta | None = None  # after a restart, slots older than this are not run
    # A virtual clock (``syfo simulate``) lives through each slot, so deliveries go out at the slot;
    # the wall clock is past every missed slot already, so it delivers once, now.
    virtuell_klokke: bool = False
    _laas: threading.Lock = field(default_factory=threading.Lock)

    def forfalte_slots(self, naa: datetime) -> list[datetime]:
        """Working-day slots after the last one run, up to ``naa``."""
        fra = self.siste_slot
        if fra is None:
            eldste = self._eldste_planlagte()
            if eldste is None or eldste > naa:
                return []
            fra = eldste - EN_MIKRO
            if self.maks_innhenting is not None:
                fra = max(fra, naa - self.maks_innhenting)
        return self.kalender.slots_mellom(fra, naa)

    def _oppdater(self) -> None:
        """Catch the read models up; another runner doing it at the same moment is as good."""
        with contextlib.suppress(PosisjonKonflikt):
            self.oppdater()

    def tikk(self, naa: datetime) -> tuple[Rapport, datetime | None]:
        """Run due slots, deliver, and say when the next thing falls due."""
        with self._laas:
            self._oppdater()
            rapport = Rapport()
            for slot in self.forfalte_slots(naa):
                kjor_slot(self.slotapp, slot)
                self.siste_slot = slot
                self._oppdater()
                if self.virtuell_klokke:
                    rapport.legg_sammen(self.utsender.kjor(slot))
                    self._oppdater()
            rapport.legg_sammen(self.utsender.kjor(naa))
            self._oppdater()
            return rapport, self.neste(naa)

    def neste(self, naa: datetime) -> datetime | None:
        """The next slot (while any rung is planned), or the next delivery or retry, whichever is first."""
        tider = []
        if self._eldste_planlagte() is not None:
            fra = max(naa, self.siste_slot) if self.siste_slot else naa
            tider.append(self.kalender.neste_slot_etter(fra))
        levering = self.utsender.neste_tidspunkt()
        if levering is not None:
            tider.append(levering)
        return min(tider) if tider else None

    def _eldste_planlagte(self) -> datetime | None:
        p = paminnelser.c
        with self.engine.connect() as conn:
            t = conn.execute(select(func.min(p.forfall)).where(p.status == PLANLAGT)).scalar_one_or_none()
        return aware(t).astimezone(UTC) if t is not None else None
