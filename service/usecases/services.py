"""What every route needs: the service core, the clock, the caller, and read-your-writes waits."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.kalender import oslo_dato
from domain.tilgang import Bruker, Rolle
from domain.validering import i_tidsrom
from projections import lister
from projections.oppdaterer import PosisjonKonflikt
from service.compliance.audit import aktor_id
from service.observability import Metrikker
from service.usecases.auth import begrunnelse, enheter_i, token_claims
from service.usecases.problems import ApiFeil

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from service.background import Background
    from service.bootstrap import Core
    from service.settings import Settings
    from service.store.application import SyfoApp

VENT_STEG_S = 0.01
DATO_MONSTER = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIDSPUNKT_MONSTER = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"


@dataclass
class Tjenester:
    """The service behind the routes, on ``app.state.tjenester``."""

    kjerne: Core
    settings: Settings
    bakgrunn: Background | None
    klokke: Callable[[], datetime]
    metrikker: Metrikker

    @property
    def app(self) -> SyfoApp:
        return self.kjerne.app

    @property
    def engine(self) -> Engine:
        return self.kjerne.engine

    def naa(self) -> datetime:
        t = self.klokke()
        if t.tzinfo is None:
            raise ValueError("the API clock must give instants with offset (T-1)")
        return t

    def idag(self) -> date:
        """The read date of access rules (ACC-2): the Oslo date of the API clock."""
        return oslo_dato(self.naa())

    def pseudonym(self, fnr: str) -> str:
        """A keyed pseudonym of an identity number: the person stream id it would have (PRIV-3)."""
        return str(self.app.person_for_fnr(fnr))

    def vent_pa(self, posisjon: int | None) -> None:
        """Read-your-writes: wait (bounded) until every projection has applied ``posisjon``."""
        if not posisjon:
            return
        if self._projisert() >= posisjon:
            return
        if posisjon > self.app.siste_posisjon():
            # The answer does not name the log's last position: how much is written is nobody's business.
            raise ApiFeil(409, f"position {posisjon} is not written", field="min_position", slug="position")
        frist = time.monotonic() + self.settings.api_read_wait_s
        while True:
            if self.bakgrunn is None:
                with contextlib.suppress(PosisjonKonflikt):
                    self.kjerne.oppdaterer.fang_opp()
            else:
                self.bakgrunn.vekk()
            if self._projisert() >= posisjon:
                return
            if time.monotonic() >= frist:
                raise ApiFeil(
                    503,
                    f"the read models have not reached position {posisjon} yet",
                    field="min_position",
                    slug="projection-lag",
                    headers={"Retry-After": "1"},
                )
            time.sleep(VENT_STEG_S)

    def _projisert(self) -> int:
        with self.engine.connect() as conn:
            return lister.laveste_posisjon(conn)


# The dependencies below are ``async def`` on purpose: they only decode a token and build small objects,
# so they run on the event loop. A plain ``def`` dependency is run in the thread pool, one hand-off per
# dependency per request, and under concurrent requests those hand-offs (and the GIL passed between the
# pool's threads and the loop) cost more than the work itself. Only the endpoint goes to the pool.
async def tjenester(request: Request) -> Tjenester:
    t: Tjenester = request.app.state.tjenester
    return t


TjenesterDep = Annotated[Tjenester, Depends(tjenester)]

bearer = HTTPBearer(auto_error=False, description="HS256 JWT with `sub` and `role` (`syfo token`).")


async def bruker(
    request: Request, t: TjenesterDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Bruker:
    """The caller from the bearer token; 401 without a valid one."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise ApiFeil(401, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"})
    claims = token_claims(t.settings.jwt_key.get_secret_value(), creds.credentials, t.settings.jwt_max_ttl_s)
    sub, rolle = claims["sub"], Rolle(claims["role"])
    person_id = t.pseudonym(sub) if rolle is Rolle.AT else None
    enheter = enheter_i(claims) if rolle is Rolle.NAV else ()
    b = Bruker(sub=sub, rolle=rolle, person_id=person_id, enheter=enheter)
    request.state.rolle = rolle.value
    request.state.aktor = aktor_id(b, t.pseudonym)  # logs carry the pseudonymous id only (PRIV-3)
    return b


BrukerDep = Annotated[Bruker, Depends(bruker)]


async def leser(
    b: BrukerDep,
    x_access_reason: Annotated[
        str | None, Header(description="why the data is read; recorded in the audit log (AUD-1)", max_length=500)
    ] = None,
    x_break_glass: Annotated[
        bool, Header(description="AUDITOR only, with X-Access-Reason: show identity numbers (ACC-7)")
    ] = False,
) -> Bruker:
    """A reading caller, with the reason given and the break-glass flag (itself logged)."""
    grunn = begrunnelse(x_access_reason)
    if x_break_glass:
        if b.rolle is not Rolle.AUDITOR:
            raise ApiFeil(403, "only AUDITOR may break the glass", rule="ACC-7", field="X-Break-Glass")
        if grunn is None:
            raise ApiFeil(400, "break-glass needs a reason", rule="ACC-7", field="X-Access-Reason")
    return Bruker(b.sub, b.rolle, b.person_id, grunn, x_break_glass, b.enheter)


LeserDep = Annotated[Bruker, Depends(leser)]


async def vent(
    t: TjenesterDep,
    _b: BrukerDep,  # authenticate first: an unauthenticated request is a 401 at once, never a wait
    min_position: Annotated[
        int | None,
        Query(ge=0, description="read-your-writes: answer only once the read models include this position"),
    ] = None,
    x_min_position: Annotated[int | None, Header(ge=0, description="as ?min_position=")] = None,
) -> None:
    posisjon = max(min_position or 0, x_min_position or 0)
    if posisjon:  # waiting reads the database and sleeps: in the thread pool, never on the event loop
        await run_in_threadpool(t.vent_pa, posisjon)


VentDep = Depends(vent)


def les_dato(verdi: str | None, felt: str) -> date | None:
    """An ISO 8601 calendar date from a query parameter (no timestamps, no other forms)."""
    if verdi is None:
        return None
    try:
        return date.fromisoformat(verdi)
    except ValueError:
        raise ApiFeil(400, "expected a date YYYY-MM-DD", field=felt) from None


def les_tidspunkt(verdi: str | None, felt: str) -> datetime | None:
    """An ISO 8601 instant with offset from a query parameter (T-1)."""
    if verdi is None:
        return None
    try:
        t = datetime.fromisoformat(verdi)
    except ValueError:
        raise ApiFeil(400, "expected an ISO 8601 instant with offset", rule="T-1", field=felt) from None
    if t.tzinfo is None:
        raise ApiFeil(400, "as_of needs an offset", rule="T-1", field=felt)
    if not i_tidsrom(t):  # VAL-10: 9999-12-31T23:59:59-14:00 must never reach the date arithmetic
        raise ApiFeil(422, "must lie in 2000-01-01 … 2099-12-31", rule="VAL-10", field=felt)
    return t
