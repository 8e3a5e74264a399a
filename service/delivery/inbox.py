"""The in-app inbox: a reminder is in the recipient's list as soon as its decision is recorded."""

from __future__ import annotations

from scheduler.kanal import Leveringsresultat, Melding, Utfall


class InnboksKanal:
    """The in-app inbox (GET the recipient's reminders): nothing to push."""

    navn = "innboks"

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:  # noqa: ARG002 (Kanal protocol)
        return Leveringsresultat(Utfall.LEVERT, "innboks")
