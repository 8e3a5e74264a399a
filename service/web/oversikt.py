"""NAV's overview: cases with filters (milestone, due before/after, status today, ufordelte) and counts.

The filters mean what the API's list filters mean (``projections.lister``): milestone filters hold
for one and the same milestone, and ``status`` is the status on the read date from the status course
(``milepel_status``), so no query depends on a clock. ``ufordelt`` is a case with no nærmeste leder in
the read model. Counts are numbers only, no personal data, so they are not logged; every case shown
in the list is (AUD-1).

The command vocabulary has no NAV unit (NAV-kontor), so NAV's overview cannot be narrowed to a
unit: every NAV user sees every case (ACC-6 as ``domain.tilgang`` implements it). This is a known gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, exists, func, select

from domain.innsyn import skjult_planstatus, vis_milepeler
from domain.milepeler import KINDS, Status
from domain.tilgang import Bruker, Tilgang, vurder_sak
from projections import lister
from projections.tabeller import milepeler, saker
from service.usecases.history import pseudonymiser
from service.usecases.queries import Leser, kontekst
from service.usecases.services import Tjenester
from service.web.tidslinjedata import frist_status

SIDESTORRELSE: Final = 25
STATUSER: Final = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Filter:
    milepel: str | None = None
    status: str | None = None
    frist_fra: date | None = None
    frist_til: date | None = None
    ufordelt: bool = False
    apen: bool | None = True  # open on the read date (TF-4); None: all
    skjult_status: str | None = None  # ACC-9: set by ``oversikt`` for readers who see the plan as shared only


def betingelser(f: Filter, idag: date) -> list[ColumnElement[bool]]:
    b: list[ColumnElement[bool]] = []
    if f.apen is not None:
        b.append(saker.c.lukkes > idag if f.apen else saker.c.lukkes <= idag)
    if f.ufordelt:
        b.append(saker.c.leder_id.is_(None))
    if any(v is not None for v in (f.milepel, f.status, f.frist_fra, f.frist_til)):
        b.append(exists(lister.milepel_treff(f, idag)))
    return b


def tell(conn: Connection, f: Filter, idag: date) -> int:
    q = select(func.count()).select_from(saker)
    for b in betingelser(f, idag):
        q = q.where(b)
    return int(conn.execute(q).scalar_one())


def rader(conn: Connection, f: Filter, idag: date, forskyvning: int, antall: int) -> list[dict[str, Any]]:
    """Case rows: by the chosen milestone's due date, else newest start first; ties by case_id."""
    q = select(saker)
    for b in betingelser(f, idag):
        q = q.where(b)
    if f.milepel is not None:
        due = (
            select(milepeler.c.due)
            .where(milepeler.c.case_id == saker.c.case_id, milepeler.c.kind == f.milepel)
            .scalar_subquery()
        )
        q = q.order_by(due.is_(None), due, saker.c.case_id)
    else:
        q = q.order_by(saker.c.start.desc(), saker.c.case_id.desc())
    return [dict(r) for r in conn.execute(q.offset(forskyvning).limit(antall)).mappings()]


@dataclass(frozen=True)
class Tellinger:
    """How many cases match the filters, and how many would with each other choice of one filter."""

    totalt: int
    per_milepel: dict[str, int]
    per_status: dict[str, int]
    ufordelte: int


def tellinger(conn: Connection, f: Filter, idag: date) -> Tellinger:
    return Tellinger(
        totalt=tell(conn, f, idag),
        per_milepel={k: tell(conn, replace(f, milepel=k), idag) for k in KINDS},
        per_status={s: tell(conn, replace(f, status=s), idag) for s in STATUSER},
        ufordelte=tell(conn, replace(f, ufordelt=True), idag),
    )


@dataclass(frozen=True)
class Oversikt:
    linjer: list[dict[str, Any]]
    tellinger: Tellinger
    side: int
    sider: int


def oversikt(t: Tjenester, b: Bruker, request_id: str | None, f: Filter, side: int) -> Oversikt:
    """One page of the overview for NAV or an auditor; each case shown is decided by ``vurder_sak`` and
    logged (AUD-1). An auditor sees no identity numbers (ACC-7)."""
    leser = Leser(t, b, request_id)
    idag = leser.idag
    f = replace(f, skjult_status=skjult_planstatus(b.rolle))
    with t.engine.begin() as conn:
        tall = tellinger(conn, f, idag)
        sider = max((tall.totalt + SIDESTORRELSE - 1) // SIDESTORRELSE, 1)
        side = min(max(side, 1), sider)
        vist: list[tuple[dict[str, Any], Tilgang]] = []
        for r in rader(conn, f, idag, (side - 1) * SIDESTORRELSE, SIDESTORRELSE):
            tg = vurder_sak(b, kontekst(r, []), idag, t.app.innstillinger)
            if tg is not None:
                vist.append((r, tg))
        ms = lister.milepeler_pa(conn, [r["case_id"] for r, _ in vist], idag)
        leser.revider([tg for _, tg in vist], "web:oversikt")
    linjer = []
    for r, tg in vist:
        leder = r["leder_id"]
        if leder and not tg.synlighet.fnr:
            leder = pseudonymiser(leder, t.pseudonym)  # a leader id may be a fødselsnummer (PRIV-3)
        linjer.append(
            {
                "case_id": r["case_id"],
                "fnr": r["fnr"] if tg.synlighet.fnr else None,
                "orgnr": r["orgnr"],
                "start": r["start"],
                "slutt": r["slutt"],
                "apen": r["lukkes"] > idag,
                "leder_id": leder,
                "milepeler": [
                    m | {"farge": frist_status(m["status"], m["due"], idag)}
                    for m in vis_milepeler(tg, ms.get(r["case_id"], []))  # ACC-9
                ],
            }
        )
    return Oversikt(linjer, tall, side, sider)
