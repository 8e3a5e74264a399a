"""Scheduler: 10,000 reminders due in the same minute, delivered to a local webhook receiver.

    .venv/bin/python bench/scheduler.py [--backend sqlite|postgres|both] [--cases N]

``--cases`` is the number of reminders (default 10,000), spread over people with ten each. They are
recorded as decided ``sent`` and due at one instant a minute ahead; real ``syfo worker`` processes
(one on SQLite, two on PostgreSQL) wait for it on the APScheduler alarm clock and deliver through the
real dispatcher to a signature-checking receiver on loopback. Lateness is the receiver's clock at
the first arrival of each reminder minus the due instant. The baseline is the same receiver fed by
bare httpx POSTs from one process, the fastest the receiver can take them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from felles import ROT, argumenter, backends, database, last, lastnotat, median, prosentil, skriv, tabell

sys.path.insert(0, str(ROT / "tests"))

from leveringshjelp import HEMMELIGHET, lag_sendte, mottaker

FORSPRANG_PER_PAMINNELSE_S = 0.015  # setup time per reminder allowed before the due instant (at least 60 s)


def forsprang(antall: int) -> timedelta:
    """The head start for seeding: lateness is measured from the due instant, so it only has to cover setup."""
    return timedelta(seconds=max(60.0, antall * FORSPRANG_PER_PAMINNELSE_S))


def main() -> None:
    args = argumenter("scheduler benchmark", cases=10_000)
    for_ = last()
    rader = []
    for backend in backends(args.backend):
        rader.append(maal(backend, args.cases))
    rader.append(baseline(args.cases))
    etter = last()
    kol = ["run", "reminders", "workers", "delivered", "lateness p50", "p99", "max", "deliveries/s", "doubled"]
    notat = (
        "Deliveries go through the transactional outbox: claimed in batches, sent concurrently, outcomes saved\n"
        "many per transaction; the projection applies outcome-only batches in place. Target (issue 14): all\n"
        "delivered within 60 s of the due instant, throughput at least 50 % of the baseline, p50 lateness at\n"
        "most twice the baseline's p50, zero doubled.\n" + lastnotat(for_, etter)
    )
    skriv("scheduler", "Scheduler", tabell(kol, rader), notat, args)


def maal(backend: str, antall: int) -> list[Any]:
    from service.bootstrap import build_core
    from service.settings import Settings

    arbeidere = 1 if backend == "sqlite" else 2
    with database(backend) as url, mottaker() as m:
        kjerne = build_core(Settings(database_url=url))
        forfall = datetime.now(UTC) + forsprang(antall)
        i_morgen = forfall.date() + timedelta(days=2)  # the slot is later than ``forfall``: due at ``forfall``
        lag_sendte(kjerne.app, antall // 10, 10, forfall, send_dato=i_morgen)
        kjerne.oppdaterer.fang_opp()
        kjerne.close()
        if datetime.now(UTC) > forfall - timedelta(seconds=5):
            raise SystemExit("setup took longer than the head start; lower --cases")
        env = {
            **os.environ,
            "SYFO_DATABASE_URL": url,
            "SYFO_KANALER": json.dumps({"rolle:NL": [{"type": "webhook", "url": m.url + "/ok"}]}),
            "SYFO_WEBHOOK_SECRET": HEMMELIGHET,
            "SYFO_ALLOW_DEV_SECRETS": "true",
        }
        syfo = Path(sys.executable).parent / "syfo"
        prosesser = [
            subprocess.Popen([str(syfo), "worker"], env=env, stderr=subprocess.DEVNULL) for _ in range(arbeidere)
        ]
        try:
            grense = time.time() + forsprang(antall).total_seconds() + 600
            while len(m.levert) < antall and time.time() < grense:
                time.sleep(0.2)
        finally:
            for p in prosesser:
                p.send_signal(signal.SIGTERM)
            for p in prosesser:
                p.wait(timeout=60)
        return _rad(backend, antall, arbeidere, m, forfall.timestamp())


def _rad(navn: str, antall: int, arbeidere: int, m: Any, forfall: float) -> list[Any]:
    with m.laas:
        tider = sorted(m.tider)
        doble = sum(n - 1 for n in m.forsok.values())
    forste = tider[: len(m.levert)]
    sen = [max(0.0, t - forfall) for t in forste]
    varighet = (forste[-1] - forste[0]) if len(forste) > 1 else float("nan")
    return [
        navn,
        f"{antall:,}",
        arbeidere,
        f"{len(m.levert):,}",
        f"{median(sen):.2f} s",
        f"{prosentil(sen, 99):.2f} s",
        f"{max(sen):.2f} s",
        f"{len(forste) / varighet:,.0f}",
        doble,
    ]


def baseline(antall: int) -> list[Any]:
    """Bare signed POSTs to the same receiver, one process, no store: the receiver's own ceiling."""
    from standardwebhooks.webhooks import Webhook

    wh = Webhook(HEMMELIGHET)
    with mottaker() as m, httpx.Client() as klient:
        start = time.time()
        for i in range(antall):
            kropp = json.dumps({"id": str(i)})
            naa = datetime.now(UTC).replace(microsecond=0)
            klient.post(
                m.url + "/ok",
                content=kropp,
                headers={
                    "webhook-id": str(i),
                    "webhook-timestamp": str(int(naa.timestamp())),
                    "webhook-signature": wh.sign(str(i), naa, kropp),
                    "idempotency-key": str(i),
                },
            )
        return _rad("raw httpx POST (baseline)", antall, 1, m, start)


if __name__ == "__main__":
    main()
