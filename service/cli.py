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
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from service.settings import Settings

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
    """Replay the whole event log into fresh read-model tables and swap them in. Sends nothing.

    A failure midway leaves the old tables as they were. Streams that cannot be computed are
    quarantined and listed (stream and case ids, never fødselsnummer); then the exit status is 1.
    """
    from projections.gjenoppbygging import gjenoppbygg
    from projections.oppdaterer import ALLE
    from service.kjerne import bygg_kjerne
    from service.outbox import bygg_outbox
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
            res = gjenoppbygg(kjerne.oppdaterer, navn, vis)
        if "paminnelser" in navn:  # the delivery outbox, from decision and outcome events (service.outbox)
            bygg_outbox(kjerne.app)
    finally:
        kjerne.close()
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
    from datetime import timedelta

    from service.bakgrunn import Bakgrunn, lag_takt, lag_utsender
    from service.kanaloppsett import Kanaloppsett
    from service.kjerne import bygg_kjerne
    from service.settings import Settings

    settings = Settings()
    require_real_secrets(settings, demo=False)
    kjerne = bygg_kjerne(settings)
    kanaler = Kanaloppsett(settings)
    innhenting = timedelta(days=settings.innhenting_maks_dager)
    takt = lag_takt(kjerne, lag_utsender(kjerne, settings, kanaler), innhenting)
    sikkerhet = timedelta(seconds=tikk_sekunder or settings.vekkeklokke_sikkerhet_s)
    bakgrunn = Bakgrunn(
        kjerne,
        takt=takt,
        sikkerhet=sikkerhet,
        kjedeanker=settings.kjedeanker,
        kjedeanker_intervall=timedelta(seconds=settings.kjedeanker_intervall_s),
    )
    stopp = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopp.set())
    signal.signal(signal.SIGINT, lambda *_: stopp.set())
    bakgrunn.start()
    print("worker running: projections, slot job, dispatcher", file=sys.stderr, flush=True)
    try:
        stopp.wait()
    finally:
        bakgrunn.stopp()
        kanaler.close()
        kjerne.close()


# ---------------------------------------------------------------- integrity, erasure, retention (service.integritet,
# service.sletting, service.oppbevaring). Output carries ids and counts only (PRIV-3).


