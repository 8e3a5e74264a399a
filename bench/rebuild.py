"""Rebuild: ``syfo rebuild`` against a raw read of the notification log, same run, same database.

    .venv/bin/python bench/rebuild.py [--backend sqlite|postgres|both] [--cases N] [--jobs N]
    .venv/bin/python bench/rebuild.py --backend sqlite --data-dir DIR   # an existing store, e.g. 200,000 cases

The baseline reads the whole notification log in batches of 1,000 and turns every notification
into its domain event (what any eventsourcing projection has to do). ``syfo rebuild`` runs as its
own process, once with ``--jobs 1`` and once with ``--jobs N`` (default: the number of cores), each
under a wrapper of its own, so peak resident memory is measured per run: ``getrusage`` of the
children, which is the largest single process (the parent or one worker), not their sum.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from felles import ROT, argumenter, backends, database, last, lastnotat, skriv, tabell

JOBS = int(os.environ.get("BENCH_JOBS") or os.cpu_count() or 1)


def main() -> None:
    args = argumenter("rebuild benchmark", cases=400)
    last_for = last()
    rader = []
    if args.data_dir:
        url = f"sqlite:///{Path(args.data_dir).resolve() / 'syfo.db'}"
        rader += maal("sqlite", url, seed=0)
    else:
        for backend in backends(args.backend):
            with database(backend) as url:
                rader += maal(backend, url, seed=args.cases)
    last_etter = last()
    kol = [
        "backend",
        "jobs",
        "cases",
        "events",
        "raw log read events/s",
        "syfo rebuild events/s",
        "ratio",
        "rebuild time",
        "rebuild peak RSS (largest process)",
    ]
    notat = (
        "A rebuild computes each person once from the whole stream (tilfeller, milestone status courses,\n"
        "the reminder plan) and writes the rows in batches; the raw read only decodes events. With\n"
        "`--jobs N` the persons are computed in N worker processes and the parent writes rows and position.\n"
        "Targets (issue 15): at least 15 % of the raw log read's events/s; 200,000 cases in under 5 minutes\n"
        "with peak memory under 1 GiB.\n" + lastnotat(last_for, last_etter)
    )
    skriv(
        "rebuild" if not args.data_dir else "rebuild-stor",
        "Rebuild" + (" (large store)" if args.data_dir else ""),
        tabell(kol, rader),
        notat,
        args,
    )


def _last(t: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.1f}" for x in t)


def maal(backend: str, url: str, seed: int) -> list[list[Any]]:
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
    rader = []
    for jobs in sorted({1, JOBS}):
        tid, rss_mib = _kjor(["rebuild", "--jobs", str(jobs)], env)
        fart = hendelser / tid
        rader.append(
            [
                backend,
                jobs,
                f"{saker:,}",
                f"{hendelser:,}",
                f"{raw:,.0f}",
                f"{fart:,.0f}",
                f"{fart / raw:.0%}",
                f"{tid:,.1f} s",
                f"{rss_mib:,.0f} MiB",
            ]
        )
    return rader


def _kjor(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """``syfo argv`` under a wrapper process of its own: (wall time, the largest process's peak RSS in MiB)."""
    syfo = Path(sys.executable).parent / "syfo"
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    ut = subprocess.run(
        [sys.executable, "-c", wrapper, str(syfo), *argv], env=env, check=True, capture_output=True, cwd=ROT
    )
    tid, rss_kib = ut.stdout.decode().split()
    return float(tid), int(rss_kib) / 1024


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
