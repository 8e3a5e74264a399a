"""Varslingsinnstillinger (issue 14): a user sees and changes their own channels and rotates the calendar link.

Reads and writes go through ``service.usecases.varsling`` (encrypted per user, audit-logged, PRIV-4). The
forms carry the session's CSRF token and are checked for this site's origin like the other forms. A new
webhook secret and a new calendar address are shown once, on the page that answers the change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from domain.tilgang import Bruker
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester, TjenesterDep
from service.usecases.varsling import Varsling
from service.web.feil import IkkeInnlogget, SideRute
from service.web.maler import side
from service.web.okt import CSRF_FELT, csrf, csrf_gyldig, innlogget, samme_opphav, token_fra

router = APIRouter(route_class=SideRute)
STI = "/varslingsinnstillinger"

FEILTEKST = {
    "epost": "E-postadressen er ikke gyldig.",
    "webhook_url": "Adressen må begynne med https:// og peke til en offentlig tjeneste.",
}


def _bruker(request: Request, t: Tjenester) -> Bruker:
    b = innlogget(request, t)
    if b is None:
        raise IkkeInnlogget
    return b


def _vis(request: Request, t: Tjenester, b: Bruker, data: dict[str, Any], **ekstra: Any) -> Response:
    status = ekstra.pop("status", 200)
    kontekst = {"bruker": b, "csrf": csrf(t, token_fra(request) or ""), "idag": t.idag(), "v": data} | ekstra
    return side(request, "varslingsinnstillinger.html", kontekst, status=status)


@router.get(STI)
def vis(request: Request, t: TjenesterDep) -> Response:
    b = _bruker(request, t)
    return _vis(request, t, b, Varsling(t, b, getattr(request.state, "request_id", None)).hent())


@router.post(STI)
async def endre(request: Request, t: TjenesterDep) -> Response:
    skjema = await request.form()
    svar: Response = await run_in_threadpool(_endre, request, t, skjema)
    return svar


def _endre(request: Request, t: Tjenester, skjema: FormData) -> Response:
    b = _bruker(request, t)
    felt = {k: v for k, v in skjema.items() if isinstance(v, str)}
    if not csrf_gyldig(request, t, felt.get(CSRF_FELT)) or not samme_opphav(request, t):
        raise ApiFeil(403, "Skjemaet er utløpt. Last siden på nytt.")
    v = Varsling(t, b, getattr(request.state, "request_id", None))
    try:
        if felt.get("handling") == "kalender":
            return _vis(
                request, t, b, v.roter_kalender(), lagret="Ny kalenderlenke er laget. Den gamle virker ikke lenger."
            )
        data = v.endre(felt.get("epost"), felt.get("webhook_url"))
    except ApiFeil as e:
        if e.status != 422:
            raise
        gammel = v.hent() | {"epost": felt.get("epost"), "webhook_url": felt.get("webhook_url")}
        return _vis(
            request,
            t,
            b,
            gammel,
            feil=FEILTEKST.get(e.field or "", "Innstillingene ble ikke lagret."),
            regel=e.rule,
            status=422,
        )
    return _vis(request, t, b, data, lagret="Innstillingene er lagret.")
