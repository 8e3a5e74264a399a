"""Integrity, erasure and retention (``service.compliance``). Output carries ids and counts only (PRIV-3)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from service.cli import app


@app.command()
def verify(
    case: Annotated[str | None, typer.Option("--case", help="Only the stream that holds this case.")] = None,
    som_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
    eksport: Annotated[
        Path | None, typer.Option("--export", help="Check an auditor's export (JSON lines) against the store.")
    ] = None,
) -> None:
    """Re-compute the hash chain over the stored events; exit 1 and name the first broken link if any.

    The whole store is also held against the anchor file (``SYFO_CHAIN_ANCHOR_FILE``): every anchored head
    must still be in the chain with its hash. A clean check of the whole store appends the head to it.

    With ``--export FILE`` (the auditor page's "Last ned historikken"): the case's chain is checked, and the
    file must hold the same events with the same links as the store, nothing missing and nothing added.
    """
    if eksport is not None:
        _verify_export(eksport)
        return
    from service.bootstrap import opened
    from service.compliance.anchor import append
    from service.compliance.erasure import CaseNotFoundError
    from service.compliance.verify import verifiser
    from service.settings import Settings

    settings = Settings()
    try:
        with opened(settings) as kjerne:
            rapport = verifiser(kjerne.app, kjerne.engine, case_id=case, anker=settings.chain_anchor)
    except CaseNotFoundError:
        Console(stderr=True).print(f"--case: no case {case!r}")
        raise typer.Exit(2) from None
    except OSError as e:  # the anchor file: a directory, no permission
        Console(stderr=True).print(f"SYFO_CHAIN_ANCHOR_FILE: cannot read {settings.chain_anchor}: {e.strerror}")
        raise typer.Exit(2) from None
    if rapport.ok and case is None and rapport.hode is not None and rapport.hode_posisjon is not None:
        try:
            append(settings.chain_anchor, rapport.hode_posisjon, rapport.hode)
        except OSError as e:
            Console(stderr=True).print(
                f"SYFO_CHAIN_ANCHOR_FILE: cannot append to {settings.chain_anchor}: {e.strerror}"
            )
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


def _verify_export(fil: Path) -> None:
    from datetime import UTC, datetime

    from domain.tilgang import Bruker, Rolle
    from service.bootstrap import opened
    from service.compliance.verify import verifiser
    from service.observability import Metrikker
    from service.settings import Settings
    from service.usecases import export
    from service.usecases.problems import ApiFeil
    from service.usecases.services import Tjenester

    feil = Console(stderr=True)
    try:
        rader, ulesbare = export.les_fil(fil.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        feil.print(f"--export: cannot read {fil}: {getattr(e, 'strerror', None) or e}")
        raise typer.Exit(2) from None
    saker = {d.get("export_of") for _, d in rader}
    if len(saker) != 1 or not isinstance(next(iter(saker)), str):
        feil.print(f"--export: {fil} does not name one case in 'export_of' on every line")
        raise typer.Exit(2)
    case_id = str(next(iter(saker)))
    settings = Settings()
    with opened(settings) as kjerne:
        t = Tjenester(kjerne, settings, None, lambda: datetime.now(UTC), Metrikker())
        try:
            lager = export.linjer(t, Bruker("syfo-verify", Rolle.AUDITOR), None, case_id)
        except ApiFeil:
            feil.print(f"--export: no case {case_id!r} in the store")
            raise typer.Exit(1) from None
        rapport = verifiser(kjerne.app, kjerne.engine, case_id=case_id)
    avvik = [*ulesbare, *export.sjekk(rader, lager)]
    if not rapport.ok and rapport.forste is not None:
        avvik.insert(0, f"the store's chain is broken: {rapport.forste.melding}")
    if avvik:
        print(f"BROKEN: export {fil.name} of case {case_id}: {len(avvik)} difference(s)")
        for a in avvik:
            print(f"  {a}")
        raise typer.Exit(1)
    print(f"OK: export {fil.name} of case {case_id}: {len(rader)} events, each with its stored chain link")


@app.command()
def erase(
    fnr: Annotated[
        str | None, typer.Option("--fnr", help="The person's fødselsnummer; '-' reads it from standard input.")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="A user id: erase their own notification settings (PRIV-4).")
    ] = None,
) -> None:
    """Erase a person (GDPR art. 17): destroy their data key, purge the read models, record the erasure.
    With ``--user``: destroy a user's settings key and purge their notification settings."""
    from domain.oppbevaring import BevaringspaleggError
    from service.bootstrap import opened
    from service.compliance.erasure import PersonNotFoundError, slett_fnr
    from service.settings import Settings

    if (fnr is None) == (user is None):
        Console(stderr=True).print("erase: give exactly one of --fnr and --user")
        raise typer.Exit(2)
    if user is not None:
        from service.compliance.erasure import slett_bruker

        with opened(Settings()) as kjerne:
            rader, nokler = slett_bruker(kjerne, user)
        print(f"erased user settings: {rader} row(s), {nokler} key(s) destroyed")
        return
    assert fnr is not None
    if fnr == "-":
        fnr = sys.stdin.readline().strip()
    try:
        with opened(Settings()) as kjerne:
            res = slett_fnr(kjerne, fnr)
    except PersonNotFoundError:
        print("nothing stored for that person")
        return
    except BevaringspaleggError as e:
        Console(stderr=True).print(f"refused: {e}")
        raise typer.Exit(1) from None
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
    from service.bootstrap import opened
    from service.compliance.retention import kjor_oppbevaring
    from service.settings import Settings

    try:
        idag = date.fromisoformat(today) if today else datetime.now(OSLO).date()
    except ValueError:
        Console(stderr=True).print("--today: expected a date YYYY-MM-DD")
        raise typer.Exit(2) from None
    settings = Settings()
    with opened(settings) as kjerne:
        r = kjor_oppbevaring(kjerne, idag, ar=settings.oppbevaring_saksdata_ar, torrkjoring=dry_run)
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
    from service.bootstrap import opened
    from service.compliance.erasure import CaseNotFoundError, sett_bevaringspalegg
    from service.settings import Settings

    try:
        with opened(Settings()) as kjerne:
            endret = sett_bevaringspalegg(kjerne, case, pa=pa)
    except (CaseNotFoundError, DomainError):
        Console(stderr=True).print(f"--case: no case {case!r}")
        raise typer.Exit(2) from None
    tilstand = "on" if pa else "off"
    print(f"legal hold {tilstand} for case {case}" + ("" if endret else " (unchanged)"))
