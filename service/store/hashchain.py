"""The hash chain: tamper evidence for every stored event, written in the events' own transaction.

eventsourcing's events table has only ``originator_id, originator_version, topic, state`` (+ the
notification id), so the chain lives in ``kjede`` (``projections.tabeller``). The application
recorder is swapped (``APPLICATION_RECORDER_TOPIC``) for a subclass that, inside the transaction
that inserts a batch of events and while holding the store's write lock (SQLite's single writer;
PostgreSQL's EXCLUSIVE lock on ``syfo_events``), appends one chain row per event:

- ``strom_hash`` = HMAC(k, previous strom_hash of the same stream | id | version | topic | stored
  bytes): each stream chained by version;
- ``global_hash`` = HMAC(k, previous global_hash | position | notification id | strom_hash): all
  rows chained in commit order;
- ``posisjon`` = 1, 2, 3, … with no gaps. PostgreSQL notification ids may skip (a rolled-back
  insert still consumes its sequence values), so "gapless" is checked on these positions, and
  the notification ids only need to increase.

k is derived from ``Settings.master_nokkel``, so whoever can write the database but not read the
settings cannot re-hash a forged event. The hashes cover the stored (encrypted) bytes, so a chain
still verifies after a key is destroyed. Events found after the chain's head that the chain does
not cover (written before the chain existed, or with ``Settings.hashkjede`` off) are chained
first, in notification order, by the next write. ``service.compliance.verify`` checks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg import InterfaceError, OperationalError
from psycopg.sql import SQL, Composed
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from domain.sykefravaer import Sykefravaer
from projections.tabeller import datanokler, kjede, metadata
from service.store.encryption import Nokkellager, NokkelSlettetFeil, nokkel_id
from service.store.sql import SqlCursor, SqlStore

if TYPE_CHECKING:
    from psycopg import Cursor
    from psycopg.rows import DictRow

    from service.store.application import SyfoApp

NULLHASH = bytes(32)
# ``Application.save(..., in_transaction=hook)`` passes its keyword arguments down to ``insert_events``:
# the hook writes more rows (the command log, AUD-2) in the transaction that inserts the events, after
# the chain, given the events' notification ids. If it fails, nothing of the save is stored.
IN_TRANSACTION = "in_transaction"
InTransaction = Callable[[SqlCursor, SqlStore, Sequence[int]], None]
SLETTET = Sykefravaer.PersonopplysningerSlettet.TOPIC
BACKFYLL_BATCH = 1000


class KjedeFeil(Exception):
    """The events table was altered so that the chain cannot be extended (run ``syfo verify``)."""


class ExtraRowsError(Exception):
    """The rows written with the events could not be written: the events were rolled back with them."""


def _skriv_ekstra(
    lager: SqlStore,
    cursor: Any,
    ider: Sequence[int] | None,
    kwargs: dict[str, Any],
    flush: Callable[[], None] = lambda: None,
) -> None:
    """Run the save's ``in_transaction`` hook on the insert transaction's cursor (see ``IN_TRANSACTION``).

    Its errors are wrapped so that a database refusal of an extra row (a constraint, a too long value)
    is not taken for the optimistic-concurrency conflict that ``IntegrityError`` means to the callers."""
    hook: InTransaction | None = kwargs.get(IN_TRANSACTION)
    if hook is None or not ider:
        return
    try:
        hook(lager.markor(cursor), lager, ider)
        flush()  # PostgreSQL's pipeline: a refused row raises here, before the commit
    except Exception as e:
        raise ExtraRowsError(f"{type(e).__name__} while writing the rows that go with the events") from e


def strom_hash(nokkel: bytes, forrige: bytes, originator_id: UUID, versjon: int, topic: str, state: bytes) -> bytes:
    """The link of one event in its stream's chain, over the bytes as stored."""
    t = topic.encode()
    data = b"S" + forrige + originator_id.bytes + versjon.to_bytes(8, "big") + len(t).to_bytes(4, "big") + t + state
    return hmac.new(nokkel, data, hashlib.sha256).digest()


def global_hash(nokkel: bytes, forrige: bytes, posisjon: int, notification_id: int, strom: bytes) -> bytes:
    """The link of one chain row in the store-wide chain."""
    data = b"G" + forrige + posisjon.to_bytes(8, "big") + notification_id.to_bytes(8, "big") + strom
    return hmac.new(nokkel, data, hashlib.sha256).digest()


