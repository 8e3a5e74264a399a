"""The reminder page ``/varsler`` (issue 14): a user's sent reminders in plain bokmål, read or unread.

Each reminder is one the user received (RP-9; the arbeidstaker by person, ACC-5), named by its
milestone, the employee's name and the milestone's deadline: "Oppfølgingsplan for Kari Nordmann:
frist 18. nov. 2026, 7 dager igjen". The name (the ``person`` command, PRIV-4) is shown only when the
user may read the case on the day (``domain.tilgang.vurder_sak``); otherwise a neutral label. The
page shows case data, so the read is logged (AUD-1), one record per case, as the inbox API is.

Read marks are the user's own (``varsler_lest``), keyed by their pseudonymous actor id (PRIV-3).
They are not events: marking a reminder read changes nothing the rules decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Connection, Engine, and_, func, insert, select

from domain.begreper import Beslutningsstatus
from domain.tilgang import Bruker, Rolle, kan_lese_innboks, vurder_sak
from projections import lister
from projections.tabeller import milepeler, paminnelser, varsler_lest
from service.compliance import audit as revisjon
from service.usecases.services import Tjenester
from service.usecases.views import kontekst

MAKS_ANTALL: Final = 200
NOYTRAL: Final = "en sykmeldt"
"""The label when the user may not see the employee's name (PRIV-4)."""


@dataclass(frozen=True)
class Varsel:
    """One reminder as the page shows it; ``regel`` goes only into the "Detaljer" fold-out."""

    id: str
    case_id: str | None
    milepel: str
    stage: str
    regel: str
    navn: str
    frist: date
    sendt: datetime
    lest: bool


def _mottaker(b: Bruker) -> Any:
    """The rows addressed to ``b`` (RP-9: NAV's tasks go to "NAV"; the arbeidstaker by person)."""
    p = paminnelser.c
    hvem = (
        p.person_id == b.person_id
        if b.rolle is Rolle.AT
        else p.mottaker_id == ("NAV" if b.rolle is Rolle.NAV else b.sub)
    )
    return and_(p.status == Beslutningsstatus.SENT, p.rolle == b.rolle.value, hvem)


def _aktor(t: Tjenester, b: Bruker) -> str:
    return revisjon.aktor_id(b, t.pseudonym)


def uleste(engine: Engine, t: Tjenester, b: Bruker) -> int:
    """How many of ``b``'s reminders are not marked read (the page header's count)."""
    if not kan_lese_innboks(b):
        return 0
    p, lest = paminnelser.c, varsler_lest.c
    q = (
        select(func.count())
        .select_from(
            paminnelser.outerjoin(varsler_lest, and_(lest.paminnelse_id == p.id, lest.aktor_id == _aktor(t, b)))
        )
        .where(_mottaker(b), lest.paminnelse_id.is_(None))
    )
    with engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def marker_lest(t: Tjenester, b: Bruker, ider: list[str] | None) -> int:
    """Mark ``ider`` (all when None) read for ``b``; ids that are not ``b``'s own reminders are ignored."""
    if not kan_lese_innboks(b):
        return 0
    p, lest = paminnelser.c, varsler_lest.c
    aktor = _aktor(t, b)
    q = (
        select(p.id, p.person_id)
        .select_from(paminnelser.outerjoin(varsler_lest, and_(lest.paminnelse_id == p.id, lest.aktor_id == aktor)))
        .where(_mottaker(b), lest.paminnelse_id.is_(None))
    )
    if ider is not None:
        q = q.where(p.id.in_(ider[:MAKS_ANTALL]))
    naa = t.naa().astimezone(UTC)
    with t.engine.begin() as conn:
        rader = [
            {"aktor_id": aktor, "paminnelse_id": r.id, "person_id": r.person_id, "lest": naa} for r in conn.execute(q)
        ]
        if rader:
            conn.execute(insert(varsler_lest), rader)
    return len(rader)


class Varselliste:
    """The reminders of one user for one request."""

    def __init__(self, t: Tjenester, b: Bruker, request_id: str | None) -> None:
        self.t, self.b, self.request_id = t, b, request_id
        self.idag = t.idag()
        self._navn: dict[str, str | None] = {}

    def hent(self) -> list[Varsel]:
        """Newest first, at most ``MAKS_ANTALL``; the read is logged (AUD-1)."""
        from service.usecases.queries import Leser

        b = self.b
        if not kan_lese_innboks(b):
            return []
        p, lest = paminnelser.c, varsler_lest.c
        q = (
            select(paminnelser, lest.lest.label("lest_tid"))
            .select_from(
                paminnelser.outerjoin(
                    varsler_lest, and_(lest.paminnelse_id == p.id, lest.aktor_id == _aktor(self.t, b))
                )
            )
            .where(_mottaker(b))
            .order_by(p.besluttet.desc(), p.id.desc())
            .limit(MAKS_ANTALL)
        )
        leser = Leser(self.t, b, self.request_id)
        with self.t.engine.begin() as conn:
            rader = [dict(r) for r in conn.execute(q).mappings()]
            frister = self._frister(conn, rader)
            ut = [self._varsel(conn, leser, r, frister) for r in rader]
            leser.revider_rader(rader, "varsler", "ACC-5" if b.rolle is Rolle.AT else "RP-9")
        return ut

    def _frister(self, conn: Connection, rader: list[dict[str, Any]]) -> dict[tuple[str, str], date]:
        saker = sorted({s for r in rader if (s := r["case_id"] or r["status_sak"])})
        if not saker:
            return {}
        m = milepeler.c
        q = select(m.case_id, m.kind, m.due).where(m.case_id.in_(saker))
        return {(r.case_id, r.kind): r.due for r in conn.execute(q) if r.due is not None}

    def _varsel(self, conn: Connection, leser: Any, r: dict[str, Any], frister: dict[tuple[str, str], date]) -> Varsel:
        sak = r["case_id"] or r["status_sak"]
        frist = frister.get((sak, r["milepel"])) if sak else None
        besluttet = r["besluttet"]
        return Varsel(
            id=r["id"],
            case_id=sak,
            milepel=r["milepel"],
            stage=r["stage"],
            regel=r["regel"],
            navn=self._navn_om_lov(conn, leser, sak) or NOYTRAL,
            frist=frist or r["send_dato"],
            sendt=besluttet.replace(tzinfo=UTC) if besluttet.tzinfo is None else besluttet,
            lest=r["lest_tid"] is not None,
        )

    def _navn_om_lov(self, conn: Connection, leser: Any, case_id: str | None) -> str | None:
        """PRIV-4: the employee's name only if the user may read this case today (ACC-1 … ACC-7)."""
        if case_id is None:
            return None
        if case_id not in self._navn:
            self._navn[case_id] = self._slå_opp(conn, leser, case_id)
        return self._navn[case_id]

    def _slå_opp(self, conn: Connection, leser: Any, case_id: str) -> str | None:
        rad = lister.sak(conn, case_id)
        if rad is None:
            return None
        hendelser = lister.person_tidslinje(conn, [rad["person_id"]])[rad["person_id"]]
        k = kontekst(rad, hendelser, leser._hr(conn, rad["orgnr"]))
        if vurder_sak(self.b, k, self.idag, self.t.app.innstillinger) is None:
            return None
        try:
            navn: str | None = self.t.app.person(UUID(rad["person_id"])).grunnlag(self.t.app.innstillinger).navn
        except AggregateNotFoundError:
            return None
        return navn
