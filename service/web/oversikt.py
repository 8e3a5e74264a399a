"""NAV's overview: the cases of the user's offices (ACC-8), search, sorting, filters with counts.

The milestone filters mean what the API's list filters mean (``projections.lister``): they hold for one
and the same milestone, and ``status`` is the status on the read date from the status course
(``milepel_status``), so no query depends on a clock. The office views are ``service.usecases.navvisning``'s
("Mine enheter", "Min oversikt", "Ufordelte", "Uten enhet", "Alle saker"); ``uten_leder`` is a case with no
nærmeste leder in the read model. Search is by name or the start of the fnr (PRIV-4). Counts are numbers
only, no personal data, so they are not logged; every case shown in the list is (AUD-1). An auditor sees
every case, pseudonymised (ACC-7): no names, no identity numbers, no name search.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, exists, func, select

from domain.innsyn import skjult_planstatus, vis_milepeler
from domain.milepeler import KINDS, Status
from domain.tilgang import Bruker, Rolle, Tilgang, vurder_sak
from projections import lister, virksomheter
from projections.tabeller import milepeler, saker
from service.usecases.history import pseudonymiser
from service.usecases.navvisning import VISNINGER, nav_filter
from service.usecases.queries import Leser, kontekst
from service.usecases.services import Tjenester
from service.web.tidslinjedata import frist_status

SIDESTORRELSE: Final = 25
STATUSER: Final = tuple(s.value for s in Status)
# Sortable columns: the key in the query and the column(s) it orders by.
SORTERINGER: Final = {
    "navn": (saker.c.navn,),
    "fnr": (saker.c.fnr,),
    "virksomhet": (saker.c.orgnr,),
    "start": (saker.c.start,),
    "enhet": (saker.c.nav_enhet,),
    "veileder": (saker.c.veileder_id,),
}


@dataclass(frozen=True)
class Filter:
    milepel: str | None = None
    status: str | None = None
    frist_fra: date | None = None
    frist_til: date | None = None
    uten_leder: bool = False
    apen: bool | None = True  # open on the read date (TF-4); None: all
    skjult_status: str | None = None  # ACC-9: set by ``oversikt`` for readers who see the plan as shared only
    sok: str | None = None
    visning: str | None = None  # ACC-8: NAV's office view; None: the token's default
    sorter: str | None = None  # a key of SORTERINGER; None: by the chosen milestone, else newest start
    synkende: bool = False


def betingelser(f: Filter, sf: lister.Sakfilter, idag: date) -> list[ColumnElement[bool]]:
    b: list[ColumnElement[bool]] = lister.enhetsbetingelser(sf)
    if f.apen is not None:
        b.append(saker.c.lukkes > idag if f.apen else saker.c.lukkes <= idag)
    if f.uten_leder:
        b.append(saker.c.leder_id.is_(None))
    if any(v is not None for v in (f.milepel, f.status, f.frist_fra, f.frist_til)):
        b.append(exists(lister.milepel_treff(f, idag)))
    return b


def _enhetsfilter(b: Bruker | None, f: Filter) -> lister.Sakfilter:
    """ACC-8: the office view of a NAV reader; the name search except for an auditor (ACC-7)."""
    auditor = b is not None and b.rolle is Rolle.AUDITOR
    sf = lister.Sakfilter(sok=None if auditor else f.sok)
    if b is not None and b.rolle is Rolle.NAV:
        sf, _ = nav_filter(b, f.visning, sf)
    return sf


def tell(conn: Connection, f: Filter, idag: date, b: Bruker | None = None) -> int:
    q = select(func.count()).select_from(saker)
    for v in betingelser(f, _enhetsfilter(b, f), idag):
        q = q.where(v)
    return int(conn.execute(q).scalar_one())


def rader(
    conn: Connection, f: Filter, idag: date, forskyvning: int, antall: int, b: Bruker | None = None
) -> list[dict[str, Any]]:
    """Case rows in the chosen order (ties by case_id)."""
    q = select(saker)
    for v in betingelser(f, _enhetsfilter(b, f), idag):
        q = q.where(v)
    if f.sorter in SORTERINGER:
        kolonner = SORTERINGER[f.sorter]
        if b is not None and b.rolle is Rolle.AUDITOR and f.sorter in ("navn", "fnr"):
            kolonner = (saker.c.case_id,)  # ACC-7: no order that tells names or identity numbers apart
        rekkefolge = [k.is_(None) for k in kolonner] + [k.desc() if f.synkende else k.asc() for k in kolonner]
        q = q.order_by(*rekkefolge, saker.c.case_id)
    elif f.milepel is not None:
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
    uten_leder: int
    per_visning: dict[str, int]


def tellinger(conn: Connection, b: Bruker, f: Filter, idag: date) -> Tellinger:
    visninger = VISNINGER if b.rolle is Rolle.NAV else ()
    return Tellinger(
        totalt=tell(conn, f, idag, b),
        per_milepel={k: tell(conn, replace(f, milepel=k), idag, b) for k in KINDS},
        per_status={s: tell(conn, replace(f, status=s), idag, b) for s in STATUSER},
        uten_leder=tell(conn, replace(f, uten_leder=True), idag, b),
        per_visning={v: tell(conn, replace(f, visning=v), idag, b) for v in visninger},
    )


@dataclass(frozen=True)
class Oversikt:
    linjer: list[dict[str, Any]]
    tellinger: Tellinger
    side: int
    sider: int
    visning: str | None


def oversikt(t: Tjenester, b: Bruker, request_id: str | None, f: Filter, side: int) -> Oversikt:
    """One page of the overview for NAV or an auditor; each case shown is decided by ``vurder_sak`` and
    logged (AUD-1). An auditor sees no names and no identity numbers (ACC-7)."""
    leser = Leser(t, b, request_id)
    idag = leser.idag
    visning = nav_filter(b, f.visning, lister.Sakfilter())[1] if b.rolle is Rolle.NAV else None
    f = replace(f, skjult_status=skjult_planstatus(b.rolle), visning=visning)
    with t.engine.begin() as conn:
        tall = tellinger(conn, b, f, idag)
        sider = max((tall.totalt + SIDESTORRELSE - 1) // SIDESTORRELSE, 1)
        side = min(max(side, 1), sider)
        vist: list[tuple[dict[str, Any], Tilgang]] = []
        for r in rader(conn, f, idag, (side - 1) * SIDESTORRELSE, SIDESTORRELSE, b):
            tg = vurder_sak(b, kontekst(r, []), idag, t.app.innstillinger)
            if tg is not None:
                vist.append((r, tg))
        ms = lister.milepeler_pa(conn, [r["case_id"] for r, _ in vist], idag)
        navn = virksomheter.navn(conn, {r["orgnr"] for r, tg in vist if tg.synlighet.fnr})
        leser.revider([tg for _, tg in vist], "web:oversikt")
    linjer = [_linje(t, r, tg, ms.get(r["case_id"], []), idag, navn) for r, tg in vist]
    return Oversikt(linjer, tall, side, sider, visning)


def _linje(
    t: Tjenester, r: dict[str, Any], tg: Tilgang, ms: list[dict[str, Any]], idag: date, navn: dict[str, str | None]
) -> dict[str, Any]:
    identitet = tg.synlighet.fnr  # PRIV-4: names go with the identity; an auditor sees pseudonyms (ACC-7)
    leder = r["leder_id"]
    if leder and not identitet:
        leder = pseudonymiser(leder, t.pseudonym)  # a leader id may be a fødselsnummer (PRIV-3)
    return {
        "case_id": r["case_id"],
        "fnr": r["fnr"] if identitet else None,
        "navn": r["navn"] if identitet else None,
        "orgnr": r["orgnr"],
        "virksomhet": navn[r["orgnr"]] if identitet else None,
        "start": r["start"],
        "slutt": r["slutt"],
        "apen": r["lukkes"] > idag,
        "leder_id": leder,
        "leder_navn": r["leder_navn"] if identitet else None,
        "nav_enhet": r["nav_enhet"],
        "veileder_id": r["veileder_id"],
        "milepeler": [
            m | {"farge": frist_status(m["status"], m["due"], idag)}
            for m in vis_milepeler(tg, ms)  # ACC-9
        ],
    }
