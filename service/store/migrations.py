"""Alembic migrations of the read models, run by the service itself at start-up (and by ``syfo migrate``).

On PostgreSQL several processes may start at once, so the upgrade runs under a transaction-level
advisory lock: the second process waits, then finds the schema at head and does nothing.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine, text

from alembic import command

MIGRERINGSLAAS = 0x5F0_0001


def migrations_folder() -> Path:
    """Where the migrations are: the repository's ``alembic/``, installed as the package ``syfo_migrations``.

    pyproject.toml maps that package to the folder, so an editable and a wheel install both find it.
    """
    spec = find_spec("syfo_migrations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package syfo_migrations (the Alembic migrations) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_folder()))
    return cfg


def oppgrader(engine: Engine) -> None:
    """Bring the read-model tables to the newest revision; never touches the event store's tables."""
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRERINGSLAAS})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
