"""Ingest: commands through ``SyfoApp.behandle`` against raw ``Application.save``, same run, same database.

    .venv/bin/python bench/ingest.py [--backend sqlite|postgres|both] [--cases N]

The service's figure counts events stored per second while handling the seeded commands (each
command loads the person's stream, applies the rules and saves). The baseline saves the same
number of events, one per ``save`` call, of an aggregate holding a payload of the same size,
without loading anything. Then the read models catch up, measured separately.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from felles import argumenter, backends, database, last, lastnotat, raw_env, skriv, tabell


def main() -> None:
    args = argumenter("ingest benchmark", cases=400)
    last_for = last()
    rader = []
    for backend in backends(args.backend):
        rader.append(maal(backend, args.cases))
    last_etter = last()
    kol = [
        "backend",
        "commands",
        "events",
        "service events/s",
        "raw save events/s",
        "ratio",
        "service commands/s",
        "read models catch-up events/s",
    ]
    notat = (
        "The service does per command what the raw baseline does not: reads the person's whole stream,\n"
        "rebuilds the case (tilfeller, milestones, reminder plan) and checks the rules, then saves the\n"
        "command's event with its id reference. The raw baseline only appends. Target: at least 50 %.\n"
        + lastnotat(last_for, last_etter)
    )
    skriv("ingest", "Ingest", tabell(kol, rader), notat, args)


def maal(backend: str, cases: int) -> list[Any]:
    from domain.errors import DomainError
    from service.bootstrap import build_core
    from service.devtools.seed import generer
    from service.settings import Settings

    with database(backend) as url:
        kjerne = build_core(Settings(database_url=url))
        app = kjerne.app
        kommandoer = [app.les(d) for d in generer(cases, seed=11)]
        start = time.perf_counter()
        for k in kommandoer:
            # the seeded stories include commands the rules refuse (service.devtools.seed)
            with contextlib.suppress(DomainError):
                app.behandle(k)
        tid = time.perf_counter() - start
        hendelser = app.siste_posisjon()
        start = time.perf_counter()
        kjerne.oppdaterer.fang_opp()
        projeksjon = time.perf_counter() - start
        storrelse = _snitt_storrelse(app)
        kjerne.close()
        raw = _raw_save(url, hendelser, storrelse)
    service = hendelser / tid
    return [
        backend,
        len(kommandoer),
        hendelser,
        f"{service:,.0f}",
        f"{raw:,.0f}",
        f"{service / raw:.0%}",
        f"{len(kommandoer) / tid:,.0f}",
        f"{hendelser / projeksjon:,.0f}",
    ]


def _snitt_storrelse(app: Any) -> int:
    notifs = app.recorder.select_notifications(start=1, limit=2000)
    return int(sum(len(n.state) for n in notifs) / max(len(notifs), 1))


class Rad(Aggregate):
    @event("Lagt")
    def legg(self, data: str) -> None:
        self.siste = data


class Raw(Application[Any]):
    name = "Raw"


def _raw_save(url: str, antall: int, storrelse: int) -> float:
    """Raw eventsourcing: save ``antall`` events, one per call, on 100 aggregates, in a fresh schema."""
    env = {"RAW_" + k: v for k, v in raw_env(url).items()}
    if "RAW_SQLITE_DBNAME" in env:
        env["RAW_SQLITE_DBNAME"] += ".raw"
    app = Raw(env)
    aggregater = [Rad() for _ in range(100)]
    app.save(*aggregater)
    nyttelast = "x" * max(storrelse - 120, 10)
    start = time.perf_counter()
    for i in range(antall):
        a = aggregater[i % 100]
        a.legg(nyttelast)
        app.save(a)
    tid = time.perf_counter() - start
    app.close()
    return antall / tid


if __name__ == "__main__":
    main()
