"""Shared parts of the benchmarks: backends, a throw-away store, timing, and docs/benchmarks.md.

Every benchmark measures the service and the raw ``eventsourcing`` baseline in the same run, on
the same machine and database, and replaces its own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROT = Path(__file__).resolve().parent.parent
DOK = ROT / "docs" / "benchmarks.md"
STANDARD_PG = "postgresql://postgres@127.0.0.1:5432/test"

sys.path.insert(0, str(ROT))


def argumenter(beskrivelse: str, cases: int) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=beskrivelse)
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--cases", type=int, default=cases, help=f"synthetic cases to seed (default {cases})")
    p.add_argument("--data-dir", help="use this existing SQLite data directory instead of seeding")
    p.add_argument("--no-write", action="store_true", help="print the table only; leave docs/benchmarks.md")
    return p.parse_args()


def backends(valg: str) -> list[str]:
    return ["sqlite", "postgres"] if valg == "both" else [valg]


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh database URL: a temporary SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="syfo-bench-") as d:
            yield f"sqlite:///{Path(d) / 'syfo.db'}"
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = os.environ.get("SYFO_BENCH_POSTGRES_URL") or os.environ.get("SYFO_TEST_POSTGRES_URL") or STANDARD_PG
    admin = make_url(base).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    schema = f"syfo_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield make_url(base).update_query_dict({"schema": schema}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def raw_env(url: str) -> dict[str, str]:
    """The eventsourcing environment of the same database, for the raw baseline application."""
    from service.settings import Settings
    from service.store.database import eventsourcing_env

    return eventsourcing_env(Settings(database_url=url))


def prosentil(verdier: list[float], p: float) -> float:
    if not verdier:
        return float("nan")
    s = sorted(verdier)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def median(verdier: list[float]) -> float:
    return statistics.median(verdier) if verdier else float("nan")


@dataclass
class Seksjon:
    navn: str
    tittel: str
    tekst: str


STILLE = 1.0  # 1-minute load average below which the machine counts as quiet before a run


def last() -> tuple[float, float, float]:
    return os.getloadavg()


def lastnotat(for_: tuple[float, float, float], etter: tuple[float, float, float]) -> str:
    """The load average before and after a run, and whether the run may be read as a headline.

    Quiet means nothing else ran: the 1-minute load average was under ``STILLE`` when the run began.
    The figure after includes the benchmark's own processes (server, clients, database)."""
    tekst = (
        f"Load average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in for_)}, "
        f"after: {' / '.join(f'{x:.2f}' for x in etter)}"
    )
    if for_[0] < STILLE:
        return tekst + " (quiet machine: nothing else ran; the figure after is the benchmark's own load)."
    return tekst + (
        f" (NOT quiet: load {for_[0]:.1f} on {os.cpu_count()} cores before the run, other work ran beside it;"
        " not a headline, the figures are lower bounds)."
    )


def maskin() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def skriv(navn: str, tittel: str, tabell: str, notat: str, args: argparse.Namespace) -> None:
    """Print the section and replace it in docs/benchmarks.md (between its markers)."""
    kommando = "python " + shlex.join([os.path.relpath(sys.argv[0], ROT), *sys.argv[1:]])
    tekst = (
        f"## {tittel}\n\n"
        f"Command: `{kommando}`  \n"
        f"Run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {maskin()}\n\n"
        f"{tabell}\n\n{notat}\n"
    )
    print(tekst)
    if args.no_write:
        return
    start, slutt = f"<!-- bench:{navn} -->", f"<!-- /bench:{navn} -->"
    blokk = f"{start}\n{tekst}{slutt}"
    innhold = DOK.read_text(encoding="utf-8") if DOK.exists() else _hode()
    monster = re.compile(re.escape(start) + r".*?" + re.escape(slutt), re.S)
    if monster.search(innhold):
        innhold = monster.sub(lambda _: blokk, innhold)
    else:
        innhold = innhold.rstrip() + "\n\n" + blokk + "\n"
    DOK.write_text(innhold, encoding="utf-8")


def _hode() -> str:
    return (
        "# Benchmarks\n\n"
        "Figures written by the scripts in `bench/`, each run with the command shown. Every table sets the\n"
        "service beside the raw `eventsourcing` 9.5.6 baseline measured in the same run, on the same database.\n"
        "The machine is small (2 cores, shared); read ratios, not absolute numbers. Tests never assert timings.\n"
    )


def tabell(kolonner: list[str], rader: list[list[Any]]) -> str:
    linjer = ["| " + " | ".join(kolonner) + " |", "|" + "|".join("---" for _ in kolonner) + "|"]
    linjer += ["| " + " | ".join(str(c) for c in r) + " |" for r in rader]
    return "\n".join(linjer)
