"""``syfo simulate``: replay a scenario through the real application with a virtual clock (scenarios.md).

The store is a temporary SQLite file, the clock is virtual, and delivery is a recording channel;
everything else is the code the service runs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from domain.errors import DomainError, UgyldigKommandoError
from domain.innstillinger import Innstillinger
from domain.kalender import OSLO
from domain.kommandoer import Kommando, les_instant
from domain.validering import SENESTE_AT, TIDLIGSTE_AT, i_tidsrom
from projections.sporringer import paminnelser_pa, saker_pa
from scheduler.outbox import OutboxUtsender
from scheduler.slot_ticker import ONE_MICROSECOND, SlotTicker
from service.bootstrap import Core, opened, temporary_settings
from service.delivery.recorder import Recorder
from service.store.outbox import registrer_utfall


class ScenarioFeil(Exception):
    """A scenario that cannot be read: exit status 2, naming the step and the field."""

    def __init__(self, steg: int | None, felt: str, melding: str) -> None:
        hvor = f"step {steg}: " if steg is not None else ""
        super().__init__(f"{hvor}{felt}: {melding}")
        self.steg = steg
        self.felt = felt


@dataclass
class Resultat:
    data: dict[str, Any]
    avvist: list[str]


def les_scenario(tekst: str) -> dict[str, Any]:
    try:
        data = json.loads(tekst)
    except json.JSONDecodeError as e:
        raise ScenarioFeil(None, "$", f"bad JSON: {e.msg} at line {e.lineno}") from None
    if not isinstance(data, dict):
        raise ScenarioFeil(None, "$", "expected an object")
    if not isinstance(data.get("steps"), list):
        raise ScenarioFeil(None, "steps", "required list missing")
    return data


def simuler(
    scenario: dict[str, Any],
    *,
    until: date | None = None,
    arbeidsmappe: Path | None = None,
    varsle: Callable[[str], None] = lambda _: None,
    inspiser: Callable[[Core, date], None] | None = None,
) -> Resultat:
    """Run a scenario; ``varsle`` gets one line per refused command (VAL-9).

    ``inspiser`` (for tests) sees the finished store and read models before they are removed.
    """
    try:
        innstillinger = Innstillinger.fra_config(scenario.get("config"))
    except UgyldigKommandoError as e:
        raise ScenarioFeil(None, e.felt, e.melding) from None
    if until is None:
        if "until" not in scenario:
            raise ScenarioFeil(None, "until", "required field missing")
        try:
            until = date.fromisoformat(scenario["until"])
        except (TypeError, ValueError):
            raise ScenarioFeil(None, "until", "expected a date YYYY-MM-DD") from None
    if not TIDLIGSTE_AT <= until <= SENESTE_AT:
        raise ScenarioFeil(None, "until", "must lie in 2000-01-01 … 2099-12-31 (VAL-10)")
    # The production builder on a throw-away store: encrypted and hash-chained like ``syfo serve``.
    with (
        tempfile.TemporaryDirectory(dir=arbeidsmappe) as mappe,
        opened(temporary_settings(Path(mappe)), innstillinger) as kjerne,
    ):
        res = kjor_scenario(kjerne, scenario["steps"], innstillinger, until, varsle)
        if inspiser is not None:
            inspiser(kjerne, until)
        return res


def kjor_scenario(
    kjerne: Core, steps: list[Any], inn: Innstillinger, until: date, varsle: Callable[[str], None]
) -> Resultat:
    app = kjerne.app
    lest: list[tuple[int, datetime, Kommando | DomainError, str]] = []
    for nr, steg in enumerate(steps, start=1):
        if not isinstance(steg, dict):
            raise ScenarioFeil(nr, "$", "expected an object")
        try:
            at = les_instant(steg.get("at"), "at") if "at" in steg else None
            if at is None:
                raise UgyldigKommandoError("at", "required field missing")
            typ = steg.get("type")
            try:
                lest.append((nr, at, app.les(steg), str(typ)))
            except DomainError as e:
                lest.append((nr, at, e, str(typ)))
        except UgyldigKommandoError as e:
            raise ScenarioFeil(nr, e.felt, e.melding) from None
    lest.sort(key=lambda x: (x[1], x[0]))  # T-8: `at` order, then file order

    opptaker = Recorder()
    avvist: list[dict[str, Any]] = []
    linjer: list[str] = []
    slutt = datetime.combine(until + timedelta(days=1), time(0), OSLO) - timedelta(microseconds=1)
    lest = [x for x in lest if x[1] <= slutt]  # the service cannot know what arrives after `until`
    # VAL-10: a refused step whose `at` lies outside 2000–2099 never moves the virtual clock.
    i_rom = [x[1] for x in lest if i_tidsrom(x[1])]
    start = i_rom[0] if i_rom else datetime.combine(until, time(0), OSLO)
    # The real scheduler tick with a virtual clock: slots due by the clock run first (T-8: a slot at
    # t runs before a command at t), then the dispatcher delivers to the recording channel.
    utsender = OutboxUtsender(
        app,
        kjerne.engine,
        lambda _rolle, mottaker: [(opptaker, mottaker)],
        eier="simulate",
        registrer=lambda utfall, naa: registrer_utfall(app, utfall, naa),
    )
    takt = SlotTicker(
        kjerne,
        kjerne.engine,
        utsender,
        kjerne.oppdaterer.fang_opp,
        inn.kalender,
        start - ONE_MICROSECOND,
        virtual_clock=True,
    )
    for nr, at, k, typ in lest:
        if i_tidsrom(at):
            takt.tick(at)
        if isinstance(k, Kommando):
            try:
                app.behandle(k)
                continue
            except DomainError as e:
                k = e
        avvist.append({"step": nr, "type": typ, "rule": k.regel, "field": k.felt})
        linje = f"step {nr}: {typ} rejected by {k.regel}" + (f" ({k.felt})" if k.felt else "") + f": {k.melding}"
        linjer.append(linje)
        varsle(linje)
    takt.tick(slutt)

    kjerne.oppdaterer.fang_opp()
    with kjerne.engine.connect() as conn:  # the answer comes from the read models, as the API's does
        saker = saker_pa(conn, until)
        paminnelser = paminnelser_pa(conn, until, app.hr_oppslag(slutt))
    data = {"cases": saker, "reminders": paminnelser, "rejected": avvist}
    return Resultat(data, linjer)
