"""The login session of the pages: the API's bearer token (``service.api.auth``) kept in a cookie.

The cookie holds the same HS256 JWT the API takes in ``Authorization: Bearer``, so a page and the API
agree on who the caller is and what role it has (ACC-1). The cookie is HttpOnly and SameSite=Strict;
every form that changes something also carries a CSRF token derived from the session token, so a
form posted from another site is refused even where SameSite is not honoured.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime
from typing import Final

import jwt
from starlette.requests import Request
from starlette.responses import Response

from service.api.auth import les_token
from service.api.deps import Tjenester
from service.api.problems import ApiFeil
from service.revisjon import aktor_id
from service.tilgang import Bruker, Rolle

COOKIE: Final = "syfo_okt"
CSRF_FELT: Final = "csrf"


def token_fra(request: Request) -> str | None:
    verdi = request.cookies.get(COOKIE)
    return verdi or None


def bruker_fra_token(t: Tjenester, token: str) -> Bruker:
    """The caller of a token, as ``service.api.deps.bruker`` builds it; ApiFeil(401) when invalid."""
    sub, rolle = les_token(t.settings.jwt_key.get_secret_value(), token)
    person_id = t.pseudonym(sub) if rolle is Rolle.AT else None
    return Bruker(sub=sub, rolle=rolle, person_id=person_id)


def innlogget(request: Request, t: Tjenester) -> Bruker | None:
    """The logged-in caller, or None without a valid session cookie."""
    token = token_fra(request)
    if token is None:
        return None
    try:
        b = bruker_fra_token(t, token)
    except ApiFeil:
        return None
    request.state.rolle = b.rolle.value
    request.state.aktor = aktor_id(b, t.pseudonym)  # logs carry the pseudonymous id only (PRIV-3)
    return b


def csrf(t: Tjenester, token: str) -> str:
    """A form token bound to this session (a keyed hash of the session token)."""
    nokkel = t.settings.jwt_key.get_secret_value().encode()
    return hmac.new(nokkel, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()[:40]


def csrf_gyldig(request: Request, t: Tjenester, verdi: str | None) -> bool:
    token = token_fra(request)
    return token is not None and verdi is not None and hmac.compare_digest(csrf(t, token), verdi)


def sett_okt(response: Response, request: Request, token: str) -> None:
    """Store the token in the session cookie until the token itself expires."""
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        exp = None
    max_age = None
    if isinstance(exp, int | float):
        max_age = max(int(exp - datetime.now(UTC).timestamp()), 0)
    response.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def slett_okt(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


LOKALE_NAVN: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def fra_loopback(request: Request) -> bool:
    """The request comes from this machine and names it (the demo login is local-only).

    Both the peer address and the Host header must be local: behind a reverse proxy on the same
    machine every peer is loopback, but the proxied requests name the public host.
    """
    vert = request.client.host if request.client else ""
    try:
        lokal = ipaddress.ip_address(vert).is_loopback
    except ValueError:
        return False
    return lokal and (request.url.hostname or "") in LOKALE_NAVN


def trygg_neste(neste: str | None) -> str:
    """Where to go after login: a path on this site only (no open redirect)."""
    if not neste or not neste.startswith("/") or neste.startswith("//") or "\\" in neste:
        return "/"
    return neste
