"""``POST /api/v1/hendelser``: the command vocabulary of scenarios.md, one command or a batch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from domain.errors import DomainError, UgyldigKommandoError
from domain.kommandoer import SKJEMA
from domain.tilgang import Bruker, kan_sende, kan_skrive
from domain.validering import sjekk_tekst
from service.api import karantene, kommandoskjema, schemas
from service.observability import logger
from service.usecases.commands import avvist, les, les_json, utfor
from service.usecases.problems import ApiFeil, dokumentert, domenefeil, problem_body, ulesbar
from service.usecases.services import BrukerDep, Tjenester, TjenesterDep

router = APIRouter(prefix="/api/v1/hendelser", tags=["hendelser"])


async def kropp(request: Request) -> bytes:
    """The raw body; its size is capped by the middleware (413)."""
    return await request.body()


KroppDep = Annotated[bytes, Depends(kropp)]


def _skriver(b: Bruker) -> None:
    if not kan_skrive(b):
        raise ApiFeil(403, f"role {b.rolle.value} cannot send commands", rule="ACC-1")


def _sender(b: Bruker, data: Any, felt: str = "type") -> None:
    """ACC-1, ACC-8: the caller's role may send this command type (checked before its content)."""
    typ = data.get("type") if isinstance(data, dict) else None
    if not kan_sende(b, typ):
        raise ApiFeil(403, f"role {b.rolle.value} cannot send this command", rule="ACC-1", field=felt)


def _refusert(t: Tjenester, b: Bruker, data: Any, e: Exception, request_id: str | None) -> None:
    avvist(t, b, data, e, request_id)  # AUD-2: a rejected command is logged with its rule
    typ = data.get("type") if isinstance(data, dict) else None
    kjent = typ if isinstance(typ, str) and typ in SKJEMA else "unknown"  # no free text in labels
    t.metrikker.kommandoer.labels(kjent, "refused").inc()
    regel = getattr(e, "regel", "VAL-9")
    logger().info("command_refused", rule=regel, field=getattr(e, "felt", None))


@router.post(
    "",
    status_code=201,
    response_model=schemas.Kvittering,
    summary="Send one command",
    description=(
        "One command of the vocabulary in scenarios.md. `at` defaults to the server's clock and may lie at "
        "most 5 minutes ahead of it (T-7). Identity numbers are always validated (VAL-3). A case-bound "
        "command may name its case by `case_id` instead of `fnr` + `orgnr`. 201: stored; 200: the same id "
        "command was already stored (VAL-4), nothing new is stored and the first answer is repeated. "
        "Refused commands store nothing (VAL-9). SYSTEM (integrations) may send every command; NAV may send "
        "`nav_enhet` (ACC-8); no other role may send commands."
    ),
    responses={
        200: {"model": schemas.Kvittering, "description": "a repeat (VAL-4): nothing stored"},
        **dokumentert(400, 401, 403, 409, 413, 422, 500),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": kommandoskjema.kommando_body_skjema(),
                    "examples": kommandoskjema.KOMMANDO_EKSEMPLER,
                }
            },
        }
    },
)
def send_hendelse(request: Request, response: Response, t: TjenesterDep, b: BrukerDep, body: KroppDep) -> Any:
    _skriver(b)
    data = None
    try:
        data = les_json(body)
        _sender(b, data)
        sjekk_tekst(data)  # VAL-11: before ``case_id`` or ``at`` is looked at
        k = les(t, data)
        vakt = karantene.sjekk(t, k)
        try:
            r = utfor(t, b, k, request.state.request_id)
        except (DomainError, UgyldigKommandoError):
            raise
        except Exception as e:
            vakt.forklar(e)
            raise
    except (DomainError, UgyldigKommandoError) as e:
        _refusert(t, b, data, e, request.state.request_id)
        raise
    response.status_code = r.status
    return r.json()


@router.post(
    "/batch",
    response_model=schemas.Batchkvittering,
    summary="Send several commands in order",
    description=(
        "Every command is read and validated first: if one cannot be read or breaks a VAL rule, the whole "
        "batch is refused and nothing is stored (the problem's `field` starts with the item's index, "
        "`[3].fnr`). Then the commands are applied in order; one the domain refuses (VAL-4, VAL-5, VAL-8) "
        "is reported in its result and stores nothing, and the rest go on. Not atomic across commands."
    ),
    responses=dokumentert(400, 401, 403, 413, 422, 500),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 100,
                        "items": kommandoskjema.kommando_body_skjema(),
                    }
                }
            },
        }
    },
)
def send_batch(request: Request, t: TjenesterDep, b: BrukerDep, body: KroppDep) -> Any:
    _skriver(b)
    data = les_json(body)
    if not isinstance(data, list) or not data:
        raise ApiFeil(400, "expected a non-empty array of commands", rule="VAL-9", field="$")
    if len(data) > t.settings.api_max_batch:
        raise ApiFeil(400, f"at most {t.settings.api_max_batch} commands per batch", rule="VAL-9", field="$")
    kommandoer = []
    for i, d in enumerate(data):
        _sender(b, d, f"[{i}].type")
        try:
            sjekk_tekst(d)
            kommandoer.append(les(t, d))
        except (DomainError, UgyldigKommandoError) as e:
            _refusert(t, b, d, e, request.state.request_id)
            feil = domenefeil(e) if isinstance(e, DomainError) else ulesbar(e)
            feil.field = f"[{i}].{feil.field or '$'}"
            raise feil from None
    resultater: list[dict[str, Any]] = []
    for i, k in enumerate(kommandoer):
        try:
            vakt = karantene.sjekk(t, k)
            try:
                r = utfor(t, b, k, request.state.request_id)
            except (DomainError, UgyldigKommandoError):
                raise
            except Exception as e:
                vakt.forklar(e)
                raise
        except ApiFeil as avvist:
            if avvist.slug != karantene.SLUG:
                raise
            # quarantined: this command is refused, the rest go on
            problem = problem_body(request.scope, avvist.status, avvist.detail, field=avvist.field, slug=avvist.slug)
            resultater.append({"index": i, "status": avvist.status, "problem": problem})
            continue
        except (DomainError, UgyldigKommandoError) as e:
            _refusert(t, b, data[i], e, request.state.request_id)
            feil = domenefeil(e) if isinstance(e, DomainError) else ulesbar(e)
            problem = problem_body(request.scope, feil.status, feil.detail, rule=feil.rule, field=feil.field)
            resultater.append({"index": i, "status": feil.status, "problem": problem})
            continue
        except Exception as e:  # earlier items are stored: the batch must not answer 5xx
            # A command is all or nothing (SyfoApp.behandle): this one stored nothing; say so in its result.
            logger().error("command_failed", type=kommandoer[i].type, error=type(e).__name__)
            problem = problem_body(request.scope, 500, "the command could not be stored; nothing of it was")
            resultater.append({"index": i, "status": 500, "problem": problem})
            continue
        resultater.append({"index": i, "status": r.status, **r.json(), "problem": None})
    posisjoner = [r["position"] for r in resultater if r.get("position") is not None]
    return {"results": resultater, "position": max(posisjoner, default=None)}
