"""The outbox dispatcher: claims batches of outbox rows, sends them concurrently, records outcomes in batches.

A row is written with the reminder's decision event (``service.store.outbox``). Exactly-once comes from the
claim, not from a lease that can run out under load:

- PostgreSQL: each dispatcher holds a session advisory lock on its own owner number for as long as it
  lives; a claim is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`` that takes rows
  which are due, or which are claimed by an owner whose lock is gone (its process died, so its
  connection closed). A paused or slow dispatcher keeps its lock, so nobody takes its rows.
- SQLite: one claimer at a time, by an exclusive ``flock`` on a file next to the database held for the
  process's life; whoever gets it first takes back the rows a dead claimer left.

Outcomes go back in one save of all the batch's persons (``registrer``), which also moves the rows
out of reach. A process killed between a send and its record leaves its rows claimed by a dead
owner: the next dispatcher sends them again with the same idempotency key, and nothing is lost.
"""

from __future__ import annotations

import fcntl
import os
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

import structlog
from sqlalchemy import Connection, Engine, text

from domain.levering import LEVERT
from scheduler.backoff import gi_opp, neste_forsok
from scheduler.kanal import Kanal, Leveringsresultat, Utfall
from scheduler.utsender import Rapport, Utsender, melding_for, send_til_kanaler

log = structlog.get_logger(__name__)

TABELL = "outbox"
LAASKLASSE = 0x5F0_0002  # first key of the dispatchers' advisory locks; the second is the owner number
SENDER = "sender"
EPOKE = datetime(1970, 1, 1, tzinfo=UTC)


def mikro(t: datetime) -> int:
    """An aware instant as whole microseconds since the epoch."""
    return (t - EPOKE) // timedelta(microseconds=1)


def fra_mikro(us: int) -> datetime:
    return EPOKE + timedelta(microseconds=us)


@dataclass(frozen=True)
class Utfallsrad:
    """The outcome of one attempt on one outbox row, for ``registrer``."""

    id: str
    person_id: str
    nokkel: str
    levert: dict[str, str]  # channel -> detail, for the channels that took it
    alle: set[str]  # every channel of the recipient
    detalj: str | None
    neste: datetime | None  # next attempt; None: no more attempts


Registrer = Callable[[Sequence[Utfallsrad], datetime], list[str]]


def ventende(engine: Engine, grense: datetime) -> int:
    """How many reminders whose current attempt fell due before ``grense`` are not delivered yet."""
    with engine.connect() as conn:
        n = conn.execute(
            text(f"SELECT count(*) FROM {TABELL} WHERE status IN ('venter', 'feilet', '{SENDER}') AND neste_us < :g"),
            {"g": mikro(grense)},
        ).scalar_one()
    return int(n)


_sqlite_laaser: dict[str, IO[str]] = {}
_sqlite_traadlaaser: dict[str, threading.Lock] = {}
_modullaas = threading.Lock()


