"""A writer process for the concurrency tests: its own SyfoApp, its own connections, the same people.

Run by ``multiprocessing`` with the "spawn" context, so the module must import cleanly on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError, OperationalError

from domain.kalender import OSLO
from service.bootstrap import build_app
from service.settings import Settings

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

    from domain.kommandoer import Kommando

ORG = "ORG-1"
START = datetime(2025, 1, 20, 8, 0, tzinfo=OSLO)  # inside every case window [2025-01-06, 2025-03-31 + 16]


def sykmelding(nr: int, fnr: str) -> dict[str, Any]:
    return {
        "at": "2025-01-06T07:30:00+01:00",
        "type": "sykmelding",
        "id": f"SM-{nr}",
        "fnr": fnr,
        "orgnr": ORG,
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": "2025-01-06", "tom": "2025-03-31", "grad": 100}],
    }


def kommandoer_for(prosess: int, antall: int, fnrs: list[str]) -> list[dict[str, Any]]:
    """``antall`` distinct commands, round-robin over ``fnrs``; ``at`` interleaves the two processes."""
    ut: list[dict[str, Any]] = []
    for i in range(antall):
        at = START + timedelta(minutes=2 * i + prosess)
        felles = {"at": at.isoformat(), "fnr": fnrs[i % len(fnrs)], "orgnr": ORG}
        if i % 2 == 0:
            mottaker = "sykmelder" if prosess == 0 else "nav"
            ut.append({**felles, "type": "oppfolgingsplan_delt", "dato": at.date().isoformat(), "mottaker": mottaker})
        else:
            ut.append({**felles, "type": "dialogmote_svar", "part": "NL", "hensiktsmessig": prosess == 0})
    return ut


def skriv(
    settings: dict[str, Any],
    prosess: int,
    antall: int,
    fnrs: list[str],
    start: Barrier,
    resultater: Queue[tuple[int, dict[str, Any]]],
) -> None:
    """Send this process's commands once both processes are ready; report the conflicts it met."""
    tellere: dict[str, Any] = {"integrity": 0, "locked": 0, "feil": ""}
    try:
        app = build_app(Settings(**settings))
        try:
            behandle_en_gang = app._behandle

            def tellende(k: Kommando, *resten: Any) -> Any:
                try:
                    return behandle_en_gang(k, *resten)
                except IntegrityError:
                    tellere["integrity"] += 1
                    raise
                except OperationalError:
                    tellere["locked"] += 1
                    raise

            app._behandle = tellende  # type: ignore[method-assign]
            kommandoer = [app.les(d) for d in kommandoer_for(prosess, antall, fnrs)]
            start.wait(timeout=60)
            for k in kommandoer:
                app.behandle(k)
        finally:
            app.close()
    except Exception as e:  # reported to the test, which fails with the message
        tellere["feil"] = f"{type(e).__name__}: {e}"
        start.abort()  # the other process stops waiting
    resultater.put((prosess, tellere))
