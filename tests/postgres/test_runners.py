"""Two runner processes on one projection: one active at a time, a crash hands over, no batch twice."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from hjelp import vent_til
from lesemodell_hjelp import tabeller
from sqlalchemy import text

from projections.oppdaterer import ALLE
from service.bootstrap import Core, build_core
from service.settings import Settings

HER = Path(__file__).parent


def sykmelding(nr: int) -> dict[str, object]:
    return {
        "at": "2025-01-06T07:30:00+01:00",
        "type": "sykmelding",
        "id": f"SM-{nr}",
        "fnr": f"P-{nr % 25}",
        "orgnr": f"ORG-{nr % 3}",
        "perioder": [{"fom": f"2025-01-{6 + nr % 20:02d}", "tom": "2025-03-31", "grad": 100}],
    }


def start_runner(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HER), str(HER.parent)])}
    return subprocess.Popen([sys.executable, str(HER / "runner_prosess.py"), url], env=env)


def les_logg(kjerne: Core) -> list[tuple[int, str, int, int]]:
    with kjerne.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT pid, navn, fra, til FROM test_batcher"))]  # type: ignore[misc]


def vent_pa(betingelse: Callable[[], object], sekunder: float = 60) -> None:
    vent_til(betingelse, "the condition of the test", sekunder, intervall_s=0.05)


@pytest.mark.postgres
def test_two_runner_processes_apply_every_batch_once_and_hand_over_after_a_kill(postgres_url: str) -> None:
    kjerne: Core = build_core(Settings(database_url=postgres_url))
    app = kjerne.app
    with kjerne.engine.begin() as conn:
        conn.execute(text("CREATE TABLE test_batcher (pid integer, navn text, fra bigint, til bigint)"))
    a = start_runner(postgres_url)
    b = start_runner(postgres_url)
    try:
        for nr in range(60):
            app.behandle(app.les(sykmelding(nr)))
        vent_pa(lambda: any(til == app.siste_posisjon() for _, _, _, til in les_logg(kjerne)))
        aktive = {pid for pid, *_ in les_logg(kjerne)}
        assert len(aktive) == 1  # the other runner waits on the advisory locks
        (aktiv,) = aktive
        drept = a if a.pid == aktiv else b
        drept.send_signal(signal.SIGKILL)
        drept.wait(timeout=10)

        for nr in range(60, 120):
            app.behandle(app.les(sykmelding(nr)))
        siste = app.siste_posisjon()
        vent_pa(lambda: all(kjerne.oppdaterer.posisjon(n) == siste for n in ALLE))
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=10)

    batcher = les_logg(kjerne)
    assert len({pid for pid, *_ in batcher}) == 2  # the survivor took over
    per_projeksjon: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for _, navn, fra, til in batcher:
        per_projeksjon[navn].append((fra, til))
    for navn in ALLE:
        intervaller = sorted(per_projeksjon[navn])
        # Each position applied exactly once: the committed batches tile [0, siste] without overlap.
        assert intervaller[0][0] == 0
        assert all(forrige[1] == neste[0] for forrige, neste in itertools.pairwise(intervaller))
        assert intervaller[-1][1] == siste
    live = tabeller(kjerne.engine)
    kjerne.oppdaterer.gjenoppbygg()
    assert tabeller(kjerne.engine) == live
    kjerne.close()
