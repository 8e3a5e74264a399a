"""AUD-1 beyond the case views: reading the read log, the inbox and the dead letters writes audit records
too, one per case (or person) whose data the answer shows; and ``min_position`` is checked only after
authentication, with a 409 that does not tell how far the log reaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from leveringshjelp import HEMMELIGHET, lag_sendte, mottaker
from pydantic import SecretStr
from sqlalchemy import select

from projections.tabeller import paminnelser, revisjonslogg
from service.bootstrap import build_dispatcher
from service.delivery.channels import Kanaloppsett

from .api_hjelp import FNR, Miljo, fortelling, miljo

NAA = datetime(2025, 1, 20, 7, 0, tzinfo=UTC)


@pytest.fixture
def m(database_url: str, tmp_path: Path) -> Iterator[Miljo]:
    with miljo(database_url, tmp_path) as miljoet:
        yield miljoet


def _rader(m: Miljo) -> list[dict[str, Any]]:
    m.kjerne.revisjon.flush()  # AUD-1 records are written behind the reads, in batches
    with m.kjerne.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(revisjonslogg).order_by(revisjonslogg.c.id)).mappings()]


def _sak_og_person(m: Miljo, mottaker_id: str) -> tuple[str, str]:
    with m.kjerne.engine.connect() as conn:
        r = conn.execute(
            select(paminnelser.c.case_id, paminnelser.c.person_id).where(paminnelser.c.mottaker_id == mottaker_id)
        ).one()
    return r.case_id, r.person_id


def test_reading_the_inbox_writes_one_record_per_case_shown(m: Miljo) -> None:
    lag_sendte(m.kjerne.app, 2, 2, NAA)
    m.kjerne.oppdaterer.fang_opp()
    sak, person = _sak_og_person(m, "leder-0-1")

    r = m.klient.get("/api/v1/meg/paminnelser", headers=m.hoder("leder-0-1", "NL"))

    assert r.status_code == 200
    assert [i["case_id"] for i in r.json()["items"]] == [sak]
    assert [
        (x["aktor_id"], x["rolle"], x["person_id"], x["case_id"], x["visning"], x["grunnlag"]) for x in _rader(m)
    ] == [("leder-0-1", "NL", person, sak, "innboks", "RP-9")]
    assert _rader(m)[0]["request_id"] == r.headers["x-request-id"]


def test_reading_the_read_log_is_itself_logged(m: Miljo) -> None:
    """ACC-5: the arbeidstaker's own read log; ACC-7: an auditor's read of a case's read log."""
    fortelling(m)
    sak = m.saker["ORG1"]
    person = str(m.kjerne.app.person_for_fnr(FNR))

    egen = m.les("/api/v1/meg/lesninger", FNR, "AT")
    revisor = m.les(f"/api/v1/saker/{sak}/lesninger", "revisor-1", "AUDITOR")

    assert (egen.status_code, revisor.status_code) == (200, 200)
    assert [
        (x["aktor_id"], x["rolle"], x["person_id"], x["case_id"], x["visning"], x["grunnlag"]) for x in _rader(m)
    ] == [
        (person, "AT", person, None, "lesninger", "ACC-5"),
        ("revisor-1", "AUDITOR", person, sak, "lesninger", "ACC-7"),
    ]


def test_reading_the_dead_letters_writes_one_record_per_case_shown(m: Miljo) -> None:
    lag_sendte(m.kjerne.app, 1, 2, NAA)
    m.kjerne.oppdaterer.fang_opp()
    with mottaker() as r:
        settings = m.settings.model_copy(
            update={
                "kanaler": {"rolle:NL": [{"type": "webhook", "url": r.url + "/feil"}]},
                "webhook_secret": SecretStr(HEMMELIGHET),
                "levering_maks_forsok": 1,
            }
        )
        assert (
            build_dispatcher(m.kjerne, Kanaloppsett(settings), settings).kjor(NAA + timedelta(seconds=1)).oppgitt == 2
        )
    m.kjerne.oppdaterer.fang_opp()
    sak, person = _sak_og_person(m, "leder-0-0")

    svar = m.klient.get("/api/v1/leveringer/dodbrev", headers=m.hoder("nav-1", "NAV"))

    assert svar.status_code == 200
    assert len(svar.json()["items"]) == 2
    assert [
        (x["aktor_id"], x["rolle"], x["person_id"], x["case_id"], x["visning"], x["grunnlag"]) for x in _rader(m)
    ] == [("nav-1", "NAV", person, sak, "dodbrev", "ACC-6")]


def test_min_position_is_checked_after_authentication(m: Miljo) -> None:
    """An unauthenticated request learns nothing from ``min_position`` and is not made to wait: 401 at once."""
    m.lagre({"type": "virksomhet", "orgnr": "974760673", "hr_id": "hr-1", "at": "2025-01-02T09:00:00+01:00"})

    uten = m.klient.get("/api/v1/meg/paminnelser", params={"min_position": 10**9})
    feil_token = m.klient.get(
        "/api/v1/saker", params={"min_position": 10**9}, headers={"Authorization": "Bearer ikke-et-token"}
    )
    header = m.klient.get("/api/v1/meg/paminnelser", headers={"X-Min-Position": str(10**9)})

    assert [r.status_code for r in (uten, feil_token, header)] == [401, 401, 401]


def test_the_409_of_a_position_not_written_does_not_name_the_last_position(m: Miljo) -> None:
    for i in range(3):
        m.lagre({"type": "virksomhet", "orgnr": "974760673", "hr_id": f"hr-{i}", "at": "2025-01-02T09:00:00+01:00"})
    siste = m.kjerne.app.siste_posisjon()

    r = m.klient.get("/api/v1/meg/paminnelser", params={"min_position": 987654}, headers=m.hoder(FNR, "AT"))

    assert r.status_code == 409
    assert r.json()["field"] == "min_position"
    tall = {int(x) for x in re.findall(r"\d+", r.json()["detail"])}
    assert tall == {987654}
    assert siste not in tall
