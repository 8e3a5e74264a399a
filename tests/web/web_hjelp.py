"""Builders for the page tests: the real app on a real database with the demo cases, a session per role.

The clock is fixed (``KLOKKE``), and the demo cases are dated relative to ``IDAG``, so every deadline
in these tests is a fixed date. Requests come from a loopback address (the demo login is local-only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hjelp import Klokke
from sqlalchemy import select

from domain.kalender import OSLO
from projections.tabeller import saker
from service.bootstrap import Core, build_core
from service.devtools import demodata
from service.http import lag_api
from service.settings import Settings
from service.usecases.auth import lag_token

IDAG = date(2026, 12, 1)
KLOKKE = datetime(2026, 12, 1, 12, 0, tzinfo=OSLO)
P1, P2, P3, P4, P5, P6 = demodata.ANSATTE
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def dag(n: int) -> date:
    return IDAG + timedelta(days=n)


@dataclass
class Web:
    klient: TestClient
    kjerne: Core
    settings: Settings
    klokke: Klokke

    def token(self, sub: str, rolle: str) -> str:
        return lag_token(self.settings.jwt_key.get_secret_value(), sub, rolle)

    def logg_inn(self, sub: str, rolle: str) -> None:
        self.klient.cookies.clear()
        r = self.post_innlogging({"token": self.token(sub, rolle)})
        assert r.status_code == 303, r.text

    def post_innlogging(self, felter: dict[str, Any], **kwargs: Any) -> Any:
        """Fill in the login form as a browser would: the form first (its CSRF token and cookie), then POST."""
        skjema = self.klient.get("/logg-inn")
        data = {"csrf": self.csrf(skjema.text), **felter}
        return self.klient.post("/logg-inn", data=data, follow_redirects=False, **kwargs)

    def sak(self, ansatt: demodata.Ansatt) -> str:
        """The case id of a demo employee's case (one case each)."""
        pid = str(self.kjerne.app.person_for_fnr(ansatt.fnr))
        with self.kjerne.engine.connect() as conn:
            rader = conn.execute(select(saker.c.case_id).where(saker.c.person_id == pid)).all()
        assert len(rader) == 1, rader
        return str(rader[0].case_id)

    def csrf(self, html: str) -> str:
        m = CSRF.search(html)
        assert m is not None, "no form on the page"
        return m.group(1)

    def send(self, case_id: str, felter: dict[str, Any]) -> Any:
        """Press a leader's button: the form of the list page, with its CSRF token."""
        side = self.klient.get("/mine-sykmeldte")
        data = {"csrf": self.csrf(side.text), **felter}
        return self.klient.post(f"/mine-sykmeldte/{case_id}/hendelser", data=data, follow_redirects=False)


@contextmanager
def web(database_url: str, data_dir: Path, **innstillinger: Any) -> Iterator[Web]:
    settings = Settings(database_url=database_url, data_dir=data_dir, **innstillinger)
    kjerne = build_core(settings)
    demodata.legg_inn(kjerne.app, IDAG)
    kjerne.oppdaterer.fang_opp()
    klokke = Klokke(KLOKKE)
    try:
        app = lag_api(kjerne, None, klokke, settings)
        # https, as in production: the session cookie is ``Secure`` outside demo mode
        with TestClient(app, base_url="https://127.0.0.1", client=("127.0.0.1", 50000)) as klient:
            yield Web(klient, kjerne, settings, klokke)
    finally:
        kjerne.close()
