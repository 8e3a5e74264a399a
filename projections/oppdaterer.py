"""Keeps the read models up to date from the notification log, exactly once per position.

A batch reads notifications after a projection's position, recomputes the rows of every person
whose stream they touch, and writes those rows and the new position in one transaction. The
position is moved with a compare-and-set, so two runners that race on one projection cannot both
commit a batch: the loser rolls back. Events a projection does not use (other streams) still
advance its position.
"""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Engine, delete, select, text, update

from domain.innstillinger import Innstillinger
from projections.lesemodell import BYGGERE, Personstrom
from projections.tabeller import PROJEKSJONER, posisjoner

PERSON_TOPIC = "syfo:Sykefravaer."
ALLE: tuple[str, ...] = tuple(PROJEKSJONER)


class Kilde(Protocol):
    """What the runner needs from the event store."""

    innstillinger: Innstillinger

    def notifikasjoner(self, start: int, antall: int) -> Sequence[Any]: ...

    def siste_posisjon(self) -> int: ...

    def strom(self, person_id: UUID) -> Personstrom | None: ...


class PosisjonKonflikt(Exception):
    """Another runner moved the position first; this batch was rolled back."""


Fremdrift = Callable[[int, int, int], None]  # (position reached, last position, events in batch)


@dataclass
class Oppdaterer:
    kilde: Kilde
    engine: Engine
    batch: int = 500
    # Called inside each batch's transaction: (connection, projections, from position, to position).
    ved_batch: Callable[[Connection, Sequence[str], int, int], None] | None = None
    _beregnet: dict[UUID, int] | None = None  # during a rebuild: person -> version already written

    def posisjon(self, navn: str) -> int:
        with self.engine.connect() as conn:
            return _posisjon(conn, navn)

    def fang_opp(self, navn: Sequence[str] = ALLE, fremdrift: Fremdrift | None = None) -> int:
        """Apply every notification after each projection's position; returns events consumed."""
        totalt = 0
        while True:
            try:
                n = self.kjor_batch(navn, fremdrift)
            except PosisjonKonflikt:
                continue  # another runner committed that batch: go on from its position
            if n == 0:
                return totalt
            totalt += n

    def kjor_batch(self, navn: Sequence[str] = ALLE, fremdrift: Fremdrift | None = None) -> int:
        """One batch for the projections at the lowest position; 0 when all are caught up."""
        with self.engine.begin() as conn:
            # Row locks on the positions serialise concurrent batches of one projection on PostgreSQL
            # (a second runner waits, then reads the new position); SQLite has a single writer.
            pos = {n: _posisjon(conn, n, laas=True) for n in navn}
            laveste = min(pos.values())
            gruppe = [n for n in navn if pos[n] == laveste]
            notifs = self.kilde.notifikasjoner(laveste + 1, self.batch)
            if not notifs:
                return 0
            self._skriv(conn, gruppe, notifs)
            ny = int(notifs[-1].id)
            for n in gruppe:
                res = conn.execute(
                    update(posisjoner)
                    .where(posisjoner.c.navn == n, posisjoner.c.posisjon == laveste)
                    .values(posisjon=ny)
                )
                if res.rowcount != 1:
                    raise PosisjonKonflikt(n)
            if self.ved_batch is not None:
                self.ved_batch(conn, gruppe, laveste, ny)
        if fremdrift is not None:
            fremdrift(ny, self.kilde.siste_posisjon(), len(notifs))
        return len(notifs)

    def _skriv(self, conn: Connection, gruppe: Sequence[str], notifs: Sequence[Any]) -> None:
        nyeste: dict[UUID, int] = {}
        for n in notifs:
            if n.topic.startswith(PERSON_TOPIC):
                pid = n.originator_id
                nyeste[pid] = max(nyeste.get(pid, 0), int(n.originator_version))
        ferdig = self._beregnet or {}
        personer = [p for p, v in nyeste.items() if ferdig.get(p, 0) < v]
        if not personer:
            return
        rader: dict[str, list[dict[str, Any]]] = {}
        for pid in personer:
            strom = self.kilde.strom(pid)
            if strom is None:
                continue
            if self._beregnet is not None:
                self._beregnet[pid] = strom.versjon
            for navn in gruppe:
                for tabell, r in BYGGERE[navn](strom, self.kilde.innstillinger).items():
                    rader.setdefault(tabell, []).extend(r)
        ider = [str(p) for p in personer]
        for navn in gruppe:
            for t in PROJEKSJONER[navn]:
                for del_ider in _biter(ider, 500):
                    conn.execute(delete(t).where(t.c.person_id.in_(del_ider)))
                if rader.get(t.name):
                    conn.execute(t.insert(), rader[t.name])

    def gjenoppbygg(self, navn: Sequence[str] = ALLE, fremdrift: Fremdrift | None = None) -> int:
        """Empty the projections' tables, reset them to position 0 and replay the whole log.

        Each person is computed once from its whole stream, however many events it has; a person
        written to during the rebuild is computed again. Nothing is sent: only rows are written.
        """
        with self.engine.begin() as conn:
            for n in navn:
                for t in PROJEKSJONER[n]:
                    conn.execute(delete(t))
                conn.execute(update(posisjoner).where(posisjoner.c.navn == n).values(posisjon=0))
        self._beregnet = {}
        try:
            return self.fang_opp(navn, fremdrift)
        finally:
            self._beregnet = None


