"""Delivery of a sent reminder: claimed, delivered per channel, failed with backoff, or given up.

A reminder decided ``sent`` (RP-11) is then delivered by the dispatcher. Every step is an event in
the person's stream, so a rebuild knows exactly what was delivered and never sends it again, and
the claim is atomic through the stream's optimistic concurrency: two dispatchers cannot both
record a claim on the same stream version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from domain.begreper import Leveringsstatus

VENTER: Final = Leveringsstatus.VENTER
SENDER: Final = Leveringsstatus.SENDER
FEILET: Final = Leveringsstatus.FEILET
LEVERT: Final = Leveringsstatus.LEVERT
OPPGITT: Final = Leveringsstatus.OPPGITT
ENDELIGE: Final = frozenset({LEVERT, OPPGITT})


@dataclass
class Levering:
    """The delivery state of one sent reminder (keyed by the rung's ``nokkel``)."""

    forsok: int = 0
    status: str = Leveringsstatus.VENTER
    eier: str | None = None
    lease_til: datetime | None = None
    neste_forsok: datetime | None = None
    levert_kanaler: set[str] = field(default_factory=set)
    detalj: str | None = None

    def kan_startes(self, naa: datetime) -> bool:
        """Not finished, not leased by a live claim, and its retry time has come."""
        if self.status in ENDELIGE:
            return False
        if self.status == SENDER and self.lease_til is not None and self.lease_til > naa:
            return False
        return self.neste_forsok is None or self.neste_forsok <= naa
