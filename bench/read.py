"""Read: a person's cases and reminders from the read models, and as known at a past instant,
against raw ``repository.get`` of the same stream, same run, same database.

    .venv/bin/python bench/read.py [--backend sqlite|postgres|both] [--cases N]
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from felles import argumenter, backends, database, last, lastnotat, median, prosentil, skriv, tabell

LESNINGER = 600


def main() -> None:
    args = argumenter("read benchmark", cases=300)
    for_ = last()
    rader: list[list[Any]] = []
    for backend in backends(args.backend):
        rader.extend(maal(backend, args.cases))
    etter = last()
    kol = ["backend", "read", "reads/s", "p50 ms", "p99 ms", "vs raw get"]
    notat = (
        f"{LESNINGER} reads of randomly chosen people after seeding. *read model* is the person's cases with\n"
        "milestone statuses on a date and the reminder list (SQL on the read-model tables); *as_of* rebuilds\n"
        "the person from the event store as known at a past instant (time travel); *raw get* is\n"
        "`Application.repository.get` of the same stream, the eventsourcing baseline.\n" + lastnotat(for_, etter)
    )
    skriv("read", "Read", tabell(kol, rader), notat, args)


def maal(backend: str, cases: int) -> list[list[Any]]:
    from domain.kalender import OSLO
    from projections.sporringer import paminnelser_pa, saker_pa
    from service.bootstrap import build_core
    from service.devtools.seed import seed
    from service.settings import Settings

    with database(backend) as url:
        kjerne = build_core(Settings(database_url=url))
        app = kjerne.app
        seed(app, cases, 17)
        kjerne.oppdaterer.fang_opp()
        personer = list(app.personer())
        rng = random.Random(5)
        valgt = [rng.choice(personer) for _ in range(LESNINGER)]
        idag = date(2026, 11, 1)
        as_of = datetime(2026, 3, 1, 12, 0, tzinfo=OSLO)
        hr = app.hr_oppslag(as_of)

        def lesemodell(pid: Any) -> Any:
            with kjerne.engine.connect() as conn:
                return saker_pa(conn, idag, str(pid)), paminnelser_pa(conn, idag, hr, str(pid))

        maalinger = {
            "raw get": _tid(valgt, app.repository.get),
            "read model": _tid(valgt, lesemodell),
            "as_of (event store)": _tid(valgt, lambda pid: app.som_kjent(pid, as_of=as_of)),
        }
        kjerne.close()
    raw = len(valgt) / sum(maalinger["raw get"])
    ut = []
    for navn, tider in maalinger.items():
        fart = len(tider) / sum(tider)
        ut.append(
            [
                backend,
                navn,
                f"{fart:,.0f}",
                f"{median(tider) * 1000:.2f}",
                f"{prosentil(tider, 99) * 1000:.2f}",
                f"{fart / raw:.0%}",
            ]
        )
    return ut


def _tid(personer: list[Any], les: Callable[[Any], Any]) -> list[float]:
    tider = []
    for pid in personer:
        t0 = time.perf_counter()
        les(pid)
        tider.append(time.perf_counter() - t0)
    return tider


if __name__ == "__main__":
    main()
