"""Dead letters (issue: a reminder given up is shown in the API and the metrics)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from leveringshjelp import HEMMELIGHET, lag_sendte, mottaker
from pydantic import SecretStr

from service.bootstrap import build_dispatcher
from service.delivery.channels import Kanaloppsett

from .api_hjelp import Miljo, miljo

NAA = datetime(2025, 1, 20, 7, 0, tzinfo=UTC)


@pytest.fixture
def m(database_url: str, tmp_path: Path) -> Iterator[Miljo]:
    with miljo(database_url, tmp_path) as miljoet:
        yield miljoet


def test_a_dead_letter_is_listed_for_operations_and_counted_in_the_metrics(m: Miljo) -> None:
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
        u = build_dispatcher(m.kjerne, Kanaloppsett(settings), settings)
        assert u.kjor(NAA + timedelta(seconds=1)).oppgitt == 2
    m.kjerne.oppdaterer.fang_opp()

    svar = m.klient.get("/api/v1/leveringer/dodbrev", headers=m.hoder("nav-1", "NAV"))
    nekt = m.klient.get("/api/v1/leveringer/dodbrev", headers=m.hoder("leder-0-0", "NL"))
    metrikker = m.klient.get("/metrics").text

    assert svar.status_code == 200
    items = svar.json()["items"]
    assert [(i["milestone"], i["attempts"], i["last_error"]) for i in items] == [("oppfolgingsplan", 1, "http 500")] * 2
    assert "leder-0-0" not in svar.text
    assert svar.json()["counts"] == {"oppgitt": 2}
    assert nekt.status_code == 403
    assert 'syfo_reminder_deliveries{state="oppgitt"} 2.0' in metrikker
