"""Delivery channels as the scheduler sees them: a reminder in, a delivery outcome out.

The scheduler depends only on the ``Kanal`` protocol defined here; the service layer supplies
the concrete channels (webhook, e-post). Every channel sends the same neutral text (RP-10): a
message says only that a task exists, with a link to the logged-in page, and never a name,
fødselsnummer, grade, diagnosis, medical reason or the word "sykmelding".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from domain.begreper import MOTTAKERROLLER

if TYPE_CHECKING:
    from datetime import datetime

MELDINGSTEKST = "Du har en ny oppgave i Sykefraværsoppfølging."
"""The only text a reminder carries besides its link (RP-10)."""

EMNE = "Ny oppgave i Sykefraværsoppfølging"
"""Subject line for channels that have one (RP-10: says only that a task exists)."""


@dataclass(frozen=True)
class Melding:
    """One reminder to one recipient, as handed to a channel.

    ``idempotency_key`` is stable for the reminder, so a resend after a crash or a timeout can
    be recognised by the receiver. ``milepel`` is for routing and logging only: channels must
    not put it in text a third party reads. ``tidspunkt`` is the aware instant the reminder
    is due.
    """

    idempotency_key: str
    mottaker_rolle: str
    mottaker_id: str
    milepel: str
    stage: str
    tidspunkt: datetime
    lenke: str

    def __post_init__(self) -> None:
        if not self.idempotency_key:
            raise ValueError("idempotency_key må være satt")
        if self.mottaker_rolle not in MOTTAKERROLLER:
            raise ValueError(f"ukjent mottakerrolle: {self.mottaker_rolle!r}")
        if self.tidspunkt.tzinfo is None or self.tidspunkt.utcoffset() is None:
            raise ValueError("tidspunkt må ha tidssone")


class Utfall(StrEnum):
    """How a delivery attempt ended, as far as the scheduler needs to know."""

    LEVERT = "levert"
    """The receiver accepted the message."""
    MIDLERTIDIG_FEIL = "midlertidig_feil"
    """Worth retrying later with backoff (timeouts, 5xx, 4xx SMTP replies, refused connections)."""
    PERMANENT_FEIL = "permanent_feil"
    """Retrying will not help until someone changes the address or the configuration."""


@dataclass(frozen=True)
class Leveringsresultat:
    """Outcome of one delivery attempt.

    ``detalj`` is a short machine-friendly reason such as ``"http 503"`` or ``"smtp 550"``;
    it never holds personal data, so it can go into events and logs as is.
    """

    utfall: Utfall
    detalj: str

    @property
    def levert(self) -> bool:
        """True when the receiver accepted the message."""
        return self.utfall is Utfall.LEVERT


class Kanal(Protocol):
    """A way to deliver a reminder to an address (a URL, an e-mail address, ...).

    ``send`` never raises for delivery problems: it classifies them into a ``Leveringsresultat``
    so the scheduler can record the outcome as an event and decide whether to retry.
    """

    navn: str

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:
        """Try once to deliver ``melding`` to ``adresse``."""
        ...
