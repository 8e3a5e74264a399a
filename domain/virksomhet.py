"""Virksomheten: who receives escalations for one employer (rules.md RP-9 ``HR``, RM-3, RM-8), and its name.

The stream holds no one's personal data, so it is encrypted under the service's own key
(``service.kryptering``); the name is the employer's, shown only with a case (PRIV-4).
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Virksomhet(Aggregate):
    """One employer (orgnr) and its HR contacts over time."""

    TOPIC = "syfo:Virksomhet"

    class Created(Aggregate.Created):
        TOPIC = "syfo:Virksomhet.Created.v1"  # required by explicit topics; not used

    class Registrert(Created):
        TOPIC = "syfo:Virksomhet.Registrert.v1"
        orgnr: str

    class HrEndret(Aggregate.Event):
        TOPIC = "syfo:Virksomhet.HrEndret.v1"
        hr_id: str

    class NavnEndret(Aggregate.Event):
        TOPIC = "syfo:Virksomhet.NavnEndret.v1"
        navn: str

    @staticmethod
    def create_id(orgnr: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/syfo/virksomhet/{orgnr}")

    @event(Registrert)
    def __init__(self, orgnr: str, timestamp: datetime) -> None:
        self.orgnr = orgnr
        self.hr: list[tuple[datetime, str]] = []
        self.navn: str | None = None

    def sett_hr(self, hr_id: str, at: datetime, navn: str | None = None) -> bool:
        """The latest ``virksomhet`` command decides (RP-9); a command without ``navn`` keeps the name.
        Returns False when nothing changes."""
        endret = False
        if not self.hr or self.hr[-1][1] != hr_id:
            self._hr_endret(hr_id=hr_id, timestamp=at)
            endret = True
        if navn is not None and navn != self.navn:
            self._navn_endret(navn=navn, timestamp=at)
            endret = True
        return endret

    @event(HrEndret)
    def _hr_endret(self, hr_id: str, timestamp: datetime) -> None:
        self.hr.append((timestamp, hr_id))

    @event(NavnEndret)
    def _navn_endret(self, navn: str, timestamp: datetime) -> None:
        self.navn = navn

    def hr_id(self, kjent_til: datetime) -> str | None:
        """HR as known at an instant (RP-3, RP-9)."""
        kjent = [h for (at, h) in self.hr if at <= kjent_til]
        return kjent[-1] if kjent else None
