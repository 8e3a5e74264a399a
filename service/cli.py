"""The ``syfo`` command line."""

from __future__ import annotations

import json
import sys
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


def main() -> None:
    app()
