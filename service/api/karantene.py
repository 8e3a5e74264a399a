"""Commands for a person whose stream is quarantined (``projections.karantene``).

Whether a command fits a person's cases can only be decided from the person's stream; when that
stream cannot be computed, no command for the person can be checked, so none is stored: the answer
is 409 problem+json ``quarantined``, before anything is written. Commands for everyone else go on as
usual. The person can still be erased (``service.compliance.erasure``), and the quarantine ends when the
stream can be computed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.referanse import Referanse
from projections import karantene
from service.store.application import REF_FOR_TYPE
from service.usecases.problems import ApiFeil

if TYPE_CHECKING:
    from domain.kommandoer import Kommando
    from service.usecases.services import Tjenester

SLUG = "quarantined"
DETALJ = (
    "the person's stored events cannot be computed (quarantined), so this command cannot be checked; nothing was stored"
)


def person_for(t: Tjenester, k: Kommando) -> UUID | None:
    """The person stream a command goes to; None for a virksomhet or an unknown reference."""
    if k.type == "virksomhet":
        return None
    if k.type in REF_FOR_TYPE:
        try:
            ref: Referanse = t.app.repository.get(Referanse.create_id(REF_FOR_TYPE[k.type], k["id"]))
        except AggregateNotFoundError:
            return None
        return ref.person_id
    return t.app.person_for_fnr(k.fnr)


def feil() -> ApiFeil:
    return ApiFeil(409, DETALJ, slug=SLUG, field="fnr")


@dataclass(frozen=True)
class Vakt:
    """The command's person and the stream's stored version before the command was applied."""

    t: Tjenester
    person_id: UUID | None
    versjon: int

    def forklar(self, e: Exception) -> None:
        """The command failed unexpectedly: when the person's stream cannot be computed (the runner has
        not quarantined it yet) and nothing was stored, answer 409 ``quarantined`` instead of 500.
        Otherwise return, and the caller re-raises."""
        if self.person_id is None or _versjon(self.t, self.person_id) != self.versjon:
            return
        if karantene.prov(self.t.app, self.person_id) is not None:
            raise feil() from e


def sjekk(t: Tjenester, k: Kommando) -> Vakt:
    """409 ``quarantined`` when the command's person is in quarantine: the read model says so, or,
    for a stream with events the runner has not projected yet, the stream fails to compute now."""
    pid = person_for(t, k)
    if pid is None:
        return Vakt(t, None, 0)
    with t.engine.connect() as conn:
        if karantene.i_karantene(conn, pid):
            raise feil()
        projisert = karantene.projisert_versjon(conn, pid)
    versjon = _versjon(t, pid)
    if projisert < versjon and karantene.prov(t.app, pid) is not None:
        raise feil()
    return Vakt(t, pid, versjon)


def _versjon(t: Tjenester, pid: UUID) -> int:
    siste = t.app.recorder.select_events(pid, desc=True, limit=1)
    return int(siste[0].originator_version) if siste else 0
