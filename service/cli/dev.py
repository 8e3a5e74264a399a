"""Developer commands: ``simulate``, ``seed``, ``token``, ``secrets``."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from service.cli import app
from service.cli.run import hendelsesfremdrift


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
    from service.devtools.simulate import ScenarioFeil, les_scenario, simuler

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
def seed_command(
    cases: Annotated[int, typer.Option("--cases", min=1, help="How many synthetic cases (one person each).")],
    seed_verdi: Annotated[int, typer.Option("--seed", help="The same seed gives the same cases.")] = 1,
) -> None:
    """Generate synthetic sick-leave cases and send them through the application (SYFO_* settings)."""

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from service.bootstrap import opened
    from service.devtools.seed import AvvistKommando, seed
    from service.settings import Settings

    err = Console(stderr=True)
    start = time.perf_counter()
    try:
        with opened(Settings()) as kjerne:
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

                resultat = seed(kjerne.app, cases, seed_verdi, progress=vis)
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
    sekunder = time.perf_counter() - start
    per_tusen = sekunder / max(resultat.kommandoer, 1) * 1000
    print(
        f"seeded {resultat.cases} cases, {resultat.kommandoer} commands in {sekunder:.1f} s "
        f"({per_tusen:.2f} s per 1,000 commands)"
    )
    if resultat.avvist:
        regler = ", ".join(f"{regel} {antall}" for regel, antall in resultat.avvist.items())
        print(f"the application refused {resultat.avviste} commands of the stories ({regler})")
    if resultat.hoppet_over:
        print(f"left out {resultat.hoppet_over} cases whose person was already stored")


@app.command()
def token(
    sub: Annotated[str, typer.Option("--sub", help="Subject: the fnr for AT, else the caller's id.")],
    role: Annotated[str, typer.Option("--role", help="AT, NL, HR, SYKMELDER, NAV, TV, VO, BHT, AUDITOR or SYSTEM.")],
    ttl: Annotated[int | None, typer.Option("--ttl", min=1, help="Seconds until it expires.")] = None,
    enhet: Annotated[
        list[str] | None, typer.Option("--enhet", help="NAV only: an office (4 digits) the user works for; repeatable.")
    ] = None,
) -> None:
    """Mint a bearer token for local use, signed with SYFO_JWT_KEY (ACC-8: a NAV token names its offices)."""
    from domain.tilgang import Rolle
    from service.settings import Settings
    from service.usecases.auth import lag_token

    if role not in Rolle.__members__:
        Console(stderr=True).print(f"--role: unknown role {role!r}; known: {', '.join(Rolle)}")
        raise typer.Exit(2)
    from service.usecases.auth import ENHET

    enheter = enhet or []
    if enheter and role != "NAV":
        Console(stderr=True).print("--enhet: only a NAV token names offices (ACC-8)")
        raise typer.Exit(2)
    for e in enheter:
        if not ENHET.match(e):
            Console(stderr=True).print(f"--enhet: {e!r} is not a NAV office of 4 digits (ACC-8)")
            raise typer.Exit(2)
    settings = Settings()
    levetid = ttl or settings.jwt_ttl_s
    if levetid > settings.jwt_max_ttl_s:
        Console(stderr=True).print(f"--ttl: at most {settings.jwt_max_ttl_s} seconds (SYFO_JWT_MAX_TTL_S)")
        raise typer.Exit(2)
    print(lag_token(settings.jwt_key.get_secret_value(), sub, role, levetid, enheter=enheter))


@app.command()
def secrets() -> None:
    """Print a fresh set of secrets as SYFO_* lines, for a .env file or a secret store."""
    from service.settings import new_secrets

    print("# syfo-tidslinje secrets. Keep SYFO_ID_NOKKEL and SYFO_MASTER_NOKKEL for the life of the store:")
    print("# a new id key gives new stream ids, a new master key can read no stored payload.")
    for navn, verdi in new_secrets().items():
        print(f"{navn}={verdi}")
