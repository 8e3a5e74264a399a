"""Cases: lists, one case (also as known at an instant or a version), its timeline, history and read log.

Every read of case data is written to the audit log (AUD-1) before it is answered. A case the
caller may not read answers 404 exactly like a case that does not exist (ACC-1).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from domain.milepeler import KINDS, Status
from projections.lister import Sakfilter
from service.api import schemas
from service.usecases.problems import dokumentert
from service.usecases.queries import Leser
from service.usecases.services import (
    DATO_MONSTER,
    TIDSPUNKT_MONSTER,
    LeserDep,
    TjenesterDep,
    VentDep,
    les_dato,
    les_tidspunkt,
)

router = APIRouter(prefix="/api/v1/saker", tags=["saker"], dependencies=[VentDep])

CaseId = Annotated[str, Path(min_length=1, max_length=64, description="the case id (TF-8)")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]
Antall = Annotated[int, Query(ge=1, le=200, description="page size")]
KIND_MONSTER = "^(" + "|".join(KINDS) + ")$"
STATUS_MONSTER = "^(" + "|".join(s.value for s in Status) + ")$"
FEIL = dokumentert(400, 401, 403, 404, 409, 500, 503)


def _leser(request: Request, t: TjenesterDep, b: LeserDep) -> Leser:
    return Leser(t, b, request.state.request_id)


@router.get(
    "",
    response_model=schemas.Sakliste,
    summary="List cases",
    description=(
        "Cases the caller may read (ACC-1), newest start first, with keyset pagination (`cursor`). AT: own "
        "cases (ACC-5); NL: cases of current employees in its virksomhet, while open and up to 4 months "
        "after (ACC-2); HR: one virksomhet's cases, `orgnr` required (ACC-4); NAV: the offices its token names "
        "(`enheter`), or another `view` (ACC-8); AUDITOR: every "
        "case, pseudonymised (ACC-7). Milestone filters (`milestone`, `status`, `due_from`, `due_to`) must "
        "hold for one and the same milestone; `status` is the status on today's date. `leder_id` filters on "
        "the leader the read model holds for the case. Each listed case is recorded in the audit log (AUD-1)."
    ),
    responses=FEIL,
)
def list_saker(
    request: Request,
    t: TjenesterDep,
    b: LeserDep,
    leder_id: Annotated[str | None, Query(max_length=80)] = None,
    orgnr: Annotated[str | None, Query(max_length=40, description="virksomhet")] = None,
    milestone: Annotated[str | None, Query(pattern=KIND_MONSTER)] = None,
    status: Annotated[str | None, Query(pattern=STATUS_MONSTER, description="milestone status today")] = None,
    due_from: Annotated[str | None, Query(pattern=DATO_MONSTER, description="milestone due on or after (date)")] = None,
    due_to: Annotated[str | None, Query(pattern=DATO_MONSTER, description="milestone due on or before (date)")] = None,
    open: Annotated[bool | None, Query(description="case open today (TF-4)")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="search: part of the employee's name, or the fnr's start")
    ] = None,
    view: Annotated[
        str | None,
        Query(
            pattern="^(enhet|min|ufordelte|uten_enhet|alle)$",
            description="NAV only (ACC-8): enhet (the token's offices, the default), min (assigned to me), "
            "ufordelte (no veileder), uten_enhet (no office), alle",
        ),
    ] = None,
    cursor: Cursor = None,
    limit: Antall = 50,
) -> Any:
    f = Sakfilter(
        sok=q,
        orgnr=orgnr,
        leder_id=leder_id,
        apen=open,
        milepel=milestone,
        status=status,
        frist_fra=les_dato(due_from, "due_from"),
        frist_til=les_dato(due_to, "due_to"),
    )
    return _leser(request, t, b).saker(f, cursor, limit, view)


@router.get(
    "/{case_id}",
    response_model=schemas.Sak,
    summary="One case with its milestones",
    description=(
        "From the read models on today's date; with `as_of` (an instant with offset) or `version` (of the "
        "person's stream) the case as the service knew it then (T-7), rebuilt from the event store."
    ),
    responses=FEIL,
)
def hent_sak(
    request: Request,
    t: TjenesterDep,
    b: LeserDep,
    case_id: CaseId,
    as_of: Annotated[str | None, Query(pattern=TIDSPUNKT_MONSTER, description="ISO 8601 instant with offset")] = None,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Any:
    return _leser(request, t, b).sak(case_id, les_tidspunkt(as_of, "as_of"), version)


@router.get(
    "/{case_id}/tidslinje",
    response_model=schemas.Tidslinje,
    summary="The case's timeline: events, milestones, reminders",
    description="What each role sees is listed in `domain.tilgang` (ACC-2 … ACC-7, CON-1, PRIV-2).",
    responses=FEIL,
)
def hent_tidslinje(request: Request, t: TjenesterDep, b: LeserDep, case_id: CaseId) -> Any:
    return _leser(request, t, b).tidslinje(case_id)


@router.get(
    "/{case_id}/historikk",
    response_model=schemas.Historikk,
    summary="The full event history (auditors, and the arbeidstaker's own)",
    description=(
        "Every event of the person's stream: log position, recorded time, sender, event type and payload "
        "(AUD-2). For AUDITOR pseudonymised — no fødselsnummer — unless `X-Break-Glass: true` with an "
        "`X-Access-Reason`, which the audit log records (ACC-7)."
    ),
    responses=FEIL,
)
def hent_historikk(request: Request, t: TjenesterDep, b: LeserDep, case_id: CaseId) -> Any:
    return _leser(request, t, b).historikk(case_id)


@router.get(
    "/{case_id}/lesninger",
    response_model=schemas.Lesninger,
    summary="Who read this case (AUD-1)",
    description="For the arbeidstaker (own case, ACC-5) and auditors, newest first.",
    responses=FEIL,
)
def hent_lesninger(
    request: Request, t: TjenesterDep, b: LeserDep, case_id: CaseId, cursor: Cursor = None, limit: Antall = 50
) -> Any:
    return _leser(request, t, b).lesninger_for_sak(case_id, cursor, limit)
