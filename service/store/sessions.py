"""Server-side web sessions in the database (``web_sessions``), so every API process sees the same ones.

The pages' cookie holds a random session id of 256 bits; the table holds its SHA-256 only. A session
is opened with a valid bearer token (``service.web.okt``) and lasts until logout, until it expires
(never after the token's own ``exp``), or, for an arbeidstaker, until the person is erased (RET-3):
each of these deletes the row, so the old cookie value stops working at once, in every process.
Expired rows are deleted when met and at each login.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from projections.tabeller import web_sessions

SESSION_ID_BYTES = 32


@dataclass(frozen=True)
class Session:
    sub: str
    role: str
    person_id: str | None
    expires_at: datetime
    enheter: tuple[str, ...] = ()  # NAV: the token's offices (ACC-8)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def _utc(t: datetime) -> datetime:
    """An instant as stored: UTC (SQLite hands it back without an offset)."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def create_session(
    engine: Engine,
    sub: str,
    role: str,
    person_id: str | None,
    expires_at: datetime,
    now: datetime,
    enheter: tuple[str, ...] = (),
) -> str:
    """Open a session; returns its id (the cookie value). Expired sessions are deleted on the way."""
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    with engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= _utc(now)))
        conn.execute(
            insert(web_sessions).values(
                session_hash=_hash(session_id),
                sub=sub,
                role=role,
                person_id=person_id,
                created_at=_utc(now),
                expires_at=_utc(expires_at),
                enheter=",".join(enheter) or None,
            )
        )
    return session_id


def find_session(engine: Engine, session_id: str, now: datetime) -> Session | None:
    """The live session of this id; None if there is none, and an expired one is deleted."""
    if not session_id or len(session_id) > 100:
        return None
    key = _hash(session_id)
    with engine.connect() as conn:
        row = conn.execute(select(web_sessions).where(web_sessions.c.session_hash == key)).first()
    if row is None:
        return None
    expires_at = _utc(row.expires_at)
    if expires_at <= _utc(now):
        end_session(engine, session_id)
        return None
    enheter = tuple(row.enheter.split(",")) if row.enheter else ()
    return Session(row.sub, row.role, row.person_id, expires_at, enheter)


def end_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.session_hash == _hash(session_id)))


def end_sessions_of_person(engine: Engine, person_id: str) -> int:
    """End every session of an arbeidstaker (an erasure, RET-3); returns how many there were."""
    with engine.begin() as conn:
        return int(conn.execute(delete(web_sessions).where(web_sessions.c.person_id == person_id)).rowcount)
