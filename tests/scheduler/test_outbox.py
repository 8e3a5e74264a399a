"""Exactly-once delivery through the outbox (issue 14 item 1), with real processes, a real receiver
and real PostgreSQL. "Doubled" is counted by the receiver per Idempotency-Key (one key per reminder,
recipient and channel) before any de-duplication.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hjelp import ny_postgres_schema
from leveringshjelp import HEMMELIGHET, Mottaker, lag_sendte, mottaker
from sqlalchemy import func, select, text

from domain.levering import LEVERT
from projections.gjenoppbygging import gjenoppbygg
from projections.oppdaterer import ALLE
from projections.tabeller import paminnelser
from scheduler.kanal import Leveringsresultat, Melding, Utfall
from scheduler.outbox import OutboxUtsender
from service.bootstrap import Core, build_core
from service.settings import Settings
from service.store.outbox import alle_rader, bygg_outbox, registrer_utfall

SYFO = Path(sys.executable).parent / "syfo"
TIDSAVBRUDD_S = 2.0  # the longest timeout of the workers in these tests


def vent_pa(betingelse: Callable[[], bool], sekunder: float = 120) -> None:
    slutt = time.monotonic() + sekunder
    while time.monotonic() < slutt:
        if betingelse():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def levert(kjerne: Core) -> int:
    with kjerne.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'levert'")).scalar_one())


def worker_env(url: str, m: Mottaker, sti: str) -> dict[str, str]:
    return {
        **os.environ,
        "SYFO_DATABASE_URL": url,
        "SYFO_KANALER": json.dumps({"rolle:NL": [{"type": "webhook", "url": m.url + sti}]}),
        "SYFO_WEBHOOK_SECRET": HEMMELIGHET,
        "SYFO_WEBHOOK_TIMEOUT_S": str(TIDSAVBRUDD_S),
        "SYFO_ALLOW_DEV_SECRETS": "true",
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(SYFO), "worker", "--safety-interval", "1"], env=env, stderr=subprocess.DEVNULL)


def stopp(arbeidere: list[subprocess.Popen[bytes]]) -> None:
    for a in arbeidere:
        if a.poll() is None:
            a.send_signal(signal.SIGCONT)
            a.send_signal(signal.SIGTERM)
    for a in arbeidere:
        a.wait(timeout=30)


@pytest.fixture
def cpu_burner() -> Iterator[None]:
    """Both cores busy for the length of the test (issue 14: the lease design doubled under load)."""
    brennere = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for b in brennere:
            b.kill()
            b.wait()


@pytest.fixture
def pg_url() -> Iterator[str]:
    with ny_postgres_schema() as url:
        yield url


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("runde", [1, 2, 3])
def test_two_workers_under_cpu_load_deliver_5000_reminders_none_doubled_none_lost(
    pg_url: str, cpu_burner: None, runde: int
) -> None:
    kjerne = build_core(Settings(database_url=pg_url))
    antall = 5000
    lag_sendte(kjerne.app, 500, 10, datetime.now(UTC) - timedelta(minutes=1))
    with mottaker() as m:
        arbeidere = [start_worker(worker_env(pg_url, m, "/ok")) for _ in range(2)]
        try:
            vent_pa(lambda: levert(kjerne) == antall, sekunder=600)
        finally:
            stopp(arbeidere)
    kjerne.close()

    assert len(m.levert) == antall, runde
    assert set(m.forsok.values()) == {1}  # not one reminder sent twice, counted before de-duplication
    assert m.avvist == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_a_worker_killed_mid_batch_on_postgres_loses_nothing_and_repeats_only_with_the_same_key(pg_url: str) -> None:
    kjerne = build_core(Settings(database_url=pg_url))
    antall = 400
    lag_sendte(kjerne.app, 40, 10, datetime.now(UTC) - timedelta(minutes=1))
    with mottaker() as m:
        env = worker_env(pg_url, m, "/sakte/0.05")
        forste = start_worker(env)
        andre: subprocess.Popen[bytes] | None = None
        try:
            vent_pa(lambda: len(m.levert) >= 50)
            forste.send_signal(signal.SIGKILL)  # in the middle of a claimed batch
            forste.wait(timeout=10)
            assert len(m.levert) < antall
            andre = start_worker(env)
            vent_pa(lambda: levert(kjerne) == antall)
        finally:
            stopp([forste, *([andre] if andre else [])])
    kjerne.close()

    assert len(m.levert) == antall  # nothing lost
    # Only the killed process's unrecorded sends come again: each at most once more, with its own key.
    assert set(m.forsok.values()) <= {1, 2}
    assert sum(m.forsok.values()) - antall <= OutboxUtsender.batch


@pytest.mark.postgres
@pytest.mark.slow
def test_a_paused_worker_keeps_its_claim_so_nothing_is_doubled_when_it_resumes(pg_url: str) -> None:
    """SIGSTOP for three times the longest timeout: the lease design let the other worker take the
    paused one's reminders and both sent them; an owner that is alive keeps its rows."""
    kjerne = build_core(Settings(database_url=pg_url))
    antall = 300
    lag_sendte(kjerne.app, 30, 10, datetime.now(UTC) - timedelta(minutes=1))
    with mottaker() as m:
        env = worker_env(pg_url, m, "/sakte/0.05")
        forste = start_worker(env)
        andre = start_worker(env)
        try:
            vent_pa(lambda: len(m.levert) >= 20)
            forste.send_signal(signal.SIGSTOP)
            pause_slutt = time.monotonic() + 3 * TIDSAVBRUDD_S
            vent_pa(lambda: time.monotonic() >= pause_slutt)  # the pause itself is the test's subject
            forste.send_signal(signal.SIGCONT)
            vent_pa(lambda: levert(kjerne) == antall)
        finally:
            stopp([forste, andre])
    kjerne.close()

    assert len(m.levert) == antall
    assert set(m.forsok.values()) == {1}


