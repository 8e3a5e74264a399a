"""The leader's registered e-mail as their default channel (issue 14; scenarios.md ``leder_epost``).

NAV's nærmeste-leder registration carries the leader's work e-mail address; until a leader sets
channels of their own, a reminder to them (``NL``) also goes to that address. An operator's
per-recipient entry in ``SYFO_KANALER``, or the leader's own settings, replace it. The address is
read from the person's events at send time, for the relation that holds on the send date (RP-9),
and is never copied elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from scheduler.kanal import Kanal
from service.settings import Settings


@dataclass
class LederEpost:
    app: Any
    settings: Settings
    epost: Callable[[], Kanal]
    har_egne: Callable[[str], bool] | None = None  # a user's own channels replace this default

    def __call__(self, rad: dict[str, Any]) -> Sequence[tuple[Kanal, str]]:
        leder = rad.get("mottaker_id")
        if rad.get("rolle") != "NL" or not leder or leder in self.settings.kanaler:
            return []
        if self.har_egne is not None and self.har_egne(leder):
            return []
        adresse = self.adresse(UUID(rad["person_id"]), leder, rad["send_dato"])
        return [(self.epost(), adresse)] if adresse else []

    def adresse(self, person_id: UUID, leder: str, d: date) -> str | None:
        """The ``leder_epost`` of a relation of the person to ``leder`` that holds on ``d``."""
        g = self.app.person(person_id).grunnlag(self.app.innstillinger)
        for s in g.saker:
            k = g.lederrelasjon(s.orgnr, d)
            if k is not None and k["leder_id"] == leder and k.get("leder_epost"):
                return str(k["leder_epost"])
        return None
