"""A channel that records instead of sending (``syfo simulate`` and the tests): the channel port's simplest adapter."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.kanal import Leveringsresultat, Melding, Utfall


@dataclass
class Recorder:
    """The recording delivery channel: takes every message, in the order the dispatcher sends them."""

    navn: str = "opptak"
    sendt: list[tuple[Melding, str]] = field(default_factory=list)

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:
        self.sendt.append((melding, adresse))
        return Leveringsresultat(Utfall.LEVERT, "opptak")
