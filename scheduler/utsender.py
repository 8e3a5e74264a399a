"""The dispatcher: claims due deliveries, sends them on the recipient's channels, records the outcome.

Due deliveries are read from the reminders read model (``levering`` not final, ``neste_forsok`` due,
no live lease). On PostgreSQL the candidate rows are locked ``FOR UPDATE SKIP LOCKED`` so several
dispatchers take disjoint batches; on SQLite there is one writer. The claim itself is an event in
the person's stream (``LeveringStartet`` with a lease), so a stale read-model row can never make two
dispatchers send the same reminder: the second one loses the stream's version race and finds the
lease. A dispatcher that dies mid-batch leaves leases that run out; the next one sends again with
the same idempotency key, and the receiver drops the repeat.

Recipients with several roles get one message per reminder: rows for the same recipient, person,
milestone, stage and date are sent once and the outcome is recorded for each of them (RP-8).
"""

from __future__ import annotations

import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy import Engine, or_, select, update

from domain.levering import FEILET, LEVERT, OPPGITT, SENDER, VENTER
from domain.paminnelser import SENDT
from projections.sporringer import aware
from projections.tabeller import paminnelser
from scheduler.backoff import gi_opp, neste_forsok
from scheduler.kanal import Kanal, Leveringsresultat, Melding, Utfall

log = structlog.get_logger(__name__)

Kanalvalg = Callable[[str, str], Sequence[tuple[Kanal, str]]]
"""(recipient role, recipient id) -> the channels and addresses to deliver to."""


class DeliveryApp(Protocol):
    def start_levering(
        self, person_id: UUID, nokler: Sequence[str], eier: str, naa: datetime, lease_til: datetime
    ) -> dict[str, tuple[set[str], int]]: ...

    def avslutt_leveringer(
        self,
        person_id: UUID,
        utfall: Sequence[tuple[str, dict[str, str], set[str], str | None, datetime | None]],
        naa: datetime,
    ) -> list[str]: ...


@dataclass
class Rapport:
    levert: int = 0
    feilet: int = 0
    oppgitt: int = 0
    meldinger: int = 0

    def legg_sammen(self, annen: Rapport) -> None:
        self.levert += annen.levert
        self.feilet += annen.feilet
        self.oppgitt += annen.oppgitt
        self.meldinger += annen.meldinger

    def legg_til(self, status: str) -> None:
        if status == LEVERT:
            self.levert += 1
        elif status == OPPGITT:
            self.oppgitt += 1
        else:
            self.feilet += 1