class Portvakt:
    """A channel that holds every send until released, so a test can act between claim and record."""

    navn = "webhook"

    def __init__(self) -> None:
        self.inne = threading.Event()
        self.slipp = threading.Event()
        self.sendt: list[str] = []

    def send(self, melding: Melding, adresse: str) -> Leveringsresultat:  # noqa: ARG002
        self.inne.set()
        assert self.slipp.wait(30)
        self.sendt.append(melding.idempotency_key)
        return Leveringsresultat(Utfall.LEVERT, "ok")


@pytest.mark.postgres
def test_a_clock_jump_does_not_let_a_second_dispatcher_take_claimed_reminders(pg_url: str) -> None:
    """Two dispatchers, one claim held open; the other one's clock jumps ten days ahead, as a lease
    would have run out: it finds nothing to take. Then the first records, and nothing is doubled."""
    kjerne = build_core(Settings(database_url=pg_url))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 3, 2, naa - timedelta(minutes=1))
    holdt, fri = Portvakt(), Portvakt()
    fri.slipp.set()

    def lag(kanal: Portvakt) -> OutboxUtsender:
        return OutboxUtsender(
            app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda u, t: registrer_utfall(app, u, t)
        )

    a, b = lag(holdt), lag(fri)
    t = threading.Thread(target=a.kjor, args=(naa,))
    t.start()
    try:
        assert holdt.inne.wait(30)
        assert b.kjor(naa + timedelta(days=10)).meldinger == 0
        assert b.kjor(naa - timedelta(hours=3)).meldinger == 0  # and back again
    finally:
        holdt.slipp.set()
        t.join(30)
    assert b.kjor(naa + timedelta(days=10)).meldinger == 0
    a.lukk()
    b.lukk()
    assert len(holdt.sendt) == 6
    assert len(set(holdt.sendt)) == 6
    assert fri.sendt == []
    kjerne.close()


def test_rebuilding_the_outbox_keeps_recorded_outcomes_final_and_sends_nothing_again(tmp_path: Path) -> None:
    kjerne = build_core(Settings(database_url=f"sqlite:///{tmp_path / 'syfo.db'}"))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 2, 3, naa - timedelta(minutes=1))
    kanal = Portvakt()
    kanal.slipp.set()
    u = OutboxUtsender(
        app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda x, t: registrer_utfall(app, x, t)
    )
    assert u.kjor(naa).levert == 6
    assert bygg_outbox(app) == 0  # every row comes back final
    assert u.kjor(naa + timedelta(days=1)).meldinger == 0
    assert len(kanal.sendt) == 6
    kjerne.oppdaterer.fang_opp()
    with kjerne.engine.connect() as conn:  # the outcomes are events: the read model shows them
        n = conn.execute(select(func.count()).where(paminnelser.c.levering == LEVERT)).scalar_one()
    assert n == 6
    kjerne.close()


