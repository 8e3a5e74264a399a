"""Server-side web sessions, the login forms' CSRF token and Origin check, and the headers of the answers.

The cookie holds a random session id, never the bearer token; the session lives in the database, so
every API process on it sees the same sessions, and logout, expiry and erasure (RET-3) end it at once.
ACC-1: without a live session a page sends the caller to the login form.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from projections.tabeller import web_sessions
from service.bootstrap import build_core
from service.compliance.erasure import slett_fnr
from service.http import lag_api
from service.usecases.auth import lag_token

from .web_hjelp import P1, Web, web

OKT = "syfo_okt"


def _cookie(r: Any, navn: str = OKT) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for linje in r.headers.get_list("set-cookie"):
        jar.load(linje)
    assert navn in jar, r.headers.get_list("set-cookie")
    return jar


def _logg_inn(w: Web, sub: str = "leder-demo", rolle: str = "NL") -> str:
    w.klient.cookies.clear()
    r = w.post_innlogging({"token": w.token(sub, rolle)})
    assert r.status_code == 303, r.text
    return _cookie(r)[OKT].value


def _med_cookie(w: Web, verdi: str, sti: str = "/mine-sykmeldte") -> Any:
    w.klient.cookies.clear()
    w.klient.cookies.set(OKT, verdi, domain="127.0.0.1")
    return w.klient.get(sti, follow_redirects=False)


def _rader(w: Web) -> list[Any]:
    with w.kjerne.engine.connect() as conn:
        return list(conn.execute(select(web_sessions)))


def test_the_cookie_holds_a_random_session_id_and_the_database_only_its_hash(ny: Web) -> None:
    token = ny.token("leder-demo", "NL")
    forste, andre = _logg_inn(ny), _logg_inn(ny)

    assert token not in (forste, andre)
    assert forste != andre
    assert len(forste) >= 43  # 32 random bytes, base64url: over 128 bits
    hashene = {r.session_hash for r in _rader(ny)}
    assert hashlib.sha256(forste.encode()).hexdigest() in hashene
    assert not {forste, andre} & hashene
    assert _med_cookie(ny, forste).status_code == 200


def test_after_logout_the_old_cookie_value_no_longer_works(ny: Web) -> None:
    okt = _logg_inn(ny)
    side = ny.klient.get("/mine-sykmeldte")

    ut = ny.klient.post("/logg-ut", data={"csrf": ny.csrf(side.text)}, follow_redirects=False)

    assert ut.status_code == 303
    r = _med_cookie(ny, okt)  # the old value, sent again as a stolen cookie would be
    assert r.status_code == 303
    assert r.headers["location"].startswith("/logg-inn")
    assert _rader(ny) == []


def test_an_expired_session_no_longer_works_and_is_deleted(ny: Web) -> None:
    okt = _logg_inn(ny)
    with ny.kjerne.engine.begin() as conn:
        conn.execute(update(web_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))

    r = _med_cookie(ny, okt)

    assert r.status_code == 303
    assert r.headers["location"].startswith("/logg-inn")
    assert _rader(ny) == []


def test_the_session_ends_no_later_than_the_token(ny: Web) -> None:
    ny.klient.cookies.clear()
    token_exp = datetime.now(UTC) + timedelta(seconds=600)
    token = lag_token(ny.settings.jwt_key.get_secret_value(), "leder-demo", "NL", ttl_s=600)
    r = ny.post_innlogging({"token": token})

    (rad,) = _rader(ny)
    utloper = rad.expires_at.replace(tzinfo=UTC) if rad.expires_at.tzinfo is None else rad.expires_at
    assert utloper <= token_exp + timedelta(seconds=1)
    assert int(_cookie(r)[OKT]["max-age"]) <= 600


def test_a_session_opened_in_one_process_works_in_another_on_the_same_database(ny: Web, tmp_path: Path) -> None:
    okt = _logg_inn(ny)
    annen = build_core(ny.settings)  # a second API process on the same database
    try:
        app = lag_api(annen, None, ny.klokke, ny.settings)
        with TestClient(app, base_url="https://127.0.0.1", cookies={OKT: okt}) as klient:
            assert klient.get("/mine-sykmeldte", follow_redirects=False).status_code == 200
            klient.post("/logg-ut", data={"csrf": _csrf(klient)}, follow_redirects=False)
    finally:
        annen.close()

    assert _med_cookie(ny, okt).status_code == 303  # logged out there, ended here too


def _csrf(klient: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', klient.get("/mine-sykmeldte").text)
    assert m is not None
    return m.group(1)


# ---------------------------------------------------------------- the login forms: CSRF and Origin


def test_a_login_without_a_valid_csrf_token_is_refused(ny: Web) -> None:
    ny.klient.cookies.clear()
    token = ny.token("leder-demo", "NL")

    uten = ny.klient.post("/logg-inn", data={"token": token}, follow_redirects=False)
    ny.klient.get("/logg-inn")  # the pre-login cookie, but a made-up token
    feil = ny.klient.post("/logg-inn", data={"token": token, "csrf": "0" * 40}, follow_redirects=False)

    assert (uten.status_code, feil.status_code) == (403, 403)
    assert OKT not in uten.headers.get("set-cookie", "") + feil.headers.get("set-cookie", "")
    assert "Prøv igjen" in feil.text
    assert _rader(ny) == []


def test_a_csrf_token_without_its_pre_login_cookie_is_refused(ny: Web) -> None:
    ny.klient.cookies.clear()
    skjema = ny.klient.get("/logg-inn")
    csrf = ny.csrf(skjema.text)
    ny.klient.cookies.clear()  # another browser, which never had the form

    r = ny.klient.post("/logg-inn", data={"token": ny.token("NAV", "NAV"), "csrf": csrf}, follow_redirects=False)

    assert r.status_code == 403


@pytest.mark.parametrize(
    "hode",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/login"},
        {"Origin": "https://127.0.0.1.evil.example"},
    ],
)
def test_a_login_posted_from_another_site_is_refused(ny: Web, hode: dict[str, str]) -> None:
    ny.klient.cookies.clear()

    r = ny.post_innlogging({"token": ny.token("leder-demo", "NL")}, headers=hode)

    assert r.status_code == 403
    assert _rader(ny) == []


def test_a_login_posted_from_this_site_passes_the_origin_check(ny: Web) -> None:
    ny.klient.cookies.clear()

    r = ny.post_innlogging({"token": ny.token("leder-demo", "NL")}, headers={"Origin": "https://127.0.0.1"})

    assert r.status_code == 303


def test_the_configured_web_origin_is_the_only_one_accepted(tmp_path: Path) -> None:
    with web(f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path, web_origin="https://syfo.example") as w:
        token = w.token("leder-demo", "NL")
        fremmed = w.post_innlogging({"token": token}, headers={"Origin": "https://127.0.0.1"})
        egen = w.post_innlogging({"token": token}, headers={"Origin": "https://syfo.example"})

    assert (fremmed.status_code, egen.status_code) == (403, 303)


def test_the_demo_login_needs_its_csrf_token_too(tmp_path: Path) -> None:
    with web(f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path, demo_login=True) as w:
        w.klient.cookies.clear()
        w.klient.get("/demo-innlogging")
        r = w.klient.post("/demo-innlogging", data={"sub": "leder-demo", "rolle": "NL"}, follow_redirects=False)

    assert r.status_code == 403


# ---------------------------------------------------------------- Secure, and the API's headers


@pytest.fixture
def sqlite(tmp_path: Path) -> tuple[str, Path]:
    return f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path


@pytest.mark.parametrize(
    ("innstillinger", "secure"),
    [
        ({}, True),
        ({"demo_login": True}, False),
        ({"cookie_secure": False}, False),
        ({"demo_login": True, "cookie_secure": True}, True),
    ],
)
def test_secure_on_the_cookie_follows_the_setting_and_is_on_outside_demo_mode(
    sqlite: tuple[str, Path], innstillinger: dict[str, Any], secure: bool
) -> None:
    with web(*sqlite, **innstillinger) as w:
        w.klient.cookies.clear()
        skjema = w.klient.get("/logg-inn")
        r = w.post_innlogging({"token": w.token("leder-demo", "NL")})

    assert r.status_code == 303
    assert bool(_cookie(r)[OKT]["secure"]) is secure
    assert bool(_cookie(skjema, "syfo_inn")["syfo_inn"]["secure"]) is secure
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=strict" in r.headers["set-cookie"].lower()


def test_an_erased_arbeidstaker_s_sessions_end(ny: Web) -> None:
    okt = _logg_inn(ny, P1.fnr, "AT")
    assert _med_cookie(ny, okt, "/").status_code == 200
    assert [r.person_id for r in _rader(ny)] == [str(ny.kjerne.app.person_for_fnr(P1.fnr))]

    slett_fnr(ny.kjerne, P1.fnr)

    assert _rader(ny) == []
    assert _med_cookie(ny, okt, "/").status_code == 303


def test_every_api_answer_is_no_store_and_nosniff(ny: Web) -> None:
    sak = ny.sak(P1)
    hoder = {"Authorization": "Bearer " + ny.token("NAV", "NAV")}

    svar = [
        ny.klient.get(f"/api/v1/saker/{sak}", headers=hoder),  # carries the fnr
        ny.klient.get(f"/api/v1/saker/{sak}/tidslinje", headers=hoder),
        ny.klient.get("/api/v1/saker", headers=hoder),
        ny.klient.get(f"/api/v1/saker/{sak}"),  # 401
        ny.klient.get("/api/v1/saker/finnes-ikke", headers=hoder),  # 404
    ]

    assert [r.status_code for r in svar] == [200, 200, 200, 401, 404]
    assert P1.fnr in svar[0].text
    for r in svar:
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert len(r.headers.get_list("cache-control")) == 1


def test_nosniff_is_on_every_answer(ny: Web) -> None:
    for sti in ("/health/live", "/openapi.json", "/logg-inn", "/static/stil.css"):
        r = ny.klient.get(sti)
        assert r.headers.get_list("x-content-type-options") == ["nosniff"], sti
