"""API: timeline reads of a ~40-event case and command writes over HTTP, beside a bare FastAPI app.

    .venv/bin/python bench/api.py [--backend sqlite|postgres|both] [--cases N] [--no-write]

Per backend: seed background cases, pick the case whose person's stream is closest to 40 events,
start the service (``uvicorn service.http:fra_miljo --factory``, projections running) and a bare
FastAPI app (``bar`` below, same uvicorn settings) in subprocesses, and drive both on loopback with
concurrent httpx async clients. The bare app answers the same requests without doing anything:
its figures are the floor set by uvicorn, FastAPI, JSON and the loopback network on this machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI, Request
from felles import ROT, argumenter, backends, database, last, lastnotat, median, prosentil, skriv, tabell

KLIENTER = 8
LESNINGER = 800
SKRIVINGER = 300
EN_KLIENT = 400
OPPVARMING = 40
NOKKEL = "bench-jwt-key-0123456789-0123456789-0123456789"

# ---------------------------------------------------------------- the bare app (run by uvicorn)

bar = FastAPI()
_SVAR: dict[str, Any] = json.loads(os.environ.get("SYFO_BENCH_SVAR", "{}") or "{}")


@bar.get("/bar/tidslinje")
def bar_tidslinje() -> Any:
    return _SVAR


@bar.post("/bar/hendelser", status_code=201)
async def bar_hendelse(request: Request) -> Any:
    await request.json()
    return {"case_id": None, "position": 0, "new": True}


# ---------------------------------------------------------------- the run


def main() -> None:
    args = argumenter("API benchmark", cases=200)
    for_ = last()
    rader: list[list[Any]] = []
    for backend in backends(args.backend):
        rader.extend(maal(backend, args.cases))
    kol = ["backend", "operation", "server", "clients", "requests", "req/s", "p50 ms", "p99 ms", "vs bare"]
    etter = last()
    notat = (
        f"{KLIENTER} concurrent httpx async clients on loopback, one uvicorn worker per server, after\n"
        f"{OPPVARMING} warm-up requests; {LESNINGER} reads and {SKRIVINGER} writes per server (the 1-client rows:\n"
        f"{EN_KLIENT} reads by one client, one request at a time). *timeline read*\n"
        "is `GET /api/v1/saker/{id}/tidslinje` of a case with 40 events of its own (commands and reminder\n"
        "decisions; seeded, then topped up with sick-note renewals), read by the arbeidstaker: token check,\n"
        "access decision from the read models (ACC-5), events, milestones and reminders, and one audit\n"
        "record per read (AUD-1: queued with a write-ahead line, inserted in batches by one writer).\n"
        "*write* is `POST /api/v1/hendelser` of a new sick note for a new\n"
        "person (VAL-3 check, rules, event store append, command log, wake-up of the projection runner).\n"
        "*bare* is a FastAPI app in the same kind of uvicorn process that returns the same timeline JSON, or\n"
        "accepts the same body, doing nothing else. Servers run one after the other on the same machine as\n"
        "PostgreSQL and the clients. Targets (issue 15): at least 30 % of bare's requests/s with 8 clients,\n"
        "and a one-client timeline p99 under 25 ms.\n" + lastnotat(for_, etter)
    )
    skriv("api", "API", tabell(kol, rader), notat, args)


def maal(backend: str, cases: int) -> list[list[Any]]:
    with database(backend) as url:
        case_id, fnr, antall = _forbered(url, cases)
        env = {"SYFO_DATABASE_URL": url, "SYFO_JWT_KEY": NOKKEL, "SYFO_ALLOW_DEV_SECRETS": "true"}
        from service.usecases.auth import lag_token

        token = {"Authorization": "Bearer " + lag_token(NOKKEL, fnr, "AT", ttl_s=3600)}
        skriver = {"Authorization": "Bearer " + lag_token(NOKKEL, "bench", "SYSTEM", ttl_s=3600)}
        with server("service.http:fra_miljo", env, fabrikk=True) as base:
            sti = f"/api/v1/saker/{case_id}/tidslinje"
            svar = asyncio.run(_en(base + sti, token))
            les = asyncio.run(_kjor(lambda _i: ("GET", base + sti, token, None), LESNINGER))
            les1 = asyncio.run(_kjor(lambda _i: ("GET", base + sti, token, None), EN_KLIENT, klienter=1))
            skriv_ = asyncio.run(
                _kjor(lambda i: ("POST", base + "/api/v1/hendelser", skriver, _sykmelding(i)), SKRIVINGER)
            )
        bar_env = {"SYFO_BENCH_SVAR": json.dumps(svar)}
        with server("api:bar", bar_env, fabrikk=False) as base:
            bar_les = asyncio.run(_kjor(lambda _i: ("GET", base + "/bar/tidslinje", token, None), LESNINGER))
            bar_les1 = asyncio.run(
                _kjor(lambda _i: ("GET", base + "/bar/tidslinje", token, None), EN_KLIENT, klienter=1)
            )
            bar_skriv = asyncio.run(
                _kjor(lambda i: ("POST", base + "/bar/hendelser", skriver, _sykmelding(i + 10**5)), SKRIVINGER)
            )
    print(
        f"{backend}: the case has {antall} events (commands and reminder decisions); its timeline shows "
        f"{len(svar['events'])} events and {len(svar['reminders'])} reminders",
        file=sys.stderr,
    )
    return [
        _rad(backend, "timeline read", "service", les, bar_les),
        _rad(backend, "timeline read", "bare FastAPI", bar_les, bar_les),
        _rad(backend, "timeline read", "service", les1, bar_les1, klienter=1),
        _rad(backend, "timeline read", "bare FastAPI", bar_les1, bar_les1, klienter=1),
        _rad(backend, "write", "service", skriv_, bar_skriv),
        _rad(backend, "write", "bare FastAPI", bar_skriv, bar_skriv),
    ]


def _forbered(url: str, cases: int) -> tuple[str, str, int]:
    """Seed the store; return a case with about 40 events of its own, and its person's fnr."""
    from sqlalchemy import func, select

    from projections.tabeller import saker, tidslinje
    from service.bootstrap import build_core
    from service.devtools.seed import seed
    from service.settings import Settings

    kjerne = build_core(Settings(database_url=url))
    try:
        seed(kjerne.app, cases, 17)
        kjerne.oppdaterer.fang_opp()
        with kjerne.engine.connect() as conn:
            antall = conn.execute(
                select(tidslinje.c.case_id, func.count())
                .where(tidslinje.c.case_id.is_not(None))
                .group_by(tidslinje.c.case_id)
            ).all()
            case_id, n = min(antall, key=lambda r: (abs(r[1] - 40), r[0]))
            sak = conn.execute(select(saker).where(saker.c.case_id == case_id)).mappings().one()
        _forleng(kjerne.app, sak, 40 - int(n))
        kjerne.oppdaterer.fang_opp()
        with kjerne.engine.connect() as conn:
            n = conn.execute(select(func.count()).where(tidslinje.c.case_id == case_id)).scalar_one()
        return str(case_id), str(sak["fnr"]), int(n)
    finally:
        kjerne.close()


