"""Issue 14: the page ``/varslingsinnstillinger``: a user sees and changes their own channels and rotates the
calendar link, through forms with the session's CSRF token (as the other forms), in bokmål."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .web_hjelp import Web, web

LEDER = "leder-varsling"


@pytest.fixture
def w(database_url: str, tmp_path: Path) -> Iterator[Web]:
    with web(database_url, tmp_path, offentlig_url="https://syfo.example.no") as ww:
        yield ww


def _post(w: Web, felter: dict[str, str]) -> Any:
    side = w.klient.get("/varslingsinnstillinger")
    return w.klient.post("/varslingsinnstillinger", data={"csrf": w.csrf(side.text), **felter})


def test_a_leader_sets_an_email_address_on_the_page(w: Web) -> None:
    w.logg_inn(LEDER, "NL")
    side = w.klient.get("/varslingsinnstillinger")
    assert side.status_code == 200
    assert "Varslingsinnstillinger" in side.text

    r = _post(w, {"handling": "kanaler", "epost": "kari@example.com", "webhook_url": ""})

    assert r.status_code == 200
    assert "Innstillingene er lagret." in r.text
    api = w.klient.get("/api/v1/meg/varsling", headers={"Authorization": "Bearer " + w.token(LEDER, "NL")})
    assert api.json()["epost"] == "kari@example.com"
    assert 'value="kari@example.com"' in w.klient.get("/varslingsinnstillinger").text


def test_a_refused_webhook_address_gets_a_message_in_bokmal_and_changes_nothing(w: Web) -> None:
    w.logg_inn(LEDER, "NL")
    r = _post(w, {"handling": "kanaler", "epost": "", "webhook_url": "https://127.0.0.1/x"})

    assert r.status_code == 422
    assert "offentlig tjeneste" in r.text
    api = w.klient.get("/api/v1/meg/varsling", headers={"Authorization": "Bearer " + w.token(LEDER, "NL")})
    assert api.json()["webhook_url"] is None


def test_rotating_the_calendar_link_on_the_page_shows_the_new_address_once(w: Web) -> None:
    w.logg_inn(LEDER, "NL")
    r = _post(w, {"handling": "kalender"})

    assert r.status_code == 200
    assert "https://syfo.example.no/kalender/" in r.text
    assert "https://syfo.example.no/kalender/" not in w.klient.get("/varslingsinnstillinger").text


def test_a_form_without_the_csrf_token_is_refused(w: Web) -> None:
    w.logg_inn(LEDER, "NL")
    r = w.klient.post("/varslingsinnstillinger", data={"handling": "kanaler", "epost": "x@example.com"})

    assert r.status_code == 403
    api = w.klient.get("/api/v1/meg/varsling", headers={"Authorization": "Bearer " + w.token(LEDER, "NL")})
    assert api.json()["epost"] is None


def test_the_page_needs_a_login(w: Web) -> None:
    r = w.klient.get("/varslingsinnstillinger", follow_redirects=False)
    assert r.status_code in (302, 303)
