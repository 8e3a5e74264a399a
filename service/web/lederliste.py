"""Mine sykmeldte: the leader's employees on sick leave, the next deadline of each, most urgent first.

The cases come from the same read models and the same access rule as the API's case list: SQL
narrows to cases of the leader's employees (a ``narmeste_leder`` command names the leader), then
``domain.tilgang.vurder_sak`` decides each case exactly (ACC-2: the active relation on the read date
in the same virksomhet, within the tilfelle or four months after). Only the employer duties' milestones
are shown (TF-9, ACC-3). Every case shown on the page is written to the audit log (AUD-1), and only
those: a case on another page is not shown, so it is not logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection

from domain.kalender import OSLO
from domain.tilgang import Bruker, Tilgang, pluss_maneder, vurder_sak
from projections import lister
from service.usecases.queries import Leser, kontekst
from service.usecases.services import Tjenester
from service.web.fristord import ansattnavn, frist_i_ord, merke
from service.web.tidslinjedata import frist_status

SIDESTORRELSE: Final = 25
BATCH: Final = 200
HAST: Final[dict[str, int]] = {"overdue": 0, "snart": 1, "pending": 2}
MOTEHENDELSER: Final = frozenset(
    {"narmeste_leder", "person", "dialogmote_innkalt", "dialogmote_avholdt", "dialogmote_avlyst"}
)


@dataclass(frozen=True)
class Mote:
    """A dialogmøte 1 that is called and neither held nor cancelled (DM1-5)."""

    id: str
    tidspunkt: datetime  # Oslo wall-clock time of the meeting (T-1)
    passert: bool  # the meeting time has come: only then may it be registered as held


@dataclass(frozen=True)
class Linje:
    """One employee's case on the leader's list."""

    case_id: str
    fnr: str | None
    navn: str | None  # from the ``person`` command when known (PRIV-4: names first)
    orgnr: str
    start: date
    slutt: date
    apen: bool
    milepeler: list[dict[str, Any]]  # kind, due, status (MS-3), farge (with "snart")
    neste: dict[str, Any] | None  # the most urgent open deadline, with ``igjen`` in words
    moter: list[Mote]  # dialogmøte 1 called and neither held nor cancelled (DM1-5)
    tilgang: Tilgang

    @property
    def kalt(self) -> str:
        """What the page calls the employee: the name, else the fnr, else "Ansatt"."""
        return self.navn or self.fnr or "Ansatt"

    @property
    def aktive_moter(self) -> list[str]:
        return [m.id for m in self.moter]

    def apen_frist(self, kind: str) -> bool:
        """The milestone is shown and still open (pending or overdue): its action is still to do."""
        return any(m["kind"] == kind and m["status"] in ("pending", "overdue") for m in self.milepeler)

    @property
    def hast(self) -> tuple[int, date, str]:
        """Overdue first (the oldest first), then due soon, then later deadlines, then none."""
        if self.neste is None:
            return (3, date.max, self.case_id)
        return (HAST[self.neste["farge"]], self.neste["due"], self.case_id)


@dataclass(frozen=True)
class Side:
    linjer: list[Linje]
    totalt: int
    side: int
    sider: int
    virksomheter: list[tuple[str, int]]  # orgnr, cases there (for the filter)


def mine_sykmeldte(
    t: Tjenester, b: Bruker, request_id: str | None, orgnr: str | None, med_avsluttede: bool, side: int
) -> Side:
    """One page of the leader's list; the shown cases are logged (AUD-1) in the read's transaction."""
    leser = Leser(t, b, request_id)
    idag = leser.idag
    naa = t.naa()
    with t.engine.begin() as conn:
        alle = _tilgjengelige(conn, t, b, idag, med_avsluttede)
        virksomheter: dict[str, int] = {}
        for r, _ in alle:
            virksomheter[r["orgnr"]] = virksomheter.get(r["orgnr"], 0) + 1
        valgt = [(r, tg) for r, tg in alle if orgnr is None or r["orgnr"] == orgnr]
        ms = lister.milepeler_pa(conn, [r["case_id"] for r, _ in valgt], idag)
        personer = {r["person_id"] for r, _ in valgt}
        hendelser = lister.person_tidslinje(conn, personer, MOTEHENDELSER)
        linjer = sorted(
            (_linje(r, tg, ms.get(r["case_id"], []), hendelser.get(r["person_id"], []), idag, naa) for r, tg in valgt),
            key=lambda linje: linje.hast,
        )
        sider = max((len(linjer) + SIDESTORRELSE - 1) // SIDESTORRELSE, 1)
        side = min(max(side, 1), sider)
        vist = linjer[(side - 1) * SIDESTORRELSE : side * SIDESTORRELSE]
        leser.revider([linje.tilgang for linje in vist], "web:mine-sykmeldte")
    return Side(vist, len(linjer), side, sider, sorted(virksomheter.items()))


def _tilgjengelige(
    conn: Connection, t: Tjenester, b: Bruker, idag: date, med_avsluttede: bool
) -> list[tuple[dict[str, Any], Tilgang]]:
    """Every case the leader may read today (ACC-2), open ones only unless asked for the closed too."""
    inn = t.app.innstillinger
    f = lister.Sakfilter(
        leder_kandidat=b.sub,
        slutt_minst=pluss_maneder(idag, -inn.leader_access_months - 1),
        start_hoyst=idag,
        apen=None if med_avsluttede else True,
    )
    ut: list[tuple[dict[str, Any], Tilgang]] = []
    etter: tuple[date, str] | None = None
    while True:
        rader = lister.list_saker(conn, f, idag, etter, BATCH)
        relasjoner = lister.person_tidslinje(conn, {r["person_id"] for r in rader}, {"narmeste_leder"})
        for r in rader:
            tg = vurder_sak(b, kontekst(r, relasjoner.get(r["person_id"], [])), idag, inn)
            if tg is not None:
                ut.append((r, tg))
        if len(rader) < BATCH:
            return ut
        etter = (rader[-1]["start"], rader[-1]["case_id"])


def med_ord(m: dict[str, Any], idag: date) -> dict[str, Any]:
    """A milestone with its colour key, its badge (MS-7 ``late`` is its own) and its days in words."""
    farge, tekst = merke(m, frist_status(m["status"], m["due"], idag))
    apen = m["status"] in ("overdue", "pending") and m["due"] is not None
    return m | {"farge": farge, "merketekst": tekst, "igjen": frist_i_ord(m["due"], idag) if apen else None}


def _linje(
    r: dict[str, Any],
    tg: Tilgang,
    ms: list[dict[str, Any]],
    hendelser: list[dict[str, Any]],
    idag: date,
    naa: datetime,
) -> Linje:
    synlige = [med_ord(m, idag) for m in ms if m["kind"] in tg.synlighet.milepeler]
    apne = [m for m in synlige if m["igjen"] is not None]
    neste = min(apne, key=lambda m: (HAST[m["farge"]], m["due"]), default=None)
    return Linje(
        case_id=r["case_id"],
        fnr=r["fnr"] if tg.synlighet.fnr else None,
        navn=ansattnavn(r, hendelser),
        orgnr=r["orgnr"],
        start=r["start"],
        slutt=r["slutt"],
        apen=r["lukkes"] > idag,
        milepeler=synlige,
        neste=neste,
        moter=aktive_moter(hendelser, r["case_id"], naa),
        tilgang=tg,
    )


def aktive_moter(hendelser: list[dict[str, Any]], case_id: str, naa: datetime) -> list[Mote]:
    """The case's dialogmøte 1 meetings that are called and neither held nor cancelled (DM1-5), with
    their time; ``passert`` once the meeting time has come (a meeting is not held before it)."""
    avsluttet = {h["data"].get("id") for h in hendelser if h["hendelse"] in ("dialogmote_avholdt", "dialogmote_avlyst")}
    ut = []
    for h in hendelser:
        d = h["data"]
        if h["hendelse"] != "dialogmote_innkalt" or h["case_id"] != case_id or int(d.get("mote", 0)) != 1:
            continue
        if d.get("id") in avsluttet:
            continue
        tid = datetime.fromisoformat(str(d["tidspunkt"]))
        tid = (tid if tid.tzinfo is not None else tid.replace(tzinfo=OSLO)).astimezone(OSLO)
        ut.append(Mote(str(d["id"]), tid, passert=tid <= naa))
    return ut
