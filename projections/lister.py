"""Lookups and lists over the read models for the HTTP API: filters and keyset pagination.

Keyset pagination: a page is "the next ``antall`` rows after this key" in a fixed order with a
unique tie-breaker (``case_id``, reminder ``id``), so pages neither skip nor repeat rows while
other rows are written. Statuses are read from the status course (``milepel_status``) at the
asked date, as ``projections.sporringer`` does, so no query depends on a clock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select
from sqlalchemy.sql import Select

from domain.begreper import Beslutningsstatus
from domain.milepeler import KINDS, for_sent
from projections.sporringer import statuser_fra
from projections.tabeller import milepel_status, milepeler, paminnelser, posisjoner, saker, tidslinje

SENDT = Beslutningsstatus.SENT


def laveste_posisjon(conn: Connection) -> int:
    """The notification position every projection has reached (read-your-writes waits for this)."""
    return int(conn.execute(select(func.min(posisjoner.c.posisjon))).scalar_one_or_none() or 0)


def sak(conn: Connection, case_id: str) -> dict[str, Any] | None:
    """The case summary row, or None."""
    rad = conn.execute(select(saker).where(saker.c.case_id == case_id)).mappings().first()
    return dict(rad) if rad else None


def person_tidslinje(
    conn: Connection, person_ids: Collection[str], typer: Collection[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Timeline rows per person, in stream order; only the given event types when ``typer`` is set."""
    ut: dict[str, list[dict[str, Any]]] = {p: [] for p in person_ids}
    if not person_ids:
        return ut
    q = select(tidslinje).where(tidslinje.c.person_id.in_(list(person_ids)))
    if typer is not None:
        q = q.where(tidslinje.c.hendelse.in_(list(typer)))
    for r in conn.execute(q.order_by(tidslinje.c.person_id, tidslinje.c.versjon)).mappings():
        ut[r["person_id"]].append(dict(r))
    return ut


def milepeler_pa(conn: Connection, case_ids: Sequence[str], idag: date) -> dict[str, list[dict[str, Any]]]:
    """Each case's milestones (MS-1 order) with the status valid at the end of ``idag`` (MS-3)."""
    if not case_ids:
        return {}
    q = (
        select(milepel_status)
        .where(milepel_status.c.case_id.in_(list(case_ids)))
        .order_by(milepel_status.c.case_id, milepel_status.c.kind, milepel_status.c.fra)
    )
    status = statuser_fra(conn.execute(q).mappings(), idag)
    frister = {
        (r.case_id, r.kind): r.due
        for r in conn.execute(
            select(milepeler.c.case_id, milepeler.c.kind, milepeler.c.due).where(
                milepeler.c.case_id.in_(list(case_ids))
            )
        )
    }
    return milepeler_fra(case_ids, status, frister)


def milepeler_fra(
    case_ids: Sequence[str],
    status: Mapping[tuple[str, str], Mapping[str, Any]],
    frister: Mapping[tuple[str, str], date | None],
) -> dict[str, list[dict[str, Any]]]:
    """Each case's milestones (MS-1 order) from its statuses at a date (``statuser_fra``) and due dates."""
    ut: dict[str, list[dict[str, Any]]] = {}
    for cid in case_ids:
        liste = []
        for kind in KINDS:
            st = status.get((cid, kind))
            if st is None:
                continue
            due = frister.get((cid, kind))
            m: dict[str, Any] = {"kind": kind, "due": due, "status": st["status"], "met_on": st["met_on"]}
            m["late"] = for_sent(kind, due, st["status"], st["met_on"])  # MS-7
            liste.append(m)
        ut[cid] = liste
    return ut


@dataclass(frozen=True)
class Sakfilter:
    """Filters of a case list; every one given must hold. Milestone filters hold for one milestone."""

    person_id: str | None = None
    orgnr: str | None = None
    orgnr_i: frozenset[str] | None = None  # one of these virksomheter
    leder_id: str | None = None  # the leader the read model holds for the case
    leder_kandidat: str | None = None  # some narmeste_leder command of the case's pair names this leader
    slutt_minst: date | None = None  # the case's end on or after this date
    start_hoyst: date | None = None  # the case's start on or before this date
    apen: bool | None = None  # open at the end of idag (TF-4)
    milepel: str | None = None
    status: str | None = None
    frist_fra: date | None = None
    frist_til: date | None = None
    skjult_status: str | None = None  # ACC-9: a milestone whose status this reader may not filter on
    sok: str | None = None  # PRIV-4: part of the employee's name, or the start of the fnr
    nav_enheter: frozenset[str] | None = None  # ACC-8: the person's NAV office is one of these
    uten_enhet: bool = False  # ACC-8: the person has no NAV office yet
    veileder_id: str | None = None  # ACC-8: assigned to this veileder ("Min oversikt")
    ufordelt_veileder: bool = False  # ACC-8: no veileder assigned ("Ufordelte")


def sokebetingelse(sok: str) -> ColumnElement[bool] | None:
    """PRIV-4: a name search (every word a part of the name, any case) or, for digits, the fnr's start."""
    tekst = sok.strip()
    if not tekst:
        return None
    kompakt = tekst.replace(" ", "")
    if kompakt.isdigit():
        return saker.c.fnr.startswith(kompakt, autoescape=True)
    ord_ = [o for o in tekst.lower().split() if o]
    return and_(*(func.lower(saker.c.navn).contains(o, autoescape=True) for o in ord_))


