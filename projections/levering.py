"""Delivery outcomes without a whole-person recompute (issue 14).

The outbox dispatcher records many outcome events (``LeveringFullfort``, ``LeveringFeilet``,
``LeveringFerdig``; older stores also ``LeveringStartet``) per transaction. When a batch of the log
holds nothing else for a person, what the projections would recompute is known from the rows already
written and the events alone:

- ``paminnelser``: the delivery columns of the reminders the events name, stepped as
  ``domain.sykefravaer.Sykefravaer`` steps its ``Levering`` (attempts, status, retry time, detail);
- ``tidslinje``: one row per event (``lesemodell.leveringsdata``), appended;
- ``saker``: the stream version; milestone statuses are computed as of the Oslo date of the newest
  event, so a delivery on a later day than the rows were computed for takes the full path.

Anything unexpected (a person in quarantine, a version gap, a missing reminder row, a new day) makes
``oppdater`` return False before it writes anything, and the caller recomputes the person. The result
equals the full recompute: ``tests/projections/test_leveringsoppdatering.py`` compares both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select, update

from domain import hendelser as hendelser_
from domain.begreper import Beslutningsstatus
from domain.kalender import oslo_dato
from domain.levering import FEILET, SENDER
from projections.lesemodell import LEVERINGSHENDELSER, leveringsdata, paminnelse_id, utc
from projections.skriving import Maal
from projections.tabeller import milepeler, paminnelser, saker, tidslinje

LEVERINGSTOPICS = frozenset(str(k.TOPIC) for k in LEVERINGSHENDELSER)  # type: ignore[attr-defined]


def bare_levering(topics: Sequence[str]) -> bool:
    """Do these notifications of one person hold delivery outcomes only?"""
    return bool(topics) and all(t in LEVERINGSTOPICS for t in topics)


@dataclass
class _Tilstand:
    levering: str | None
    forsok: int
    endret: dict[str, Any]


def oppdater(conn: Connection, gruppe: Sequence[str], person_id: UUID, hendelser: Sequence[Any], maal: Maal) -> bool:
    """Apply one person's delivery-only events in place; False (nothing written) when a full recompute is needed."""
    hendelser = sorted(hendelser, key=lambda e: int(e.originator_version))
    if not hendelser or not all(isinstance(e, LEVERINGSHENDELSER) for e in hendelser):
        return False
    pid = str(person_id)
    forste, siste = int(hendelser[0].originator_version), int(hendelser[-1].originator_version)
    if siste - forste + 1 != len(hendelser):
        return False
    kt = maal.karantene
    if conn.execute(select(func.count()).where(kt.c.person_id == pid)).scalar_one():
        return False
    skriv: list[Any] = []
    for navn in gruppe:
        steg = _PLANER[navn](conn, maal, pid, person_id, hendelser, forste)
        if steg is None:
            return False
        skriv.extend(steg)
    for s in skriv:
        if isinstance(s, tuple):
            conn.execute(*s)
        else:
            conn.execute(s)
    return True


def _saker(conn: Connection, maal: Maal, pid: str, _p: UUID, hendelser: Sequence[Any], forste: int) -> list[Any] | None:
    st, mt = maal.tabell(saker), maal.tabell(milepeler)
    versjoner = set(conn.execute(select(st.c.versjon).where(st.c.person_id == pid)).scalars())
    if not versjoner:
        return [] if _ingen_saker(conn, maal, pid, forste) else None
    if versjoner != {forste - 1}:
        return None
    vurdert: set[date] = set(conn.execute(select(mt.c.vurdert).where(mt.c.person_id == pid)).scalars())
    ny_dag = oslo_dato(max(e.timestamp for e in hendelser))
    if not vurdert or any(ny_dag > v for v in vurdert):
        return None  # statuses as of a later day: the full path
    return [update(st).where(st.c.person_id == pid).values(versjon=int(hendelser[-1].originator_version))]


def _ingen_saker(conn: Connection, maal: Maal, pid: str, forste: int) -> bool:
    """A person without cases has no saker rows; the stream is known (its timeline) up to ``forste - 1``."""
    tt = maal.tabell(tidslinje)
    kjent = conn.execute(select(func.max(tt.c.versjon)).where(tt.c.person_id == pid)).scalar_one()
    return bool(kjent == forste - 1)


def _tidslinje(
    conn: Connection, maal: Maal, pid: str, p: UUID, hendelser: Sequence[Any], forste: int
) -> list[Any] | None:
    tt = maal.tabell(tidslinje)
    if conn.execute(select(func.max(tt.c.versjon)).where(tt.c.person_id == pid)).scalar_one() != forste - 1:
        return None
    rader = [
        {
            "person_id": pid,
            "versjon": int(e.originator_version),
            "registrert": utc(e.timestamp),
            "case_id": None,
            **leveringsdata(p, e),
        }
        for e in hendelser
    ]
    return [(tt.insert(), rader)]


def _paminnelser(
    conn: Connection, maal: Maal, _pid: str, p: UUID, hendelser: Sequence[Any], _forste: int
) -> list[Any] | None:
    pt = maal.tabell(paminnelser)
    ider = {paminnelse_id(p, str(e.nokkel)) for e in hendelser}
    q = select(pt.c.id, pt.c.levering, pt.c.forsok, pt.c.status).where(pt.c.id.in_(sorted(ider)))
    tilstand: dict[str, _Tilstand] = {}
    for r in conn.execute(q):
        if r.status != Beslutningsstatus.SENT:
            return None
        tilstand[r.id] = _Tilstand(r.levering, int(r.forsok), {})
    if set(tilstand) != ider:
        return None
    for e in hendelser:
        _steg(tilstand[paminnelse_id(p, str(e.nokkel))], e)
    return [
        update(pt).where(pt.c.id == rid).values(levering=t.levering, forsok=t.forsok, **t.endret)
        for rid, t in tilstand.items()
    ]


def _steg(t: _Tilstand, e: Any) -> None:
    """One event, as ``Sykefravaer``'s delivery handlers apply it to a ``Levering``."""
    if isinstance(e, hendelser_.LeveringStartet):
        t.levering, t.forsok = SENDER, int(e.forsok)
        t.endret["lease_til"] = utc(e.lease_til)
    elif isinstance(e, hendelser_.LeveringFeilet):
        if t.levering != SENDER:
            t.forsok += 1
        t.levering = FEILET
        t.endret |= {"levering_detalj": e.detalj, "neste_forsok": utc(e.neste_forsok), "lease_til": None}
    elif isinstance(e, hendelser_.LeveringFerdig):
        if t.levering != SENDER:
            t.forsok += 1
        t.levering = str(e.status)
        t.endret |= {"levering_detalj": e.detalj, "lease_til": None}
    # LeveringFullfort: the channel joins ``levert_kanaler``, which no row shows


_PLANER = {"saker": _saker, "tidslinje": _tidslinje, "paminnelser": _paminnelser}
