"""The auditor's page (AUD-2, ACC-7, T-7): the history event by event, the case as known after any event or at
any instant, what changed between two events, who read the case (AUD-1), and the export as JSON lines.

Every step is a link (``?versjon=N``), so the page works without script; ``static/sider.js`` fetches the next
step in place so focus stays where it was. Each view reads through ``Leser`` and is audit-logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.kalender import OSLO
from domain.tilgang import Bruker
from service.usecases import export
from service.usecases.problems import ApiFeil
from service.usecases.queries import Leser
from service.usecases.services import Tjenester, TjenesterDep
from service.web import saksbilde
from service.web import tidslinjedata as data
from service.web.feil import SideRute
from service.web.maler import MILEPELNAVN, dato, side
from service.web.sider import _bruker, _felles, _rid, _tall
from service.web.tidslinjedata import RADER

router = APIRouter(route_class=SideRute)

HENDELSER: Final[dict[str, str]] = {
    "person": "Personopplysninger",
    "virksomhet": "Virksomhet",
    "sykmelding": "Sykmelding mottatt",
    "sykmelding_annullert": "Sykmelding annullert",
    "egenmelding": "Egenmelding",
    "narmeste_leder": "Nærmeste leder registrert",
    "nav_enhet": "NAV-kontor",
    "oppfolgingsplan_delt": "Oppfølgingsplan delt",
    "oppfolgingsplan_ferdig": "Oppfølgingsplan avtalt",
    "dialogmote_innkalt": "Dialogmøte innkalt",
    "dialogmote_avholdt": "Dialogmøte holdt",
    "dialogmote_avlyst": "Dialogmøte avlyst",
    "dialogmote_svar": "Svar på dialogmøte",
    "dialogmote_onsket": "Ønske om dialogmøte",
    "aktivitetskrav_vurdert": "Aktivitetskrav vurdert",
    "arbeid_gjenopptatt": "Arbeid gjenopptatt",
    "unntak": "Unntak registrert",
    "unntak_trukket": "Unntak trukket",
    "samtykke_gitt": "Samtykke gitt",
    "samtykke_trukket": "Samtykke trukket",
    "Opprettet": "Personens hendelseslogg opprettet",
    "PaminnelseBesluttet": "Påminnelse besluttet",
    "PersonopplysningerSlettet": "Personopplysninger slettet",
    "Makulert": "Makulert",
}


LESEVISNINGER: Final[dict[str, str]] = {
    "sak": "Saken",
    "sak:as_of": "Saken slik den var kjent på et tidspunkt",
    "sak:version": "Saken slik den var kjent etter en hendelse",
    "historikk": "Hendelseshistorikken",
    "lesninger": "Lesingsloggen",
    "liste": "Saken i en liste",
    "tidslinje": "Tidslinjen",
    "web:mine-sykmeldte": "Mine sykmeldte",
    "web:oversikt": "Oversikten",
}


@dataclass
class Endringer:
    """What changed between the case as known after event ``fra`` and after event ``til``."""

    fra: int
    til: int
    hendelser: list[dict[str, Any]]
    frister: list[dict[str, Any]] = field(default_factory=list)  # {kind, for, etter}


def _tid(t: datetime | None) -> str:
    """To the second, so two events in one minute can be told apart."""
    if t is None:
        return "–"
    o = t.astimezone(OSLO)
    return f"{dato(o.date())} kl. {o:%H.%M.%S}"


def _frister(t: Tjenester, b: Bruker, rid: str | None, case_id: str, versjon: int) -> dict[str, dict[str, Any]]:
    try:
        sak = Leser(t, b, rid).sak(case_id, None, versjon)
    except ApiFeil as e:
        if e.status != 404:
            raise
        return {}
    return {m["kind"]: m for m in sak["milestones"]}


def endringer(t: Tjenester, b: Bruker, rid: str | None, case_id: str, fra: int, til: int, hist: list[Any]) -> Endringer:
    fra, til = min(fra, til), max(fra, til)
    for_, etter = _frister(t, b, rid, case_id, fra), _frister(t, b, rid, case_id, til)
    frister = []
    for kind in MILEPELNAVN:
        a, e = for_.get(kind), etter.get(kind)
        if (a or {}).get("due") != (e or {}).get("due") or (a or {}).get("status") != (e or {}).get("status"):
            frister.append({"kind": kind, "for": a, "etter": e})
    return Endringer(fra, til, [h for h in hist if fra < h["version"] <= til], frister)


@router.get("/revisjon/saker/{case_id}")
def revisjon(
    request: Request,
    t: TjenesterDep,
    case_id: str,
    as_of: str | None = None,
    vindu: str | None = None,
    versjon: str | None = None,
    fra: str | None = None,
    til: str | None = None,
) -> Response:
    """The auditor's replay: after event ``versjon`` or at instant ``as_of`` (T-7); ``fra``/``til``: changes."""
    b = _bruker(request, t)
    valg = vindu if vindu in saksbilde.VINDUER else "alt"
    nr = _tall(versjon, 0) or None
    tidspunkt = None if nr else saksbilde.les_as_of(as_of)
    v = saksbilde.for_revisor(t, b, _rid(request), case_id, tidspunkt, valg)
    antall = len(v.historikk)
    if nr is not None:
        nr = min(nr, antall)
        v = _etter_hendelse(t, b, _rid(request), v, nr, valg)
    kjente = nr if nr is not None else sum(1 for h in v.historikk if h["kjent"])
    for h in v.historikk:
        h["registrert"] = _tid(h["recorded"])
        h["navn"] = HENDELSER.get(h["command_type"] or h["event_type"], h["command_type"] or h["event_type"])
    endret = None
    if fra is not None and til is not None:
        endret = endringer(t, b, _rid(request), case_id, _tall(fra, 0), _tall(til, antall), v.historikk)
    lesninger = Leser(t, b, _rid(request)).lesninger_for_sak(case_id, None, 50)["items"]
    kontekst = _felles(request, t, b) | {
        "v": v,
        "vinduer": saksbilde.VINDUER,
        "as_of_tekst": (as_of or "") if nr is None else "",
        "RADER": RADER,
        "kjente": kjente,
        "antall": antall,
        "versjon": nr,
        "endret": endret,
        "lesninger": lesninger,
        "LESEVISNINGER": LESEVISNINGER,
    }
    return side(request, "revisjon.html", kontekst)


