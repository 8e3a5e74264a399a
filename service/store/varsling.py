"""A user's own notification channels (issue 14), encrypted with a data key of that user (PRIV-4).

Leaders and veiledere have no fødselsnummer here, so each user (by token ``sub``) gets a data key of
their own in ``datanokler``, wrapped with the master key like a person's (``service.store.encryption``);
its subject is a UUID derived from the user id. The settings row holds AES-GCM ciphertext of the JSON
settings and, for the calendar feed, only the SHA-256 of the feed token. Erasure (``slett``) destroys the
key and purges the rows (RET-3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, delete, insert, select, update

from projections.tabeller import datanokler, varslingsinnstillinger
from service.store.encryption import NONCE, Hovednokkel


def subjekt(bruker_id: str) -> UUID:
    """The subject of a user's data key: derived from the user id, never a person stream id."""
    return uuid5(NAMESPACE_URL, "syfo-bruker:" + bruker_id)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Innstillinger:
    epost: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None

    def tom(self) -> bool:
        return not self.epost and not self.webhook_url


class Innstillingslager:
    """Reads and writes the settings rows; every value is encrypted with the user's own key."""

    def __init__(self, engine: Engine, hoved: Hovednokkel) -> None:
        self.engine = engine
        self.hoved = hoved

    @classmethod
    def av(cls, engine: Engine, master_nokkel: str) -> Innstillingslager:
        return cls(engine, Hovednokkel(master_nokkel.encode()))

    def _nokkel(self, conn: Any, bruker_id: str, lag: bool) -> tuple[UUID, AESGCM] | None:
        s = subjekt(bruker_id)
        d = datanokler.c
        rad = conn.execute(
            select(d.nokkel_id, d.innpakket).where(d.subjekt == str(s), d.innpakket.is_not(None)).limit(1)
        ).first()
        if rad is not None:
            nid = UUID(rad.nokkel_id)
            return nid, AESGCM(self.hoved.pakk_ut(nid, s, rad.innpakket))
        if not lag:
            return None
        nid, ra = uuid4(), AESGCM.generate_key(bit_length=256)
        conn.execute(
            insert(datanokler).values(
                nokkel_id=str(nid), subjekt=str(s), innpakket=self.hoved.pakk_inn(nid, s, ra), opprettet=_naa()
            )
        )
        return nid, AESGCM(ra)

    def hent(self, bruker_id: str) -> tuple[Innstillinger, bool]:
        """The user's settings and whether a feed token is set; empty settings if none are stored."""
        with self.engine.connect() as conn:
            rad = conn.execute(select(varslingsinnstillinger).where(varslingsinnstillinger.c.bruker_id == bruker_id))
            r = rad.first()
            if r is None:
                return Innstillinger(), False
            nokkel = self._nokkel(conn, bruker_id, lag=False)
            if nokkel is None:
                return Innstillinger(), False
            data = base64.b64decode(r.innhold)
            klar = nokkel[1].decrypt(data[:NONCE], data[NONCE:], bruker_id.encode())
            return Innstillinger(**json.loads(klar)), r.kalender_hash is not None

    def lagre(self, bruker_id: str, inn: Innstillinger, *, rolle: str, kalender_token: str | None = None) -> None:
        """Store the settings (and, if given, a new feed token's hash, which replaces the old one)."""
        with self.engine.begin() as conn:
            nokkel = self._nokkel(conn, bruker_id, lag=True)
            assert nokkel is not None
            nonce = os.urandom(NONCE)
            klar = json.dumps(inn.__dict__, separators=(",", ":")).encode()
            innhold = base64.b64encode(nonce + nokkel[1].encrypt(nonce, klar, bruker_id.encode())).decode()
            v = varslingsinnstillinger
            verdier: dict[str, Any] = {
                "nokkel_id": str(nokkel[0]),
                "innhold": innhold,
                "endret": _naa(),
                "rolle": rolle,
            }
            if kalender_token is not None:
                verdier["kalender_hash"] = token_hash(kalender_token)
            if conn.execute(update(v).where(v.c.bruker_id == bruker_id).values(**verdier)).rowcount == 0:
                conn.execute(insert(v).values(bruker_id=bruker_id, **verdier))

    def eier_av_token(self, token: str) -> str | None:
        v = varslingsinnstillinger
        with self.engine.connect() as conn:
            return conn.execute(select(v.c.bruker_id).where(v.c.kalender_hash == token_hash(token))).scalar()

    def rolle(self, bruker_id: str) -> str | None:
        v = varslingsinnstillinger
        with self.engine.connect() as conn:
            return conn.execute(select(v.c.rolle).where(v.c.bruker_id == bruker_id)).scalar()

    def slett(self, bruker_id: str) -> tuple[int, int]:
        """Destroy the user's key and purge their rows (RET-3); returns (rows, keys)."""
        s = str(subjekt(bruker_id))
        with self.engine.begin() as conn:
            rader = conn.execute(
                delete(varslingsinnstillinger).where(varslingsinnstillinger.c.bruker_id == bruker_id)
            ).rowcount
            nokler = conn.execute(delete(datanokler).where(datanokler.c.subjekt == s)).rowcount
        return rader, nokler


def _naa() -> datetime:
    return datetime.now(UTC)
