"""``syfo simulate``: replay a scenario through the real application with a virtual clock (scenarios.md).

The store is a temporary SQLite file, the clock is virtual, and delivery is a recording channel;
everything else is the code the service runs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import DomainError, UgyldigKommandoError
from domain.innstillinger import Innstillinger
from domain.kalender import OSLO
from domain.kommandoer import Kommando, les_instant
from domain.paminnelser import Beslutning
from projections.tidslinje import paminnelse_json, paminnelser, saker_json
from scheduler.slotkjoring import kjor_slot
from service.application import SyfoApp


class ScenarioFeil(Exception):
    """A scenario that cannot be read: exit status 2, naming the step and the field."""

    def __init__(self, steg: int | None, felt: str, melding: str) -> None:
        hvor = f"step {steg}: " if steg is not None else ""
        super().__init__(f"{hvor}{felt}: {melding}")
        self.steg = steg
        self.felt = felt


@dataclass
class Opptaker:
    """The recording delivery channel."""

    sendt: list[tuple[UUID, Beslutning]] = field(default_factory=list)

    def send(self, person_id: UUID, beslutning: Beslutning) -> None:
        self.sendt.append((person_id, beslutning))


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
) -> Resultat:
    """Run a scenario; ``varsle`` gets one line per refused command (VAL-9)."""
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
    with tempfile.TemporaryDirectory(dir=arbeidsmappe) as mappe:
        app = SyfoApp(
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(mappe) / "syfo.db")},
            innstillinger=innstillinger,
        )
        try:
            return _kjor(app, scenario["steps"], innstillinger, until, varsle)
        finally:
            app.close()


def _kjor(app: SyfoApp, steps: list[Any], inn: Innstillinger, until: date, varsle: Callable[[str], None]) -> Resultat:
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

    kal = inn.kalender
    opptaker = Opptaker()
    avvist: list[dict[str, Any]] = []
    linjer: list[str] = []
    slutt = datetime.combine(until + timedelta(days=1), time(0), OSLO) - timedelta(microseconds=1)
    lest = [x for x in lest if x[1] <= slutt]  # the service cannot know what arrives after `until`
    klokke = lest[0][1] - timedelta(microseconds=1) if lest else datetime.combine(until, time(0), OSLO)
    for nr, at, k, typ in lest:
        for slot in kal.slots_mellom(klokke, at):  # T-8: a slot at t runs before a command at t
            kjor_slot(app, slot, opptaker)
        klokke = max(klokke, at)
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
    for slot in kal.slots_mellom(klokke, slutt):
        kjor_slot(app, slot, opptaker)

    saker: list[dict[str, Any]] = []
    alle: list[Beslutning] = []
    for pid in app.personer():
        person = app.person(pid)
        saker.extend(saker_json(person, inn, until))
        alle.extend(paminnelser(person, inn, until, app.hr_oppslag(slutt)))
    saker.sort(key=lambda c: (c["start"], c["orgnr"], c["fnr"] or ""))
    alle.sort(key=lambda b: (b.at, b.trinn.rolle, b.mottaker_id or ""))
    data = {"cases": saker, "reminders": [paminnelse_json(b) for b in alle], "rejected": avvist}
    return Resultat(data, linjer)
