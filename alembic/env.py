"""Alembic owns the read-model tables; the event store's own tables are never touched.

Without the ``include_name`` hook, autogenerate would emit ``drop_table`` for the tables that
eventsourcing creates, and ``upgrade head`` would drop the event store.
"""

from __future__ import annotations

import os
import re

from sqlalchemy import MetaData, create_engine

from alembic import context

config = context.config
target_metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
EVENTSTORE_TABELLER = re.compile(r"^(stored_events|stored_snapshots|tracking|.*_events|.*_snapshots|.*_tracking)$")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001 (Alembic hook signature)
    return not (type_ == "table" and name is not None and EVENTSTORE_TABELLER.match(name))


def url() -> str:
    return os.environ.get("SYFO_DATABASE_URL") or config.get_main_option("sqlalchemy.url") or "sqlite:///data/syfo.db"


def run_migrations_offline() -> None:
    context.configure(url=url(), target_metadata=target_metadata, literal_binds=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url())
    with engine.connect() as connection:
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