@dataclass
class OutboxUtsender(Utsender):
    """``Utsender`` (channels, grouping per recipient, backoff) on the outbox instead of leases."""

    registrer: Registrer | None = None
    # More channels from the reminder's own row (the leader's registered e-mail, ``service.delivery.leader_email``).
    ved_levering: Callable[[float], None] | None = None  # lateness in seconds of each delivered message
    radkanaler: Callable[[dict[str, Any]], Sequence[tuple[Kanal, str]]] | None = None
    eier_nr: int = field(default_factory=lambda: random.randint(1, 2**31 - 1))
    _liv: Connection | None = None

    def kjor(self, naa: datetime) -> Rapport:
        if self.engine.dialect.name != "sqlite":
            self._hold_liv()
            return super().kjor(naa)
        laas = self._sqlite_eneklaimer()
        if laas is None:
            return Rapport()  # another process is the claimer
        with laas:
            return super().kjor(naa)

    def neste_tidspunkt(self) -> datetime | None:
        with self.engine.connect() as conn:
            us = conn.execute(
                text(f"SELECT min(neste_us) FROM {TABELL} WHERE status IN ('venter', 'feilet')")
            ).scalar_one_or_none()
        return fra_mikro(int(us)) if us is not None else None

    def lukk(self) -> None:
        if self._liv is not None:
            self._liv.close()
            self._liv = None

    # ---------------------------------------------------------------- ownership

    def _hold_liv(self) -> None:
        """PostgreSQL: take this dispatcher's advisory lock on its own connection, held while it lives."""
        if self._liv is not None:
            return
        conn = self.engine.connect()
        conn.execute(text("SELECT pg_advisory_lock(:k, :e)"), {"k": LAASKLASSE, "e": self.eier_nr})
        conn.commit()
        self._liv = conn

    def _sqlite_eneklaimer(self) -> threading.Lock | None:
        """SQLite: this process's claim lock, or None when another process holds the claimer file."""
        sti = str(self.engine.url.database)
        with _modullaas:
            if sti not in _sqlite_laaser:
                f = open(f"{sti}.utsender.lock", "a")  # noqa: SIM115 (held for the process's life)
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    f.close()
                    return None
                _sqlite_laaser[sti] = f
                _sqlite_traadlaaser[sti] = threading.Lock()
                with self.engine.begin() as conn:  # the rows a dead claimer left claimed come back
                    conn.execute(text(f"UPDATE {TABELL} SET status = 'venter', eier = NULL WHERE status = '{SENDER}'"))
            return _sqlite_traadlaaser[sti]

    # ---------------------------------------------------------------- claim

    def _krev(self, naa: datetime) -> list[list[dict[str, Any]]] | None:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                rader = self._krev_postgres(conn, naa)
            else:
                rader = self._krev_sqlite(conn, naa)
        if not rader:
            return None
        grupper: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for r in rader:
            r["levert_kanaler"] = {k for k in r["levert_kanaler"].split(",") if k}
            r["forfall"] = fra_mikro(int(r["forfall_us"]))
            r["send_dato"] = date.fromisoformat(r["send_dato"])
            mottaker = r["mottaker_id"] or r["person_id"]
            grupper.setdefault((r["person_id"], mottaker, r["milepel"], r["stage"], r["send_dato"]), []).append(r)
        return list(grupper.values())

    def _krev_postgres(self, conn: Connection, naa: datetime) -> list[dict[str, Any]]:
        sql = f"""
            UPDATE {TABELL} SET status = '{SENDER}', eier = :eier, forsok = forsok + 1
            WHERE id IN (
                SELECT o.id FROM {TABELL} o
                WHERE (o.status IN ('venter', 'feilet') AND o.neste_us <= :naa)
                   OR (o.status = '{SENDER}' AND o.eier <> :eier AND NOT EXISTS (
                        SELECT 1 FROM pg_locks l
                        WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :klasse
                          AND l.objid::bigint = o.eier AND l.objsubid = 2
                          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())))
                ORDER BY o.neste_us LIMIT :n FOR UPDATE SKIP LOCKED)
            RETURNING *"""
        par = {"eier": self.eier_nr, "naa": mikro(naa), "klasse": LAASKLASSE, "n": self.batch}
        return [dict(r) for r in conn.execute(text(sql), par).mappings()]

    def _krev_sqlite(self, conn: Connection, naa: datetime) -> list[dict[str, Any]]:
        ider = [
            r[0]
            for r in conn.execute(
                text(
                    f"SELECT id FROM {TABELL} WHERE status IN ('venter', 'feilet') AND neste_us <= :naa "
                    "ORDER BY neste_us LIMIT :n"
                ),
                {"naa": mikro(naa), "n": self.batch},
            )
        ]
        if not ider:
            return []
        plass = ", ".join(f":i{i}" for i in range(len(ider)))
        par: dict[str, Any] = {f"i{i}": v for i, v in enumerate(ider)} | {"eier": self.eier_nr}
        conn.execute(
            text(f"UPDATE {TABELL} SET status = '{SENDER}', eier = :eier, forsok = forsok + 1 WHERE id IN ({plass})"),
            par,
        )
        return [dict(r) for r in conn.execute(text(f"SELECT * FROM {TABELL} WHERE id IN ({plass})"), par).mappings()]

    # ---------------------------------------------------------------- deliver and record

    def _lever_batch(self, grupper: list[list[dict[str, Any]]], naa: datetime, rapport: Rapport) -> None:
        try:
            self._lever_og_registrer(grupper, naa, rapport)
        except Exception:
            self._slipp([r["id"] for g in grupper for r in g])  # a live owner would hold them forever
            raise

    def _slipp(self, ider: list[str]) -> None:
        """Give back rows this dispatcher claimed but could not record (they go again, with the same key)."""
        if not ider:
            return
        plass = ", ".join(f":i{i}" for i in range(len(ider)))
        par: dict[str, Any] = {f"i{i}": v for i, v in enumerate(ider)} | {"eier": self.eier_nr}
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    f"UPDATE {TABELL} SET status = 'venter', eier = NULL "
                    f"WHERE status = '{SENDER}' AND eier = :eier AND id IN ({plass})"
                ),
                par,
            )

    def _lever_og_registrer(self, grupper: list[list[dict[str, Any]]], naa: datetime, rapport: Rapport) -> None:
        assert self.registrer is not None, "OutboxUtsender needs registrer (service.store.outbox.registrer_utfall)"
        with ThreadPoolExecutor(max_workers=self.samtidige) as pool:
            utfall = list(pool.map(self._send, grupper))
        rader: list[Utfallsrad] = []
        for gruppe, (levert, alle, feil) in zip(grupper, utfall, strict=True):
            rapport.meldinger += 1
            forsok = max(int(r["forsok"]) for r in gruppe)
            permanent = any(f.utfall is Utfall.PERMANENT_FEIL for f in feil)
            neste: datetime | None = None
            if feil and not permanent and not gi_opp(forsok, self.maks_forsok):
                neste = naa + neste_forsok(forsok, basis=self.basis, tak=self.tak, tilfeldig=self.tilfeldig)
            detalj = "; ".join(f.detalj for f in feil) or None
            for r in gruppe:
                rader.append(Utfallsrad(r["id"], r["person_id"], r["nokkel"], levert, alle, detalj, neste))
        statuser = self.registrer(rader, naa)
        if self.ved_levering is not None:
            ferdig = datetime.now(UTC)
            for gruppe, (levert, alle, _feil) in zip(grupper, utfall, strict=True):
                if alle <= levert.keys() | gruppe[0]["levert_kanaler"]:
                    self.ved_levering(max(0.0, (ferdig - gruppe[0]["forfall"]).total_seconds()))
        for u, status in zip(rader, statuser, strict=True):
            rapport.legg_til(status)
            if status != LEVERT:
                log.info("levering", paminnelse=u.id, status=status, detalj=u.detalj, pid=os.getpid())

    def _send(self, gruppe: list[dict[str, Any]]) -> tuple[dict[str, str], set[str], list[Leveringsresultat]]:
        forste = min(gruppe, key=lambda r: r["id"])
        mottaker = forste["mottaker_id"] or forste["person_id"]
        melding = melding_for(forste, mottaker, self.lenke)
        kanaler = list(self.kanaler(forste["rolle"], mottaker))
        if self.radkanaler is not None:
            kjente = {k.navn for k, _ in kanaler}
            kanaler += [(k, a) for k, a in self.radkanaler(forste) if k.navn not in kjente]
        alle = {k.navn for k, _ in kanaler}
        allerede = set.intersection(*(r["levert_kanaler"] for r in gruppe))
        levert, feil = send_til_kanaler(melding, kanaler, allerede, forste["id"])
        return levert, alle, feil
