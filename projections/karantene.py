"""Quarantine: a person whose stream a projection cannot compute stops no one else.

Any exception while one person's stream is loaded, decoded or turned into rows (an event that does
not decode, a date the rules cannot count with, a row the database refuses) quarantines that person
in that projection: their rows there are removed, a ``karantene`` row says so (stream id, version,
log position, the exception's class and where it was raised), and the runner moves on. The row goes
as soon as the stream can be computed again: a later event of the person, or a rebuild.

Failures of the machinery itself are not the stream's fault and are never quarantined: they stop the
batch, which is retried (the read models stay as they were, and readiness reports it). Those are the
event store's and the read models' database errors, and a data key that cannot be unwrapped (a wrong
master key would otherwise quarantine everyone).

Nothing here logs or stores an identity number or an exception's text (it may quote event data).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import PersistenceError
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from projections.tabeller import karantene, saker, tidslinje

# Not the stream's fault: the batch fails and is retried, nothing is quarantined.
INFRASTRUKTUR: tuple[type[BaseException], ...] = (PersistenceError, OperationalError, InterfaceError, InvalidTag)


def er_infrastruktur(e: BaseException) -> bool:
    return isinstance(e, INFRASTRUKTUR)


def er_radfeil(e: BaseException) -> bool:
    """A row the read models' database refused (a value too long, a duplicate key): the person's fault."""
    return isinstance(e, DBAPIError) and not er_infrastruktur(e)


@dataclass(frozen=True)
class Karantene:
    """Why one person's stream could not be computed by one projection."""

    person_id: UUID
    versjon: int
    posisjon: int
    feil: str
    sted: str

    @classmethod
    def fra(cls, e: BaseException, person_id: UUID, versjon: int, posisjon: int) -> Karantene:
        return cls(person_id, versjon, posisjon, type(e).__name__[:80], _sted(e))

    def rad(self, projeksjon: str, case_ids: list[str]) -> dict[str, Any]:
        return {
            "projeksjon": projeksjon,
            "person_id": str(self.person_id),
            "versjon": self.versjon,
            "posisjon": self.posisjon,
            "feil": self.feil,
            "sted": self.sted,
            "case_ids": case_ids,
        }


def _sted(e: BaseException) -> str:
    """The innermost frame of the traceback as ``package/module.py:line`` (no values, no text)."""
    ramme = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    if not ramme:
        return "?"
    deler = PurePath(ramme[0].filename).parts[-2:]
    return f"{'/'.join(deler)}:{ramme[0].lineno}"[:200]


def kjente_saker(conn: Connection, person_ider: list[str]) -> dict[str, list[str]]:
    """The case ids the read models show (or showed, before a quarantine) for these persons."""
    ut: dict[str, set[str]] = {p: set() for p in person_ider}
    if not person_ider:
        return {}
    for pid, case_id in conn.execute(
        select(saker.c.person_id, saker.c.case_id).where(saker.c.person_id.in_(person_ider))
    ):
        ut[pid].add(case_id)
    q = select(karantene.c.person_id, karantene.c.case_ids).where(karantene.c.person_id.in_(person_ider))
    for pid, ider in conn.execute(q):
        ut[pid].update(ider or [])
    return {p: sorted(c) for p, c in ut.items()}


# ---------------------------------------------------------------- reading


def antall_personer(conn: Connection) -> int:
    """How many persons are quarantined in at least one projection (readiness, the metric)."""
    return int(conn.execute(select(func.count(func.distinct(karantene.c.person_id)))).scalar_one())


def i_karantene(conn: Connection, person_id: UUID) -> bool:
    q = select(karantene.c.person_id).where(karantene.c.person_id == str(person_id)).limit(1)
    return conn.execute(q).first() is not None


def projisert_versjon(conn: Connection, person_id: UUID) -> int:
    """The stream version the timeline read model was last computed from (0: never)."""
    q = select(func.max(tidslinje.c.versjon)).where(tidslinje.c.person_id == str(person_id))
    return int(conn.execute(q).scalar_one_or_none() or 0)


def liste(conn: Connection) -> list[dict[str, Any]]:
    """Every quarantine row, by person and projection."""
    q = select(karantene).order_by(karantene.c.person_id, karantene.c.projeksjon)
    return [dict(r) for r in conn.execute(q).mappings()]


def prov(kilde: Any, person_id: UUID) -> Karantene | None:
    """Can the person's stream be computed now? Why not, or None (``kilde``: ``oppdaterer.Kilde``)."""
    from projections.lesemodell import BYGGERE

    try:
        strom = kilde.strom(person_id)
        if strom is not None:
            for bygg in BYGGERE.values():
                bygg(strom, kilde.innstillinger)
    except Exception as e:
        if er_infrastruktur(e):
            raise
        return Karantene.fra(e, person_id, 0, 0)
    return None
