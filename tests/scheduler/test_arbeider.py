"""Workers with the real alarm clock and real processes: catch-up after downtime, crash, two workers.

The receiver is a real HTTP server on loopback that verifies signatures and counts attempts per
Idempotency-Key; ``syfo worker`` runs as its own OS process where a test kills it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hjelp import vent_til
from leveringshjelp import HEMMELIGHET, Mottaker, lag_sendte, mottaker
from sqlalchemy import func, select

from domain.levering import LEVERT
from projections.tabeller import paminnelser
from scheduler.utsender import Utsender
from service.background import Background
from service.bootstrap import Core, build_core, build_dispatcher, build_slot_job
from service.delivery.channels import Kanaloppsett
from service.settings import Settings

SYFO = Path(sys.executable).parent / "syfo"


def vent_pa(betingelse: Callable[[], bool], sekunder: float = 60) -> None:
    """The conditions here query the read models; polled at 20 Hz so the test does not load the workers."""
    vent_til(betingelse, "the condition of the test", sekunder, intervall_s=0.05)


def en_hel_takt_til(bakgrunn: Background) -> None:
    """Until a scheduler tick that started after this call has finished (ticks run one at a time)."""
    for _ in range(2):  # the first finished tick may have started before; the second cannot have
        for_ = time.monotonic()
        bakgrunn.vekk()
        vent_til(lambda f=for_: (bakgrunn.planlegger_hjerteslag or 0.0) > f, "a scheduler tick")


def levert(kjerne: Core) -> int:
    kjerne.oppdaterer.fang_opp()
    with kjerne.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(paminnelser.c.levering == LEVERT)).scalar_one())


def test_the_alarm_clock_sends_what_fell_due_while_down_once_and_wakes_itself_for_a_retry(tmp_path: Path) -> None:
    """APScheduler as alarm clock: no misfire drop after downtime; the retry runs at its own time.

    The safety sweep is set to an hour, so the retry can only come from the re-armed date job: the test
    shows that by the retry happening at all, not by how fast it came."""
    for_lenge_siden = datetime.now(UTC) - timedelta(hours=3)  # due while the service was down
    with mottaker() as m:
        settings = Settings(
            data_dir=tmp_path,
            kanaler={"rolle:NL": [{"type": "webhook", "url": m.url + "/en-feil"}]},
            webhook_secret=HEMMELIGHET,
            levering_basis_s=1.0,
        )
        kjerne = build_core(settings)
        lag_sendte(kjerne.app, 2, 2, for_lenge_siden)
        takt = build_slot_job(kjerne, build_dispatcher(kjerne, Kanaloppsett(settings), settings))
        bakgrunn = Background(kjerne, takt=takt, sikkerhet=timedelta(hours=1))
        bakgrunn.start()
        try:
            vent_pa(lambda: sum(m.forsok.values()) == 8, sekunder=600)  # a safety net: the sweep is an hour away
            en_hel_takt_til(bakgrunn)  # a later tick sends nothing more
        finally:
            bakgrunn.stopp()
        assert levert(kjerne) == 4
        kjerne.close()

    assert sorted(m.forsok.values()) == [2, 2, 2, 2]  # the first attempt failed (500), the retry went through


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(SYFO), "worker", "--safety-interval", "1"], env=env, stderr=subprocess.DEVNULL)


def worker_env(url: str, m: Mottaker, sti: str, **ekstra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SYFO_DATABASE_URL": url,
        "SYFO_KANALER": json.dumps({"rolle:NL": [{"type": "webhook", "url": m.url + sti}]}),
        "SYFO_WEBHOOK_SECRET": HEMMELIGHET,
        "SYFO_ALLOW_DEV_SECRETS": "true",  # a test store: the other secrets stay the development ones
        **ekstra,
    }


def test_a_worker_killed_mid_batch_restarts_and_every_reminder_arrives_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    kjerne = build_core(Settings(database_url=url))
    antall = 120
    lag_sendte(kjerne.app, 12, 10, datetime.now(UTC) - timedelta(minutes=5))
    with mottaker() as m:
        env = worker_env(url, m, "/sakte/0.02", SYFO_LEVERING_LEASE_S="2")
        arbeider = start_worker(env)
        try:
            vent_pa(lambda: len(m.levert) >= 30)
            arbeider.send_signal(signal.SIGKILL)  # in the middle of a batch of 50
            arbeider.wait(timeout=10)
            underveis = len(m.levert)
            assert underveis < antall
            arbeider = start_worker(env)
            vent_pa(lambda: levert(kjerne) == antall)
        finally:
            if arbeider.poll() is None:
                arbeider.send_signal(signal.SIGTERM)
                arbeider.wait(timeout=10)
    kjerne.close()

    assert len(m.levert) == antall  # deduplicated on Idempotency-Key: every reminder, once
    # Only messages whose outcome the dead process had not recorded yet (one claimed batch at most)
    # are sent again, with the same key, and only once more.
    assert set(m.forsok.values()) <= {1, 2}
    assert sum(m.forsok.values()) - antall <= Utsender.batch
    assert m.avvist <= Utsender.samtidige  # only requests cut off mid-body by the kill fail verification


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_on_one_postgres_deliver_5000_reminders_none_doubled_none_lost(postgres_url: str) -> None:
    kjerne = build_core(Settings(database_url=postgres_url))
    antall = 5000
    lag_sendte(kjerne.app, 500, 10, datetime.now(UTC) - timedelta(minutes=1))
    kjerne.oppdaterer.fang_opp()
    with mottaker() as m:
        env = worker_env(postgres_url, m, "/ok")
        arbeidere = [start_worker(env), start_worker(env)]
        try:
            vent_pa(lambda: levert(kjerne) == antall, sekunder=400)
        finally:
            for a in arbeidere:
                a.send_signal(signal.SIGTERM)
                a.wait(timeout=20)
    kjerne.close()

    assert len(m.levert) == antall
    assert set(m.forsok.values()) == {1}  # not one reminder sent twice
    assert m.avvist == 0
