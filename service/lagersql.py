"""Plain SQL on the event store's own connections, for the chain and key tables (``service.kjede``,
``service.kryptering``).

The chain must be written in the same transaction as the events, so it goes through the cursor
eventsourcing hands its recorder; the key table shares the same connection pool. SQL is written
with ``?`` parameters and adapted here for psycopg; on PostgreSQL table names are qualified with the
store's schema, because eventsourcing's connections do not set a search path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore


class Markor:
    """A DB-API cursor of the event store that takes ``?`` parameters on both dialects."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self.cursor = cursor
        self.postgres = postgres

    def utfor(self, sql: str, params: Sequence[Any] = ()) -> Markor:
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


class Lager:
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

    def markor(self, cursor: Any) -> Markor:
        return Markor(cursor, self.postgres)

    @contextmanager
    def transaksjon(self, *, commit: bool) -> Iterator[Markor]:
        with self.datastore.transaction(commit=commit) as c:
            yield Markor(c, self.postgres)
