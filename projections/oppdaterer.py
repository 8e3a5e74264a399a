"""Keeps the read models up to date from the notification log, exactly once per position.

A batch reads notifications after a projection's position, recomputes the rows of every person
whose stream they touch, and writes those rows and the new position in one transaction. A person
whose stream cannot be computed is quarantined (``projections.karantene``) and the batch goes on. The
position is moved with a compare-and-set, so two runners that race on one projection cannot both
commit a batch: the loser rolls back. Events a projection does not use (other streams) still
advance its position.
"""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.exc import DBAPIError

from domain.innstillinger import Innstillinger
from projections import levering, virksomheter
from projections.karantene import Karantene, er_infrastruktur, er_radfeil
from projections.lesemodell import BYGGERE, Personstrom, Rader
from projections.levering import bare_levering
from projections.skriving import LIVE, OUTBOX, Maal, Utfall, lagre
from projections.tabeller import PERSONPROJEKSJONER, PROJEKSJONER, posisjoner
from projections.virksomheter import VIRKSOMHET_TOPIC, Virksomhetsstrom, virksomhet_rader

log = structlog.get_logger(__name__)

PERSON_TOPIC = "syfo:Sykefravaer."
ALLE: tuple[str, ...] = tuple(PROJEKSJONER)


class Kilde(Protocol):
    """What the runner needs from the event store."""

    innstillinger: Innstillinger

    def notifikasjoner(self, start: int, antall: int) -> Sequence[Any]: ...

    def hendelse(self, notifikasjon: Any) -> Any: ...

    def siste_posisjon(self) -> int: ...

    def strom(self, strom_id: UUID) -> Personstrom | Virksomhetsstrom | None: ...


class PosisjonKonflikt(Exception):
    """Another runner moved the position first; this batch was rolled back."""


Fremdrift = Callable[[int, int, int], None]  # (position reached, last position, events in batch)
# A rebuild's delivery outbox rows of one person (``service.store.outbox.alle_rader``): see ``beregn``.
OutboxBuilder = Callable[[Personstrom, Innstillinger], list[dict[str, Any]]]


