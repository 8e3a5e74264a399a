"""The delivery outbox on the service side: rows written with the events they follow from.

A ``PaminnelseSendt`` event and its outbox row are stored in one transaction (the save's
``in_transaction`` hook, ``service.kjede``), so a decided reminder is never without its row and a
row never without its decision. A batch of delivery outcomes is stored as events of all the
batch's persons in one save, and that same transaction moves the rows to their new state: once an
outcome is recorded, no dispatcher can claim the row again. ``bygg_outbox`` rebuilds the table from
the decision and outcome events (``syfo rebuild``); a row whose outcome is recorded stays final.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.innstillinger import Innstillinger
from domain.levering import ENDELIGE, FEILET, LEVERT, OPPGITT, VENTER, Levering
from domain.paminnelser import SENDT, Beslutning
from domain.sykefravaer import Sykefravaer
from projections.lesemodell import Personstrom, paminnelse_id
from scheduler.outbox import TABELL, Utfallsrad, mikro
from service.store.hashchain import IN_TRANSACTION, InTransaction, KjedetPostgresRecorder, KjedetSQLiteRecorder
from service.store.sql import SqlCursor, SqlStore

MAKS_FORSOK = 20
KOLONNER = (
    "id, person_id, nokkel, rolle, mottaker_id, milepel, stage, send_dato, forfall_us, status, forsok, neste_us, "
    "levert_kanaler"
)


def _lager(app: Any) -> SqlStore:
    return SqlStore(app.recorder.datastore)


def _rad(person: Sykefravaer, b: Beslutning, slot: datetime) -> tuple[Any, ...]:
    """The outbox row of a sent decision, in its state as the person's events tell it."""
    t = b.trinn
    lev = person.levering(t.nokkel) or Levering()
    status = lev.status if lev.status in (*ENDELIGE, FEILET) else VENTER
    neste = lev.neste_forsok if status == FEILET and lev.neste_forsok else b.at
    return (
        paminnelse_id(person.id, t.nokkel),
        str(person.id),
        t.nokkel,
        t.rolle,
        None if t.rolle == "AT" else b.mottaker_id,  # the AT is addressed by person, never by fnr (PRIV-3)
        t.milepel,
        t.stage,
        t.send_dato.isoformat(),
        mikro(min(slot, b.at)),
        status,
        lev.forsok,
        mikro(neste),
        ",".join(sorted(lev.levert_kanaler)),
    )


