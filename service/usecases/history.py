"""The raw event history of a stream with each event's log position and sender (AUD-2, ACC-7).

eventsourcing 9.5.6 offers no query from an aggregate's events to their notification ids, so the
positions are read straight from its events table (read-only): on SQLite the row id of
``stored_events`` (ids stored as hex), on PostgreSQL ``notification_id`` of ``syfo_events``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, text

from domain.identer import gyldig_fnr
from domain.sykefravaer import Sykefravaer
from service.compliance import audit as revisjon
from service.store.application import SyfoApp

TABELLNAVN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
ELLEVE_SIFFER = re.compile(r"(?<!\d)\d{11}(?!\d)")
METADATA = ("originator_id", "originator_version", "timestamp")


def posisjoner(conn: Connection, app: SyfoApp, originator_id: UUID) -> dict[int, int]:
    """version -> notification id of every stored event of one aggregate."""
    tabell = getattr(app.recorder, "events_table_name", None)
    if not isinstance(tabell, str) or not TABELLNAVN.fullmatch(tabell):
        return {}
    if conn.dialect.name == "sqlite":
        sql = text(f"SELECT originator_version, rowid FROM {tabell} WHERE originator_id = :id")
        param: Any = originator_id.hex
    else:
        sql = text(f"SELECT originator_version, notification_id FROM {tabell} WHERE originator_id = :id")
        param = originator_id
    return {int(v): int(p) for v, p in conn.execute(sql, {"id": param})}


def _json(v: Any) -> Any:
    if isinstance(v, UUID):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v


def nyttelast(e: Any) -> dict[str, Any]:
    """An event's own fields as JSON values (the metadata is given separately)."""
    verdier = dict(vars(e))
    return {k: _json(v) for k, v in verdier.items() if k not in METADATA}


NAVNEFELT = frozenset({"navn", "leder_navn", "leder_epost"})  # PRIV-4: names and contact data


def pseudonymiser(v: Any, pseudonym: Callable[[str], str]) -> Any:
    """ACC-7: no identity number in an auditor's view: ``fnr`` fields go, any other fødselsnummer
    (a participant id, a leader id) becomes its keyed pseudonym, and so do names and e-mail (PRIV-4)."""

    def bytt(m: re.Match[str]) -> str:
        return revisjon.PSEUDONYM_PREFIKS + pseudonym(m.group(0)) if gyldig_fnr(m.group(0)) else m.group(0)

    if isinstance(v, str):
        return ELLEVE_SIFFER.sub(bytt, v)
    if isinstance(v, dict):
        return {
            k: revisjon.PSEUDONYM_PREFIKS + pseudonym(x)
            if k in NAVNEFELT and isinstance(x, str)
            else pseudonymiser(x, pseudonym)
            for k, x in v.items()
            if k != "fnr"
        }
    if isinstance(v, list):
        return [pseudonymiser(x, pseudonym) for x in v]
    return v


def historikk(
    conn: Connection,
    app: SyfoApp,
    person_id: UUID,
    saker_per_versjon: dict[int, str | None],
    pseudonym: Callable[[str], str] | None,
) -> list[dict[str, Any]]:
    """Every event of the person's stream in order, with position, sender and payload.

    ``pseudonym`` None shows the payload as stored (AT, break-glass); otherwise it is pseudonymised.
    """
    hendelser = list(app.repository.event_store.get(person_id))
    pos = posisjoner(conn, app, person_id)
    innsendt = revisjon.innsendinger(conn, str(person_id))
    sendere = revisjon.sendt_av(
        [(pos.get(int(e.originator_version), -1), isinstance(e, Sykefravaer.Mottatt)) for e in hendelser], innsendt
    )
    ut = []
    for e in hendelser:
        versjon = int(e.originator_version)
        p = pos.get(versjon)
        last = nyttelast(e)
        if isinstance(e, Sykefravaer.PaminnelseBesluttet) and e.rolle == "AT" and pseudonym is not None:
            last["mottaker_id"] = None  # the arbeidstaker is addressed by fnr (RP-9)
        if pseudonym is not None:
            last = pseudonymiser(last, pseudonym)
        sender = sendere.get(p) if p is not None else None
        if isinstance(e, Sykefravaer.PaminnelseBesluttet):
            aktor = {"id": "syfo-paminnelser", "role": "SYSTEM"}  # decided by the service itself (RP-11)
        elif sender is not None:
            aktor = {"id": sender["aktor_id"], "role": sender["rolle"]}
        else:
            aktor = None
        ut.append(
            {
                "position": p,
                "version": versjon,
                "recorded": getattr(e, "timestamp", None),
                "actor": aktor,
                "event_type": type(e).__name__,
                "command_type": e.TYPE if isinstance(e, Sykefravaer.Mottatt) else None,
                "case_id": saker_per_versjon.get(versjon),
                "payload": last,
            }
        )
    return ut
