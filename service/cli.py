"""The ``syfo`` command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="syfo-tidslinje: sykefraværsoppfølging as event-sourced timelines.", no_args_is_help=True)


@app.callback()
def _hoved() -> None:
    """syfo-tidslinje: sykefraværsoppfølging as event-sourced timelines."""


class Format(StrEnum):
    json = "json"
    table = "table"


@app.command()
def simulate(
    scenario: Annotated[Path, typer.Argument(help="Scenario JSON file (see the scenario format).")],
    until: Annotated[str | None, typer.Option(help="Evaluate up to the end of this date (YYYY-MM-DD).")] = None,
    format: Annotated[Format, typer.Option("--format", help="json or table.")] = Format.json,
) -> None:
    """Replay a scenario with a virtual clock and print what the service knows and sent."""
    from service.simulate import ScenarioFeil, les_scenario, simuler

    err = Console(stderr=True)
    try:
        tekst = scenario.read_text(encoding="utf-8")
    except OSError as e:
        err.print(f"cannot read {scenario}: {e.strerror}")
        raise typer.Exit(2) from None
    try:
        til = date.fromisoformat(until) if until else None
    except ValueError:
        err.print("--until: expected a date YYYY-MM-DD")
        raise typer.Exit(2) from None
    try:
        res = simuler(les_scenario(tekst), until=til, varsle=lambda linje: print(linje, file=sys.stderr))
    except ScenarioFeil as e:
        print(f"bad scenario: {e}", file=sys.stderr)
        raise typer.Exit(2) from None
    if format is Format.json:
        print(json.dumps(res.data, indent=2, ensure_ascii=False))
    else:
        konsoll = Console()
        skriv_tabell(res.data, konsoll if konsoll.is_terminal else Console(width=160))


def skriv_tabell(data: dict[str, Any], console: Console) -> None:
    """A readable timeline: one table per case, then the reminders."""
    for c in data["cases"]:
        agp = c["arbeidsgiverperiode"]
        tittel = (
            f"Sak {c['orgnr']}  {c['start']} – {c['end']}  (lukkes {c['closed_on']})  "
            f"AGP {agp['fom']} – {agp['tom']}  maksdato {c['maksdato'] or '–'}"
        )
        console.print(f"[bold]{tittel}[/bold]")
        t = Table()
        for kol in ("milepæl", "frist", "status", "oppfylt"):
            t.add_column(kol)
        for m in c["milestones"]:
            t.add_row(m["kind"], m["due"] or "–", m["status"], m.get("met_on", ""))
        console.print(t)
    t = Table(title="Påminnelser", title_justify="left")
    for kol in ("tid", "til", "id", "milepæl", "trinn", "status", "grunn", "regel"):
        t.add_column(kol)
    for r in data["reminders"]:
        t.add_row(
            r["at"][:16].replace("T", " "),
            r["recipient"]["role"],
            r["recipient"]["id"] or "–",
            r["milestone"],
            r["stage"],
            r["status"],
            r.get("reason", ""),
            r["rule"],
        )
    console.print(t)
    if data["rejected"]:
        t = Table(title="Avvist", title_justify="left")
        for kol in ("steg", "type", "regel", "felt"):
            t.add_column(kol)
        for a in data["rejected"]:
            t.add_row(str(a["step"]), a["type"], a["rule"], a["field"] or "")
        console.print(t)


@app.command("seed")
def seed_kommando(
    cases: Annotated[int, typer.Option("--cases", min=1, help="How many synthetic cases (one person each).")],
    seed_verdi: Annotated[int, typer.Option("--seed", help="The same seed gives the same cases.")] = 1,
) -> None:
    """Generate synthetic sick-leave cases and send them through the application (SYFO_* settings)."""

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from service.kjerne import bygg_kjerne
    from service.seed import AvvistKommando, seed
    from service.settings import Settings

    err = Console(stderr=True)
    kjerne = bygg_kjerne(Settings())
    syfo = kjerne.app
    start = time.perf_counter()
    try:
        with Progress(
            TextColumn("seeding"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("cases  {task.fields[fart]} commands/s"),
            TimeElapsedColumn(),
            console=err,
        ) as fremdrift:
            oppgave = fremdrift.add_task("seed", total=cases, fart="–")

            def vis(saker: int, kommandoer: int) -> None:
                fart = kommandoer / max(time.perf_counter() - start, 1e-9)
                fremdrift.update(oppgave, completed=saker, fart=f"{fart:,.0f}")

            resultat = seed(syfo, cases, seed_verdi, progress=vis)
        with hendelsesfremdrift(err, "read models") as vis_hendelser:
            kjerne.oppdaterer.fang_opp(fremdrift=vis_hendelser)
    except AvvistKommando as e:
        felt = f" ({e.felt})" if e.felt else ""
        print(
            f"seed: the service refused a generated command, a bug in the generator: {e.regel}{felt}: {e.melding}",
            file=sys.stderr,
        )
        print(json.dumps(e.kommando, ensure_ascii=False), file=sys.stderr)
        raise typer.Exit(1) from None
    finally:
        kjerne.close()
    sekunder = time.perf_counter() - start
    per_tusen = sekunder / max(resultat.kommandoer, 1) * 1000
    print(
        f"seeded {resultat.cases} cases, {resultat.kommandoer} commands in {sekunder:.1f} s "
        f"({per_tusen:.2f} s per 1,000 commands)"
    )
    if resultat.hoppet_over:
        print(f"left out {resultat.hoppet_over} cases whose person was already stored")


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
    from service.migrering import oppgrader
    from service.settings import Settings
    from service.wiring import lesemodell_engine

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
        typer.Option("--projection", help="Rebuild only this projection (repeatable): saker, tidslinje, paminnelser."),
    ] = None,
) -> None:
    """Drop the read models and replay the whole event log into them, in batches. Sends nothing."""
    from projections.oppdaterer import ALLE
    from service.kjerne import bygg_kjerne
    from service.settings import Settings

    err = Console(stderr=True)
    navn = tuple(projection or ALLE)
    ukjente = [n for n in navn if n not in ALLE]
    if ukjente:
        err.print(f"--projection: unknown {', '.join(ukjente)}; known: {', '.join(ALLE)}")
        raise typer.Exit(2)
    kjerne = bygg_kjerne(Settings())
    start = time.perf_counter()
    try:
        with hendelsesfremdrift(err, "rebuilding " + ", ".join(navn)) as vis:
            antall = kjerne.oppdaterer.gjenoppbygg(navn, vis)
    finally:
        kjerne.close()
    sekunder = time.perf_counter() - start
    fart = antall / max(sekunder, 1e-9)
    print(f"rebuilt {', '.join(navn)} from {antall} events in {sekunder:.1f} s ({fart:,.0f} events/s)")


def main() -> None:
    app()