def _forleng(app: Any, sak: Any, antall: int) -> None:
    """Top the case up to about 40 events with two-week renewals of the sick note (the seed's longest
    cases have fewer): each is one more event of the case, as in a long sick leave."""
    from datetime import datetime, time

    from domain.kalender import OSLO

    slutt = sak["slutt"]
    for k in range(max(0, antall)):
        fom = slutt + timedelta(days=1)
        slutt = fom + timedelta(days=13)
        app.behandle(
            app.les(
                {
                    "type": "sykmelding",
                    "id": f"bench-forleng-{k}",
                    "fnr": sak["fnr"],
                    "orgnr": sak["orgnr"],
                    "perioder": [{"fom": fom.isoformat(), "tom": slutt.isoformat(), "grad": 100}],
                    "at": datetime.combine(fom, time(8), OSLO).isoformat(),
                }
            )
        )


def _sykmelding(i: int) -> dict[str, Any]:
    from service.devtools.seed import syntetisk_fnr, syntetisk_orgnr

    fnr = None
    j = i
    while fnr is None:
        fodt = date(1960, 1, 1) + timedelta(days=j // 700)
        fnr = syntetisk_fnr(fodt, 100 + j % 700)
        j += 10**6
    start = date(2026, 9, 1) + timedelta(days=i % 30)
    return {
        "type": "sykmelding",
        "id": f"bench-{i}",
        "fnr": fnr,
        "orgnr": syntetisk_orgnr(1 + i % 50) or syntetisk_orgnr(1),
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": start.isoformat(), "tom": (start + timedelta(days=20)).isoformat(), "grad": 100}],
        "at": "2026-10-01T09:00:00+02:00",
    }


# ---------------------------------------------------------------- servers and clients


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(app: str, env: dict[str, str], *, fabrikk: bool) -> Iterator[str]:
    import httpx

    port = _ledig_port()
    kommando = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    # The bare app lives here in bench/; the service is imported from the project root only, since
    # bench/ holds modules (scheduler.py) that would shadow the project's packages.
    kommando += ["--no-access-log", "--log-level", "warning", "--app-dir", str(ROT if fabrikk else ROT / "bench")]
    if fabrikk:
        kommando.append("--factory")
    miljo = {**os.environ, **env, "PYTHONPATH": str(ROT)}
    prosess = subprocess.Popen(kommando, env=miljo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROT)
    base = f"http://127.0.0.1:{port}"
    try:
        frist = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/docs", timeout=1)
                break
            except httpx.TransportError:
                if prosess.poll() is not None or time.monotonic() > frist:
                    feil = prosess.stderr.read().decode() if prosess.stderr else ""
                    raise RuntimeError(f"{app} did not start: {feil}") from None
                time.sleep(0.2)
        yield base
    finally:
        prosess.terminate()
        prosess.wait(timeout=30)


async def _en(url: str, hoder: dict[str, str]) -> Any:
    import httpx

    async with httpx.AsyncClient(timeout=30) as k:
        r = await k.get(url, headers=hoder)
        r.raise_for_status()
        return r.json()


Foresporsel = tuple[str, str, dict[str, str], Any]


async def _kjor(lag: Callable[[int], Foresporsel], antall: int, klienter: int = KLIENTER) -> tuple[list[float], float]:
    """(latencies, wall time) of ``antall`` requests by ``klienter`` concurrent clients, after a warm-up."""
    import httpx

    neste = 0
    tider: list[float] = []

    async def klient(k: httpx.AsyncClient, teller: list[int], grense: int, maal: list[float] | None) -> None:
        nonlocal neste
        while True:
            i = neste
            if i >= grense:
                return
            neste += 1
            metode, url, hoder, body = lag(i)
            t0 = time.perf_counter()
            r = await k.request(metode, url, headers=hoder, json=body)
            if r.status_code >= 300:
                raise RuntimeError(f"{metode} {url}: {r.status_code} {r.text[:300]}")
            if maal is not None:
                maal.append(time.perf_counter() - t0)
            teller[0] += 1

    grenser = httpx.Limits(max_connections=klienter, max_keepalive_connections=klienter)
    async with httpx.AsyncClient(timeout=60, limits=grenser) as k:
        teller = [0]
        await asyncio.gather(*(klient(k, teller, OPPVARMING, None) for _ in range(klienter)))
        neste = OPPVARMING
        start = time.perf_counter()
        await asyncio.gather(*(klient(k, teller, OPPVARMING + antall, tider) for _ in range(klienter)))
        vegg = time.perf_counter() - start
    return tider, vegg


def _rad(
    backend: str,
    operasjon: str,
    server_: str,
    m: tuple[list[float], float],
    bare: tuple[list[float], float],
    klienter: int = KLIENTER,
) -> list[Any]:
    tider, vegg = m
    fart = len(tider) / vegg
    bare_fart = len(bare[0]) / bare[1]
    return [
        backend,
        operasjon,
        server_,
        klienter,
        len(tider),
        f"{fart:,.0f}",
        f"{median(tider) * 1000:.1f}",
        f"{prosentil(tider, 99) * 1000:.1f}",
        f"{fart / bare_fart:.0%}",
    ]


if __name__ == "__main__":
    main()