@dataclass
class Oppdaterer:
    kilde: Kilde
    engine: Engine
    batch: int = 500
    # Called inside each batch's transaction: (connection, projections, from position, to position).
    ved_batch: Callable[[Connection, Sequence[str], int, int], None] | None = None
    _beregnet: dict[UUID, int] | None = None  # during a rebuild: person -> version already written
    leveringer_uten_beregning: int = 0  # persons whose delivery outcomes were applied in place (projections.levering)
    # Makes this store's ``Kilde`` afresh in another process (picklable): ``syfo rebuild --jobs``.
    fabrikk: Callable[[], Kilde] | None = None
    outbox: OutboxBuilder | None = None  # during a rebuild of ``paminnelser``: the outbox rows too

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
        """One batch for the projections at the lowest position; 0 when all are caught up.

        When the database refuses a row, the batch is rolled back and done again person by person
        (a savepoint each), so only the person whose rows were refused is quarantined."""
        try:
            return self._kjor_batch(navn, fremdrift, noye=False)
        except DBAPIError as e:
            if not er_radfeil(e):
                raise
            return self._kjor_batch(navn, fremdrift, noye=True)

    def _kjor_batch(self, navn: Sequence[str], fremdrift: Fremdrift | None, *, noye: bool) -> int:
        with self.engine.begin() as conn:
            # Row locks on the positions serialise concurrent batches of one projection on PostgreSQL
            # (a second runner waits, then reads the new position); SQLite has a single writer.
            pos = {n: _posisjon(conn, n, laas=True) for n in navn}
            laveste = min(pos.values())
            gruppe = [n for n in navn if pos[n] == laveste]
            notifs = self.kilde.notifikasjoner(laveste + 1, self.batch)
            if not notifs:
                return 0
            self.skriv(conn, gruppe, notifs, LIVE, noye=noye)
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

    def skriv(self, conn: Connection, gruppe: Sequence[str], notifs: Sequence[Any], maal: Maal, *, noye: bool) -> None:
        """Recompute every person (and employer) these notifications touch and replace their rows in ``maal``.
        Only the streams ``gruppe`` has projections for are read."""
        nyeste = nyeste_versjoner(notifs)
        ferdig = self._beregnet or {}
        arbeidsgivere = {n.originator_id for n in notifs if n.topic.startswith(VIRKSOMHET_TOPIC)}
        pgruppe = personprojeksjoner(gruppe)
        personer = [p for p, (v, _) in nyeste.items() if p not in arbeidsgivere and pgruppe and ferdig.get(p, 0) < v]
        if self._beregnet is None and maal is LIVE and not noye:
            personer = self._bare_levering(conn, pgruppe, notifs, personer)
        if virksomheter.NAVN in gruppe:
            personer += [p for p, (v, _) in nyeste.items() if p in arbeidsgivere and ferdig.get(p, 0) < v]
        if not personer:
            return
        beregnet = [(pid, *beregn(self.kilde, pid, gruppe, *nyeste[pid], self.outbox)) for pid in personer]
        self.skriv_utfall(conn, gruppe, beregnet, nyeste, maal, noye=noye)

    def skriv_utfall(
        self,
        conn: Connection,
        gruppe: Sequence[str],
        beregnet: Sequence[tuple[UUID, Utfall, int]],
        nyeste: dict[UUID, tuple[int, int]],
        maal: Maal,
        *,
        noye: bool,
    ) -> None:
        """Write computed persons (person, rows per projection, version read); with ``noye`` person by
        person, so a row the database refuses quarantines only its person. During a rebuild, a result
        older than what is already written for a person is skipped (worker processes may finish out of
        order). Employers' results (``virksomheter``) are written by ``projections.virksomheter``."""
        ferdig = self._beregnet
        if ferdig is not None:
            beregnet = [b for b in beregnet if ferdig.get(b[0], 0) <= b[2]]
        arbeidsgivere: dict[UUID, Rader] = {}
        utfall: dict[UUID, Utfall] = {}
        for pid, u, _ in beregnet:
            r = u.get(virksomheter.NAVN)
            if isinstance(r, dict):
                arbeidsgivere[pid] = r
            elif u:
                utfall[pid] = u
        virksomheter.lagre(conn, arbeidsgivere, maal)
        gruppe = personprojeksjoner(gruppe)
        nye = set() if ferdig is None else {pid for pid in utfall if pid not in ferdig}  # no rows to replace
        if utfall and not noye:
            lagre(conn, gruppe, utfall, maal, nye)
        elif utfall:
            for pid, u in utfall.items():
                try:
                    with conn.begin_nested():
                        lagre(conn, gruppe, {pid: u}, maal, nye)
                except DBAPIError as e:
                    if not er_radfeil(e):
                        raise
                    k = Karantene.fra(e, pid, *nyeste[pid])
                    ny: Utfall = {**dict.fromkeys(gruppe, k), **{n: r for n, r in u.items() if n == OUTBOX}}
                    lagre(conn, gruppe, {pid: ny}, maal, nye)
        for pid, u in utfall.items():
            for navn, r in u.items():
                if isinstance(r, Karantene):
                    log.warning(
                        "projection_quarantined", projection=navn, person_id=str(pid), position=r.posisjon,
                        version=r.versjon, error=r.feil, where=r.sted,
                    )  # fmt: skip
        if ferdig is not None:
            ferdig.update({pid: v for pid, _, v in beregnet})

    def _bare_levering(
        self, conn: Connection, gruppe: Sequence[str], notifs: Sequence[Any], personer: list[UUID]
    ) -> list[UUID]:
        """Persons with delivery outcomes only in this batch get their delivery state updated in place
        (``projections.levering``); the rest, returned, are recomputed."""
        topics: dict[UUID, list[Any]] = {}
        for n in notifs:
            if n.topic.startswith(PERSON_TOPIC):
                topics.setdefault(n.originator_id, []).append(n)
        rest = []
        for pid in personer:
            mine = topics[pid]
            if bare_levering([n.topic for n in mine]) and levering.oppdater(
                conn, gruppe, pid, [self.kilde.hendelse(n) for n in mine], LIVE
            ):
                self.leveringer_uten_beregning += 1
            else:
                rest.append(pid)
        return rest

    def gjenoppbygg(self, navn: Sequence[str] = ALLE, fremdrift: Fremdrift | None = None, jobs: int = 1) -> int:
        """Replay the whole log into fresh tables and swap them in (``projections.gjenoppbygging``);
        returns the events read. The quarantined persons are in the ``karantene`` table afterwards."""
        from projections.gjenoppbygging import gjenoppbygg

        return gjenoppbygg(self, navn, fremdrift, jobs).hendelser


