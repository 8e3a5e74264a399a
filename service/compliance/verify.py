"""`syfo verify`: re-compute the hash chain (``service.store.hashchain``) and report the first broken link.

For the auditor (ACC-7, AUD-2): ``verifiser(app, engine)`` checks the whole store,
``verifiser(app, engine, case_id=...)`` the stream that holds one case (also an erased one). Three
passes, each streaming in a fixed order with constant memory:

1. the chain rows by position: positions 1, 2, 3, … without a gap, notification ids increasing,
   and each ``global_hash`` the keyed hash of its predecessor's and its own ``strom_hash``;
2. the chain rows by stream and version, joined to the events table: versions 1, 2, 3, … without a
   gap, the event present (a deleted event shows here), the same stream and version, and the
   ``strom_hash`` recomputed over the bytes as stored (an altered byte shows here);
3. events the chain does not cover (inserted behind the service's back, or written with the chain
   off).

Each check compares a link with its stored neighbour, so one broken link is reported once and
does not make every later link fail. A deleted tail (the last events together with their chain
rows) is not detectable from inside the database, so the head is anchored outside it
(``service.compliance.anchor``): with ``anker``, every anchored position must still hold its anchored hash.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Connection, Engine, text

from service.compliance import anchor
from service.compliance.erasure import person_for_sak
from service.store.hashchain import NULLHASH, global_hash, kjedenokkel, som_uuid, strom_hash

if TYPE_CHECKING:
    from service.store.application import SyfoApp

MAKS_BRUDD = 100  # a report lists at most this many broken links
BATCH = 2000

POSISJON_MANGLER = "posisjon_mangler"  # chain rows missing (positions skip)
GLOBAL_HASH = "global_hash_feil"  # a chain row altered
NOTIFIKASJON_REKKEFOLGE = "notifikasjon_rekkefolge"  # notification ids not increasing
VERSJON_MANGLER = "versjon_mangler"  # a stream's versions skip in the chain
HENDELSE_MANGLER = "hendelse_mangler"  # the chain names an event the events table no longer has
HENDELSE_BYTTET = "hendelse_byttet"  # another stream/version under that notification id
HENDELSE_ENDRET = "hendelse_endret"  # the stored bytes do not hash to the chain's link
UTENFOR_KJEDEN = "utenfor_kjeden"  # an event the chain does not cover
ANKER_MANGLER = "anker_mangler"  # an anchored position is no longer in the chain (the tail was cut)
ANKER_AVVIK = "anker_avvik"  # the chain row at an anchored position has another hash (rewritten)
ANKER_ULESBAR = "anker_ulesbar"  # a line of the anchor file does not read (the file was altered)


@dataclass(frozen=True)
class Brudd:
    """One broken link, named by chain position and/or notification id, stream and version."""

    posisjon: int | None
    notification_id: int | None
    art: str
    strom: str | None
    versjon: int | None
    melding: str

    def som_dict(self) -> dict[str, Any]:
        return {
            "kind": self.art,
            "position": self.posisjon,
            "notification_id": self.notification_id,
            "stream": self.strom,
            "version": self.versjon,
            "message": self.melding,
        }


@dataclass(frozen=True)
class Rapport:
    """The outcome of a verification. ``brudd`` in chain order (positionless ones last)."""

    omfang: str
    kjederader: int
    hendelser: int
    hode: str | None  # the head's global hash: anchored outside the database to detect truncation
    brudd: tuple[Brudd, ...]
    avkortet: bool = False  # more than MAKS_BRUDD broken links
    hode_posisjon: int | None = None  # the head's chain position
    ankre: int = 0  # anchors checked

    @property
    def ok(self) -> bool:
        return not self.brudd

    @property
    def forste(self) -> Brudd | None:
        """The first broken link."""
        return self.brudd[0] if self.brudd else None

    def som_dict(self) -> dict[str, Any]:
        return {
            "scope": self.omfang,
            "ok": self.ok,
            "chain_rows": self.kjederader,
            "events": self.hendelser,
            "head": self.hode,
            "head_position": self.hode_posisjon,
            "anchors_checked": self.ankre,
            "first_broken_link": self.forste.som_dict() if self.forste else None,
            "broken_links": [b.som_dict() for b in self.brudd],
            "truncated": self.avkortet,
        }


def verifiser(
    app: SyfoApp,
    engine: Engine,
    *,
    person_id: UUID | None = None,
    case_id: str | None = None,
    anker: Path | None = None,
) -> Rapport:
    """Verify the whole store, or one person's stream (``person_id``, or the stream of ``case_id``).

    With ``anker`` (the anchor file, ``service.compliance.anchor``) the whole store's check also holds the chain
    against every anchored head: a position that is gone or holds another hash is a broken link."""
    if case_id is not None and person_id is None:
        person_id = person_for_sak(app, engine, case_id)
    omfang = "store" if person_id is None else (f"case {case_id}" if case_id else f"stream {person_id}")
    sjekk = _Sjekk(kjedenokkel(app), _Hendelsestabell(app, engine.dialect.name), person_id)
    with engine.connect() as conn:
        sjekk.global_kjede(conn)
        sjekk.strommer(conn)
        sjekk.utenfor(conn)
    ankre = 0
    if anker is not None and person_id is None:
        ankre = sjekk.ankre(engine, anker)
    brudd = sorted(sjekk.brudd, key=lambda b: (b.posisjon is None, b.posisjon or 0, b.notification_id or 0))
    return Rapport(
        omfang,
        sjekk.kjederader,
        sjekk.hendelser,
        sjekk.hode,
        tuple(brudd[:MAKS_BRUDD]),
        len(brudd) > MAKS_BRUDD,
        sjekk.hode_posisjon,
        ankre,
    )


class _Hendelsestabell:
    """eventsourcing's events table as SQL: SQLite keys rows by rowid and stores ids as hex."""

    def __init__(self, app: SyfoApp, dialekt: str) -> None:
        self.navn = str(getattr(app.recorder, "events_table_name", "stored_events"))
        self.sqlite = dialekt == "sqlite"
        self.nid = "rowid" if self.sqlite else "notification_id"

    def id_param(self, oid: UUID) -> Any:
        return oid.hex if self.sqlite else oid


