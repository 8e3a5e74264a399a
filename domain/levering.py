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

VENTER: Final = "venter"  # decided sent, not yet delivered
SENDER: Final = "sender"  # claimed by a dispatcher until its lease ends
FEILET: Final = "feilet"  # last attempt failed; next attempt at ``neste_forsok``
LEVERT: Final = "levert"  # every channel accepted it
OPPGITT: Final = "oppgitt"  # dead letter: the attempt limit was reached, or a permanent error
ENDELIGE: Final = frozenset({LEVERT, OPPGITT})


@dataclass
class Levering:
    """The delivery state of one sent reminder (keyed by the rung's ``nokkel``)."""

    forsok: int = 0
    status: str = VENTER
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
