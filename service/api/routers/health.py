"""Liveness, readiness (database, projection lag, runner heartbeat, quarantine) and Prometheus metrics."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from projections import karantene, lister
from scheduler.outbox import ventende as ventende_paminnelser
from service.api import schemas
from service.api.routers.levering import tell_leveringer
from service.usecases.problems import PROBLEM_MEDIA, dokumentert, problem_body
from service.usecases.services import Tjenester, TjenesterDep

if TYPE_CHECKING:
    from service.background import Background

router = APIRouter(tags=["drift"])

VENTEGRENSE = timedelta(minutes=5)  # a due reminder not delivered after this makes the service degraded
HJERTESLAG_MAKS_S = 30.0  # a runner that has not finished a pass for this long is stuck


def _maal(t: Tjenester) -> dict[str, Any]:
    """Database reachable, projection lag, runner heartbeat; also feeds the gauges."""
    sjekker: dict[str, Any] = {}
    try:
        with t.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            laveste = lister.laveste_posisjon(conn)
            i_karantene = karantene.antall_personer(conn)
        siste = t.app.siste_posisjon()
        sjekker["database"] = "ok"
        sjekker["projection_lag"] = max(0, siste - laveste)
        t.metrikker.etterslep.set(sjekker["projection_lag"])
        sjekker["quarantined"] = i_karantene
        sjekker["reminders_waiting_over_5_min"] = ventende_paminnelser(t.engine, t.klokke() - VENTEGRENSE)
        t.metrikker.karantene.set(i_karantene)
        for tilstand, antall in tell_leveringer(t).items():
            t.metrikker.leveringer.labels(state=tilstand).set(antall)
    except Exception as e:
        sjekker["database"] = f"unreachable ({type(e).__name__})"
    if t.bakgrunn is None:
        sjekker["runner"] = "not in this process"
        t.metrikker.hjerteslag.set(-1)
    else:
        slag = t.bakgrunn.projeksjon_hjerteslag
        alder = time.monotonic() - slag if slag else None
        sjekker["runner_heartbeat_age_s"] = round(alder, 3) if alder is not None else None
        sjekker["runner"] = "ok" if alder is not None and alder < HJERTESLAG_MAKS_S else "stale"
        t.metrikker.hjerteslag.set(alder if alder is not None else -1)
        _planlegger(t.bakgrunn, sjekker)
    return sjekker


def _planlegger(bakgrunn: Background, sjekker: dict[str, Any]) -> None:
    """The scheduler's heartbeat: it ticks at least once per safety sweep, so an older one means it is stuck."""
    slag = bakgrunn.planlegger_hjerteslag
    if slag is None:
        sjekker["scheduler"] = "not in this process"
        return
    alder = time.monotonic() - slag if slag else None
    frist = HJERTESLAG_MAKS_S + 2 * bakgrunn.sikkerhet.total_seconds()
    sjekker["scheduler_heartbeat_age_s"] = round(alder, 3) if alder is not None else None
    sjekker["scheduler"] = "ok" if alder is not None and alder < frist else "stale"


@router.get("/health/live", response_model=schemas.Helse, summary="The process answers")
def live() -> Any:
    return {"status": "ok", "checks": {}}


@router.get(
    "/health/ready",
    response_model=schemas.Helse,
    summary="Ready: database reachable, the projection runner and the scheduler alive",
    description=(
        "503 (problem details with the checks) when the database cannot be reached or the runner or the "
        "scheduler (`checks.scheduler`, in a process that runs it) is stuck. "
        "200 with `status: degraded` while streams are quarantined (`checks.quarantined` persons whose "
        "events a projection cannot compute; the rest of the service works)."
    ),
    responses=dokumentert(503),
)
def ready(request: Request, t: TjenesterDep) -> Any:
    sjekker = _maal(t)
    if sjekker["database"] != "ok" or "stale" in (sjekker["runner"], sjekker.get("scheduler")):
        body = problem_body(request.scope, 503, "not ready", slug="not-ready", ekstra={"checks": sjekker})
        return JSONResponse(body, status_code=503, media_type=PROBLEM_MEDIA)
    degradert = sjekker.get("quarantined") or sjekker.get("reminders_waiting_over_5_min")
    return {"status": "degraded" if degradert else "ok", "checks": sjekker}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}, "description": "metrics"}},
)
def metrics(t: TjenesterDep) -> Response:
    _maal(t)
    return Response(generate_latest(t.metrikker.registry), media_type=CONTENT_TYPE_LATEST)
