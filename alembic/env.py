"""Alembic owns the read-model tables; the event store's own tables are never touched.

Without the ``include_name`` hook, autogenerate would emit ``drop_table`` for the tables that
eventsourcing creates, and ``upgrade head`` would drop the event store.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine

from alembic import context
from projections.tabeller import metadata

config = context.config
target_metadata = metadata
EVENTSTORE_TABELLER = re.compile(r"^(stored_events|stored_snapshots|tracking|.*_events|.*_snapshots|.*_tracking)$")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001 (Alembic hook signature)
    return not (type_ == "table" and name is not None and EVENTSTORE_TABELLER.match(name))


def engine() -> Engine:
    """The service's own read-model engine from ``SYFO_*`` settings (SQLite file or PostgreSQL schema)."""
    from service.settings import Settings
    from service.store.database import lesemodell_engine

    return lesemodell_engine(Settings())


def run_migrations_offline() -> None:
    context.configure(url=engine().url, target_metadata=target_metadata, literal_binds=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """The service passes its own connection (``service.store.migrations``); the alembic CLI builds one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _kjor(connection)
        return
    with engine().connect() as conn:
        _kjor(conn)


def _kjor(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
