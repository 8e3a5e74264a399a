"""Errors on the pages: HTML in place of the API's problem details, and the way to the login form.

A route of the pages raises what the API's reads raise (``ApiFeil``); ``SideRute`` turns it into a
page with the same status. A 404 never says whether the case exists (ACC-1): "not there" and "not
yours" give the same page. Without a valid session the caller goes to the login form and back.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final
from urllib.parse import quote, urlsplit

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from service.observability import logger
from service.usecases.problems import ApiFeil
from service.web.maler import side
from service.web.okt import fra_loopback, innlogget, token_fra

TEKSTER: Final[dict[int, tuple[str, str]]] = {
    400: ("Ugyldig forespørsel", "Noe i adressen eller skjemaet kunne ikke leses."),
    403: ("Ikke tilgang", "Du har ikke tilgang til denne siden med rollen du er logget inn med."),
    404: ("Fant ikke siden", "Saken eller siden finnes ikke, eller du har ikke tilgang til den."),
    409: ("Prøv igjen", "Noen andre endret saken samtidig. Last siden på nytt."),
    500: ("Noe gikk galt hos oss", "Feilen er logget. Prøv igjen om litt, eller gå tilbake til forsiden."),
    503: ("Prøv igjen om litt", "Oversikten er ikke oppdatert ennå. Last siden på nytt om et øyeblikk."),
}


def vil_ha_html(request: Request) -> bool:
    """A browser asking for a page: not the API, and HTML before JSON in ``Accept``."""
    if request.url.path.startswith("/api/"):
        return False
    godtar = request.headers.get("accept", "").lower()
    html, json = godtar.find("text/html"), godtar.find("application/json")
    return html >= 0 and (json < 0 or html < json)


class IkkeInnlogget(Exception):
    """No valid session: the page sends the caller to the login form and back."""


def til_innlogging(request: Request) -> Response:
    """To the login form and back to the same page afterwards. A session cookie that no longer opens a session
    means the session ran out: the form says so. A submitted form returns to the page it was sent from (its
    ``Referer`` on this site). In demo mode a newcomer at ``/`` goes to the demo login."""
    t = request.app.state.tjenester
    utlopt = token_fra(request) is not None
    if request.url.path == "/" and not utlopt and t.settings.demo_login and fra_loopback(request):
        return RedirectResponse("/demo-innlogging", status_code=303)
    sti = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        sti = _samme_nettsted(request, request.headers.get("referer", "")) or "/"
    query = "neste=" + quote(sti, safe="") + ("&utlopt=1" if utlopt else "")
    return RedirectResponse("/logg-inn?" + query, status_code=303)


def _samme_nettsted(request: Request, referer: str) -> str | None:
    """The path and query of a ``Referer`` on this site, else None."""
    u = urlsplit(referer)
    if not u.path.startswith("/") or u.netloc != request.url.netloc:
        return None
    return u.path + (f"?{u.query}" if u.query else "")


def feilside(request: Request, status: int, detalj: str | None = None) -> Response:
    tittel, tekst = TEKSTER.get(status, ("Noe gikk galt", "Prøv igjen senere."))
    if status == 400 and detalj:
        tekst = f"{tekst} ({detalj})"
    bruker = innlogget(request, request.app.state.tjenester)
    return side(request, "feil.html", {"tittel": tittel, "tekst": tekst, "status": status, "bruker": bruker}, status)


class SideRute(APIRoute):
    """A page route: ``ApiFeil`` becomes an HTML page, a missing session a redirect to the login."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def side_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except IkkeInnlogget:
                return til_innlogging(request)
            except ApiFeil as e:
                if e.status == 401:
                    return til_innlogging(request)
                return feilside(request, e.status, e.detail if e.status == 400 else None)
            except Exception as e:  # the last resort of a page: a page in bokmål; the type is logged (PRIV-3)
                logger().error("unhandled_error", error=type(e).__name__, path=request.url.path)
                return feilside(request, 500)

        return side_handler
