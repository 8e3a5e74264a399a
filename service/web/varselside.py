"""The page ``/varsler`` (issue 14): every logged-in user's reminders in plain bokmål, read or unread.

"Oppfølgingsplan for Kari Nordmann: frist 18. nov., 7 dager igjen", a link to the case, and a button to
mark it read. Names follow PRIV-4 (``service.usecases.varsler``); rule ids are only in a "Detaljer"
fold-out. The user's channels are chosen on ``/varslingsinnstillinger``.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.tilgang import Bruker
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester, TjenesterDep
from service.usecases.varsler import MAKS_ANTALL, Varsel, Varselliste, marker_lest
from service.web.feil import IkkeInnlogget, SideRute
from service.web.fristord import dager
from service.web.maler import MANEDER, MILEPELNAVN, dato, side
from service.web.okt import CSRF_FELT, csrf, csrf_gyldig, innlogget, token_fra

router = APIRouter(route_class=SideRute)

STEGNAVN: Final[dict[str, str]] = {
    "before": "Påminnelse før fristen",
    "due": "Fristen er i dag",
    "overdue": "Fristen er passert",
    "escalation": "Fristen er passert, saken er sendt videre",
    "info": "Til orientering",
    "meeting": "Om møtet",
    "task": "Oppgave",
    "prompt": "Spørsmål",
}


def kort_dato(d: date, idag: date) -> str:
    """``18. nov.`` this year, ``18. nov. 2027`` otherwise."""
    return f"{d.day}. {MANEDER[d.month - 1]}" if d.year == idag.year else dato(d)


def igjen(frist: date, idag: date) -> str:
    """How far off the deadline is, in words."""
    n = (frist - idag).days
    if n == 0:
        return "fristen er i dag"
    if n > 0:
        return f"{dager(n)} igjen"
    return f"fristen gikk ut for {dager(-n)} siden"


def tekst(v: Varsel, idag: date) -> str:
    """One reminder in plain bokmål (no rule ids, RP-10 holds on the page too: no diagnosis)."""
    milepel = MILEPELNAVN.get(v.milepel, v.milepel)
    return f"{milepel} for {v.navn}: frist {kort_dato(v.frist, idag)}, {igjen(v.frist, idag)}"


def _bruker(request: Request, t: Tjenester) -> Bruker:
    b = innlogget(request, t)
    if b is None:
        raise IkkeInnlogget
    return b


@router.get("/varsler")
def varsler(request: Request, t: TjenesterDep) -> Response:
    b = _bruker(request, t)
    idag = t.idag()
    liste = Varselliste(t, b, getattr(request.state, "request_id", None)).hent()
    rader = [{"v": v, "tekst": tekst(v, idag), "steg": STEGNAVN.get(v.stage, v.stage)} for v in liste]
    kontekst = {
        "bruker": b,
        "csrf": csrf(t, token_fra(request) or ""),
        "idag": idag,
        "rader": rader,
        "uleste": sum(1 for v in liste if not v.lest),
        "maks": MAKS_ANTALL,
    }
    return side(request, "varsler.html", kontekst)


@router.post("/varsler/lest")
async def les(request: Request, t: TjenesterDep) -> Response:
    """Mark one reminder (``id``) or all (``alle``) read; back to the page."""
    skjema = await request.form()
    felt = {k: v for k, v in skjema.items() if isinstance(v, str)}
    await run_in_threadpool(_les, request, t, felt)
    return RedirectResponse("/varsler", status_code=303)


def _les(request: Request, t: Tjenester, felt: dict[str, str]) -> None:
    b = _bruker(request, t)
    if not csrf_gyldig(request, t, felt.get(CSRF_FELT)):
        raise ApiFeil(403, "Skjemaet er utløpt. Last siden på nytt.")
    if felt.get("alle"):
        marker_lest(t, b, None)
    elif felt.get("id"):
        marker_lest(t, b, [felt["id"][:64]])
    else:
        raise ApiFeil(400, "Velg et varsel.")
