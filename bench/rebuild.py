"""Rebuild: ``syfo rebuild`` against a raw read of the notification log, same run, same database.

    .venv/bin/python bench/rebuild.py [--backend sqlite|postgres|both] [--cases N]
    .venv/bin/python bench/rebuild.py --backend sqlite --data-dir DIR   # an existing store, e.g. 200,000 cases

The baseline reads the whole notification log in batches of 1,000 and turns every notification
into its domain event (what any eventsourcing projection has to do). ``syfo rebuild`` runs as its
own process, so its peak resident memory is measured alone (``getrusage`` of the child).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from felles import ROT, argumenter, backends, database, skriv, tabell


def main() -> None:
    args = argumenter("rebuild benchmark", cases=400)
    rader = []
    if args.data_dir:
        url = f"sqlite:///{Path(args.data_dir).resolve() / 'syfo.db'}"
        rader.append(maal("sqlite", url, seed=0))
    else:
        for backend in backends(args.backend):
            with database(backend) as url:
                rader.append(maal(backend, url, seed=args.cases))
    kol = [
        "backend",
        "cases",
        "events",
        "raw log read events/s",
        "syfo rebuild events/s",
        "ratio",
        "rebuild time",
        "rebuild peak RSS",
    ]
    notat = (
        "A rebuild computes each person once from the whole stream (tilfeller, milestone status courses,\n"
        "the reminder plan) and writes the rows in batches; the raw read only decodes events.\n"
        "Targets: at least 50 % of raw log-read throughput; 200,000 cases with peak memory under 1 GiB."
    )
    skriv(
        "rebuild" if not args.data_dir else "rebuild-stor",
        "Rebuild" + (" (large store)" if args.data_dir else ""),
        tabell(kol, rader),
        notat,
        args,
    )


def maal(backend: str, url: str, seed: int) -> list[Any]:
    from service.bootstrap import build_core
    from service.devtools.seed import seed as seed_saker
    from service.settings import Settings

    kjerne = build_core(Settings(database_url=url))
    if seed:
        seed_saker(kjerne.app, seed, 13)
    saker = _antall_personer(kjerne.app)
    hendelser, raw = _raw_les(kjerne.app)
    kjerne.close()

    env = {**os.environ, "SYFO_DATABASE_URL": url}
    start = time.perf_counter()
    syfo = Path(sys.executable).parent / "syfo"
    subprocess.run([str(syfo), "rebuild"], env=env, check=True, capture_output=True, cwd=ROT)
    tid = time.perf_counter() - start
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    fart = hendelser / tid
    return [
        backend,
        f"{saker:,}",
        f"{hendelser:,}",
        f"{raw:,.0f}",
        f"{fart:,.0f}",
        f"{fart / raw:.0%}",
        f"{tid:,.1f} s",
        f"{rss_mib:,.0f} MiB",
    ]


def _antall_personer(app: Any) -> int:
    return sum(1 for _ in app.personer())


def _raw_les(app: Any) -> tuple[int, float]:
    """Every notification, in batches of 1,000, decoded to its domain event."""
    mapper = app.mapper
    start, antall = 1, 0
    t0 = time.perf_counter()
    while True:
        batch = app.recorder.select_notifications(start=start, limit=1000)
        if not batch:
            break
        for n in batch:
            mapper.to_domain_event(n)
        antall += len(batch)
        start = batch[-1].id + 1
    return antall, antall / (time.perf_counter() - t0)


if __name__ == "__main__":
    main()
