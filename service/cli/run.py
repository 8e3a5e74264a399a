"""Running the service: ``serve``, ``worker``, ``migrate``, ``rebuild``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from service.cli import app, require_real_secrets


@contextmanager
def hendelsesfremdrift(console: Console, tekst: str) -> Iterator[Callable[[int, int, int], None]]:
    """A progress bar over the notification log: events done, events/s and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(tekst),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TaskProgressColumn(),
        TextColumn("{task.fields[fart]} events/s  ETA"),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        oppgave = progress.add_task(tekst, total=None, fart="–")
        start = time.perf_counter()
        gjort = 0

        def vis(posisjon: int, siste: int, antall: int) -> None:
            nonlocal gjort
            gjort += antall
            fart = gjort / max(time.perf_counter() - start, 1e-9)
            progress.update(oppgave, completed=posisjon, total=max(siste, posisjon), fart=f"{fart:,.0f}")

        yield vis


@app.command()
def migrate() -> None:
    """Create or upgrade the read-model tables (Alembic head). The service also does this at start."""
    from service.settings import Settings
    from service.store.database import lesemodell_engine
    from service.store.migrations import oppgrader

    engine = lesemodell_engine(Settings())
    try:
        oppgrader(engine)
    finally:
        engine.dispose()
    print("read models at the newest revision")


@app.command()
def rebuild(
    projection: Annotated[
        list[str] | None,
        typer.Option(
            "--projection",
            help="Rebuild only this projection (repeatable): saker, tidslinje, paminnelser, virksomheter.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Worker processes that compute the persons (default: the number of cores)."),
    ] = None,
) -> None:
    """Replay the whole event log into fresh read-model tables and swap them in. Sends nothing.

    A failure midway leaves the old tables as they were. Streams that cannot be computed are
    quarantined and listed (stream and case ids, never fødselsnummer); then the exit status is 1.
    """
    from projections.gjenoppbygging import gjenoppbygg
    from projections.oppdaterer import ALLE
    from service.bootstrap import opened
    from service.settings import Settings
    from service.store.outbox import alle_rader

    err = Console(stderr=True)
    navn = tuple(projection or ALLE)
    ukjente = [n for n in navn if n not in ALLE]
    if ukjente:
        err.print(f"--projection: unknown {', '.join(ukjente)}; known: {', '.join(ALLE)}")
        raise typer.Exit(2)
    start = time.perf_counter()
    with opened(Settings()) as kjerne, hendelsesfremdrift(err, "rebuilding " + ", ".join(navn)) as vis:
        # The delivery outbox with the reminders, from decision and outcome events (service.store.outbox).
        outbox_rader = alle_rader if "paminnelser" in navn else None
        res = gjenoppbygg(kjerne.oppdaterer, navn, vis, jobs or os.cpu_count() or 1, outbox_rader)
    sekunder = time.perf_counter() - start
    fart = res.hendelser / max(sekunder, 1e-9)
    print(f"rebuilt {', '.join(navn)} from {res.hendelser} events in {sekunder:.1f} s ({fart:,.0f} events/s)")
    if res.karantene:
        strommer = sorted({r["person_id"] for r in res.karantene})
        print(f"quarantined: {len(strommer)} stream(s) could not be computed (README: Quarantine)")
        for r in res.karantene:
            saker = ", ".join(r["case_ids"]) or "none known"
            print(
                f"  stream {r['person_id']} ({r['projeksjon']}): {r['feil']} at {r['sted']}, "
                f"version {r['versjon']}, position {r['posisjon']}; cases: {saker}"
            )
        raise typer.Exit(1)


@app.command()
def worker(
    tikk_sekunder: Annotated[
        float | None, typer.Option("--safety-interval", help="Seconds between safety sweeps (default from settings).")
    ] = None,
) -> None:
    """Run the projections, the slot job and the reminder dispatcher, without the API, until stopped."""
    import signal
    import threading

    from service.bootstrap import build_background, opened
    from service.delivery.channels import Kanaloppsett
    from service.settings import Settings

    settings = Settings()
    require_real_secrets(settings, demo=False)
    stopp = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopp.set())
    signal.signal(signal.SIGINT, lambda *_: stopp.set())
    with opened(settings) as kjerne, Kanaloppsett(settings) as kanaler:
        bakgrunn = build_background(kjerne, kanaler=kanaler, sikkerhet_s=tikk_sekunder)
        bakgrunn.start()
        print("worker running: projections, slot job, dispatcher", file=sys.stderr, flush=True)
        try:
            stopp.wait()
        finally:
            bakgrunn.stopp()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Seed 50 synthetic cases and the web pages' demo cases (dated around today) first if the store is "
            "empty, and turn on the local-only demo login (SYFO_DEMO_LOGIN).",
        ),
    ] = False,
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Also run the slot job and the dispatcher here.")
    ] = True,
) -> None:
    """Run the HTTP API with the projections (and the reminder scheduler) in this process, until stopped."""
    from datetime import UTC, datetime

    import uvicorn

    from service.bootstrap import build_background, opened
    from service.delivery.channels import Kanaloppsett
    from service.http import lag_api
    from service.observability import konfigurer_logging
    from service.settings import Settings

    settings = Settings()
    require_real_secrets(settings, demo=demo)  # before logging is set up: a refusal changes nothing
    konfigurer_logging()
    if demo:
        settings = settings.model_copy(update={"demo_login": True})  # issue 6: the local "log in as" page
    with opened(settings) as kjerne, Kanaloppsett(settings) as kanaler:
        if demo and kjerne.app.siste_posisjon() == 0:
            from domain.kalender import oslo_dato
            from service.devtools.demodata import legg_inn
            from service.devtools.seed import seed

            def framdrift(ferdig: int, _kommandoer: int) -> None:
                if ferdig % 10 == 0:
                    print(f"demo: seeding {ferdig}/50 cases", file=sys.stderr, flush=True)

            print("demo: empty store, seeding 50 synthetic cases and the demo cases", file=sys.stderr, flush=True)
            resultat = seed(kjerne.app, 50, 1, progress=framdrift)
            lagt_inn = legg_inn(kjerne.app, oslo_dato(datetime.now(UTC)))  # issue 6: cases dated around today
            print(f"demo: seeded {resultat.cases} cases, {lagt_inn} demo commands", file=sys.stderr, flush=True)
            print("demo: building the read models", file=sys.stderr, flush=True)
        kjerne.oppdaterer.fang_opp()
        if demo:
            print(f"demo: open http://{host}:{port}/ to log in as a demo user", file=sys.stderr, flush=True)
        bakgrunn = build_background(kjerne, kanaler=kanaler if scheduler else None)
        bakgrunn.start()
        try:
            uvicorn.run(lag_api(kjerne, bakgrunn, settings=settings), host=host, port=port, access_log=False)
        finally:
            bakgrunn.stopp()
