"""Audit logs outside the event store: every read of case data (AUD-1) and who sent each command (AUD-2).

A read record holds the actor and role, the case, what was shown, the instant, the access basis
(the ACC/CON rule that allowed it) and the reason if one was given. Identity numbers are never
stored (PRIV-3): an arbeidstaker is recorded by person_id, and any other subject that is a
fødselsnummer by a keyed pseudonym. The arbeidstaker can list who read their data (ACC-5); so can
an auditor, per case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from domain.identer import gyldig_fnr
from domain.tilgang import Bruker, Rolle
from projections.tabeller import kommandologg, revisjonslogg
from service.store.sql import SqlCursor, SqlStore

PSEUDONYM_PREFIKS = "pseud:"


def aktor_id(bruker: Bruker, pseudonym: Callable[[str], str]) -> str:
    """The id recorded for a caller: person_id for AT, a pseudonym for an fnr-shaped subject (PRIV-3)."""
    if bruker.rolle is Rolle.AT and bruker.person_id is not None:
        return bruker.person_id
    if gyldig_fnr(bruker.sub):
        return PSEUDONYM_PREFIKS + pseudonym(bruker.sub)
    return bruker.sub[:80]


@dataclass(frozen=True)
class Lesing:
    """One read of one case's data (AUD-1)."""

    aktor_id: str
    rolle: str
    person_id: str | None
    case_id: str | None
    visning: str
    grunnlag: str
    begrunnelse: str | None = None
    brudd_glass: bool = False
    request_id: str | None = None


def registrer(conn: Connection, tidspunkt: datetime, lesinger: Sequence[Lesing]) -> None:
    """Write the records in the caller's transaction: no data is shown unless its read is logged."""
    if not lesinger:
        return
    conn.execute(
        revisjonslogg.insert(),
        [
            {
                "tidspunkt": tidspunkt.astimezone(UTC),
                "aktor_id": lesing.aktor_id,
                "rolle": lesing.rolle,
                "person_id": lesing.person_id,
                "case_id": lesing.case_id,
                "visning": lesing.visning,
                "grunnlag": lesing.grunnlag,
                "begrunnelse": lesing.begrunnelse,
                "brudd_glass": lesing.brudd_glass,
                "request_id": lesing.request_id,
            }
            for lesing in lesinger
        ],
    )


def lesinger(
    conn: Connection,
    *,
    person_id: str | None = None,
    case_id: str | None = None,
    for_id: int | None = None,
    antall: int = 50,
) -> list[dict[str, Any]]:
    """Read records of a person or a case, newest first, before the keyset ``for_id``."""
    r = revisjonslogg
    q = select(r)
    if person_id is not None:
        q = q.where(r.c.person_id == person_id)
    if case_id is not None:
        q = q.where(r.c.case_id == case_id)
    if for_id is not None:
        q = q.where(r.c.id < for_id)
    ut = []
    for rad in conn.execute(q.order_by(r.c.id.desc()).limit(antall)).mappings():
        d = dict(rad)
        d["tidspunkt"] = _aware(d["tidspunkt"])
        ut.append(d)
    return ut


# ---------------------------------------------------------------- commands (AUD-2)

AKSEPTERT = "accepted"  # stored; the row commits with the events, at the position of the last of them
GJENTATT = "repeat"  # VAL-4: nothing stored; the row holds the first command's position
AVVIST = "rejected"  # VAL-9: nothing stored; the row names the rule


@dataclass(frozen=True)
class Innsending:
    """One command sent through the API: who sent it, what became of it, where it landed in the log."""

    aktor_id: str
    rolle: str
    type: str
    posisjon: int | None
    person_id: str | None
    case_id: str | None
    kommando_id: str | None = None
    request_id: str | None = None
    utfall: str = AKSEPTERT
    regel: str | None = None

    def rad(self, tidspunkt: datetime) -> dict[str, Any]:
        return {
            "tidspunkt": tidspunkt.astimezone(UTC),
            "aktor_id": self.aktor_id,
            "rolle": self.rolle,
            "request_id": self.request_id,
            "type": self.type,
            "kommando_id": self.kommando_id,
            "person_id": self.person_id,
            "case_id": self.case_id,
            "posisjon": self.posisjon,
            "utfall": self.utfall,
            "regel": self.regel,
        }


def registrer_kommando(conn: Connection, tidspunkt: datetime, i: Innsending) -> None:
    """A row of a command that stored nothing (a repeat or a rejected command), in its own transaction."""
    conn.execute(kommandologg.insert().values(**i.rad(tidspunkt)))


def registrer_lagret(m: SqlCursor, lager: SqlStore, tidspunkt: datetime, i: Innsending) -> None:
    """The row of an accepted command, on the event store's cursor inside the transaction that stores
    its events (``service.store.hashchain.IN_TRANSACTION``): the command, its events and its row commit together."""
    rad = i.rad(tidspunkt)
    if not lager.postgres:  # as SQLAlchemy stores a DateTime in SQLite: UTC text without offset
        rad["tidspunkt"] = rad["tidspunkt"].strftime("%Y-%m-%d %H:%M:%S.%f")
    kolonner = list(rad)
    m.utfor(
        f"INSERT INTO {lager.tabell(kommandologg.name)} ({', '.join(kolonner)}) "
        f"VALUES ({', '.join('?' for _ in kolonner)})",
        [rad[k] for k in kolonner],
    )


def forste_innsending(conn: Connection, typ: str, kommando_id: str) -> dict[str, Any] | None:
    """The first logged command of this type and id (VAL-4: a repeat answers with its result)."""
    k = kommandologg
    q = select(k).where(k.c.type == typ, k.c.kommando_id == kommando_id, k.c.utfall == AKSEPTERT)
    q = q.order_by(k.c.posisjon).limit(1)
    rad = conn.execute(q).mappings().first()
    return dict(rad) if rad else None


def innsendinger(conn: Connection, person_id: str) -> list[dict[str, Any]]:
    """The person's stored commands sent through the API, by position."""
    k = kommandologg
    q = select(k).where(k.c.person_id == person_id, k.c.utfall == AKSEPTERT).order_by(k.c.posisjon)
    return [dict(r) for r in conn.execute(q).mappings()]


def sendt_av(hendelser: Sequence[tuple[int, bool]], innsendt: Sequence[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """position -> the command log row of the command that stored the event at that position.

    ``hendelser`` are (position, is a command event) of one stream in order. One command's events are
    stored in one transaction, contiguously, and its log row holds the position of the last of them;
    so a command event belongs to the first logged position at or after it, unless another command
    event of the stream lies in between (a command stored outside the API has no row).
    """
    ut: dict[int, dict[str, Any]] = {}
    kommandoer = [p for p, er_kommando in hendelser if er_kommando]
    for i, p in enumerate(kommandoer):
        neste = kommandoer[i + 1] if i + 1 < len(kommandoer) else None
        rad = next((r for r in innsendt if r["posisjon"] >= p), None)
        if rad is not None and (neste is None or rad["posisjon"] < neste):
            ut[p] = rad
    return ut


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)
