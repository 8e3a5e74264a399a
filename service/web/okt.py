"""The login session of the pages: a server-side session (``service.store.sessions``) named by a cookie.

Logging in takes the API's bearer token, checks it as the API does (``service.usecases.auth``: signature,
role, at most ``Settings.jwt_max_ttl_s`` of lifetime) and opens a session in the database for its
subject and role, ending no later than the token. The cookie holds only the random session id
(256 bits), HttpOnly, SameSite=Strict, and ``Secure`` unless the settings say otherwise
(``Settings.session_cookie_secure``: on outside demo mode). Logout, expiry and the person's erasure delete the
session, so the old cookie value stops working at once in every process.

Forms: every form that changes something carries a CSRF token, a keyed hash of the session id; the
login forms (before there is a session) carry one bound to a random pre-login cookie. A POST whose
``Origin`` (or, without it, ``Referer``) names another site is refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from domain.tilgang import Bruker, Rolle
from service.compliance.audit import aktor_id
from service.store.sessions import create_session, end_session, find_session
from service.usecases.auth import enheter_i, token_claims
from service.usecases.problems import ApiFeil
from service.usecases.services import Tjenester
from service.usecases.varsler import uleste

COOKIE: Final = "syfo_okt"
INN_COOKIE: Final = "syfo_inn"  # the pre-login cookie the login forms' CSRF token is bound to
CSRF_FELT: Final = "csrf"
INN_LEVETID_S: Final = 3600


def token_fra(request: Request) -> str | None:
    """The session id in the cookie (what ``csrf`` binds a form to), or None."""
    verdi = request.cookies.get(COOKIE)
    return verdi or None


def _naa() -> datetime:
    return datetime.now(UTC)


def innlogget(request: Request, t: Tjenester) -> Bruker | None:
    """The logged-in caller, or None without a live session."""
    okt_id = token_fra(request)
    if okt_id is None:
        return None
    okt = find_session(t.engine, okt_id, _naa())
    if okt is None or okt.role not in Rolle.__members__:
        return None
    rolle = Rolle(okt.role)
    person_id = t.pseudonym(okt.sub) if rolle is Rolle.AT else None
    b = Bruker(sub=okt.sub, rolle=rolle, person_id=person_id, enheter=okt.enheter)
    request.state.rolle = b.rolle.value
    request.state.aktor = aktor_id(b, t.pseudonym)  # logs carry the pseudonymous id only (PRIV-3)
    request.state.uleste_varsler = uleste(t.engine, t, b)  # the header's count (``service.web.varselside``)
    return b


def _hmac(t: Tjenester, formal: bytes, verdi: str) -> str:
    nokkel = t.settings.jwt_key.get_secret_value().encode()
    return hmac.new(nokkel, formal + verdi.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:40]


def csrf(t: Tjenester, okt_id: str) -> str:
    """A form token bound to this session (a keyed hash of the session id)."""
    return _hmac(t, b"csrf:", okt_id)


def csrf_gyldig(request: Request, t: Tjenester, verdi: str | None) -> bool:
    okt_id = token_fra(request)
    return okt_id is not None and verdi is not None and hmac.compare_digest(csrf(t, okt_id), verdi)


def innloggings_csrf(request: Request, t: Tjenester) -> str:
    """The CSRF token of a login form, bound to the caller's pre-login cookie; when it has none, a new
    one is made here and ``sett_inn_cookie`` sets it on the answer."""
    nonce = request.cookies.get(INN_COOKIE) or ""
    if len(nonce) < 32 or len(nonce) > 100:
        nonce = secrets.token_urlsafe(32)
        request.state.ny_inn_nonce = nonce
    return _hmac(t, b"login:", nonce)


def sett_inn_cookie(svar: Response, request: Request, t: Tjenester) -> None:
    """Give the caller the pre-login cookie made by ``innloggings_csrf`` for this request, if any."""
    nonce = getattr(request.state, "ny_inn_nonce", None)
    if nonce:
        svar.set_cookie(
            INN_COOKIE,
            nonce,
            max_age=INN_LEVETID_S,
            httponly=True,
            samesite="strict",
            secure=t.settings.session_cookie_secure,
            path="/",
        )


def innlogging_gyldig(request: Request, t: Tjenester, verdi: str | None) -> bool:
    """A login form: its CSRF token matches the pre-login cookie, and it was posted from this site."""
    nonce = request.cookies.get(INN_COOKIE)
    if not nonce or not verdi or not samme_opphav(request, t):
        return False
    return hmac.compare_digest(_hmac(t, b"login:", nonce), verdi)


def samme_opphav(request: Request, t: Tjenester) -> bool:
    """Was the form posted from this site? ``Origin``, else ``Referer``; neither (an old client) passes,
    the CSRF token still has to match. With ``Settings.web_origin`` set, only that origin is this site."""
    kilde = request.headers.get("origin") or request.headers.get("referer")
    if kilde is None:
        return True
    if kilde == "null":
        return False
    deler = urlsplit(kilde)
    if t.settings.web_origin:
        onsket = urlsplit(t.settings.web_origin)
        return (deler.scheme, deler.netloc) == (onsket.scheme, onsket.netloc)
    return bool(deler.netloc) and deler.netloc == request.headers.get("host", "")


def apne_okt(response: Response, t: Tjenester, token: str) -> None:
    """Open a session for a valid bearer token (ApiFeil(401) otherwise) and put its id in the cookie."""
    claims = token_claims(t.settings.jwt_key.get_secret_value(), token, t.settings.jwt_max_ttl_s)
    naa = _naa()
    utloper = min(datetime.fromtimestamp(claims["exp"], UTC), naa + timedelta(seconds=t.settings.jwt_max_ttl_s))
    sub, rolle = claims["sub"], claims["role"]
    person_id = t.pseudonym(sub) if rolle == Rolle.AT.value else None
    enheter = enheter_i(claims) if rolle == Rolle.NAV.value else ()
    okt_id = create_session(t.engine, sub, rolle, person_id, utloper, naa, enheter)
    response.set_cookie(
        COOKIE,
        okt_id,
        max_age=max(int((utloper - naa).total_seconds()), 0),
        httponly=True,
        samesite="strict",
        secure=t.settings.session_cookie_secure,
        path="/",
    )
    response.delete_cookie(
        INN_COOKIE, path="/", httponly=True, samesite="strict", secure=t.settings.session_cookie_secure
    )


def avslutt_okt(response: Response, request: Request, t: Tjenester) -> None:
    """End the session (in the database: the cookie value stops working everywhere) and drop the cookie."""
    okt_id = token_fra(request)
    if okt_id is not None:
        end_session(t.engine, okt_id)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=t.settings.session_cookie_secure)


def krev_innlogging_gyldig(request: Request, t: Tjenester, verdi: str | None) -> None:
    if not innlogging_gyldig(request, t, verdi):
        raise ApiFeil(403, "ugyldig skjema")


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
