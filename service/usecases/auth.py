"""Bearer tokens: HS256 JWTs with the subject and one role (ACC-1).

``sub`` is the caller's id: the fødselsnummer for AT, the leader's, HR's, sykmelder's or
participant's id otherwise, ``NAV`` or a NAV user id for NAV, an integration's name for SYSTEM.
The token is checked against the real time (``exp``, ``iat``) with at most ``JWT_LEEWAY_S`` of clock
skew; the API's injected clock is for the domain. A token must say when it was issued, and one whose
lifetime (``exp - iat``) is over the configured maximum (``Settings.jwt_max_ttl_s``, 12 h by default) is
refused, so that a leaked key's tokens, or a token minted for a century, do not outlive a working day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from domain.tilgang import Rolle
from service.usecases.problems import ApiFeil

ALGORITME = "HS256"
UTSTEDER = "syfo-tidslinje"
MAKS_BEGRUNNELSE = 500
_KONTROLLTEGN = re.compile(r"[\x00-\x1f\x7f]")
JWT_LEEWAY_S = 5
MAKS_LEVETID_S = 12 * 3600


ENHET = re.compile(r"^[0-9]{4}$")


def lag_token(
    nokkel: str,
    sub: str,
    rolle: Rolle | str,
    ttl_s: int = 3600,
    naa: datetime | None = None,
    enheter: Sequence[str] = (),
) -> str:
    """Mint a token (``syfo token`` and tests); ``enheter``: a NAV user's offices (ACC-8)."""
    naa = naa or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "role": Rolle(rolle).value,
        "iss": UTSTEDER,
        "iat": naa,
        "exp": naa + timedelta(seconds=ttl_s),
    }
    if enheter:
        claims["enheter"] = list(enheter)
    return jwt.encode(claims, nokkel, algorithm=ALGORITME)


def les_token(
    nokkel: str, token: str, maks_levetid_s: int = MAKS_LEVETID_S, naa: datetime | None = None
) -> tuple[str, Rolle]:
    """(subject, role) of a valid token; 401 otherwise, without saying which check failed."""
    claims = token_claims(nokkel, token, maks_levetid_s, naa)
    return claims["sub"], Rolle(claims["role"])


def token_claims(
    nokkel: str, token: str, maks_levetid_s: int = MAKS_LEVETID_S, naa: datetime | None = None
) -> dict[str, Any]:
    """The claims of a valid token (``sub``, ``role``, ``iat``, ``exp``); ApiFeil(401) otherwise."""
    uautorisert = ApiFeil(401, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"})
    naa = naa or datetime.now(UTC)
    try:
        claims = jwt.decode(
            token,
            nokkel,
            algorithms=[ALGORITME],
            issuer=UTSTEDER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise uautorisert from None
    exp, iat, t = claims.get("exp"), claims.get("iat"), naa.timestamp()
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise uautorisert
    if exp <= t - JWT_LEEWAY_S or iat > t + JWT_LEEWAY_S or exp - iat > maks_levetid_s:
        raise uautorisert
    sub, rolle = claims.get("sub"), claims.get("role")
    if not isinstance(sub, str) or not sub or len(sub) > 200 or not isinstance(rolle, str):
        raise uautorisert
    if rolle not in Rolle.__members__:
        raise uautorisert
    enheter = claims.get("enheter", [])
    if (
        not isinstance(enheter, list)
        or len(enheter) > 40
        or not all(isinstance(e, str) and ENHET.match(e) for e in enheter)
    ):
        raise uautorisert
    return claims


def enheter_i(claims: dict[str, Any]) -> tuple[str, ...]:
    """The NAV offices a valid token names (ACC-8), in order, without repeats."""
    return tuple(dict.fromkeys(claims.get("enheter", [])))


def begrunnelse(tekst: str | None) -> str | None:
    """A reason given with a read (recorded in the audit log, AUD-1): trimmed, no control characters."""
    if tekst is None:
        return None
    renset = _KONTROLLTEGN.sub(" ", tekst).strip()
    if len(renset) > MAKS_BEGRUNNELSE:
        raise ApiFeil(400, f"at most {MAKS_BEGRUNNELSE} characters", field="X-Access-Reason")
    return renset or None