def som_uuid(verdi: Any) -> UUID:
    """An originator id as either backend returns it (SQLite: 32 hex digits; PostgreSQL: a UUID)."""
    return verdi if isinstance(verdi, UUID) else UUID(str(verdi))


@dataclass(frozen=True)
class Etterarbeid:
    """What to tell the key cache once the insert transaction has committed."""

    nye_nokler: set[UUID]
    slettede: set[UUID]


@dataclass
class _Lest:
    """What the insert transaction read: the chain's head, previous links by stream, live keys."""

    hode: tuple[int, int, bytes] = (0, 0, NULLHASH)  # position, notification id, global hash
    strommer: dict[UUID, tuple[int, bytes]] = field(default_factory=dict)  # stream -> (version, strom_hash)
    levende: set[UUID] = field(default_factory=set)


class Lagringsvakt:
    """Runs inside the recorder's insert transaction, under the store's write lock: refuses payloads under
    keys destroyed meanwhile, stores new keys, destroys the keys of a person erased in this batch, chains."""

    def __init__(self, lager: SqlStore, kjedenokkel: bytes, nokler: Nokkellager, *, kjede_pa: bool = True) -> None:
        self.lager = lager
        self.kjedenokkel = kjedenokkel
        self.nokler = nokler
        self.kjede_pa = kjede_pa
        self.tabell = lager.tabell(kjede.name)

    def etter_innsetting(
        self, m: SqlCursor, hendelser: Sequence[StoredEvent], ider: Sequence[int], tabell: str, id_kolonne: str
    ) -> Etterarbeid:
        """In the insert transaction: keys, erasures, chain. Hand the result to ``etter_commit`` once committed.

        What it needs to read (the chain's head, the streams' previous links, whether the keys still
        exist) is read in one statement: one round trip on PostgreSQL."""
        brukte = {n for e in hendelser if (n := nokkel_id(e.state)) is not None}
        nye = self.nokler.lagre_nye(m, brukte) if brukte else set()
        gamle = {n for n in brukte - nye if not self.nokler.er_system(n)}
        batch = list(zip(ider, hendelser, strict=True))
        lest = self._les(m, batch, gamle)
        dode = gamle - lest.levende
        if dode:
            self.nokler.glem(dode)
            raise NokkelSlettetFeil(f"{len(dode)} data key(s) destroyed meanwhile (erasure); retry")
        slettede = {som_uuid(e.originator_id) for e in hendelser if e.topic == SLETTET}
        for subjekt in sorted(slettede):  # the erasure and the destruction of the keys commit together
            self.nokler.makuler_i(m, subjekt, datetime.now(UTC))
        if self.kjede_pa:
            self._kjed(m, batch, lest, tabell, id_kolonne)
        return Etterarbeid(nye, slettede)

    def etter_commit(self, arbeid: Etterarbeid) -> None:
        self.nokler.bekreft(arbeid.nye_nokler)
        for subjekt in arbeid.slettede:
            self.nokler.glem_subjekt(subjekt)

    def _les(self, m: SqlCursor, batch: list[tuple[int, StoredEvent]], nokler: set[UUID]) -> _Lest:
        deler: list[str] = []
        params: list[Any] = []
        forrige: set[tuple[str, int]] = set()
        if self.kjede_pa:
            deler.append(
                "SELECT 'h' AS art, posisjon AS a, notification_id AS b, global_hash AS t, NULL AS oid FROM "
                f"(SELECT posisjon, notification_id, global_hash FROM {self.tabell} ORDER BY posisjon DESC LIMIT 1) h"
            )
            i_batch = {(str(som_uuid(e.originator_id)), int(e.originator_version)) for _, e in batch}
            forrige = {(o, v - 1) for o, v in i_batch if v > 1 and (o, v - 1) not in i_batch}
            if forrige:
                vilkar = " OR ".join("(originator_id = ? AND originator_version = ?)" for _ in forrige)
                deler.append(
                    f"SELECT 's' AS art, originator_version AS a, 0 AS b, strom_hash AS t, originator_id AS oid "
                    f"FROM {self.tabell} WHERE {vilkar}"
                )
                params += [x for par in sorted(forrige) for x in par]
        if nokler:
            ider = sorted(str(n) for n in nokler)
            deler.append(
                f"SELECT 'n' AS art, 0 AS a, 0 AS b, nokkel_id AS t, NULL AS oid FROM {self.nokler.tabell} "
                f"WHERE nokkel_id IN ({', '.join('?' for _ in ider)}) AND innpakket IS NOT NULL"
            )
            params += ider
        lest = _Lest()
        if not deler:
            return lest
        for r in m.utfor(" UNION ALL ".join(deler), params).alle():
            if r["art"] == "h":
                lest.hode = (int(r["a"]), int(r["b"]), bytes.fromhex(r["t"]))
            elif r["art"] == "s":
                lest.strommer[UUID(r["oid"])] = (int(r["a"]), bytes.fromhex(r["t"]))
            else:
                lest.levende.add(UUID(r["t"]))
        return lest

    def _kjed(
        self, m: SqlCursor, nye: list[tuple[int, StoredEvent]], lest: _Lest, tabell: str, id_kolonne: str
    ) -> None:
        posisjon, siste_id, forrige_g = lest.hode
        if nye[0][0] <= siste_id:
            raise KjedeFeil(
                f"notification id {nye[0][0]} is not after the chain's head ({siste_id}): "
                "the events table was altered; run `syfo verify`"
            )
        ledd = (posisjon, forrige_g)
        if nye[0][0] != siste_id + 1:
            for bolk in self._uten_kjede(m, siste_id, nye[0][0], tabell, id_kolonne):
                ledd = self._skriv(m, bolk, ledd, {})
        self._skriv(m, nye, ledd, lest.strommer)

    def _skriv(
        self,
        m: SqlCursor,
        nye: list[tuple[int, StoredEvent]],
        ledd: tuple[int, bytes],
        strommer: dict[UUID, tuple[int, bytes]],
    ) -> tuple[int, bytes]:
        posisjon, forrige_g = ledd
        rader = []
        for nid, e in nye:
            oid = som_uuid(e.originator_id)
            versjon = int(e.originator_version)
            forrige_s = self._forrige_strom_hash(m, strommer, oid, versjon)
            s = strom_hash(self.kjedenokkel, forrige_s, oid, versjon, e.topic, e.state)
            posisjon += 1
            forrige_g = global_hash(self.kjedenokkel, forrige_g, posisjon, nid, s)
            strommer[oid] = (versjon, s)
            rader.append((posisjon, nid, str(oid), versjon, s.hex(), forrige_g.hex()))
        m.utfor_mange(
            f"INSERT INTO {self.tabell} (posisjon, notification_id, originator_id, originator_version, "
            "strom_hash, global_hash) VALUES (?, ?, ?, ?, ?, ?)",
            rader,
        )
        return posisjon, forrige_g

    def _forrige_strom_hash(
        self, m: SqlCursor, strommer: dict[UUID, tuple[int, bytes]], oid: UUID, versjon: int
    ) -> bytes:
        if versjon <= 1:
            return NULLHASH
        kjent = strommer.get(oid)
        if kjent is not None and kjent[0] == versjon - 1:
            return kjent[1]
        rad = m.utfor(
            f"SELECT strom_hash FROM {self.tabell} WHERE originator_id = ? AND originator_version = ?",
            (str(oid), versjon - 1),
        ).en()
        return bytes.fromhex(rad["strom_hash"]) if rad is not None else NULLHASH  # `syfo verify` names the hole

    def _uten_kjede(
        self, m: SqlCursor, etter: int, for_: int, tabell: str, id_kolonne: str
    ) -> Iterator[list[tuple[int, StoredEvent]]]:
        """Events after the chain's head that it does not cover yet, in notification order, in batches.

        A store that had events before the chain existed gets them all chained by its first write,
        in that write's transaction: on a large store, expect that write to take a while, once."""
        while True:
            rader = m.utfor(
                f"SELECT {id_kolonne} AS nid, originator_id, originator_version, topic, state FROM {tabell} "
                f"WHERE {id_kolonne} > ? AND {id_kolonne} < ? ORDER BY {id_kolonne} LIMIT {BACKFYLL_BATCH}",
                (etter, for_),
            ).alle()
            bolk = [
                (
                    int(r["nid"]),
                    StoredEvent(
                        som_uuid(r["originator_id"]), int(r["originator_version"]), r["topic"], bytes(r["state"])
                    ),
                )
                for r in rader
            ]
            if bolk:
                yield bolk
            if len(rader) < BACKFYLL_BATCH:
                return
            etter = bolk[-1][0]