class _Sjekk:
    def __init__(self, nokkel: bytes, tabell: _Hendelsestabell, person_id: UUID | None) -> None:
        self.nokkel = nokkel
        self.t = tabell
        self.person_id = person_id
        self.brudd: list[Brudd] = []
        self.kjederader = 0
        self.hendelser = 0
        self.hode: str | None = None
        self.hode_posisjon: int | None = None

    def _feil(self, art: str, melding: str, **kw: Any) -> None:
        if len(self.brudd) <= MAKS_BRUDD:
            self.brudd.append(
                Brudd(kw.get("posisjon"), kw.get("nid"), art, kw.get("strom"), kw.get("versjon"), melding)
            )

    def global_kjede(self, conn: Connection) -> None:
        """Pass 1: positions without gaps, increasing notification ids, each global link."""
        sql = (
            "SELECT k.posisjon, k.notification_id, k.originator_id, k.originator_version, k.strom_hash, "
            "k.global_hash, f.posisjon AS f_posisjon, f.notification_id AS f_nid, f.global_hash AS f_global "
            "FROM kjede k LEFT JOIN kjede f ON f.posisjon = k.posisjon - 1"
        )
        params: dict[str, Any] = {}
        if self.person_id is not None:
            sql += " WHERE k.originator_id = :oid"
            params["oid"] = str(self.person_id)
        for r in _strom(conn, sql + " ORDER BY k.posisjon", params):
            self.kjederader += 1
            pos, nid = int(r["posisjon"]), int(r["notification_id"])
            sted = {"posisjon": pos, "nid": nid, "strom": r["originator_id"], "versjon": int(r["originator_version"])}
            self.hode, self.hode_posisjon = r["global_hash"], pos
            if pos > 1 and r["f_posisjon"] is None:
                self._feil(POSISJON_MANGLER, f"chain position {pos - 1} is missing (rows deleted)", **sted)
                continue
            if r["f_nid"] is not None and int(r["f_nid"]) >= nid:
                self._feil(NOTIFIKASJON_REKKEFOLGE, f"notification id {nid} is not after {r['f_nid']}", **sted)
            forrige = bytes.fromhex(r["f_global"]) if r["f_global"] is not None else NULLHASH
            venter = global_hash(self.nokkel, forrige, pos, nid, bytes.fromhex(r["strom_hash"]))
            if not hmac.compare_digest(venter.hex(), r["global_hash"]):
                self._feil(GLOBAL_HASH, f"chain row at position {pos} was altered", **sted)
        if self.person_id is not None:
            self.hode = self.hode_posisjon = None  # a stream's last row is not the store's head

    def strommer(self, conn: Connection) -> None:
        """Pass 2: each stream's chain by version, against the stored bytes of its events."""
        t = self.t
        sql = (
            "SELECT k.posisjon, k.notification_id, k.originator_id, k.originator_version, k.strom_hash, "
            f"e.{t.nid} AS e_nid, e.originator_id AS e_oid, e.originator_version AS e_versjon, e.topic, e.state "
            f"FROM kjede k LEFT JOIN {t.navn} e ON e.{t.nid} = k.notification_id"
        )
        params: dict[str, Any] = {}
        if self.person_id is not None:
            sql += " WHERE k.originator_id = :oid"
            params["oid"] = str(self.person_id)
        strom, versjon, forrige_s = None, 0, NULLHASH
        for r in _strom(conn, sql + " ORDER BY k.originator_id, k.originator_version", params):
            pos, nid, v = int(r["posisjon"]), int(r["notification_id"]), int(r["originator_version"])
            sted = {"posisjon": pos, "nid": nid, "strom": r["originator_id"], "versjon": v}
            if r["originator_id"] != strom:
                strom, versjon, forrige_s = r["originator_id"], 0, NULLHASH
            if v != versjon + 1:
                self._feil(
                    VERSJON_MANGLER, f"stream {strom}: versions {versjon + 1}–{v - 1} are not in the chain", **sted
                )
            kjent_forrige = v == versjon + 1
            versjon, lagret_s = v, bytes.fromhex(r["strom_hash"])
            if r["e_nid"] is None:
                self._feil(HENDELSE_MANGLER, f"event {nid} (stream {strom} v{v}) is missing: deleted", **sted)
            elif som_uuid(r["e_oid"]) != UUID(strom) or int(r["e_versjon"]) != v:
                self._feil(HENDELSE_BYTTET, f"event {nid} is not stream {strom} v{v}: replaced", **sted)
            else:
                self.hendelser += 1
                venter = strom_hash(self.nokkel, forrige_s, UUID(strom), v, r["topic"], bytes(r["state"]))
                if kjent_forrige and not hmac.compare_digest(venter, lagret_s):
                    self._feil(HENDELSE_ENDRET, f"event {nid} (stream {strom} v{v}) was altered", **sted)
            forrige_s = lagret_s

    def ankre(self, engine: Engine, fil: Path) -> int:
        """Pass 4: every anchored head is still in the chain with its hash (the tail was not cut or
        rewritten). Returns how many anchors were checked."""
        linjer = anchor.read(fil)
        sett: set[tuple[int, str]] = set()
        ankre = []
        for x in linjer:
            if x.anchor is not None and (x.anchor.position, x.anchor.head) not in sett:  # each anchor once
                sett.add((x.anchor.position, x.anchor.head))
                ankre.append((x.number, x.anchor))
        for x in linjer:
            if x.anchor is None:
                self._feil(ANKER_ULESBAR, f"line {x.number} of the anchor file {fil.name} does not read")
        lagret = anchor.stored_hashes(engine, [a.position for _, a in ankre])
        for nr, a in ankre:
            sted = {"posisjon": a.position}
            if a.position not in lagret:
                melding = (
                    f"anchored chain position {a.position} (line {nr}, {a.at:%Y-%m-%d}) is missing: events deleted"
                )
                self._feil(ANKER_MANGLER, melding, **sted)
            elif not hmac.compare_digest(lagret[a.position], a.head):
                melding = f"chain position {a.position} differs from its anchor (line {nr}): the chain was rewritten"
                self._feil(ANKER_AVVIK, melding, **sted)
        return len(ankre)

    def utenfor(self, conn: Connection) -> None:
        """Pass 3: events the chain does not cover."""
        t = self.t
        sql = (
            f"SELECT e.{t.nid} AS e_nid, e.originator_id, e.originator_version FROM {t.navn} e "
            f"LEFT JOIN kjede k ON k.notification_id = e.{t.nid} WHERE k.posisjon IS NULL"
        )
        params: dict[str, Any] = {}
        if self.person_id is not None:
            sql += " AND e.originator_id = :oid"
            params["oid"] = t.id_param(self.person_id)
        for r in _strom(conn, sql + f" ORDER BY e.{t.nid}", params):
            strom, v, nid = str(som_uuid(r["originator_id"])), int(r["originator_version"]), int(r["e_nid"])
            melding = f"event {nid} (stream {strom} v{v}) is not in the chain: inserted outside the service"
            self._feil(UTENFOR_KJEDEN, melding, nid=nid, strom=strom, versjon=v)


def _strom(conn: Connection, sql: str, params: dict[str, Any]) -> Iterator[Any]:
    res = conn.execution_options(stream_results=True, yield_per=BATCH).execute(text(sql), params)
    yield from res.mappings()
