"""Poison in the event store, for the quarantine tests: written past every check, as old data or a
damaged database would hold it.

``gift`` stores a sykmelding with a period in December 9999 straight through the aggregate (no command
validation: as before VAL-10), which the tilfelle arithmetic cannot count with. ``ulesbar`` stores a
valid command, then overwrites that event's stored bytes with something that is no event at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from hjelp import kl
from sqlalchemy import Engine, text

from domain.sykefravaer import Sykefravaer
from service.devtools.seed import syntetisk_fnr, syntetisk_orgnr
from service.store.application import SyfoApp

ULESBAR = b"\x00 this is not an event \xff"


def fnr(individ: int) -> str:
    f = syntetisk_fnr(date(1982, 6, 11), individ)
    assert f is not None
    return f


ORG = syntetisk_orgnr(31) or ""
FRISK_A, FRISK_B, GIFTIG, ULESELIG = fnr(301), fnr(302), fnr(303), fnr(305)


def sak(f: str, fom: date, tom: date, nr: str) -> list[dict[str, Any]]:
    """A sick note and a leader: a case with milestones and planned reminders."""
    return [
        {
            "type": "sykmelding",
            "id": f"SM-{nr}",
            "fnr": f,
            "orgnr": ORG,
            "sykmelder_id": f"lege-{nr}",
            "perioder": [{"fom": fom.isoformat(), "tom": tom.isoformat(), "grad": 100}],
            "at": kl(fom, "07:30").isoformat(),
        },
        {
            "type": "narmeste_leder",
            "fnr": f,
            "orgnr": ORG,
            "leder_id": f"leder-{nr}",
            "fom": fom.isoformat(),
            "at": kl(fom, "08:00").isoformat(),
        },
    ]


def send(app: SyfoApp, kommandoer: list[dict[str, Any]]) -> None:
    for k in kommandoer:
        app.behandle(app.les(k))


def gift(app: SyfoApp, f: str, at: datetime) -> UUID:
    """Store a sykmelding for 1–31 December 9999 for ``f``, past every check. Returns the stream id."""
    pid = app.person_for_fnr(f)
    try:
        person = app.person(pid)
    except AggregateNotFoundError:
        person = Sykefravaer(strom_id=pid, timestamp=at)
    data = {
        "id": "SM-9999",
        "fnr": f,
        "orgnr": ORG,
        "sykmelder_id": "lege-9999",
        "perioder": [{"fom": "9999-12-01", "tom": "9999-12-31", "grad": 100}],
    }
    person._mottatt(Sykefravaer.SykmeldingMottatt, data, at)
    app.save(person)
    return pid


def _tabell(app: SyfoApp, engine: Engine) -> tuple[str, str]:
    navn = app.recorder.events_table_name  # type: ignore[attr-defined]
    return navn, ("rowid" if engine.dialect.name == "sqlite" else "notification_id")


def ulesbar(app: SyfoApp, engine: Engine, f: str, fom: date) -> tuple[UUID, int, bytes]:
    """Store a case for ``f``, then overwrite its last event's bytes. Returns the stream id, that
    event's notification id and its original bytes."""
    send(app, sak(f, fom, fom.replace(day=28), "U"))
    pid = app.person_for_fnr(f)
    navn, nid = _tabell(app, engine)
    oid = pid.hex if engine.dialect.name == "sqlite" else pid
    with engine.begin() as conn:
        n, state = conn.execute(
            text(f"SELECT {nid}, state FROM {navn} WHERE originator_id = :o ORDER BY originator_version DESC LIMIT 1"),
            {"o": oid},
        ).one()
    sett_state(app, engine, int(n), ULESBAR)
    return pid, int(n), bytes(state)


def sett_state(app: SyfoApp, engine: Engine, notification_id: int, state: bytes) -> None:
    navn, nid = _tabell(app, engine)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {navn} SET state = :s WHERE {nid} = :n"), {"s": state, "n": notification_id})
