"""The FastAPI application around a ``Core``: ``lag_api`` for tests and ``syfo serve``, ``fra_miljo`` for uvicorn.

The factory takes the core, the background runner (None: reads catch the projections up themselves
when asked for a position) and the clock, so a test runs the real app on its own SQLite file or
PostgreSQL schema with a fixed date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from scheduler.outbox import OutboxUtsender
from service.api import kommandoskjema
from service.api.middleware import Middleware
from service.api.routers import health, hendelser, levering, meg, saker, varsling
from service.observability import Metrikker
from service.usecases.problems import PROBLEM_MEDIA, ApiFeil, installer, problem_svar
from service.usecases.services import Tjenester
from service.web import router as web_router  # issue 6: the web pages (service.web)
from service.web.feil import feilside, vil_ha_html

if TYPE_CHECKING:
    from service.background import Background
    from service.bootstrap import Core
    from service.settings import Settings

BESKRIVELSE = """\
Sykefraværsoppfølging as event-sourced timelines.

**Commands** (`POST /api/v1/hendelser`) take the vocabulary of scenarios.md; only SYSTEM tokens write.
**Reads** answer from the read models; pass the `position` of a write as `?min_position=` to read it back.
**Access** is default deny (ACC-1): each role sees what rules.md §7 gives it, and a case the caller may
not read answers 404 like a case that does not exist. **Every read of case data is logged** (AUD-1);
the arbeidstaker lists who read their data at `/api/v1/meg/lesninger`.
**Errors** are RFC 9457 problem details naming the rule (`rule`) and the field (`field`).
Dates are ISO 8601 calendar dates (Europe/Oslo); instants are ISO 8601 with offset.
"""


def _utc_na() -> datetime:
    return datetime.now(UTC)


def lag_api(
    kjerne: Core,
    bakgrunn: Background | None = None,
    klokke: Callable[[], datetime] = _utc_na,
    settings: Settings | None = None,
    lifespan: Callable[[FastAPI], Any] | None = None,
) -> FastAPI:
    """The API over this core. The caller owns the core and the runner (starts, stops, closes them)."""
    from service.settings import Settings

    settings = settings or Settings()
    metrikker = Metrikker()
    app = FastAPIOffline(  # /docs and /redoc load Swagger UI and ReDoc from the package, not from a CDN
        title="syfo-tidslinje",
        version="1.0.0",
        description=BESKRIVELSE,
        lifespan=lifespan,
    )
    app.state.tjenester = Tjenester(kjerne, settings, bakgrunn, klokke, metrikker)
    if bakgrunn is not None and bakgrunn.takt is not None and isinstance(bakgrunn.takt.dispatcher, OutboxUtsender):
        bakgrunn.takt.dispatcher.ved_levering = metrikker.forsinkelse.observe
    installer(app)
    app.add_exception_handler(StarletteHTTPException, _ukjent_side)
    for r in (hendelser.router, saker.router, meg.router, varsling.router, health.router, levering.router):
        app.include_router(r)
    app.include_router(web_router)  # issue 6: the web pages, outside the OpenAPI document
    app.add_middleware(Middleware, metrikker=metrikker, maks_kropp=settings.api_max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _ukjent_side(request: Request, exc: Exception) -> Response:
    """An unknown address: a page in bokmål for a browser, problem details for the API and for JSON clients."""
    assert isinstance(exc, StarletteHTTPException)
    if vil_ha_html(request):
        return feilside(request, exc.status_code)
    return problem_svar(request, ApiFeil(exc.status_code, str(exc.detail), headers=dict(exc.headers or {})))


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus the command schemas and problem+json content pointing at ``Problem``."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    komponenter = doc.setdefault("components", {}).setdefault("schemas", {})
    komponenter.update(kommandoskjema.kommando_skjemaer())
    for sti in doc.get("paths", {}).values():
        for operasjon in sti.values():
            svarene = operasjon.get("responses", {})
            # Request validation answers 400 with problem details (problems.installer), never FastAPI's 422.
            standard = svarene.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if standard.get("$ref", "").endswith("/HTTPValidationError"):
                del svarene["422"]
            for svar in svarene.values():
                innhold = svar.get("content", {})
                if PROBLEM_MEDIA in innhold:
                    innhold[PROBLEM_MEDIA] = {"schema": {"$ref": "#/components/schemas/Problem"}}
                    innhold.pop("application/json", None)
    for navn in ("HTTPValidationError", "ValidationError"):
        komponenter.pop(navn, None)
    return doc


def fra_miljo() -> FastAPI:
    """``uvicorn service.http:fra_miljo --factory``: settings from ``SYFO_*``, projections in-process."""
    from service.bootstrap import build_background, build_core
    from service.observability import konfigurer_logging
    from service.settings import Settings

    konfigurer_logging()
    settings = Settings()
    svake = settings.weak_secrets()
    if svake and not settings.allow_dev_secrets:  # as `syfo serve` (service.cli.require_real_secrets)
        raise SystemExit(f"refusing to start: {', '.join(svake)} unset or a development default")
    kjerne = build_core(settings)
    bakgrunn = build_background(kjerne, kanaler=None)

    @asynccontextmanager
    async def livslop(_app: FastAPI) -> AsyncIterator[None]:
        bakgrunn.start()
        try:
            yield
        finally:
            bakgrunn.stopp()
            kjerne.close()

    return lag_api(kjerne, bakgrunn, settings=settings, lifespan=livslop)
