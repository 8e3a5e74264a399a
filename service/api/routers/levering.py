"""Reminder delivery for operations: dead letters (given up after the attempt limit or a permanent
error) and the count of deliveries per state, also exported as a Prometheus gauge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from domain.levering import OPPGITT
from domain.tilgang import Rolle
from projections.sporringer import aware
from projections.tabeller import paminnelser
from service.usecases.problems import ApiFeil, dokumentert
from service.usecases.queries import Leser
from service.usecases.services import BrukerDep, TjenesterDep

router = APIRouter(prefix="/api/v1/leveringer", tags=["levering"])
Antall = Annotated[int, Query(ge=1, le=1000, description="at most this many, oldest first")]
DRIFTSROLLER = frozenset({Rolle.NAV, Rolle.SYSTEM, Rolle.AUDITOR})
DRIFTSGRUNNLAG = {Rolle.NAV: "ACC-6", Rolle.AUDITOR: "ACC-7", Rolle.SYSTEM: "ACC-1"}  # AUD-1 access basis


def tell_leveringer(t: Any) -> dict[str, int]:
    """Sent reminders per delivery state (venter, sender, feilet, levert, oppgitt)."""
    p = paminnelser.c
    with t.engine.connect() as conn:
        rader = conn.execute(select(p.levering, func.count()).where(p.levering.is_not(None)).group_by(p.levering))
        return {str(r[0]): int(r[1]) for r in rader}


@router.get(
    "/dodbrev",
    summary="Dead letters: reminders whose delivery was given up",
    description=(
        "Reminders decided sent whose delivery reached the attempt limit or a permanent error (for NAV, "
        "SYSTEM and AUDITOR). No recipient identity is shown, only the role; the reminder id is the "
        "idempotency key the receiver saw."
    ),
    responses=dokumentert(400, 401, 403, 500),
)
def dodbrev(request: Request, t: TjenesterDep, b: BrukerDep, limit: Antall = 200) -> dict[str, Any]:
    if b.rolle not in DRIFTSROLLER:
        raise ApiFeil(403, "only NAV, SYSTEM and AUDITOR see dead letters", rule="ACC-1")
    p = paminnelser.c
    with t.engine.begin() as conn:
        rader = conn.execute(
            select(p.id, p.person_id, p.case_id, p.milepel, p.stage, p.rolle, p.forsok, p.levering_detalj, p.forfall)
            .where(p.levering == OPPGITT)
            .order_by(p.forfall, p.id)
            .limit(limit)
        ).all()
        leser = Leser(t, b, request.state.request_id)  # AUD-1: one record per case shown
        leser.revider_rader([r._asdict() for r in rader], "dodbrev", DRIFTSGRUNNLAG[b.rolle])
    return {
        "items": [
            {
                "id": r.id,
                "case_id": r.case_id,
                "milestone": r.milepel,
                "stage": r.stage,
                "recipient_role": r.rolle,
                "attempts": r.forsok,
                "last_error": r.levering_detalj,
                "due": aware(r.forfall).isoformat(),
            }
            for r in rader
        ],
        "counts": tell_leveringer(t),
    }
