"""The pages: the leader's list, the case timeline, the auditor's replay, NAV's overview, and home.

Server-rendered HTML in bokmål; a little JavaScript (``static/sider.js``) improves the as-of slider
and nothing needs it. Every page reads through ``service.usecases.queries`` or the same rules, so the
access decisions (``domain.tilgang``, ACC-1 … ACC-7) and the audit log (AUD-1) are the API's. A
refused case answers 404 with the same page as a case that does not exist (ACC-1).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from domain.errors import DomainError, UgyldigKommandoError
from domain.tilgang import Bruker, Rolle
from projections.lister import Sakfilter
from service.usecases.problems import ApiFeil
from service.usecases.queries import Leser
from service.usecases.services import Tjenester, TjenesterDep
from service.web import handlinger, lederliste, saksbilde
from service.web.feil import IkkeInnlogget, SideRute
from service.web.maler import side
from service.web.okt import CSRF_FELT, csrf, csrf_gyldig, innlogget, token_fra
from service.web.skjemafeil import Avvisning
from service.web.tidslinjedata import RADER

router = APIRouter(route_class=SideRute)

OVERSIKTSLESERE: Final = frozenset({Rolle.NAV, Rolle.AUDITOR})


def _bruker(request: Request, t: Tjenester) -> Bruker:
    """The logged-in caller; every page also honours ``?min_position=`` (the API's read-your-writes wait)."""
    b = innlogget(request, t)
    if b is None:
        raise IkkeInnlogget
    t.vent_pa(_tall(request.query_params.get("min_position"), 0))
    return b


def _felles(request: Request, t: Tjenester, b: Bruker) -> dict[str, Any]:
    token = token_fra(request) or ""
    return {"bruker": b, "csrf": csrf(t, token), "idag": t.idag()}


def _rid(request: Request) -> str | None:
    rid: str | None = getattr(request.state, "request_id", None)
    return rid


def _dato(verdi: str | None) -> date | None:
    if not verdi:
        return None
    try:
        return date.fromisoformat(verdi)
    except ValueError:
        raise ApiFeil(400, "oppgi en dato (åååå-mm-dd)") from None


def _tall(verdi: str | None, standard: int = 1) -> int:
    """A page number or log position from the query; anything else is the default."""
    return int(verdi) if verdi and verdi.isascii() and verdi.isdigit() and len(verdi) <= 18 else standard


@router.get("/")
def hjem(request: Request, t: TjenesterDep) -> Response:
    b = _bruker(request, t)
    if b.rolle is Rolle.NL:
        return RedirectResponse("/mine-sykmeldte", status_code=303)
    if b.rolle in OVERSIKTSLESERE:
        return RedirectResponse("/oversikt", status_code=303)
    if b.rolle is Rolle.HR:
        return RedirectResponse("/hr", status_code=303)
    saker: list[dict[str, Any]] = []
    if b.rolle is Rolle.AT:  # ACC-5: the employee's own cases (each listed case is logged, AUD-1)
        saker = Leser(t, b, _rid(request)).saker(Sakfilter(), None, 50)["items"]
    return side(request, "hjem.html", _felles(request, t, b) | {"saker": saker})


@router.get("/mine-sykmeldte")
def mine_sykmeldte(
    request: Request,
    t: TjenesterDep,
    virksomhet: str | None = None,
    avsluttede: str | None = None,
    utfort: str | None = None,
) -> Response:
    """Mine sykmeldte (ACC-2): the leader's employees with the next deadline, most urgent first."""
    b = _bruker(request, t)
    if b.rolle is not Rolle.NL:
        raise ApiFeil(403, "Siden er for nærmeste ledere.")
    return _lederside(request, t, b, virksomhet, avsluttede, request.query_params.get("side"), utfort)


def _lederside(
    request: Request,
    t: Tjenester,
    b: Bruker,
    virksomhet: str | None,
    avsluttede: str | None,
    side_nr: str | None,
    utfort: str | None,
    feil: Avvisning | None = None,
    status: int = 200,
) -> Response:
    orgnr = virksomhet or None
    liste = lederliste.mine_sykmeldte(t, b, _rid(request), orgnr, bool(avsluttede), _tall(side_nr))
    kontekst = _felles(request, t, b) | {
        "liste": liste,
        "virksomhet": orgnr,
        "avsluttede": bool(avsluttede),
        "utfort": handlinger.HANDLINGER.get(utfort or ""),
        "utfort_sak": request.query_params.get("sak"),  # whom the banner is about
        "feil": feil,
        "arsaker": handlinger.nl_arsaker(),
        "ny_mote_id": handlinger.ny_mote_id,
        "tilbake": urlencode({k: v for k, v in (("virksomhet", orgnr), ("avsluttede", avsluttede)) if v}),
    }
    return side(request, "mine_sykmeldte.html", kontekst, status=status)


@router.post("/mine-sykmeldte/{case_id}/hendelser")
async def registrer(request: Request, t: TjenesterDep, case_id: str) -> Response:
    """A leader's button: the same command as the API, through its command path (``handlinger``)."""
    skjema = await request.form()
    svar: Response = await run_in_threadpool(_registrer, request, t, case_id, skjema)
    return svar


def _registrer(request: Request, t: Tjenester, case_id: str, skjema: FormData) -> Response:
    b = _bruker(request, t)
    felt = {k: v for k, v in skjema.items() if isinstance(v, str)}
    if not csrf_gyldig(request, t, felt.get(CSRF_FELT)):
        raise ApiFeil(403, "Skjemaet er utløpt. Last siden på nytt.")
    tilbake = {k: felt[k] for k in ("virksomhet", "avsluttede") if felt.get(k)}
    try:
        r = handlinger.registrer(t, b, case_id, felt, _rid(request))
    except handlinger.Skjemafeil as e:
        return _avvist(request, t, b, tilbake, Avvisning.fra_skjema(case_id, felt, "skjema", e.melding, e.felt))
    except (DomainError, UgyldigKommandoError) as e:
        regel = getattr(e, "regel", "VAL-9")
        return _avvist(request, t, b, tilbake, Avvisning.fra_skjema(case_id, felt, regel, e.melding, e.felt))
    query = urlencode(tilbake | {"min_position": r.position, "utfort": felt["type"], "sak": case_id})
    return RedirectResponse(f"/mine-sykmeldte?{query}#sak-{quote(case_id)}", status_code=303)


def _avvist(request: Request, t: Tjenester, b: Bruker, tilbake: dict[str, str], feil: Avvisning) -> Response:
    """VAL-9: nothing was stored; the list again, the form with the leader's input and the reason at the field."""
    return _lederside(
        request, t, b, tilbake.get("virksomhet"), tilbake.get("avsluttede"), None, None, feil=feil, status=422
    )


@router.get("/saker")
def apne_sak(request: Request, t: TjenesterDep, sak: str = "") -> Response:
    """The home page's "open a case" form."""
    _bruker(request, t)
    return RedirectResponse(f"/saker/{quote(sak.strip(), safe='')}", status_code=303)


@router.get("/saker/{case_id}")
def sak(request: Request, t: TjenesterDep, case_id: str, vindu: str | None = None) -> Response:
    """The case timeline picture (any role that may read the case's timeline; logged, AUD-1)."""
    b = _bruker(request, t)
    valg = vindu if vindu in saksbilde.VINDUER else "alt"
    visning = saksbilde.for_sak(t, b, _rid(request), case_id, valg)
    kontekst = _felles(request, t, b) | {"v": visning, "vinduer": saksbilde.VINDUER, "RADER": RADER}
    return side(request, "sak.html", kontekst)