def ny_eier() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Utsender:
    app: DeliveryApp
    engine: Engine
    kanaler: Kanalvalg
    lenke: str = "http://localhost:8000/"
    eier: str = field(default_factory=ny_eier)
    lease: timedelta = timedelta(seconds=60)
    maks_forsok: int = 8
    basis: timedelta = timedelta(seconds=30)
    tak: timedelta = timedelta(hours=1)
    batch: int = 200
    samtidige: int = 16  # messages of one batch in flight at once
    tilfeldig: Callable[[], float] = random.random
    stopp: threading.Event = field(default_factory=threading.Event)  # set on shutdown: finish the batch, stop

    def kjor(self, naa: datetime) -> Rapport:
        """Deliver everything due at ``naa``, batch by batch, until nothing due is left unclaimed."""
        rapport = Rapport()
        while not self.stopp.is_set():
            krav = self._krev(naa)
            if krav is None:
                return rapport
            self._lever_batch(krav, naa, rapport)
        return rapport

    def neste_tidspunkt(self) -> datetime | None:
        """When the next delivery (or retry, or lease expiry) falls due."""
        p = paminnelser.c
        with self.engine.connect() as conn:
            t = conn.execute(
                select(p.neste_forsok).where(p.levering.in_([VENTER, FEILET, SENDER])).order_by(p.neste_forsok).limit(1)
            ).scalar_one_or_none()
            lease = conn.execute(
                select(p.lease_til).where(p.levering == SENDER, p.lease_til.is_not(None)).order_by(p.lease_til).limit(1)
            ).scalar_one_or_none()
        kandidater = [aware(x) for x in (t, lease) if x is not None]
        return min(kandidater) if kandidater else None

    # ---------------------------------------------------------------- claim

    def _krev(self, naa: datetime) -> list[list[dict[str, Any]]] | None:
        """Claim one batch; None when nothing is due. Returns the claimed rows grouped per message."""
        p = paminnelser.c
        utc = naa.astimezone(UTC)
        with self.engine.begin() as conn:
            q = (
                select(paminnelser)
                .where(
                    p.status == SENDT,
                    p.levering.in_([VENTER, FEILET, SENDER]),
                    p.neste_forsok <= utc,
                    or_(p.lease_til.is_(None), p.lease_til < utc),
                )
                .order_by(p.neste_forsok, p.id)
                .limit(self.batch)
            )
            if conn.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            rader = [dict(r) for r in conn.execute(q).mappings()]
            if not rader:
                return None
            per_person: dict[str, list[dict[str, Any]]] = {}
            for r in rader:
                per_person.setdefault(r["person_id"], []).append(r)
            lease_til = naa + self.lease
            krav: list[dict[str, Any]] = []
            for pid, liste in per_person.items():
                fatt = self.app.start_levering(UUID(pid), [r["nokkel"] for r in liste], self.eier, naa, lease_til)
                for r in liste:
                    if r["nokkel"] in fatt:
                        r["levert_kanaler"], r["forsok"] = fatt[r["nokkel"]]
                        krav.append(r)
            ider = [r["id"] for r in rader]
            # Mark the whole batch, so this and other dispatchers skip it until the projection catches up.
            conn.execute(
                update(paminnelser).where(p.id.in_(ider)).values(levering=SENDER, lease_til=lease_til.astimezone(UTC))
            )
        grupper: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for r in krav:
            mottaker = r["mottaker_id"] or r["person_id"]  # the AT is addressed by person, not fnr (PRIV-3)
            n = (r["person_id"], mottaker, r["milepel"], r["stage"], r["send_dato"])
            grupper.setdefault(n, []).append(r)
        return list(grupper.values())

    # ---------------------------------------------------------------- deliver

    def _lever_batch(self, grupper: list[list[dict[str, Any]]], naa: datetime, rapport: Rapport) -> None:
        """Send the batch's messages concurrently, then record the outcomes, one save per person."""
        with ThreadPoolExecutor(max_workers=self.samtidige) as pool:
            utfall = list(pool.map(self._send, grupper))
        per_person: dict[str, list[Forsoksutfall]] = {}
        for gruppe, (levert, alle, feil) in zip(grupper, utfall, strict=True):
            rapport.meldinger += 1
            forsok = max(int(r["forsok"]) for r in gruppe)
            permanent = any(f.utfall is Utfall.PERMANENT_FEIL for f in feil)
            neste: datetime | None = None
            if feil and not permanent and not gi_opp(forsok, self.maks_forsok):
                neste = naa + neste_forsok(forsok, basis=self.basis, tak=self.tak, tilfeldig=self.tilfeldig)
            detalj = "; ".join(f.detalj for f in feil) or None
            for r in gruppe:
                per_person.setdefault(r["person_id"], []).append(
                    Forsoksutfall(r["nokkel"], r["id"], levert, alle, detalj, neste, forsok)
                )
        for pid, liste in per_person.items():
            statuser = self.app.avslutt_leveringer(
                UUID(pid), [(u.nokkel, u.levert, u.alle, u.detalj, u.neste) for u in liste], naa
            )
            for u, status in zip(liste, statuser, strict=True):
                rapport.legg_til(status)
                if status != LEVERT:
                    log.info("levering", paminnelse=u.id, status=status, forsok=u.forsok, detalj=u.detalj)

    def _send(self, gruppe: list[dict[str, Any]]) -> tuple[dict[str, str], set[str], list[Leveringsresultat]]:
        forste = min(gruppe, key=lambda r: r["id"])
        mottaker = forste["mottaker_id"] or forste["person_id"]
        melding = melding_for(forste, mottaker, self.lenke)
        kanaler = list(self.kanaler(forste["rolle"], mottaker))
        alle = {k.navn for k, _ in kanaler}
        allerede = set.intersection(*(r["levert_kanaler"] for r in gruppe)) if gruppe else set()
        levert, feil = send_til_kanaler(melding, kanaler, allerede, forste["id"])
        return levert, alle, feil


def melding_for(rad: Any, mottaker: str, lenke: str) -> Melding:
    """The message of one reminder row: its id is the idempotency key (RP-10: it names only the task)."""
    return Melding(
        idempotency_key=rad["id"],
        mottaker_rolle=rad["rolle"],
        mottaker_id=mottaker,
        milepel=rad["milepel"],
        stage=rad["stage"],
        tidspunkt=aware(rad["forfall"]),
        lenke=lenke,
    )


def send_til_kanaler(
    melding: Melding, kanaler: Sequence[tuple[Kanal, Any]], allerede: set[str], paminnelse: str
) -> tuple[dict[str, str], list[Leveringsresultat]]:
    """Send to each channel that has not taken the message yet; a channel's bug counts as a temporary failure."""
    levert: dict[str, str] = {}
    feil: list[Leveringsresultat] = []
    for kanal, adresse in kanaler:
        if kanal.navn in allerede:
            continue
        try:
            res = kanal.send(melding, adresse)
        except Exception:  # a channel bug must not stop the other deliveries
            log.exception("kanal_feil", kanal=kanal.navn, paminnelse=paminnelse)
            res = Leveringsresultat(Utfall.MIDLERTIDIG_FEIL, "kanalfeil")
        if res.levert:
            levert[kanal.navn] = res.detalj
        else:
            feil.append(res)
    return levert, feil


@dataclass(frozen=True)
class Forsoksutfall:
    nokkel: str
    id: str
    levert: dict[str, str]
    alle: set[str]
    detalj: str | None
    neste: datetime | None
    forsok: int
