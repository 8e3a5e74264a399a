"""Issue 14 item 2: reminder lateness as a metric, and readiness degraded while a due reminder waits."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from prometheus_client import generate_latest

from scheduler.kanal import Leveringsresultat, Melding, Utfall
from scheduler.outbox import OutboxUtsender
from service.observability import Metrikker
from service.store.outbox import registrer_utfall

from .api_hjelp import Miljo

sys.path.insert(0, str(Path(__file__).parent.parent))
from leveringshjelp import lag_sendte


class Tar:
    navn = "webhook"

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:  # noqa: ARG002 (Kanal protocol)
        return Leveringsresultat(Utfall.LEVERT, "ok")


def test_readiness_is_degraded_but_200_while_a_due_reminder_has_waited_more_than_five_minutes(ny: Miljo) -> None:
    naa = ny.klokke()
    lag_sendte(ny.kjerne.app, 1, 1, naa - timedelta(minutes=4))
    fersk = ny.klient.get("/health/ready")
    ny.klokke.t = naa + timedelta(minutes=2)  # now it has waited six minutes
    gammel = ny.klient.get("/health/ready")
    app = ny.kjerne.app
    u = OutboxUtsender(
        app, ny.kjerne.engine, lambda _r, _m: [(Tar(), "x")], registrer=lambda x, t: registrer_utfall(app, x, t)
    )
    assert u.kjor(ny.klokke()).levert == 1
    levert = ny.klient.get("/health/ready")

    assert er_ok(fersk.json())
    assert gammel.status_code == 200
    assert gammel.json()["status"] == "degraded"
    assert gammel.json()["checks"]["reminders_waiting_over_5_min"] == 1
    assert er_ok(levert.json())


def er_ok(svar: dict[str, object]) -> bool:
    return svar["status"] == "ok" and svar["checks"]["reminders_waiting_over_5_min"] == 0  # type: ignore[index]


def test_the_lateness_of_each_delivered_reminder_is_observed(ny: Miljo) -> None:
    naa = ny.klokke()
    lag_sendte(ny.kjerne.app, 2, 2, naa - timedelta(minutes=1))
    metrikker = Metrikker()
    app = ny.kjerne.app
    u = OutboxUtsender(
        app,
        ny.kjerne.engine,
        lambda _r, _m: [(Tar(), "x")],
        registrer=lambda x, t: registrer_utfall(app, x, t),
        ved_levering=metrikker.forsinkelse.observe,
    )
    assert u.kjor(naa).levert == 4
    tekst = generate_latest(metrikker.registry).decode()
    assert "syfo_reminder_lateness_seconds_count 4.0" in tekst
