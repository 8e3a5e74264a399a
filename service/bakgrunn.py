"""Background work of a service process: the projection runner, the slot job and the dispatcher.

``syfo serve`` starts this next to the API; ``syfo worker`` runs it without the API. Nothing here
holds state that the event store cannot rebuild: the alarm clock asks the tables what is due.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta

from projections.oppdaterer import Kjoring
from scheduler.takt import Takt
from scheduler.utsender import Kanalvalg, Utsender
from scheduler.vekkeklokke import Vekkeklokke
from service.kjerne import Kjerne
from service.settings import Settings


def lag_utsender(kjerne: Kjerne, settings: Settings, kanaler: Kanalvalg) -> Utsender:
    return Utsender(
        kjerne.app,
        kjerne.engine,
        kanaler,
        lenke=settings.lenke,
        maks_forsok=settings.levering_maks_forsok,
        lease=timedelta(seconds=settings.levering_lease_s),
        basis=timedelta(seconds=settings.levering_basis_s),
        tak=timedelta(seconds=settings.levering_tak_s),
    )


def lag_takt(kjerne: Kjerne, utsender: Utsender, maks_innhenting: timedelta | None = timedelta(days=14)) -> Takt:
    kal = kjerne.app.innstillinger.kalender
    return Takt(kjerne, kjerne.engine, utsender, kjerne.oppdaterer.fang_opp, kal, maks_innhenting=maks_innhenting)


@dataclass
class Bakgrunn:
    kjerne: Kjerne
    intervall: float = 0.5
    takt: Takt | None = None  # None: projections only
    sikkerhet: timedelta = timedelta(seconds=30)
    _kjoring: Kjoring | None = None
    _vekkeklokke: Vekkeklokke | None = None
    _traader: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self._kjoring = Kjoring(self.kjerne.oppdaterer, intervall=self.intervall)
        self._traader.append(self._kjoring.start())
        if self.takt is not None:
            self._vekkeklokke = Vekkeklokke(self.takt.tikk, sikkerhet=self.sikkerhet)
            self._vekkeklokke.start()

    def vekk(self) -> None:
        """A command was stored: let the projections and the scheduler look now, not at the next tick."""
        if self._kjoring is not None:
            self._kjoring.vekk.set()
        if self._vekkeklokke is not None:
            self._vekkeklokke.vekk()

    @property
    def projeksjon_hjerteslag(self) -> float:
        """Monotonic time of the runner's last completed pass (0.0 before the first)."""
        return self._kjoring.hjerteslag if self._kjoring else 0.0

    @property
    def planlegger_hjerteslag(self) -> float | None:
        """Monotonic time of the scheduler's last tick; None when this process runs no scheduler."""
        return self._vekkeklokke.hjerteslag if self._vekkeklokke else None

    def stopp(self, timeout: float = 5.0) -> None:
        if self.takt is not None:
            self.takt.utsender.stopp.set()
        if self._vekkeklokke is not None:
            self._vekkeklokke.stopp()
        if self._kjoring is not None:
            self._kjoring.stopp.set()
            self._kjoring.vekk.set()
        for t in self._traader:
            t.join(timeout)
        self._traader.clear()
