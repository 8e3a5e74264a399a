"""Alembic migrations of the read models, run by the service itself at start-up (and by ``syfo migrate``).

On PostgreSQL several processes may start at once, so the upgrade runs under a transaction-level
advisory lock: the second process waits, then finds the schema at head and does nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine, text

from alembic import command

ALEMBIC_MAPPE = Path(__file__).resolve().parent.parent / "alembic"
MIGRERINGSLAAS = 0x5F0_0001


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_MAPPE))
    return cfg


def oppgrader(engine: Engine) -> None:
    """Bring the read-model tables to the newest revision; never touches the event store's tables."""
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRERINGSLAAS})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
