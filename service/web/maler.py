"""Jinja2 templates of the pages: one environment, bokmål formatting of dates, and the HTML response.

Every page answers with headers that keep personal data out of caches and other origins: no
inline script or style is allowed (CSP), so the templates carry none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from domain.kalender import OSLO
from service.web.palett import DEMPET_TEKST, FARGER, HVIT, MARKORER, RADBAKGRUNN, STOLPER, TEKST

MANEDER: Final = ("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des.")

MILEPELNAVN: Final[dict[str, str]] = {
    "oppfolgingsplan": "Oppfølgingsplan",
    "dialogmote_1": "Dialogmøte 1",
    "aktivitetskrav": "Aktivitetskrav",
    "motebehov": "Møtebehov",
    "dialogmote_2": "Dialogmøte 2",
    "dialogmote_3": "Dialogmøte 3",
    "maksdato": "Maksdato",
}

ROLLENAVN: Final[dict[str, str]] = {
    "AT": "arbeidstaker",
    "NL": "nærmeste leder",
    "HR": "HR",
    "SYKMELDER": "sykmelder",
    "NAV": "NAV",
    "TV": "tillitsvalgt",
    "VO": "verneombud",
    "BHT": "bedriftshelsetjeneste",
    "AUDITOR": "revisor",
    "SYSTEM": "system",
}

SIKKERHETSHODER: Final[dict[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def dato(d: date | str | None) -> str:
    """``2. nov. 2026``; an empty string for None."""
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day}. {MANEDER[d.month - 1]} {d.year}"


def kort_dato(d: date | str | None) -> str:
    """``02.11.26``: for narrow table cells."""
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return d.strftime("%d.%m.%y")


def tidspunkt(t: datetime | str | None) -> str:
    """An instant as Oslo wall-clock time (T-1): ``2. nov. 2026 kl. 10.00``."""
    if t is None or t == "":
        return ""
    if isinstance(t, str):
        t = datetime.fromisoformat(t)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    o = t.astimezone(OSLO)
    return f"{dato(o.date())} kl. {o:%H.%M}"


def antall(n: int, en: str, flere: str) -> str:
    """A count with the noun in the right number: ``1 åpen sak``, ``2 åpne saker``."""
    return f"{n} {en if n == 1 else flere}"


def stor(tekst: str) -> str:
    """First letter upper case, the rest as written ("nærmeste leder" -> "Nærmeste leder", "NAV" stays)."""
    return tekst[:1].upper() + tekst[1:]


def statusnavn(status: str) -> str:
    f = FARGER.get(status)
    return f.navn if f else status


def _lag_miljo() -> Environment:
    env = Environment(
        loader=PackageLoader("service.web", "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(dato=dato, kort_dato=kort_dato, tidspunkt=tidspunkt, statusnavn=statusnavn, stor=stor)
    env.globals.update(antall=antall, MILEPELNAVN=MILEPELNAVN, ROLLENAVN=ROLLENAVN, FARGER=FARGER, STOLPER=STOLPER)
    env.globals.update(MARKORER=MARKORER, TEKST=TEKST, DEMPET_TEKST=DEMPET_TEKST, RADBAKGRUNN=RADBAKGRUNN, HVIT=HVIT)
    return env


MILJO: Final = _lag_miljo()


def side(request: Request, mal: str, kontekst: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page; ``bruker`` and ``csrf`` in the context drive the header and the forms; the header's
    unread count comes from the login check (``service.web.okt.innlogget``)."""
    uleste = getattr(request.state, "uleste_varsler", None)
    html = MILJO.get_template(mal).render(request=request, **({"uleste_varsler": uleste} | kontekst))
    return HTMLResponse(html, status_code=status, headers=SIKKERHETSHODER)