def _posisjon(conn: Connection, navn: str, *, laas: bool = False) -> int:
    q = select(posisjoner.c.posisjon).where(posisjoner.c.navn == navn)
    if laas:
        q = q.with_for_update()
    verdi = conn.execute(q).scalar_one_or_none()
    if verdi is None:
        raise LookupError(f"unknown projection {navn!r}: run the migrations (syfo migrate)")
    return int(verdi)


def _biter(xs: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]


# ---------------------------------------------------------------- running continuously


def laasnokkel(navn: str) -> int:
    """A stable advisory-lock key per projection (PostgreSQL bigint)."""
    return 0x5F0 << 32 | zlib.crc32(navn.encode())


@dataclass
class Kjoring:
    """Runs the projections until stopped: in-process on SQLite, one active runner per projection on
    PostgreSQL (a session advisory lock, released by the server when the process dies)."""

    oppdaterer: Oppdaterer
    intervall: float = 0.5
    navn: Sequence[str] = ALLE
    stopp: threading.Event = field(default_factory=threading.Event)
    hjerteslag: float = 0.0  # monotonic time of the last completed pass
    vekk: threading.Event = field(default_factory=threading.Event)

    def kjor(self) -> None:
        engine = self.oppdaterer.engine
        with contextlib.ExitStack() as stack:
            laaser: Connection | None = None
            schema = ""
            if engine.dialect.name == "postgresql":
                laaser = stack.enter_context(engine.connect())
                schema = str(laaser.execute(text("SELECT current_schema()")).scalar())
            holdt: set[str] = set()
            while not self.stopp.is_set():
                if laaser is not None:
                    holdt |= _ta_laaser(laaser, schema, [n for n in self.navn if n not in holdt])
                    aktive = [n for n in self.navn if n in holdt]
                else:
                    aktive = list(self.navn)
                if aktive:
                    with contextlib.suppress(PosisjonKonflikt):
                        self.oppdaterer.fang_opp(aktive)
                self.hjerteslag = time.monotonic()
                self.vekk.wait(self.intervall)
                self.vekk.clear()

    def start(self) -> threading.Thread:
        t = threading.Thread(target=self.kjor, name="projeksjoner", daemon=True)
        t.start()
        return t


def _ta_laaser(conn: Connection, schema: str, navn: list[str]) -> set[str]:
    """Advisory locks are per database, so the key names the schema too: two stores (schemas) in one
    database each get their own active runner."""
    fatt = set()
    for n in navn:
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": laasnokkel(f"{schema}/{n}")}).scalar():
            fatt.add(n)
    conn.commit()
    return fatt
