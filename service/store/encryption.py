"""Encryption at rest of event payloads with one data key per person, and crypto-shredding.

``PersonMapper`` (eventsourcing's ``MAPPER_TOPIC`` hook) encrypts the ``state`` of every stored
event with AES-256-GCM. Events of a person stream (``syfo:Sykefravaer.*``) that hold personal data
use that person's data key; the events marked ``PERSONOPPLYSNINGER = False`` (the erasure, legal
holds) and every other stream (virksomhet, id references) use the service's own key, which is
never destroyed. Ids and topics stay in clear text and hold no personal data: person stream ids
are HMACs of the fødselsnummer (PRIV-3).

Stored ``state``: ``MAGI`` (4 bytes) | key id (16) | nonce (12) | ciphertext with GCM tag. The
first 20 bytes, the stream id, the version and the topic are authenticated, so a payload cannot
be moved to another event. A ``state`` without ``MAGI`` is plain JSON (written before encryption
was turned on, or with ``Settings.kryptering`` off) and is read as such.

Data keys live in ``datanokler`` (same database), wrapped with a key derived from
``Settings.master_nokkel``. Erasure (``service.compliance.erasure``) sets the wrapped key to NULL; the
person's events then read back as placeholders (``domain.sykefravaer.makulert_hendelse``), never
as an error. The keys are destroyed in the very transaction that stores the erasure event, under the
store's write lock (``service.store.hashchain``), so no event can slip in between. Unwrapped keys are cached per
process for ``NOKKEL_TTL_S``; a write that used a key destroyed meanwhile by another process is
refused in its own transaction (``NokkelSlettetFeil``, an ``IntegrityError``, so the application's
retry loop reloads the stream, now erased, and writes under a fresh key). A new key is stored in the
transaction of the first events it encrypts.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.persistence import IntegrityError, Mapper, MapperDeserialisationError, StoredEvent

from domain.sykefravaer import Sykefravaer, makulert_hendelse

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol

    from service.store.sql import SqlCursor, SqlStore

MAGI = b"\x00SK1"
HODE = len(MAGI) + 16
NONCE = 12
NOKKEL_TTL_S = 30.0  # another process's erasure is seen by this one's reads within this time
MAKS_I_BUFFER = 100_000
SYSTEMSUBJEKT = UUID(int=0)  # the service's own key: events without personal data
PERSONTOPIC = Sykefravaer.TOPIC + "."


class NokkelSlettetFeil(IntegrityError):
    """An event was encrypted with a data key that another process destroyed meanwhile (erasure)."""


def _utled(hemmelighet: bytes, formal: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"syfo-tidslinje", info=formal).derive(hemmelighet)


class Hovednokkel:
    """The master secret from settings: wraps the data keys and keys the hash chain (two derived keys)."""

    def __init__(self, hemmelighet: bytes) -> None:
        if len(hemmelighet) < 16:
            raise ValueError("the master key must be at least 16 bytes (set SYFO_MASTER_NOKKEL)")
        self._innpakking = AESGCM(_utled(hemmelighet, b"datanokkel-innpakking"))
        self.kjedenokkel = _utled(hemmelighet, b"hashkjede")

    def pakk_inn(self, nokkel_id: UUID, subjekt: UUID, nokkel: bytes) -> str:
        nonce = os.urandom(NONCE)
        return base64.b64encode(
            nonce + self._innpakking.encrypt(nonce, nokkel, nokkel_id.bytes + subjekt.bytes)
        ).decode()

    def pakk_ut(self, nokkel_id: UUID, subjekt: UUID, innpakket: str) -> bytes:
        data = base64.b64decode(innpakket)
        return self._innpakking.decrypt(data[:NONCE], data[NONCE:], nokkel_id.bytes + subjekt.bytes)


def tidspunkt(lager: SqlStore, t: datetime) -> Any:
    """An instant as a parameter: SQLAlchemy's SQLite format (naive UTC text), a datetime on PostgreSQL."""
    return t if lager.postgres else t.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


