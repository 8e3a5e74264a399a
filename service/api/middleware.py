"""One ASGI middleware for every request: correlation id, body size limit, last-resort 500, log, metrics,
and the headers that keep answers out of caches and content sniffing: ``X-Content-Type-Options:
nosniff`` on every answer, ``Cache-Control: no-store`` on every ``/api/`` answer (they carry personal
data: fødselsnummer, periods, plans; a shared or browser cache must not keep them).

Pure ASGI rather than ``BaseHTTPMiddleware``: it costs little per request and sees the body as it
streams, so a body over the limit is refused (413) without being read into memory, whether or not
the client sent ``Content-Length``.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability import Metrikker, logger
from service.usecases.problems import PROBLEM_MEDIA, problem_bytes

GYLDIG_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
API_PREFIKS = "/api/"


def _med_sikkerhetshoder(hoder: list[tuple[bytes, bytes]], api: bool) -> list[tuple[bytes, bytes]]:
    navn = {k.lower() for k, _ in hoder}
    if b"x-content-type-options" not in navn:
        hoder.append((b"x-content-type-options", b"nosniff"))
    if api:
        hoder = [(k, v) for k, v in hoder if k.lower() != b"cache-control"]
        hoder.append((b"cache-control", b"no-store"))
    return hoder


class ForStorKropp(Exception):
    """The request body passed the size limit while streaming."""


class Middleware:
    def __init__(self, app: ASGIApp, metrikker: Metrikker, maks_kropp: int) -> None:
        self.app = app
        self.metrikker = metrikker
        self.maks_kropp = maks_kropp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        oppgitt = headers.get("x-request-id", "")
        request_id = oppgitt if GYLDIG_REQUEST_ID.fullmatch(oppgitt) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = {"kode": 500, "startet": False}
        api = str(scope.get("path", "")).startswith(API_PREFIKS)

        async def send_med_id(melding: Message) -> None:
            if melding["type"] == "http.response.start":
                status["kode"] = melding["status"]
                status["startet"] = True
                hoder = [*melding.get("headers", []), (b"x-request-id", request_id.encode())]
                melding["headers"] = _med_sikkerhetshoder(hoder, api)
            await send(melding)

        lest = 0

        async def les_begrenset() -> Message:
            nonlocal lest
            melding = await receive()
            if melding["type"] == "http.request":
                lest += len(melding.get("body", b""))
                if lest > self.maks_kropp:
                    raise ForStorKropp
            return melding

        try:
            lengde = headers.get("content-length")
            if lengde is not None and lengde.isdigit() and int(lengde) > self.maks_kropp:
                await self._problem(scope, send_med_id, 413, f"body larger than {self.maks_kropp} bytes")
            else:
                await self.app(scope, les_begrenset, send_med_id)
        except ForStorKropp:
            if not status["startet"]:
                await self._problem(scope, send_med_id, 413, f"body larger than {self.maks_kropp} bytes")
        except Exception as e:
            # Last resort: an error no handler claimed. Its type is logged, never its text (PRIV-3).
            logger().error("unhandled_error", error=type(e).__name__, path=_rute(scope))
            if not status["startet"]:
                await self._problem(scope, send_med_id, 500, "internal error", slug="internal")
        finally:
            varighet = time.perf_counter() - start
            rute = _rute(scope)
            metode = scope.get("method", "")
            self.metrikker.foresporsler.labels(metode, rute, str(status["kode"])).inc()
            self.metrikker.varighet.labels(metode, rute).observe(varighet)
            logger().info(
                "request",
                method=metode,
                route=rute,
                status=status["kode"],
                duration_ms=round(varighet * 1000, 2),
                role=scope.get("state", {}).get("rolle"),
                actor=scope.get("state", {}).get("aktor"),
            )

    async def _problem(self, scope: Scope, send: Send, status: int, detail: str, slug: str | None = None) -> None:
        body = problem_bytes(scope, status, detail, slug=slug)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", PROBLEM_MEDIA.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _rute(scope: Scope) -> str:
    """The matched route's template (``/api/v1/saker/{case_id}``), never the raw path."""
    route: Any = scope.get("route")
    mal = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(mal) if mal else "unmatched"
