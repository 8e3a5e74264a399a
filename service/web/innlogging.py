"""Login with the API's token, logout, and the local-only "log in as" page for demo data.

The login form takes the same bearer token the API takes (``syfo token`` mints one) and opens a
server-side session for it (``service.web.okt``); both login forms carry a CSRF token and are refused
when posted from another site (``Origin``). The demo page mints tokens itself, so it exists only when
``Settings.demo_login`` is on (``syfo serve --demo``) and only for requests from this machine; anywhere
else it answers 404 as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from domain.tilgang import Rolle
from projections.tabeller import saker
from service.devtools import demodata
from service.usecases.auth import lag_token
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester, TjenesterDep
from service.web.feil import SideRute
from service.web.maler import antall, side
from service.web.okt import (
    CSRF_FELT,
    apne_okt,
    avslutt_okt,
    csrf,
    csrf_gyldig,
    fra_loopback,
    innlogget,
    innlogging_gyldig,
    innloggings_csrf,
    krev_innlogging_gyldig,
    samme_opphav,
    sett_inn_cookie,
    token_fra,
    trygg_neste,
)

router = APIRouter(route_class=SideRute)

MAKS_TOKEN: Final = 4096
DEMO_LEDERE: Final = 8


@router.get("/logg-inn")
def logg_inn_side(request: Request, t: TjenesterDep, neste: str | None = None, utlopt: str | None = None) -> Response:
    feil = "Økten din er utløpt. Logg inn igjen, så kommer du tilbake til siden du var på." if utlopt else None
    return _skjema(request, t, neste, feil)


@router.post("/logg-inn")
def logg_inn(
    request: Request,
    t: TjenesterDep,
    token: Annotated[str, Form(max_length=MAKS_TOKEN)] = "",
    neste: Annotated[str, Form()] = "/",
    csrf_verdi: Annotated[str, Form(alias=CSRF_FELT, max_length=100)] = "",
) -> Response:
    if not innlogging_gyldig(request, t, csrf_verdi):
        return _skjema(request, t, neste, "Skjemaet var utløpt eller kom fra et annet nettsted. Prøv igjen.", 403)
    token = token.strip().removeprefix("Bearer ").strip()
    svar = RedirectResponse(trygg_neste(neste), status_code=303)
    try:
        apne_okt(svar, t, token)
    except ApiFeil:
        return _skjema(request, t, neste, "Ugyldig eller utløpt token.", 401)
    return svar


@router.post("/logg-ut")
def logg_ut(request: Request, t: TjenesterDep, csrf_verdi: Annotated[str, Form(alias=CSRF_FELT)] = "") -> Response:
    if not samme_opphav(request, t) or (innlogget(request, t) is not None and not csrf_gyldig(request, t, csrf_verdi)):
        raise ApiFeil(403, "ugyldig skjema")
    svar = RedirectResponse("/logg-inn", status_code=303)
    avslutt_okt(svar, request, t)
    return svar


def _skjema(request: Request, t: Tjenester, neste: str | None, feil: str | None = None, status: int = 200) -> Response:
    """The login form, with its CSRF token (and the pre-login cookie it is bound to)."""
    kontekst = _kontekst(request, t, neste) | {"inn_csrf": innloggings_csrf(request, t), "feil": feil}
    svar = side(request, "logg_inn.html", kontekst, status=status)
    sett_inn_cookie(svar, request, t)
    return svar


def demo_tillatt(request: Request, t: Tjenester) -> bool:
    return bool(t.settings.demo_login) and fra_loopback(request)


@router.get("/demo-innlogging")
def demo_side(request: Request, t: TjenesterDep) -> Response:
    if not demo_tillatt(request, t):
        raise ApiFeil(404, "not found")
    svar = side(
        request, "demo.html", {"brukere": demobrukere(t), "bruker": None, "inn_csrf": innloggings_csrf(request, t)}
    )
    sett_inn_cookie(svar, request, t)
    return svar


@router.post("/demo-innlogging")
def demo_logg_inn(
    request: Request,
    t: TjenesterDep,
    sub: Annotated[str, Form(max_length=80)] = "",
    rolle: Annotated[str, Form()] = "",
    csrf_verdi: Annotated[str, Form(alias=CSRF_FELT, max_length=100)] = "",
) -> Response:
    if not demo_tillatt(request, t):
        raise ApiFeil(404, "not found")
    krev_innlogging_gyldig(request, t, csrf_verdi)
    if rolle not in Rolle.__members__ or rolle == Rolle.SYSTEM.value:
        raise ApiFeil(400, "ukjent rolle")
    enheter = demodata.NAV_ENHETER if rolle == Rolle.NAV.value else ()  # ACC-8: the demo veileder's offices
    token = lag_token(t.settings.jwt_key.get_secret_value(), sub, rolle, t.settings.jwt_ttl_s, enheter=enheter)
    svar = RedirectResponse("/", status_code=303)
    apne_okt(svar, t, token)
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
            ut.append(
                {
                    "sub": leder,
                    "rolle": "NL",
                    "tekst": f"Nærmeste leder {leder} ({antall(ledere[leder], 'åpen sak', 'åpne saker')})",
                }
            )
    ut.append({"sub": demodata.NAV_ID, "rolle": "NAV", "tekst": "NAV-veileder"})
    ut.append({"sub": demodata.REVISOR, "rolle": "AUDITOR", "tekst": "Revisor"})
    for a in demodata.ANSATTE[:2]:
        ut.append({"sub": a.fnr, "rolle": "AT", "tekst": f"Arbeidstaker {a.fnr} (demo)"})
    ut.append({"sub": "hr-demo-a", "rolle": "HR", "tekst": "HR i demovirksomhet A"})
    return ut


def _kontekst(request: Request, t: Tjenester, neste: str | None) -> dict[str, Any]:
    bruker = innlogget(request, t)
    okt_id = token_fra(request)
    okt_csrf = csrf(t, okt_id) if bruker is not None and okt_id is not None else ""  # the header's logout form
    return {"neste": trygg_neste(neste), "demo": demo_tillatt(request, t), "bruker": bruker, "csrf": okt_csrf}
