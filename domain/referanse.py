"""Referansen: which person's stream holds a sick note or a meeting id (VAL-4, VAL-5).

``sykmelding_annullert``, ``dialogmote_avholdt`` and ``dialogmote_avlyst`` name only an id.
A reference stream per id, created in the same atomic save as the person's event, finds the
person and makes an id unique across all people: a second create of the same id conflicts.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Referanse(Aggregate):
    """Points from a document or meeting id to the person's stream."""

    TOPIC = "syfo:Referanse"

    class Created(Aggregate.Created):
        TOPIC = "syfo:Referanse.Created.v1"  # required by explicit topics; not used

    class Registrert(Created):
        TOPIC = "syfo:Referanse.Registrert.v1"
        art: str
        ident: str
        person_id: UUID

    @staticmethod
    def create_id(art: str, ident: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/syfo/ref/{art}/{ident}")

    @event(Registrert)
    def __init__(self, art: str, ident: str, person_id: UUID, timestamp: datetime) -> None:
        self.art = art
        self.ident = ident
        self.person_id = person_id