def nye_rader(app: Any, objekter: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Outbox rows for the sent decisions among the aggregates' pending (not yet stored) events."""
    kal = app.innstillinger.kalender
    rader = []
    for o in objekter:
        if not isinstance(o, Sykefravaer):
            continue
        nye = sum(isinstance(e, Sykefravaer.PaminnelseBesluttet) for e in o.pending_events)
        if not nye:
            continue
        for b in o.beslutninger[-nye:]:  # the pending decision events appended these, in order
            if b.status == SENDT:
                rader.append(_rad(o, b, kal.slot(b.trinn.send_dato)))
    return rader


def skriv_rader(m: SqlCursor, lager: SqlStore, rader: Sequence[tuple[Any, ...]]) -> None:
    plasser = ", ".join("?" * len(KOLONNER.split(",")))
    m.utfor_mange(
        f"INSERT INTO {lager.tabell(TABELL)} ({KOLONNER}) VALUES ({plasser}) ON CONFLICT (id) DO NOTHING", rader
    )


def med_outbox(app: Any, objekter: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The save's keyword arguments, with a hook that also writes the new decisions' outbox rows."""
    rader = nye_rader(app, objekter)
    if not rader:
        return kwargs
    if not isinstance(app.recorder, KjedetSQLiteRecorder | KjedetPostgresRecorder):
        return kwargs  # a bare application (no read-model database, no dispatcher) has no outbox
    forrige: InTransaction | None = kwargs.get(IN_TRANSACTION)

    def hook(m: SqlCursor, lager: SqlStore, ider: Sequence[int]) -> None:
        skriv_rader(m, lager, rader)
        if forrige is not None:
            forrige(m, lager, ider)

    return {**kwargs, IN_TRANSACTION: hook}


def registrer_utfall(app: Any, utfall: Sequence[Utfallsrad], naa: datetime) -> list[str]:
    """Store a batch's outcomes as events, all persons in one save, and move the outbox rows with them.

    Retried on a concurrent write to one of the streams. Returns each item's delivery status.
    """
    for forsok in range(MAKS_FORSOK):
        personer: dict[str, Sykefravaer] = {}
        for u in utfall:
            if u.person_id not in personer:
                personer[u.person_id] = app.person(UUID(u.person_id))
        oppdateringer = []
        statuser = []
        for u in utfall:
            p = personer[u.person_id]
            for kanal, detalj in sorted(u.levert.items()):
                p.levert(u.nokkel, kanal, detalj, naa)
            lev = p.levering(u.nokkel) or Levering()
            if lev.status not in ENDELIGE:
                if u.alle <= lev.levert_kanaler:
                    p.ferdig(u.nokkel, LEVERT, ",".join(sorted(u.levert.values())) or "levert", naa)
                elif u.neste is None:
                    p.ferdig(u.nokkel, OPPGITT, u.detalj or "oppgitt", naa)
                else:
                    p.feilet(u.nokkel, u.detalj or "feil", naa, u.neste)
            lev = p.levering(u.nokkel) or Levering()
            status = lev.status if lev.status in (*ENDELIGE, FEILET) else VENTER
            neste = mikro(u.neste) if u.neste is not None else mikro(naa)
            oppdateringer.append((status, neste, ",".join(sorted(lev.levert_kanaler)), u.id))
            statuser.append(status)
        skriv = _oppdater(oppdateringer)
        endret = [p for p in personer.values() if p.pending_events]
        try:
            if endret:
                app.save(*endret, **{IN_TRANSACTION: skriv})
            else:
                lager = _lager(app)
                with lager.transaksjon(commit=True) as m:
                    skriv(m, lager, [])
        except IntegrityError:
            if forsok == MAKS_FORSOK - 1:
                raise
            continue
        return statuser
    raise AssertionError("unreachable")


def _oppdater(oppdateringer: list[tuple[Any, ...]]) -> Callable[[SqlCursor, SqlStore, Sequence[int]], None]:
    def skriv(m: SqlCursor, lager: SqlStore, _ider: Sequence[int]) -> None:
        m.utfor_mange(
            f"UPDATE {lager.tabell(TABELL)} SET status = ?, neste_us = ?, levert_kanaler = ?, eier = NULL WHERE id = ?",
            oppdateringer,
        )

    return skriv


def bygg_outbox(app: Any) -> int:
    """Rebuild the outbox from the decision and outcome events; returns the number of open rows.

    Rows whose outcome is recorded come back final, so a rebuild never sends anything again.
    ``syfo rebuild`` does the same with the reminders' rebuild (``alle_rader``), reading nothing twice."""
    lager = _lager(app)
    kal = app.innstillinger.kalender
    with lager.transaksjon(commit=True) as m:
        m.utfor(f"DELETE FROM {lager.tabell(TABELL)}")
        apne = 0
        for pid in app.personer():
            rader = _sendte(app.person(pid), kal)
            skriv_rader(m, lager, rader)
            apne += sum(r[9] not in ENDELIGE for r in rader)
    return apne


def _sendte(p: Sykefravaer, kal: Any) -> list[tuple[Any, ...]]:
    """The person's outbox rows, one per sent decision (the first of an id, as ``ON CONFLICT DO NOTHING``)."""
    rader: dict[str, tuple[Any, ...]] = {}
    for b in p.beslutninger:
        if b.status == SENDT:
            r = _rad(p, b, kal.slot(b.trinn.send_dato))
            rader.setdefault(r[0], r)
    return list(rader.values())


_NAVN = tuple(k.strip() for k in KOLONNER.split(","))


def alle_rader(strom: Personstrom, inn: Innstillinger) -> list[dict[str, Any]]:
    """A person's outbox rows by column, for a rebuild (``projections.gjenoppbygging``): those
    ``bygg_outbox`` writes, from the aggregate the rebuild has already made."""
    return [dict(zip(_NAVN, r, strict=True)) for r in _sendte(strom.person, inn.kalender)]
