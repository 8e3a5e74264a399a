"""HR's list (ACC-4): the cases of the virksomheter whose ``hr_id`` the user is, escalated and overdue first.

HR sees deadlines, statuses and escalations, not plan content: the milestones are the employer's
(``domain.innsyn.vis_milepeler``), and an escalation is a sent reminder to HR about the case (RM-10/RM-11
stages addressed to the role HR). Names come first and the fnr is masked (PRIV-4). Search is by name or
the start of the fnr. Every case shown is logged (AUD-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import select

from domain.innsyn import vis_milepeler
from domain.tilgang import Bruker, Rolle, Tilgang, vurder_sak
from projections import lister, virksomheter
from projections.tabeller import paminnelser, saker
from service.usecases.navvisning import vist_fnr
from service.usecases.queries import Leser, kontekst
from service.usecases.services import Tjenester
from service.web.tidslinjedata import frist_status

MAKS_RADER: Final = 200


@dataclass(frozen=True)
class Hrliste:
    virksomheter: list[tuple[str, str | None]]  # (orgnr, name) of HR's virksomheter
    linjer: list[dict[str, Any]]
    sok: str
    avsluttede: bool


def hr_virksomheter(t: Tjenester, b: Bruker) -> list[str]:
    """The virksomheter with cases whose HR is this user (ACC-4), by orgnr."""
    with t.engine.connect() as conn:
        orgnr = [r[0] for r in conn.execute(select(saker.c.orgnr).distinct().order_by(saker.c.orgnr))]
        hr = virksomheter.hr_oppslag(conn, orgnr, t.naa())  # RP-9, from the employers' read model
    return [o for o in orgnr if hr[o] == b.sub]


def hr_liste(t: Tjenester, b: Bruker, request_id: str | None, sok: str, avsluttede: bool) -> Hrliste:
    if b.rolle is not Rolle.HR:
        raise ValueError("HR only")
    leser = Leser(t, b, request_id)
    idag = leser.idag
    mine = hr_virksomheter(t, b)
    f = lister.Sakfilter(orgnr_i=frozenset(mine), sok=sok or None, apen=None if avsluttede else True)
    linjer: list[dict[str, Any]] = []
    with t.engine.begin() as conn:
        rader = lister.list_saker(conn, f, idag, None, MAKS_RADER) if mine else []
        vist: list[tuple[dict[str, Any], Tilgang]] = []
        for r in rader:
            tg = vurder_sak(b, kontekst(r, [], b.sub), idag, t.app.innstillinger)
            if tg is not None:
                vist.append((r, tg))
        ids = [r["case_id"] for r, _ in vist]
        ms = lister.milepeler_pa(conn, ids, idag)
        eskalert = {
            c
            for (c,) in conn.execute(
                select(paminnelser.c.case_id).where(
                    paminnelser.c.case_id.in_(ids), paminnelser.c.rolle == "HR", paminnelser.c.status == "sent"
                )
            )
        }
        leser.revider([tg for _, tg in vist], "web:hr")
    for r, tg in vist:
        milepeler = [
            m | {"farge": frist_status(m["status"], m["due"], idag)} for m in vis_milepeler(tg, ms[r["case_id"]])
        ]
        forfalt = [m for m in milepeler if m["status"] == "overdue"]
        apne = [m for m in milepeler if m["status"] in ("pending", "overdue") and m["due"] is not None]
        neste = min(apne, key=lambda m: m["due"]) if apne else None
        linjer.append(
            {
                "case_id": r["case_id"],
                "navn": r["navn"],
                "fnr": vist_fnr(b, r["fnr"]),
                "orgnr": r["orgnr"],
                "start": r["start"],
                "slutt": r["slutt"],
                "apen": r["lukkes"] > idag,
                "leder_navn": r["leder_navn"],
                "eskalert": r["case_id"] in eskalert,
                "forfalte": len(forfalt),
                "neste": neste,
                "milepeler": milepeler,
            }
        )
    linjer.sort(
        key=lambda x: (not x["eskalert"], x["forfalte"] == 0, _frist(x["neste"]), x["navn"] or "", x["case_id"])
    )
    with t.engine.connect() as conn:
        navn_pa = virksomheter.navn(conn, mine)  # PRIV-4, from the employers' read model
    navn = [(o, navn_pa[o]) for o in mine]
    return Hrliste(navn, linjer, sok, avsluttede)


def _frist(m: dict[str, Any] | None) -> date:
    return m["due"] if m is not None else date.max