def enhetsbetingelser(f: Sakfilter) -> list[ColumnElement[bool]]:
    """ACC-8: the office, veileder and search filters, shared by the API list and NAV's overview."""
    b: list[ColumnElement[bool]] = []
    if f.nav_enheter is not None:
        b.append(saker.c.nav_enhet.in_(sorted(f.nav_enheter)))
    if f.uten_enhet:
        b.append(saker.c.nav_enhet.is_(None))
    if f.veileder_id is not None:
        b.append(saker.c.veileder_id == f.veileder_id)
    if f.ufordelt_veileder:
        b.append(saker.c.veileder_id.is_(None))
    if f.sok is not None:
        sok = sokebetingelse(f.sok)
        if sok is not None:
            b.append(sok)
    return b


def list_saker(
    conn: Connection, f: Sakfilter, idag: date, etter: tuple[date, str] | None, antall: int
) -> list[dict[str, Any]]:
    """Case rows, newest start first (ties: case_id descending), after the keyset ``etter``."""
    q = select(saker)
    for betingelse in _betingelser(f, idag):
        q = q.where(betingelse)
    if etter is not None:
        start, case_id = etter
        q = q.where(or_(saker.c.start < start, and_(saker.c.start == start, saker.c.case_id < case_id)))
    q = q.order_by(saker.c.start.desc(), saker.c.case_id.desc()).limit(antall)
    return [dict(r) for r in conn.execute(q).mappings()]


def _betingelser(f: Sakfilter, idag: date) -> list[ColumnElement[bool]]:
    b: list[ColumnElement[bool]] = enhetsbetingelser(f)
    if f.person_id is not None:
        b.append(saker.c.person_id == f.person_id)
    if f.orgnr is not None:
        b.append(saker.c.orgnr == f.orgnr)
    if f.orgnr_i is not None:
        b.append(saker.c.orgnr.in_(sorted(f.orgnr_i)))
    if f.leder_id is not None:
        b.append(saker.c.leder_id == f.leder_id)
    if f.slutt_minst is not None:
        b.append(saker.c.slutt >= f.slutt_minst)
    if f.start_hoyst is not None:
        b.append(saker.c.start <= f.start_hoyst)
    if f.apen is not None:
        b.append(saker.c.lukkes > idag if f.apen else saker.c.lukkes <= idag)
    if f.leder_kandidat is not None:
        b.append(
            exists(
                select(tidslinje.c.versjon).where(
                    tidslinje.c.person_id == saker.c.person_id,
                    tidslinje.c.hendelse == "narmeste_leder",
                    tidslinje.c.data["leder_id"].as_string() == f.leder_kandidat,
                    tidslinje.c.data["orgnr"].as_string() == saker.c.orgnr,
                )
            )
        )
    if any(v is not None for v in (f.milepel, f.status, f.frist_fra, f.frist_til)):
        b.append(exists(milepel_treff(f, idag)))
    return b


class Milepelfilter(Protocol):
    @property
    def milepel(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def frist_fra(self) -> date | None: ...
    @property
    def frist_til(self) -> date | None: ...
    @property
    def skjult_status(self) -> str | None: ...


def milepel_treff(f: Milepelfilter, idag: date) -> Select[Any]:
    """Milestones of the case in ``saker`` matching kind, due range and the status valid on ``idag``
    (read from the status course, as ``sporringer.statuser_pa`` does)."""
    m = milepeler
    q = select(m.c.kind).where(m.c.case_id == saker.c.case_id)
    if f.milepel is not None:
        q = q.where(m.c.kind == f.milepel)
    if f.frist_fra is not None:
        q = q.where(m.c.due >= f.frist_fra)
    if f.frist_til is not None:
        q = q.where(m.c.due <= f.frist_til)
    if f.status is not None and f.skjult_status is not None:
        q = q.where(m.c.kind != f.skjult_status)  # ACC-9: its status must not decide what is listed
    if f.status is not None:
        ms = milepel_status.alias("ms")
        tidligere = milepel_status.alias("tidligere")
        forst = ~exists(
            select(tidligere.c.fra).where(
                tidligere.c.case_id == ms.c.case_id, tidligere.c.kind == ms.c.kind, tidligere.c.fra < ms.c.fra
            )
        )
        gyldig = or_(
            and_(ms.c.fra <= idag, or_(ms.c.til.is_(None), ms.c.til > idag)),
            and_(ms.c.fra > idag, forst),  # before the course starts, its first status (as statuser_pa)
        )
        q = q.where(
            exists(
                select(ms.c.fra).where(
                    ms.c.case_id == m.c.case_id, ms.c.kind == m.c.kind, ms.c.status == f.status, gyldig
                )
            )
        )
    return q


def innboks(
    conn: Connection,
    *,
    rolle: str,
    mottaker_id: str | None = None,
    person_id: str | None = None,
    etter: tuple[datetime, str] | None = None,
    antall: int = 50,
) -> list[dict[str, Any]]:
    """Reminders sent to one recipient, newest first (ties: id descending), after the keyset ``etter``.

    The arbeidstaker is addressed by person (the table holds no fnr, PRIV-3), everyone else by id.
    """
    p = paminnelser
    q = select(p).where(p.c.status == SENDT, p.c.rolle == rolle)
    if person_id is not None:
        q = q.where(p.c.person_id == person_id)
    if mottaker_id is not None:
        q = q.where(p.c.mottaker_id == mottaker_id)
    if etter is not None:
        t, rid = etter
        q = q.where(or_(p.c.besluttet < t, and_(p.c.besluttet == t, p.c.id < rid)))
    q = q.order_by(p.c.besluttet.desc(), p.c.id.desc()).limit(antall)
    return [dict(r) for r in conn.execute(q).mappings()]
