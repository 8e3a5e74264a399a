"""Bearer tokens: HS256 JWTs with the subject and one role (ACC-1).

``sub`` is the caller's id: the fødselsnummer for AT, the leader's, HR's, sykmelder's or
participant's id otherwise, ``NAV`` or a NAV user id for NAV, an integration's name for SYSTEM.
The token is checked against the real time (``exp``); the API's injected clock is for the domain.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from service.api.problems import ApiFeil
from service.tilgang import Rolle

ALGORITME = "HS256"
UTSTEDER = "syfo-tidslinje"
MAKS_BEGRUNNELSE = 500
_KONTROLLTEGN = re.compile(r"[\x00-\x1f\x7f]")


def lag_token(nokkel: str, sub: str, rolle: Rolle | str, ttl_s: int = 3600, naa: datetime | None = None) -> str:
    """Mint a token (``syfo token`` and tests)."""
    naa = naa or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "role": Rolle(rolle).value,
        "iss": UTSTEDER,
        "iat": naa,
        "exp": naa + timedelta(seconds=ttl_s),
    }
    return jwt.encode(claims, nokkel, algorithm=ALGORITME)


def les_token(nokkel: str, token: str) -> tuple[str, Rolle]:
    """(subject, role) of a valid token; 401 otherwise, without saying which check failed."""
    uautorisert = ApiFeil(401, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = jwt.decode(
            token,
            nokkel,
            algorithms=[ALGORITME],
            issuer=UTSTEDER,
            options={"require": ["exp", "sub", "iss"]},
            leeway=30,
        )
    except jwt.PyJWTError:
        raise uautorisert from None
    sub, rolle = claims.get("sub"), claims.get("role")
    if not isinstance(sub, str) or not sub or len(sub) > 200 or not isinstance(rolle, str):
        raise uautorisert
    if rolle not in Rolle.__members__:
        raise uautorisert
    return sub, Rolle(rolle)


def begrunnelse(tekst: str | None) -> str | None:
    """A reason given with a read (recorded in the audit log, AUD-1): trimmed, no control characters."""
    if tekst is None:
        return None
    renset = _KONTROLLTEGN.sub(" ", tekst).strip()
    if len(renset) > MAKS_BEGRUNNELSE:
        raise ApiFeil(400, f"at most {MAKS_BEGRUNNELSE} characters", field="X-Access-Reason")
    return renset or None
