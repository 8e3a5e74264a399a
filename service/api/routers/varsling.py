"""The caller's own notification channels (``/api/v1/meg/varsling``) and the calendar feed (issue 14)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import Receive, Scope, Send

from service.usecases.problems import ApiFeil, dokumentert
from service.usecases.services import BrukerDep, TjenesterDep
from service.usecases.varsling import Varsling, kalenderfeed


class _SammeSti(APIRoute):
    """A 405 lists every method of the path (GET and PUT are two routes), not just this route's."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            alle = {
                m for r in router.routes if getattr(r, "path", None) == self.path for m in getattr(r, "methods", ())
            }
            raise HTTPException(405, headers={"Allow": ", ".join(sorted(alle or self.methods))})
        await super().handle(scope, receive, send)


router = APIRouter(tags=["meg"], route_class=_SammeSti)
INGEN_LAGRING = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class Varslingsvalg(BaseModel):
    model_config = ConfigDict(extra="forbid")
    epost: str | None = Field(default=None, max_length=254, description="e-mail address; null removes it")
    webhook_url: str | None = Field(default=None, max_length=2000, description="https URL to a public address")


class Varslingsoppsett(BaseModel):
    epost: str | None
    webhook_url: str | None
    kalender_aktiv: bool
    kalender_url: str | None = Field(description="shown only when the feed token is made or rotated")
    webhook_secret: str | None = Field(default=None, description="Standard Webhooks secret, shown once")


def _svar(response: Response, innhold: dict[str, Any]) -> dict[str, Any]:
    response.headers.update(INGEN_LAGRING)
    return innhold


@router.get(
    "/api/v1/meg/varsling",
    response_model=Varslingsoppsett,
    summary="My notification channels (PRIV-4)",
    responses=dokumentert(400, 401, 500),
)
def hent_varsling(request: Request, response: Response, t: TjenesterDep, b: BrukerDep) -> Any:
    return _svar(response, Varsling(t, b, request.state.request_id).hent())


@router.put(
    "/api/v1/meg/varsling",
    response_model=Varslingsoppsett,
    summary="Set my notification channels; they replace the registered leader e-mail",
    responses=dokumentert(400, 401, 422, 500),
)
def endre_varsling(request: Request, response: Response, valg: Varslingsvalg, t: TjenesterDep, b: BrukerDep) -> Any:
    return _svar(response, Varsling(t, b, request.state.request_id).endre(valg.epost, valg.webhook_url))


@router.post(
    "/api/v1/meg/varsling/kalender",
    response_model=Varslingsoppsett,
    summary="Make a new calendar feed address; the old one stops working at once",
    responses=dokumentert(400, 401, 500),
)
def roter_kalender(request: Request, response: Response, t: TjenesterDep, b: BrukerDep) -> Any:
    return _svar(response, Varsling(t, b, request.state.request_id).roter_kalender())


@router.get(
    "/kalender/{token}.ics",
    response_class=Response,
    summary="My calendar feed (RFC 5545): upcoming deadlines and meetings, no names (RP-10)",
    responses={200: {"content": {"text/calendar": {}}}, **dokumentert(404)},
)
def kalender(request: Request, token: str, t: TjenesterDep) -> Response:
    innhold = kalenderfeed(t, token, request.state.request_id) if len(token) <= 100 else None
    if innhold is None:
        raise ApiFeil(404, "no such calendar")
    return Response(innhold, media_type="text/calendar; charset=utf-8", headers=INGEN_LAGRING)