def ddl(dialekt: str, schema: str | None) -> list[str]:
    """CREATE TABLE/INDEX IF NOT EXISTS for the chain and key tables, from their SQLAlchemy definitions."""
    d = postgresql.dialect() if dialekt == "postgresql" else sqlite.dialect()  # type: ignore[no-untyped-call]
    md = MetaData(naming_convention=metadata.naming_convention)
    ut = []
    for t in (kjede, datanokler):
        kopi = t.to_metadata(md, schema=schema) if schema else t.to_metadata(md)
        ut.append(str(CreateTable(kopi, if_not_exists=True).compile(dialect=d)).strip())
        ut += [str(CreateIndex(ix, if_not_exists=True).compile(dialect=d)).strip() for ix in kopi.indexes]
    return ut


class KjedetSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder that chains each batch in its own transaction."""

    vakt: Lagringsvakt | None = None

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *ddl("sqlite", None)]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        arbeid: Etterarbeid | None = None
        with self.datastore.transaction(commit=True) as c:
            ider = self._insert_events(c, stored_events, **kwargs)
            if self.vakt is not None and ider:
                m = self.vakt.lager.markor(c)
                arbeid = self.vakt.etter_innsetting(m, stored_events, ider, self.events_table_name, "rowid")
            _skriv_ekstra(self._lager(), c, ider, kwargs)
        if self.vakt is not None and arbeid is not None:
            self.vakt.etter_commit(arbeid)
        return ider

    def _lager(self) -> SqlStore:
        return self.vakt.lager if self.vakt is not None else SqlStore(self.datastore)


class KjedetPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder that chains each batch in its own transaction.

    ``insert_events`` follows the 9.5.6 original (pipeline, EXCLUSIVE table lock, NOTIFY), with the
    chain written after the insert and before the commit, outside the original's error capture so
    that a refusal rolls the events back too. The database-function path is not supported.
    """

    vakt: Lagringsvakt | None = None

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if datastore.enable_db_functions:
            raise ProgrammingError("the hash chain needs POSTGRES_ENABLE_DB_FUNCTIONS off")
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in ddl("postgresql", datastore.schema))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        exc: Exception | None = None
        ider: Sequence[int] | None = None
        arbeid: Etterarbeid | None = None
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs:
                    self._insert_events(curs, stored_events, **kwargs)
                if len(stored_events) > 0:
                    with conn.cursor() as curs:
                        try:
                            self._insert_stored_events(curs, stored_events, **kwargs)
                            pipeline.sync()
                            ider = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
                        except Exception as e:
                            exc = e  # as the original: re-raised after the pipeline has exited
                        if exc is None and self.vakt is not None and ider:
                            arbeid = self._kjed(curs, stored_events, ider)
                        if exc is None and kwargs.get(IN_TRANSACTION) is not None:
                            lager = self.vakt.lager if self.vakt is not None else SqlStore(self.datastore)
                            _skriv_ekstra(lager, curs, ider, kwargs, pipeline.sync)
            if exc:
                raise exc
        if self.vakt is not None and arbeid is not None:
            self.vakt.etter_commit(arbeid)
        return ider

    def _kjed(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], ider: Sequence[int]) -> Etterarbeid:
        assert self.vakt is not None
        tabell = self.vakt.lager.tabell(self.events_table_name)
        return self.vakt.etter_innsetting(self.vakt.lager.markor(curs), stored_events, ider, tabell, "notification_id")


def kjedenokkel(app: SyfoApp) -> bytes:
    """The chain's HMAC key (for ``service.compliance.verify``); ``service.bootstrap`` wired the recorder."""
    vakt = cast("KjedetSQLiteRecorder | KjedetPostgresRecorder", app.recorder).vakt
    assert vakt is not None
    return vakt.kjedenokkel