@app.command()
def verify(
    case: Annotated[str | None, typer.Option("--case", help="Only the stream that holds this case.")] = None,
    som_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Re-compute the hash chain over the stored events; exit 1 and name the first broken link if any.

    The whole store is also held against the anchor file (``SYFO_KJEDEANKER_FIL``): every anchored head
    must still be in the chain with its hash. A clean check of the whole store appends the head to it.
    """
    from service.anchor import append
    from service.integritet import verifiser
    from service.kjerne import bygg_kjerne
    from service.settings import Settings
    from service.sletting import CaseNotFoundError

    settings = Settings()
    kjerne = bygg_kjerne(settings)
    try:
        rapport = verifiser(kjerne.app, kjerne.engine, case_id=case, anker=settings.kjedeanker)
    except CaseNotFoundError:
        Console(stderr=True).print(f"--case: no case {case!r}")
        raise typer.Exit(2) from None
    except OSError as e:  # the anchor file: a directory, no permission
        Console(stderr=True).print(f"SYFO_KJEDEANKER_FIL: cannot read {settings.kjedeanker}: {e.strerror}")
        raise typer.Exit(2) from None
    finally:
        kjerne.close()
    if rapport.ok and case is None and rapport.hode is not None and rapport.hode_posisjon is not None:
        try:
            append(settings.kjedeanker, rapport.hode_posisjon, rapport.hode)
        except OSError as e:
            Console(stderr=True).print(f"SYFO_KJEDEANKER_FIL: cannot append to {settings.kjedeanker}: {e.strerror}")
            raise typer.Exit(2) from None
    if som_json:
        print(json.dumps(rapport.som_dict(), indent=2))
    elif rapport.forste is None:
        print(
            f"OK: {rapport.omfang}: {rapport.kjederader} chain rows, {rapport.hendelser} events, "
            f"{rapport.ankre} anchor(s) held; head {rapport.hode_posisjon} {rapport.hode}"
        )
    else:
        b = rapport.forste
        print(
            f"BROKEN: {rapport.omfang}: first broken link at position {b.posisjon}, notification {b.notification_id}, "
            f"stream {b.strom} v{b.versjon}: {b.melding} ({len(rapport.brudd)} broken link(s))"
        )
    if not rapport.ok:
        raise typer.Exit(1)


@app.command()
def erase(
    fnr: Annotated[str, typer.Option("--fnr", help="The person's fødselsnummer; '-' reads it from standard input.")],
) -> None:
    """Erase a person (GDPR art. 17): destroy their data key, purge the read models, record the erasure."""
    from domain.oppbevaring import BevaringspaleggError
    from service.kjerne import bygg_kjerne
    from service.settings import Settings
    from service.sletting import PersonNotFoundError, slett_fnr

    if fnr == "-":
        fnr = sys.stdin.readline().strip()
    kjerne = bygg_kjerne(Settings())
    try:
        res = slett_fnr(kjerne, fnr)
    except PersonNotFoundError:
        print("nothing stored for that person")
        return
    except BevaringspaleggError as e:
        Console(stderr=True).print(f"refused: {e}")
        raise typer.Exit(1) from None
    finally:
        kjerne.close()
    hva = "erased" if res.registrert else "already erased"
    print(f"{hva}: stream {res.person_id}, {len(res.case_ids)} case(s), {res.nokler_makulert} key(s) destroyed")
    if res.ukrypterte:
        print(f"warning: {res.ukrypterte} event(s) of the stream were stored unencrypted and stay readable")


@app.command()
def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be erased; erase nothing.")] = False,
    today: Annotated[str | None, typer.Option("--today", help="Run as of this date (YYYY-MM-DD), not today.")] = None,
) -> None:
    """Erase the people whose case data is past the retention period; print the counts."""
    from datetime import datetime

    from domain.kalender import OSLO
    from service.kjerne import bygg_kjerne
    from service.oppbevaring import kjor_oppbevaring
    from service.settings import Settings

    try:
        idag = date.fromisoformat(today) if today else datetime.now(OSLO).date()
    except ValueError:
        Console(stderr=True).print("--today: expected a date YYYY-MM-DD")
        raise typer.Exit(2) from None
    settings = Settings()
    kjerne = bygg_kjerne(settings)
    try:
        r = kjor_oppbevaring(kjerne, idag, ar=settings.oppbevaring_saksdata_ar, torrkjoring=dry_run)
    finally:
        kjerne.close()
    verb = "would erase" if dry_run else "erased"
    print(
        f"retention as of {r.idag} ({r.ar} years): considered {r.vurdert}, {verb} {r.slettet_personer} person(s) "
        f"with {r.slettet_saker} case(s), kept {r.holdt_tilbake} under legal hold, {r.feilet} failed"
    )
    if r.feilet:
        raise typer.Exit(1)


@app.command("legal-hold")
def legal_hold(
    case: Annotated[str, typer.Option("--case", help="The case to hold or release.")],
    pa: Annotated[bool, typer.Option("--on/--off", help="Put the case under a legal hold, or lift it.")],
) -> None:
    """Put a case under a legal hold (nothing of the person is erased while it lasts), or lift it."""
    from domain.errors import DomainError
    from service.kjerne import bygg_kjerne
    from service.settings import Settings
    from service.sletting import CaseNotFoundError, sett_bevaringspalegg

    kjerne = bygg_kjerne(Settings())
    try:
        endret = sett_bevaringspalegg(kjerne, case, pa=pa)
    except (CaseNotFoundError, DomainError):
        Console(stderr=True).print(f"--case: no case {case!r}")
        raise typer.Exit(2) from None
    finally:
        kjerne.close()
    tilstand = "on" if pa else "off"
    print(f"legal hold {tilstand} for case {case}" + ("" if endret else " (unchanged)"))


def main() -> None:
    app()


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
    from datetime import UTC, datetime, timedelta

    import uvicorn

    from service.api.app import lag_api
    from service.api.observability import konfigurer_logging
    from service.bakgrunn import Bakgrunn, lag_takt, lag_utsender
    from service.kanaloppsett import Kanaloppsett
    from service.kjerne import bygg_kjerne
    from service.settings import Settings

    settings = Settings()
    require_real_secrets(settings, demo=demo)  # before logging is set up: a refusal changes nothing
    konfigurer_logging()
    if demo:
        settings = settings.model_copy(update={"demo_login": True})  # issue 6: the local "log in as" page
    kjerne = bygg_kjerne(settings)
    kanaler = Kanaloppsett(settings) if scheduler else None
    try:
        if demo and kjerne.app.siste_posisjon() == 0:
            from domain.kalender import oslo_dato
            from service.seed import seed
            from service.web.demodata import legg_inn

            resultat = seed(kjerne.app, 50, 1)
            lagt_inn = legg_inn(kjerne.app, oslo_dato(datetime.now(UTC)))  # issue 6: cases dated around today
            print(f"demo: seeded {resultat.cases} cases, {lagt_inn} demo commands", file=sys.stderr, flush=True)
        kjerne.oppdaterer.fang_opp()
        takt = lag_takt(kjerne, lag_utsender(kjerne, settings, kanaler)) if kanaler is not None else None
        sikkerhet = timedelta(seconds=settings.vekkeklokke_sikkerhet_s)
        bakgrunn = Bakgrunn(
            kjerne,
            takt=takt,
            sikkerhet=sikkerhet,
            kjedeanker=settings.kjedeanker,
            kjedeanker_intervall=timedelta(seconds=settings.kjedeanker_intervall_s),
        )
        bakgrunn.start()
        try:
            uvicorn.run(lag_api(kjerne, bakgrunn, settings=settings), host=host, port=port, access_log=False)
        finally:
            bakgrunn.stopp()
    finally:
        if kanaler is not None:
            kanaler.close()
        kjerne.close()


@app.command()
def token(
    sub: Annotated[str, typer.Option("--sub", help="Subject: the fnr for AT, else the caller's id.")],
    role: Annotated[str, typer.Option("--role", help="AT, NL, HR, SYKMELDER, NAV, TV, VO, BHT, AUDITOR or SYSTEM.")],
    ttl: Annotated[int | None, typer.Option("--ttl", min=1, help="Seconds until it expires.")] = None,
) -> None:
    """Mint a bearer token for local use, signed with SYFO_JWT_KEY."""
    from service.api.auth import lag_token
    from service.settings import Settings
    from service.tilgang import Rolle

    if role not in Rolle.__members__:
        Console(stderr=True).print(f"--role: unknown role {role!r}; known: {', '.join(Rolle)}")
        raise typer.Exit(2)
    settings = Settings()
    levetid = ttl or settings.jwt_ttl_s
    if levetid > settings.jwt_max_ttl_s:
        Console(stderr=True).print(f"--ttl: at most {settings.jwt_max_ttl_s} seconds (SYFO_JWT_MAX_TTL_S)")
        raise typer.Exit(2)
    print(lag_token(settings.jwt_key.get_secret_value(), sub, role, levetid))


def require_real_secrets(settings: Settings, *, demo: bool) -> None:
    """Refuse to start (exit 2, naming the settings) on a secret that is unset or a development default.

    The defaults are published in the source: with them anyone can mint tokens, unwrap the data keys,
    reverse the pseudonyms and forge webhook signatures. ``--demo`` and SYFO_ALLOW_DEV_SECRETS=true
    accept them for a local run."""
    if demo or settings.allow_dev_secrets:
        return
    svake = settings.weak_secrets()
    if svake:
        print(
            f"refusing to start: {', '.join(svake)} unset or a development default. Set real secrets "
            "(`syfo secrets` prints a fresh set), or pass --demo or SYFO_ALLOW_DEV_SECRETS=true for a local run.",
            file=sys.stderr,
        )
        raise typer.Exit(2)


@app.command()
def secrets() -> None:
    """Print a fresh set of secrets as SYFO_* lines, for a .env file or a secret store."""
    from service.settings import new_secrets

    print("# syfo-tidslinje secrets. Keep SYFO_ID_NOKKEL and SYFO_MASTER_NOKKEL for the life of the store:")
    print("# a new id key gives new stream ids, a new master key can read no stored payload.")
    for navn, verdi in new_secrets().items():
        print(f"{navn}={verdi}")
