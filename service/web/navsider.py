"""NAV's overview (``/oversikt``, ACC-8), assigning a person to an office and a veileder, and HR's list (``/hr``).

Assignment sends the ``nav_enhet`` command down the API's own command path (``service.usecases.commands``):
a NAV user may send it (ACC-8, ``domain.tilgang.kan_sende``); the case is opened as a read is, so a case
that does not exist answers 404 (ACC-1).
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from domain.errors import DomainError, UgyldigKommandoError
from domain.milepeler import KINDS
from domain.tilgang import Rolle, kan_sende
from service.usecases.commands import avvist, les, utfor
from service.usecases.navvisning import VISNINGER, VISNINGSNAVN
from service.usecases.problems import ApiFeil
from service.usecases.queries import Leser
from service.usecases.services import Tjenester, TjenesterDep
from service.web import hrliste, oversikt
from service.web.feil import SideRute
from service.web.maler import side
from service.web.okt import CSRF_FELT, csrf_gyldig
from service.web.oversikt import SORTERINGER, STATUSER, Filter
from service.web.sider import _bruker, _dato, _felles, _rid, _tall
from service.web.tidslinjedata import KORTNAVN

router = APIRouter(route_class=SideRute)

OVERSIKTSLESERE: Final = frozenset({Rolle.NAV, Rolle.AUDITOR})
ENHET: Final = re.compile(r"^[0-9]{4}$")
VEILEDER: Final = re.compile(r"^[A-Za-z0-9._@-]{1,80}$")
KOLONNER: Final = {
    "navn": "Navn",
    "virksomhet": "Virksomhet",
    "start": "Sykmeldt",
    "enhet": "Enhet",
    "veileder": "Veileder",
}


@router.get("/oversikt")
def nav_oversikt(
    request: Request,
    t: TjenesterDep,
    milepel: str | None = None,
    status: str | None = None,
    frist_fra: str | None = None,
    frist_til: str | None = None,
    uten_leder: str | None = None,
    alle: str | None = None,
    sok: str | None = None,
    visning: str | None = None,
    sorter: str | None = None,
    retning: str | None = None,
    tildelt: str | None = None,
) -> Response:
    """NAV's overview (and the auditor's way into a case): office views, search, sorting, filters with counts."""
    b = _bruker(request, t)
    if b.rolle not in OVERSIKTSLESERE:
        raise ApiFeil(403, "Siden er for NAV og revisorer.")
    f = Filter(
        milepel=milepel if milepel in KINDS else None,
        status=status if status in STATUSER else None,
        frist_fra=_dato(frist_fra),
        frist_til=_dato(frist_til),
        uten_leder=bool(uten_leder),
        apen=None if alle else True,
        sok=(sok or "").strip()[:100] or None,
        visning=visning if visning in VISNINGER else None,
        sorter=sorter if sorter in SORTERINGER else None,
        synkende=retning == "synkende",
    )
    o = oversikt.oversikt(t, b, _rid(request), f, _tall(request.query_params.get("side")))
    valgt = {k: v for k, v in request.query_params.items() if k not in ("side", "tildelt", "min_position") and v}
    if o.visning is not None:
        valgt["visning"] = o.visning
    kontekst = _felles(request, t, b) | {
        "o": o,
        "f": f,
        "valgt": valgt,
        "statuser": STATUSER,
        "kinds": KINDS,
        "KORTNAVN": KORTNAVN,
        "VISNINGER": VISNINGER,
        "VISNINGSNAVN": VISNINGSNAVN,
        "KOLONNER": KOLONNER,
        "sorteringslenke": lambda k: _sorteringslenke(valgt, f, k),
        "tildelt": tildelt == "1",
    }
    return side(request, "oversikt.html", kontekst)


def _sorteringslenke(valgt: dict[str, str], f: Filter, kolonne: str) -> str:
    synkende = f.sorter == kolonne and not f.synkende
    q = {k: v for k, v in valgt.items() if k not in ("sorter", "retning")} | {"sorter": kolonne}
    if synkende:
        q["retning"] = "synkende"
    return "/oversikt?" + urlencode(q)


@router.post("/oversikt/tildeling")
async def tildel(request: Request, t: TjenesterDep) -> Response:
    """ACC-8: assign a person to an office and a veileder, or unassign the veileder (``nav_enhet``)."""
    skjema = await request.form()
    svar: Response = await run_in_threadpool(_tildel, request, t, skjema)
    return svar


def _tildel(request: Request, t: Tjenester, skjema: FormData) -> Response:
    b = _bruker(request, t)
    felt = {k: v for k, v in skjema.items() if isinstance(v, str)}
    if not csrf_gyldig(request, t, felt.get(CSRF_FELT)):
        raise ApiFeil(403, "Skjemaet er utløpt. Last siden på nytt.")
    if b.rolle is not Rolle.NAV or not kan_sende(b, "nav_enhet"):
        raise ApiFeil(403, "Bare NAV kan tildele saker.")
    enhet = felt.get("enhet", "").strip()
    if not ENHET.fullmatch(enhet):
        raise ApiFeil(400, "Oppgi enheten med fire sifre.")
    veileder: str | None = felt.get("veileder_id", "").strip() or None
    if felt.get("handling") == "meg":
        veileder = b.sub
    elif felt.get("handling") == "fjern":
        veileder = None
    if veileder is not None and not VEILEDER.fullmatch(veileder):
        raise ApiFeil(400, "Veilederens ident kan bare ha bokstaver, sifre og . _ @ -.")
    leser = Leser(t, b, _rid(request))
    with t.engine.connect() as conn:
        apnet = leser.apne_sak(conn, felt.get("case_id", ""), frozenset({Rolle.NAV}))
    data: dict[str, Any] = {"type": "nav_enhet", "fnr": apnet.rad["fnr"], "enhet": enhet, "veileder_id": veileder}
    try:
        r = utfor(t, b, les(t, data), _rid(request))
    except (DomainError, UgyldigKommandoError) as e:
        avvist(t, b, data, e, _rid(request))  # AUD-2
        raise ApiFeil(422, "Tildelingen ble ikke godtatt.") from e
    tilbake = felt.get("tilbake", "")
    query = tilbake if tilbake and not tilbake.startswith(("/", "http")) and len(tilbake) < 1000 else ""
    sep = "&" if query else ""
    return RedirectResponse(
        f"/oversikt?{query}{sep}min_position={r.position}&tildelt=1#sak-{quote(apnet.rad['case_id'])}",
        status_code=303,
    )


@router.get("/hr")
def hr_side(request: Request, t: TjenesterDep, sok: str | None = None, avsluttede: str | None = None) -> Response:
    """HR's list (ACC-4): the virksomhet's cases, escalated and overdue first; search by name or fnr."""
    b = _bruker(request, t)
    if b.rolle is not Rolle.HR:
        raise ApiFeil(403, "Siden er for HR i virksomheten.")
    liste = hrliste.hr_liste(t, b, _rid(request), (sok or "").strip()[:100], bool(avsluttede))
    return side(request, "hr.html", _felles(request, t, b) | {"liste": liste})