def _etter_hendelse(
    t: Tjenester, b: Bruker, rid: str | None, v: saksbilde.Revisjonsvisning, nr: int, valg: str
) -> saksbilde.Revisjonsvisning:
    """The case as known right after the event at stream version ``nr`` (T-7, to the event)."""
    for h in v.historikk:
        h["kjent"] = h["version"] <= nr
    v.as_of = next((h["recorded"] for h in v.historikk if h["version"] == nr), None)
    try:
        if not any(h["kjent"] and h["case_id"] == v.case_id for h in v.historikk):
            raise ApiFeil(404, "not known yet")  # no fact of the case yet (the stream's first event)
        sak = Leser(t, b, rid).sak(v.case_id, None, nr)
    except ApiFeil as e:
        if e.status != 404:
            raise
        v.kjent, v.milepeler, v.bilde = False, [], None
        return v
    start, slutt, lukkes = (date.fromisoformat(str(sak[n])[:10]) for n in ("start", "end", "closed_on"))
    pa = date.fromisoformat(str(sak["date"])[:10])
    kjent = t.app.som_kjent(UUID(v.person_id), versjon=nr, idag=pa)
    paminnelser = [
        saksbilde._pseudonymisert(t, p) for p in kjent["reminders"] if saksbilde._gjelder(p, v.case_id, start, lukkes)
    ]
    milepeler = [m | {"farge": data.frist_status(m["status"], saksbilde._dag(m["due"]), pa)} for m in sak["milestones"]]
    elementer = [
        *data.hendelser(saksbilde._som_tidslinje(v.historikk, v.case_id), start),
        *data.frister(milepeler, pa),
        *data.paminnelser(paminnelser),
    ]
    v.kjent, v.idag, v.milepeler, v.start, v.slutt = True, pa, milepeler, start, slutt
    v.bilde = saksbilde._bilde(v.case_id, elementer, start, lukkes, pa, valg)
    return v


@router.get("/revisjon/saker/{case_id}/historikk.jsonl")
def eksport(request: Request, t: TjenesterDep, case_id: str) -> Response:
    """The history as JSON lines (AUD-2), for ``syfo verify --export``; the read is logged (AUD-1)."""
    b = _bruker(request, t)
    rader = export.linjer(t, b, _rid(request), case_id)
    navn = f"sak-{case_id[:8]}-historikk.jsonl"
    return Response(
        export.som_tekst(rader),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{navn}"', "Cache-Control": "no-store"},
    )
