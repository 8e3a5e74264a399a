"""Background work of a service process: the projection runner, the slot job and the dispatcher.

``syfo serve`` starts this next to the API; ``syfo worker`` runs it without the API. Nothing here
holds state that the event store cannot rebuild: the alarm clock asks the tables what is due.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from projections.oppdaterer import Kjoring
from scheduler.outbox import OutboxUtsender
from scheduler.takt import Takt
from scheduler.utsender import Kanalvalg, Utsender
from scheduler.vekkeklokke import Vekkeklokke
from service.anchor import anchor_head
from service.kanaloppsett import Kanaloppsett
from service.kjerne import Kjerne
from service.lederkanal import LederEpost
from service.outbox import registrer_utfall
from service.settings import Settings

log = structlog.get_logger(__name__)


def lag_utsender(kjerne: Kjerne, settings: Settings, kanaler: Kanalvalg) -> Utsender:
    app = kjerne.app
    return OutboxUtsender(
        app,
        kjerne.engine,
        kanaler,
        lenke=settings.offentlig_url.rstrip("/") + "/" if settings.offentlig_url else settings.lenke,
        maks_forsok=settings.levering_maks_forsok,
        lease=timedelta(seconds=settings.levering_lease_s),
        basis=timedelta(seconds=settings.levering_basis_s),
        tak=timedelta(seconds=settings.levering_tak_s),
        registrer=lambda utfall, naa: registrer_utfall(app, utfall, naa),
        radkanaler=LederEpost(app, settings, kanaler.epost) if isinstance(kanaler, Kanaloppsett) else None,
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
    kjedeanker: Path | None = None  # the anchor file (service.anchor): the head is appended at start, then daily
    kjedeanker_intervall: timedelta = timedelta(days=1)
    ankret: threading.Event = field(default_factory=threading.Event)  # set after each anchor written
    _kjoring: Kjoring | None = None
    _ankerplan: BackgroundScheduler | None = None
    _vekkeklokke: Vekkeklokke | None = None
    _traader: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self._kjoring = Kjoring(self.kjerne.oppdaterer, intervall=self.intervall)
        self._traader.append(self._kjoring.start())
        if self.takt is not None:
            self._vekkeklokke = Vekkeklokke(self.takt.tikk, sikkerhet=self.sikkerhet)
            self._vekkeklokke.start()
        if self.kjedeanker is not None:
            self._ankerplan = BackgroundScheduler(
                timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
            )
            self._ankerplan.add_job(
                self.ankre,
                "interval",
                seconds=self.kjedeanker_intervall.total_seconds(),
                next_run_time=datetime.now(UTC),
                id="kjedeanker",
            )
            self._ankerplan.start()

    def ankre(self) -> None:
        """The daily job: append the chain's head to the anchor file (AUD-2; ``service.anchor``)."""
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
        if self._ankerplan is not None:
            self._ankerplan.shutdown(wait=True)
            self._ankerplan = None
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