class Nokkellager:
    """The data keys of one database, with a small per-process cache."""

    def __init__(
        self,
        lager: SqlStore,
        hoved: Hovednokkel,
        ttl: float = NOKKEL_TTL_S,
        klokke: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lager = lager
        self.hoved = hoved
        self.ttl = ttl
        self.klokke = klokke
        self.tabell = lager.tabell("datanokler")
        self._laas = threading.Lock()
        self._aktive: OrderedDict[UUID, tuple[float, UUID, AESGCM]] = OrderedDict()  # subjekt -> key
        self._nokler: OrderedDict[UUID, tuple[float, UUID | None, AESGCM | None]] = OrderedDict()  # id -> key
        self._nye: dict[UUID, tuple[UUID, str, Any]] = {}  # made here, not stored yet: id -> (subjekt, wrapped, at)

    def aktiv(self, subjekt: UUID) -> tuple[UUID, AESGCM]:
        """The key to encrypt the subject's next events with; made on first use."""
        with self._laas:
            treff = self._aktive.get(subjekt)
            if treff is not None and treff[0] > self.klokke():
                return treff[1], treff[2]
        with self.lager.transaksjon(commit=False) as m:
            rad = m.utfor(
                f"SELECT nokkel_id, innpakket FROM {self.tabell} WHERE subjekt = ? AND innpakket IS NOT NULL "
                "ORDER BY opprettet DESC LIMIT 1",
                (str(subjekt),),
            ).en()
        if rad is not None:
            nokkel_id = UUID(rad["nokkel_id"])
            aes = AESGCM(self.hoved.pakk_ut(nokkel_id, subjekt, rad["innpakket"]))
        else:
            # A new key is stored in the transaction of the first events it encrypts (``lagre_nye``): no
            # commit of its own, and no key row without events.
            nokkel_id, ra = uuid4(), AESGCM.generate_key(bit_length=256)
            aes = AESGCM(ra)
            innpakket = self.hoved.pakk_inn(nokkel_id, subjekt, ra)
            with self._laas:
                self._nye[nokkel_id] = (subjekt, innpakket, self._naa())
        self._husk(subjekt, nokkel_id, aes)
        return nokkel_id, aes

    def lagre_nye(self, m: SqlCursor, nokkel_ider: Iterable[UUID]) -> set[UUID]:
        """Store the keys among these that are new, in the caller's (the events') transaction."""
        with self._laas:
            nye = {n: self._nye[n] for n in set(nokkel_ider) if n in self._nye}
        if nye:
            m.utfor_mange(
                f"INSERT INTO {self.tabell} (nokkel_id, subjekt, innpakket, opprettet) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (nokkel_id) DO NOTHING",
                [(str(n), str(s), innpakket, t) for n, (s, innpakket, t) in sorted(nye.items())],
            )
        return set(nye)

    def bekreft(self, nokkel_ider: Iterable[UUID]) -> None:
        """The transaction that stored these keys committed."""
        with self._laas:
            for n in nokkel_ider:
                self._nye.pop(n, None)

    def hent(self, nokkel_id: UUID) -> AESGCM | None:
        """The key to decrypt with; None once it is destroyed (or was never stored)."""
        with self._laas:
            treff = self._nokler.get(nokkel_id)
            if treff is not None and treff[0] > self.klokke():
                return treff[2]
        with self.lager.transaksjon(commit=False) as m:
            rad = m.utfor(f"SELECT subjekt, innpakket FROM {self.tabell} WHERE nokkel_id = ?", (str(nokkel_id),)).en()
        subjekt = UUID(rad["subjekt"]) if rad is not None else None
        aes = None
        if rad is not None and subjekt is not None and rad["innpakket"] is not None:
            aes = AESGCM(self.hoved.pakk_ut(nokkel_id, subjekt, rad["innpakket"]))
        with self._laas:
            self._nokler[nokkel_id] = (self.klokke() + self.ttl, subjekt, aes)
            self._trim(self._nokler)
        return aes

    def antall_levende(self, subjekt: UUID) -> int:
        with self.lager.transaksjon(commit=False) as m:
            sql = f"SELECT nokkel_id FROM {self.tabell} WHERE subjekt = ? AND innpakket IS NOT NULL"
            return len(m.utfor(sql, (str(subjekt),)).alle())

    def makuler(self, subjekt: UUID, naa: datetime) -> int:
        """Destroy every key of the subject in a transaction of its own; returns how many were alive.

        An erasure destroys the keys in the transaction that records it (``makuler_i``); this is the
        safety net for a stream whose erasure is already recorded."""
        with self.lager.transaksjon(commit=True) as m:
            antall = self.makuler_i(m, subjekt, naa)
        self.glem_subjekt(subjekt)
        return antall

    def makuler_i(self, m: SqlCursor, subjekt: UUID, naa: datetime) -> int:
        """Destroy every key of the subject in the caller's transaction (crypto-shredding); forget them
        here with ``glem_subjekt`` once it has committed."""
        if subjekt == SYSTEMSUBJEKT:
            raise ValueError("the service's own key is never destroyed")
        sql = f"SELECT nokkel_id FROM {self.tabell} WHERE subjekt = ? AND innpakket IS NOT NULL"
        antall = len(m.utfor(sql, (str(subjekt),)).alle())
        m.utfor(
            f"UPDATE {self.tabell} SET innpakket = NULL, makulert = ? WHERE subjekt = ? AND innpakket IS NOT NULL",
            (tidspunkt(self.lager, naa), str(subjekt)),
        )
        return antall

    def er_system(self, nokkel_id: UUID) -> bool:
        with self._laas:
            treff = self._nokler.get(nokkel_id)
        return treff is not None and treff[1] == SYSTEMSUBJEKT

    def glem(self, nokkel_ider: Iterable[UUID]) -> None:
        """Forget cached keys (another process destroyed them)."""
        with self._laas:
            for n in nokkel_ider:
                treff = self._nokler.pop(n, None)
                if treff is not None and treff[1] is not None:
                    self._aktive.pop(treff[1], None)

    def glem_subjekt(self, subjekt: UUID) -> None:
        with self._laas:
            self._aktive.pop(subjekt, None)
            for n in [n for n, (_, s, _) in self._nokler.items() if s == subjekt]:
                del self._nokler[n]

    def _husk(self, subjekt: UUID, nokkel_id: UUID, aes: AESGCM) -> None:
        frist = self.klokke() + self.ttl
        with self._laas:
            self._aktive[subjekt] = (frist, nokkel_id, aes)
            self._nokler[nokkel_id] = (frist, subjekt, aes)
            self._trim(self._aktive)
            self._trim(self._nokler)

    @staticmethod
    def _trim(buffer: OrderedDict[Any, Any]) -> None:
        while len(buffer) > MAKS_I_BUFFER:
            buffer.popitem(last=False)

    def _naa(self) -> Any:
        return tidspunkt(self.lager, datetime.now(UTC))


def personlig(topic: str, hendelse: object) -> bool:
    """Does this event hold personal data of the person whose stream it is in?"""
    return topic.startswith(PERSONTOPIC) and bool(getattr(type(hendelse), "PERSONOPPLYSNINGER", True))


def nokkel_id(state: bytes) -> UUID | None:
    """The data key an encrypted stored payload names; None for a plain one."""
    return UUID(bytes=state[len(MAGI) : HODE]) if state[: len(MAGI)] == MAGI else None


def _aad(lagret: StoredEvent) -> bytes:
    oid = lagret.originator_id
    ident = oid.bytes if isinstance(oid, UUID) else str(oid).encode()
    return ident + int(lagret.originator_version).to_bytes(8, "big") + lagret.topic.encode()


class PersonMapper(Mapper[UUID]):
    """eventsourcing's ``Mapper`` with per-person AES-GCM (``MAPPER_TOPIC``). ``service.store.hashchain.koble``
    gives it its key store after the application is built."""

    nokler: Nokkellager | None = None
    krypter: bool = True

    def _lager(self) -> Nokkellager:
        if self.nokler is None:
            raise RuntimeError("PersonMapper has no key store: build the application with service.bootstrap.build_app")
        return self.nokler

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        lagret = super().to_stored_event(domain_event)
        if not self.krypter:
            return lagret
        subjekt = domain_event.originator_id if personlig(lagret.topic, domain_event) else SYSTEMSUBJEKT
        nid, aes = self._lager().aktiv(subjekt)
        hode = MAGI + nid.bytes
        nonce = os.urandom(NONCE)
        kryptert = aes.encrypt(nonce, lagret.state, hode + _aad(lagret))
        return StoredEvent(
            originator_id=lagret.originator_id,
            originator_version=lagret.originator_version,
            topic=lagret.topic,
            state=hode + nonce + kryptert,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        state = stored_event.state
        nid = nokkel_id(state)
        if nid is None:
            return super().to_domain_event(stored_event)
        aes = self._lager().hent(nid)
        if aes is None:
            plassholder = makulert_hendelse(
                stored_event.topic, UUID(str(stored_event.originator_id)), int(stored_event.originator_version)
            )
            if plassholder is None:
                raise MapperDeserialisationError(f"data key {nid} of a {stored_event.topic} event is missing")
            return plassholder  # type: ignore[no-any-return]
        try:
            klar = aes.decrypt(state[HODE : HODE + NONCE], state[HODE + NONCE :], state[:HODE] + _aad(stored_event))
        except InvalidTag as e:
            raise MapperDeserialisationError(
                f"stored payload of {stored_event.originator_id} v{stored_event.originator_version} fails "
                "authentication: altered in the database (run `syfo verify`)"
            ) from e
        return super().to_domain_event(
            StoredEvent(
                originator_id=stored_event.originator_id,
                originator_version=stored_event.originator_version,
                topic=stored_event.topic,
                state=klar,
            )
        )