def personprojeksjoner(gruppe: Sequence[str]) -> list[str]:
    """The projections of ``gruppe`` whose rows are persons' (all but the employers')."""
    return [n for n in gruppe if n in PERSONPROJEKSJONER]


def nyeste_versjoner(notifs: Sequence[Any]) -> dict[UUID, tuple[int, int]]:
    """Person (or employer) -> (newest version, its log position) among these notifications, in order of
    appearance."""
    nyeste: dict[UUID, tuple[int, int]] = {}
    for n in notifs:
        if n.topic.startswith(PERSON_TOPIC) or n.topic.startswith(VIRKSOMHET_TOPIC):
            pid = n.originator_id
            v, p = nyeste.get(pid, (0, 0))
            nyeste[pid] = (max(v, int(n.originator_version)), max(p, int(n.id)))
    return nyeste


def beregn(
    kilde: Kilde, pid: UUID, gruppe: Sequence[str], versjon: int, posisjon: int, outbox: OutboxBuilder | None = None
) -> tuple[Utfall, int]:
    """The person's rows per projection, or why they could not be computed; and the version read. An
    employer's stream gives the employers' rows only (``virksomheter``, when ``gruppe`` has it).

    The stream is read and decoded once, and the person's ``grunnlag`` computed once (memoised beside
    the aggregate), for all the projections of ``gruppe``. With ``outbox`` (a rebuild), the person's
    outbox rows too, under ``OUTBOX``, from the same aggregate: whatever the read models' quarantine,
    since a sent reminder keeps its delivery row."""
    personer = personprojeksjoner(gruppe)
    try:
        strom = kilde.strom(pid)
    except Exception as e:
        if er_infrastruktur(e):
            raise
        return dict.fromkeys(personer, Karantene.fra(e, pid, versjon, posisjon)), versjon
    if isinstance(strom, Virksomhetsstrom):
        rader: Utfall = {virksomheter.NAVN: virksomhet_rader(strom)} if virksomheter.NAVN in gruppe else {}
        return rader, max(versjon, strom.versjon)
    if strom is None:
        return {n: {} for n in personer}, versjon
    ut: Utfall = {}
    for navn in personer:
        try:
            ut[navn] = BYGGERE[navn](strom, kilde.innstillinger)
        except Exception as e:
            if er_infrastruktur(e):
                raise
            ut[navn] = Karantene.fra(e, pid, strom.versjon, posisjon)
    # A person is quarantined as a whole: one read model that cannot be computed puts every one of
    # the batch's read models on hold for them, so no view shows half of a stream it cannot read.
    feil = next((r for r in ut.values() if isinstance(r, Karantene)), None)
    if feil is not None:
        ut = dict.fromkeys(personer, feil)
    if outbox is not None:
        ut[OUTBOX] = {OUTBOX: outbox(strom, kilde.innstillinger)}
    return ut, max(versjon, strom.versjon)


def _posisjon(conn: Connection, navn: str, *, laas: bool = False) -> int:
    q = select(posisjoner.c.posisjon).where(posisjoner.c.navn == navn)
    if laas:
        q = q.with_for_update()
    verdi = conn.execute(q).scalar_one_or_none()
    if verdi is None:
        raise LookupError(f"unknown projection {navn!r}: run the migrations (syfo migrate)")
    return int(verdi)


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
                    try:
                        self.oppdaterer.fang_opp(aktive)
                    except PosisjonKonflikt:
                        pass
                    except Exception as e:  # the database or a key: retried next pass, the heartbeat stops
                        log.error("projection_batch_failed", error=type(e).__name__)
                        self.vekk.wait(self.intervall)
                        self.vekk.clear()
                        continue
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