def test_the_rebuild_makes_the_outbox_rows_bygg_outbox_makes_reading_each_stream_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``syfo rebuild`` derives the outbox from the aggregates the reminders' rebuild makes anyway: the
    rows ``bygg_outbox`` writes (final ones stay final), with no stream read or decoded a second time."""
    kjerne = build_core(Settings(database_url=f"sqlite:///{tmp_path / 'syfo.db'}"))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 3, 2, naa - timedelta(minutes=1))
    kanal = Portvakt()
    kanal.slipp.set()
    u = OutboxUtsender(
        app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda x, t: registrer_utfall(app, x, t)
    )
    assert u.kjor(naa).levert == 6
    kjerne.oppdaterer.fang_opp()
    bygg_outbox(app)

    def rader() -> list[tuple[Any, ...]]:
        with kjerne.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT * FROM outbox ORDER BY id"))]

    forventet = rader()
    assert len(forventet) == 6
    with kjerne.engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox"))
    lest: Counter[UUID] = Counter()
    strom = app.strom
    monkeypatch.setattr(app, "strom", lambda pid: lest.update([pid]) or strom(pid))
    monkeypatch.setattr(app, "person", lambda *_a, **_k: pytest.fail("a stream read again for the outbox"))

    gjenoppbygg(kjerne.oppdaterer, ALLE, outbox_rader=alle_rader)

    assert rader() == forventet
    assert len(lest) == 3
    assert set(lest.values()) == {1}
    kjerne.close()


@pytest.mark.postgres
def test_a_decision_saved_during_the_rebuilds_swap_keeps_its_outbox_row(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision and its outbox row are saved outside the projections' locks: one saved while the
    swap replaces the outbox must not lose its row (it waits for the swap, then writes it)."""
    from domain.paminnelser import SENDT, Beslutning, Trinn
    from projections import gjenoppbygging

    kjerne = build_core(Settings(database_url=pg_url))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 1, 1, naa + timedelta(days=1))
    kjerne.oppdaterer.fang_opp()

    def sen_beslutning() -> None:
        person = app.person(app.person_for_fnr("P-0"))
        t = Trinn("RM-1", "sak", "sak", "oppfolgingsplan", "before", "NL", date(2025, 1, 6), ekstra="sen")
        person.registrer([Beslutning(t, naa + timedelta(days=1), "leder-sen", SENDT)])
        app.save(person)

    traad = threading.Thread(target=sen_beslutning)
    bytt = gjenoppbygging._bytt

    def bytt_med_en_beslutning_imens(*a: Any) -> None:
        traad.start()
        traad.join(1.0)  # with the outbox locked it waits for the swap; without, it is committed by now
        bytt(*a)

    monkeypatch.setattr(gjenoppbygging, "_bytt", bytt_med_en_beslutning_imens)
    gjenoppbygg(kjerne.oppdaterer, ALLE, outbox_rader=alle_rader)
    traad.join()

    with kjerne.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 2
    kjerne.close()


def test_syfo_rebuild_rebuilds_the_outbox_without_sending_anything_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    kjerne = build_core(Settings(database_url=url))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 2, 2, naa - timedelta(minutes=1))
    kanal = Portvakt()
    kanal.slipp.set()
    u = OutboxUtsender(
        app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=lambda x, t: registrer_utfall(app, x, t)
    )
    assert u.kjor(naa).levert == 4
    with kjerne.engine.begin() as conn:  # a lost outbox: the rebuild must bring it back from the events
        conn.execute(text("DELETE FROM outbox"))
    env = {**os.environ, "SYFO_DATABASE_URL": url, "SYFO_ALLOW_DEV_SECRETS": "true"}
    subprocess.run([str(SYFO), "rebuild"], env=env, check=True, capture_output=True)

    assert levert(kjerne) == 4
    assert u.kjor(naa + timedelta(days=1)).meldinger == 0
    assert len(kanal.sendt) == 4
    kjerne.close()


def test_a_batch_whose_outcomes_cannot_be_recorded_is_given_back_and_goes_again_with_the_same_key(
    tmp_path: Path,
) -> None:
    kjerne = build_core(Settings(database_url=f"sqlite:///{tmp_path / 'syfo.db'}"))
    app = kjerne.app
    naa = datetime.now(UTC)
    lag_sendte(app, 1, 2, naa - timedelta(minutes=1))
    kanal = Portvakt()
    kanal.slipp.set()
    feil = [True]

    def registrer(x: Any, t: datetime) -> list[str]:
        if feil.pop() if feil else False:
            raise RuntimeError("the store is away")
        return registrer_utfall(app, x, t)

    u = OutboxUtsender(app, kjerne.engine, lambda _r, _m: [(kanal, "x")], registrer=registrer)
    with pytest.raises(RuntimeError):
        u.kjor(naa)
    assert u.kjor(naa).levert == 2
    assert len(kanal.sendt) == 4
    assert len(set(kanal.sendt)) == 2  # the repeats carry the same keys
    kjerne.close()
