"""Plain SQL on the event store's own connections, for the chain and key tables (``service.store.hashchain``,
``service.store.encryption``).

The chain must be written in the same transaction as the events, so it goes through the cursor
eventsourcing hands its recorder; the key table shares the same connection pool. SQL is written
with ``?`` parameters and adapted here for psycopg; on PostgreSQL table names are qualified with the
store's schema, because eventsourcing's connections do not set a search path.

On SQLite every connection runs with ``secure_delete`` on (``enable_secure_delete``, and
``service.store.database.sqlite_engine`` for the read models), so deleted rows and the old versions of
updated ones (a destroyed data key) are overwritten with zeros instead of left in free pages (RET-3).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import structlog
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteConnection, SQLiteDatastore
from sqlalchemy import Engine

SECURE_DELETE = "PRAGMA secure_delete=ON"


class SqlCursor:
    """A DB-API cursor of the event store that takes ``?`` parameters on both dialects."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self.cursor = cursor
        self.postgres = postgres

    def utfor(self, sql: str, params: Sequence[Any] = ()) -> SqlCursor:
        self.cursor.execute(self._sql(sql), tuple(params))
        return self

    def utfor_mange(self, sql: str, rader: Sequence[Sequence[Any]]) -> None:
        if rader:
            self.cursor.executemany(self._sql(sql), [tuple(r) for r in rader])

    def en(self) -> Mapping[str, Any] | None:
        rad = self.cursor.fetchone()
        return None if rad is None else _som_dict(rad)

    def alle(self) -> list[Mapping[str, Any]]:
        return [_som_dict(r) for r in self.cursor.fetchall()]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql


def _som_dict(rad: Any) -> Mapping[str, Any]:
    return rad if isinstance(rad, Mapping) else {k: rad[k] for k in rad.keys()}  # noqa: SIM118 (sqlite3.Row)


class SqlStore:
    """The event store's datastore (SQLite or PostgreSQL) seen as plain SQL."""

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore) -> None:
        self.datastore = datastore
        self.postgres = isinstance(datastore, PostgresDatastore)
        self.schema = datastore.schema if isinstance(datastore, PostgresDatastore) else None

    def tabell(self, navn: str) -> str:
        """A table name as the SQL must say it: schema-qualified and quoted on PostgreSQL."""
        if self.schema is None:
            return navn
        return f'"{self.schema.replace(chr(34), chr(34) * 2)}"."{navn}"'

    def markor(self, cursor: Any) -> SqlCursor:
        return SqlCursor(cursor, self.postgres)

    @contextmanager
    def transaksjon(self, *, commit: bool) -> Iterator[SqlCursor]:
        with self.datastore.transaction(commit=commit) as c:
            yield SqlCursor(c, self.postgres)


def enable_secure_delete(datastore: SQLiteDatastore) -> None:
    """Turn ``secure_delete`` on for every connection of eventsourcing's SQLite pool, now and later.

    eventsourcing 9.5.6 opens its connections in ``SQLiteConnectionPool._create_connection`` and has no
    hook for per-connection pragmas, so that method is wrapped on this pool; the connections it has
    opened already (to create the tables) are idle in the pool and get the pragma here."""
    pool = datastore.pool
    lag = pool._create_connection

    def lag_sikker() -> SQLiteConnection:
        conn = lag()
        conn._sqlite_conn.execute(SECURE_DELETE)
        return conn

    pool._create_connection = lag_sikker  # type: ignore[method-assign]
    for conn in list(pool._pool):
        conn._sqlite_conn.execute(SECURE_DELETE)


def rydd_etter_sletting(engine: Engine, tabeller: Iterable[str]) -> None:
    """After an erasure, leave no old copy of the erased rows in the database's files (RET-3).

    SQLite (``secure_delete`` has zeroed the rows in the new page versions): checkpoint the write-ahead
    log into the database and truncate it to zero bytes, so the old page versions in it are gone too.
    The checkpoint waits (busy timeout) for readers of another connection; if one still holds an old
    snapshot it is logged, and the next erasure's or the last connection's checkpoint finishes the job.
    PostgreSQL: VACUUM the tables the erasure deleted from or updated, so the dead row versions are
    removed; the server's own WAL segments and backups age out under the operator's retention (README).
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "sqlite":
            opptatt, logg, flyttet = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if opptatt:
                structlog.get_logger(__name__).warning("wal_checkpoint_busy", wal_pages=logg, checkpointed=flyttet)
            return
        sitat = conn.dialect.identifier_preparer.quote
        conn.exec_driver_sql("VACUUM " + ", ".join(sitat(t) for t in sorted(set(tabeller))))
