"""Login with the API's token, logout, and the local-only "log in as" page for demo data.

The login form takes the same bearer token the API takes (``syfo token`` mints one) and keeps it in
the session cookie (``service.web.okt``). The demo page mints tokens itself, so it exists only when
``Settings.demo_login`` is on (``syfo serve --demo``) and only for requests from this machine; anywhere
else it answers 404 as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from projections.tabeller import saker
from service.api.auth import lag_token
from service.api.deps import Tjenester, TjenesterDep
from service.api.problems import ApiFeil
from service.tilgang import Rolle
from service.web import demodata
from service.web.feil import SideRute
from service.web.maler import side
from service.web.okt import (
    CSRF_FELT,
    bruker_fra_token,
    csrf_gyldig,
    fra_loopback,
    innlogget,
    sett_okt,
    slett_okt,
    trygg_neste,
)

router = APIRouter(route_class=SideRute)

MAKS_TOKEN: Final = 4096
DEMO_LEDERE: Final = 8


@router.get("/logg-inn")
def logg_inn_side(request: Request, t: TjenesterDep, neste: str | None = None) -> Response:
    return side(request, "logg_inn.html", _kontekst(request, t, neste))


@router.post("/logg-inn")
def logg_inn(
    request: Request,
    t: TjenesterDep,
    token: Annotated[str, Form(max_length=MAKS_TOKEN)] = "",
    neste: Annotated[str, Form()] = "/",
) -> Response:
    token = token.strip().removeprefix("Bearer ").strip()
    try:
        bruker_fra_token(t, token)
    except ApiFeil:
        kontekst = _kontekst(request, t, neste) | {"feil": "Ugyldig eller utløpt token."}
        return side(request, "logg_inn.html", kontekst, status=401)
    svar = RedirectResponse(trygg_neste(neste), status_code=303)
    sett_okt(svar, request, token)
    return svar


@router.post("/logg-ut")
def logg_ut(request: Request, t: TjenesterDep, csrf: Annotated[str, Form(alias=CSRF_FELT)] = "") -> Response:
    if innlogget(request, t) is not None and not csrf_gyldig(request, t, csrf):
        raise ApiFeil(403, "ugyldig skjema")
    svar = RedirectResponse("/logg-inn", status_code=303)
    slett_okt(svar)
    return svar


def demo_tillatt(request: Request, t: Tjenester) -> bool:
    return bool(t.settings.demo_login) and fra_loopback(request)


@router.get("/demo-innlogging")
def demo_side(request: Request, t: TjenesterDep) -> Response:
    if not demo_tillatt(request, t):
        raise ApiFeil(404, "not found")
    return side(request, "demo.html", {"brukere": demobrukere(t), "bruker": None})


@router.post("/demo-innlogging")
def demo_logg_inn(
    request: Request,
    t: TjenesterDep,
    sub: Annotated[str, Form(max_length=80)] = "",
    rolle: Annotated[str, Form()] = "",
) -> Response:
    if not demo_tillatt(request, t):
        raise ApiFeil(404, "not found")
    if rolle not in Rolle.__members__ or rolle == Rolle.SYSTEM.value:
        raise ApiFeil(400, "ukjent rolle")
    token = lag_token(t.settings.jwt_key.get_secret_value(), sub, rolle, t.settings.jwt_ttl_s)
    svar = RedirectResponse("/", status_code=303)
    sett_okt(svar, request, token)
    return svar


def demobrukere(t: Tjenester) -> list[dict[str, Any]]:
    """Who to log in as: the demo leaders, the leaders with most open cases, NAV, an auditor, employees."""
    idag = t.idag()
    with t.engine.connect() as conn:
        q = (
            select(saker.c.leder_id, func.count().label("antall"))
            .where(saker.c.lukkes > idag, saker.c.leder_id.is_not(None))
            .group_by(saker.c.leder_id)
            .order_by(func.count().desc(), saker.c.leder_id)
            .limit(DEMO_LEDERE)
        )
        ledere = {r.leder_id: int(r.antall) for r in conn.execute(q)}
    ut: list[dict[str, Any]] = []
    for leder in (demodata.LEDER, demodata.ANNEN_LEDER, *ledere):
        if leder in ledere and all(b["sub"] != leder for b in ut):
            ut.append({"sub": leder, "rolle": "NL", "tekst": f"Nærmeste leder {leder} ({ledere[leder]} åpne saker)"})
    ut.append({"sub": demodata.NAV_ID, "rolle": "NAV", "tekst": "NAV-veileder"})
    ut.append({"sub": demodata.REVISOR, "rolle": "AUDITOR", "tekst": "Revisor"})
    for a in demodata.ANSATTE[:2]:
        ut.append({"sub": a.fnr, "rolle": "AT", "tekst": f"Arbeidstaker {a.fnr} (demo)"})
    ut.append({"sub": "hr-demo-a", "rolle": "HR", "tekst": "HR i demovirksomhet A"})
    return ut


def _kontekst(request: Request, t: Tjenester, neste: str | None) -> dict[str, Any]:
    return {"neste": trygg_neste(neste), "demo": demo_tillatt(request, t), "bruker": innlogget(request, t)}
