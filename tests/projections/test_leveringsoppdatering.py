"""Delivery outcomes update only the delivery state of the affected rows (issue 14), and the result
equals a whole-person recompute (``projections.levering``; a rebuild is the full recompute of everyone).

The outcomes come from the real outbox dispatcher on a real store: delivered, retried after a
temporary failure, and given up after a permanent one (dead letter).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from leveringshjelp import lag_sendte
from sqlalchemy import select

from domain.levering import FEILET, LEVERT, OPPGITT
from projections.tabeller import PROJEKSJONER, paminnelser
from scheduler.kanal import Leveringsresultat, Melding, Utfall
from scheduler.outbox import OutboxUtsender
from service.bootstrap import Core, build_core
from service.settings import Settings
from service.store.outbox import registrer_utfall

NAA = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)  # 08:00 Oslo


class Vekslende:
    """Accepts, fails for now, or refuses for good, by the reminder's place in the order it first met it."""

    navn = "webhook"

    def __init__(self) -> None:
        self.rekkefolge: dict[str, int] = {}

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:  # noqa: ARG002
        nr = self.rekkefolge.setdefault(melding.idempotency_key, len(self.rekkefolge))
        if nr % 3 == 1:
            return Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "http 503")
        if nr % 3 == 2:
            return Leveringsresultat(Utfall.PERMANENT_FEIL, "http 410")
        return Leveringsresultat(Utfall.LEVERT, "http 200")


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(database_url=database_url, data_dir=tmp_path))
    yield k
    k.close()


def _rader(kjerne: Core) -> dict[str, list[tuple[Any, ...]]]:
    ut = {}
    with kjerne.engine.connect() as conn:
        for tabeller in PROJEKSJONER.values():
            for t in tabeller:
                rader = [tuple(str(v) for v in r) for r in conn.execute(select(t))]
                ut[t.name] = sorted(rader)
    return ut


def test_outcomes_are_applied_in_place_and_equal_a_full_recompute(kjerne: Core) -> None:
    app = kjerne.app
    lag_sendte(app, 3, 2, NAA)
    kjerne.oppdaterer.fang_opp()
    kanal = Vekslende()
    u = OutboxUtsender(
        app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda r, t: registrer_utfall(app, r, t),
        basis=timedelta(minutes=1), tak=timedelta(minutes=5), maks_forsok=3,
    )  # fmt: skip
    try:
        for minutter in (0, 2, 10, 30):  # first attempts, then the retries, all on one Oslo day
            u.kjor(NAA + timedelta(minutes=minutter))
            kjerne.oppdaterer.fang_opp()
    finally:
        u.lukk()

    assert kjerne.oppdaterer.leveringer_uten_beregning > 0  # the outcome batches took the in-place path
    with kjerne.engine.connect() as conn:
        tilstander = {r.levering for r in conn.execute(select(paminnelser.c.levering))}
    assert {LEVERT, OPPGITT} <= tilstander or {LEVERT, FEILET} <= tilstander, tilstander
    i_stedet = _rader(kjerne)

    kjerne.oppdaterer.gjenoppbygg()  # every person recomputed from their whole stream

    assert _rader(kjerne) == i_stedet


def test_an_outcome_on_a_later_day_takes_the_full_path_and_still_equals_a_recompute(kjerne: Core) -> None:
    """Milestone statuses are as of the newest event's Oslo date: a delivery a day later recomputes the person."""
    app = kjerne.app
    lag_sendte(app, 1, 1, NAA)
    kjerne.oppdaterer.fang_opp()
    kanal = Vekslende()
    u = OutboxUtsender(
        app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda r, t: registrer_utfall(app, r, t)
    )
    try:
        u.kjor(NAA + timedelta(days=1))
    finally:
        u.lukk()
    kjerne.oppdaterer.fang_opp()

    assert kjerne.oppdaterer.leveringer_uten_beregning == 0
    i_stedet = _rader(kjerne)
    kjerne.oppdaterer.gjenoppbygg()
    assert _rader(kjerne) == i_stedet
