"""The caller's own: the in-app inbox of reminders, and (for the arbeidstaker) who read their data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from service.api import schemas
from service.usecases.problems import dokumentert
from service.usecases.queries import Leser
from service.usecases.services import LeserDep, TjenesterDep, VentDep

router = APIRouter(prefix="/api/v1/meg", tags=["meg"], dependencies=[VentDep])

Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]
Antall = Annotated[int, Query(ge=1, le=200, description="page size")]


@router.get(
    "/paminnelser",
    response_model=schemas.Innboks,
    summary="My inbox: reminders sent to me",
    description=(
        "Reminders with status sent addressed to the caller (RP-9): by id for NL, HR, SYKMELDER, TV, VO and "
        "BHT, to `NAV` for NAV, and to the arbeidstaker by their own cases. Newest first, keyset pagination."
    ),
    responses=dokumentert(400, 401, 403, 409, 500, 503),
)
def min_innboks(request: Request, t: TjenesterDep, b: LeserDep, cursor: Cursor = None, limit: Antall = 50) -> Any:
    return Leser(t, b, request.state.request_id).innboks(cursor, limit)


@router.get(
    "/lesninger",
    response_model=schemas.Lesninger,
    summary="Who read my data (AUD-1, ACC-5)",
    description="The arbeidstaker's read log over all their cases: who, in what role, what, when, why.",
    responses=dokumentert(400, 401, 403, 409, 500, 503),
)
def mine_lesninger(request: Request, t: TjenesterDep, b: LeserDep, cursor: Cursor = None, limit: Antall = 50) -> Any:
    return Leser(t, b, request.state.request_id).mine_lesninger(cursor, limit)
