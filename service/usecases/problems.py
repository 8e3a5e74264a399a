"""RFC 9457 problem details (``application/problem+json``) for every 4xx and 5xx answer.

A refused command names the rule and the field (VAL-9): ``DomainError`` carries both. Details never
echo identity numbers; the request id ties the answer to the service's log line.
"""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from domain.errors import DomainError, KonfliktFeil, UgyldigKommandoError

PROBLEM_MEDIA = "application/problem+json"
PROBLEM_BASE = "https://syfo-tidslinje.invalid/problems/"

TITLER = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(BaseModel):
    """RFC 9457 problem details, with the rule ID and the field where a rule refused the request."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": PROBLEM_BASE + "rule/VAL-1",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "grad must be 20..100",
                    "instance": "/api/v1/hendelser",
                    "rule": "VAL-1",
                    "field": "perioder[0].grad",
                    "request_id": "6f1c0a4e9b3d4f6a8e2b7c1d0a9f8e7d",
                }
            ]
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    rule: str | None = None
    field: str | None = None
    request_id: str | None = None


class ApiFeil(Exception):
    """An answer with a problem body, raised anywhere in a request."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        rule: str | None = None,
        field: str | None = None,
        slug: str | None = None,
        headers: dict[str, str] | None = None,
        ekstra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or TITLER.get(status, ""))
        self.status = status
        self.detail = detail
        self.rule = rule
        self.field = field
        self.slug = slug
        self.headers = headers or {}
        self.ekstra = ekstra or {}


def problem_body(
    scope: Scope,
    status: int,
    detail: str | None = None,
    *,
    rule: str | None = None,
    field: str | None = None,
    slug: str | None = None,
    ekstra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if slug is None and rule is not None:
        slug = "rule/" + rule
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": TITLER.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": scope.get("path"),
        "rule": rule,
        "field": field,
        "request_id": scope.get("state", {}).get("request_id"),
    }
    body.update(ekstra or {})
    return body


def problem_bytes(scope: Scope, status: int, detail: str | None = None, **kw: Any) -> bytes:
    return json.dumps(problem_body(scope, status, detail, **kw)).encode()


def problem_svar(request: Request, feil: ApiFeil) -> Response:
    body = problem_body(
        request.scope, feil.status, feil.detail, rule=feil.rule, field=feil.field, slug=feil.slug, ekstra=feil.ekstra
    )
    return JSONResponse(body, status_code=feil.status, media_type=PROBLEM_MEDIA, headers=feil.headers)


def domenefeil(feil: DomainError) -> ApiFeil:
    """VAL-9: a refused command is 422 with its rule; the same id with other content (VAL-4) and a
    state conflict (VAL-5 on a held meeting) are 409."""
    status = 409 if isinstance(feil, KonfliktFeil) else 422
    return ApiFeil(status, feil.melding, rule=feil.regel, field=feil.felt)


def ulesbar(feil: UgyldigKommandoError) -> ApiFeil:
    """A command that cannot be read (VAL-9: bad JSON type, unknown ``type``, missing field): 400."""
    return ApiFeil(400, feil.melding, rule="VAL-9", field=feil.felt)


def _felt(loc: tuple[Any, ...] | list[Any]) -> str:
    deler = [str(x) for x in loc]
    if deler and deler[0] in ("query", "path", "header", "body", "cookie"):
        deler = deler[1:]
    return ".".join(deler) or "$"


def installer(app: FastAPI) -> None:
    """One handler per kind of failure; all answer with problem details."""

    async def api_feil(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiFeil)
        return problem_svar(request, exc)

    async def domene(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return problem_svar(request, domenefeil(exc))

    async def ugyldig(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, UgyldigKommandoError)
        return problem_svar(request, ulesbar(exc))

    async def validering(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        feil = list(exc.errors())
        forste = feil[0] if feil else {}
        return problem_svar(
            request,
            ApiFeil(
                400,
                str(forste.get("msg", "invalid request")),
                field=_felt(forste.get("loc", ())),
                ekstra={"errors": [{"field": _felt(e.get("loc", ())), "detail": str(e.get("msg"))} for e in feil]},
            ),
        )

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return problem_svar(request, ApiFeil(exc.status_code, str(exc.detail), headers=dict(exc.headers or {})))

    async def konflikt(request: Request, _exc: Exception) -> Response:
        return problem_svar(request, ApiFeil(409, "concurrent write to the same stream; retry", slug="conflict"))

    app.add_exception_handler(ApiFeil, api_feil)
    app.add_exception_handler(DomainError, domene)
    app.add_exception_handler(UgyldigKommandoError, ugyldig)
    app.add_exception_handler(RequestValidationError, validering)
    app.add_exception_handler(StarletteHTTPException, http)

    async def ugyldig_verdi(request: Request, _exc: Exception) -> Response:
        # Every value a command may carry fits its column (VAL-11); what the database still cannot take
        # is a path or query value it cannot even compare, such as a NUL byte on PostgreSQL.
        return problem_svar(request, ApiFeil(400, "a value in the request cannot be used", rule="VAL-11"))

    app.add_exception_handler(IntegrityError, konflikt)
    app.add_exception_handler(DataError, ugyldig_verdi)


def dokumentert(*statuser: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem answers an operation can give."""
    return {
        s: {"model": Problem, "description": TITLER.get(s, "Error"), "content": {PROBLEM_MEDIA: {}}} for s in statuser
    }
