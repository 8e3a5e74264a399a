"""Helpers shared by every test folder: clocks, timestamps, waiting on a condition, and databases.

Databases: a test gets a copy of one read-model database migrated once per session (a template),
instead of running every Alembic migration again. On SQLite the template is a file, copied; on
PostgreSQL it is a schema, cloned from its ``pg_dump`` (structure and the ``alembic_version`` row).
The event store's tables are not in the template: eventsourcing creates them at first use, as in
production. ``tests/test_mal.py`` checks that a copy equals a freshly migrated database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time as klokketid
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest

from domain.kalender import OSLO

TEST_POSTGRES_URL = os.environ.get("SYFO_TEST_POSTGRES_URL")
T = TypeVar("T")


def kl(d: date, klokke: str = "09:00") -> datetime:
    """An Oslo wall-clock instant on a calendar date."""
    return datetime.combine(d, time.fromisoformat(klokke), OSLO)


def kl_iso(d: date, klokke: str = "09:00") -> str:
    """``kl`` as the ISO text the API and the CLI read."""
    return kl(d, klokke).isoformat()


class Klokke:
    """The service's clock in a test: a fixed instant, moved by the test."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def vent_til(predikat: Callable[[], T], hva: str, grense_s: float = 60.0, intervall_s: float = 0.01) -> T:
    """Poll ``predikat`` until it returns something truthy, and return that.

    The test passes on the condition, never on elapsed time: ``grense_s`` is only a safety net so a
    broken test fails instead of hanging, and is deliberately far above any expected wait.
    """
    frist = klokketid.monotonic() + grense_s
    while True:
        svar = predikat()
        if svar:
            return svar
        if klokketid.monotonic() > frist:
            raise AssertionError(f"still waiting after {grense_s} s: {hva}")
        klokketid.sleep(intervall_s)


# --- SQLite -------------------------------------------------------------------------------------


def migrer(database_url: str, data_dir: Path) -> None:
    """Run the service's own migration step (``build_core`` does the same) on a database."""
    from service.settings import Settings
    from service.store.database import lesemodell_engine
    from service.store.migrations import oppgrader

    engine = lesemodell_engine(Settings(database_url=database_url, data_dir=data_dir))
    try:
        oppgrader(engine)
    finally:
        engine.dispose()


def sqlite_mal(mappe: Path) -> Path:
    """A read-model SQLite file at the migration head, in ``mappe`` (made once per session)."""
    sti = mappe / "mal.db"
    migrer(f"sqlite:///{sti}", mappe)
    return sti


def kopier_sqlite(mal: Path, sti: Path) -> str:
    """A copy of the template at ``sti`` (the WAL is checkpointed when the template is closed)."""
    shutil.copyfile(mal, sti)
    return f"sqlite:///{sti}"


# --- PostgreSQL ---------------------------------------------------------------------------------


def _admin_url() -> str:
    from sqlalchemy.engine import make_url

    if not TEST_POSTGRES_URL:
        pytest.skip("SYFO_TEST_POSTGRES_URL is not set")
    return make_url(TEST_POSTGRES_URL).set(drivername="postgresql", query={}).render_as_string(hide_password=False)


def _schema_url(schema: str) -> str:
    from sqlalchemy.engine import make_url

    assert TEST_POSTGRES_URL
    return make_url(TEST_POSTGRES_URL).update_query_dict({"schema": schema}).render_as_string(hide_password=False)


def _kjor(sql_tekst: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(sql_tekst.encode())


def _slett_schema(schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def pg_dump_schema(schema: str) -> str:
    """The SQL of one schema (structure and rows), as ``pg_dump`` writes it, psql meta-commands left out."""
    ut = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--inserts", "--schema", schema, _admin_url()],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "\n".join(linje for linje in ut.splitlines() if not linje.startswith("\\"))


@cache
def _postgres_mal() -> tuple[str, str] | None:
    """(template schema, its SQL), migrated once per process; None without a working ``pg_dump``."""
    if shutil.which("pg_dump") is None:
        return None
    schema = f"syfo_mal_{uuid.uuid4().hex[:12]}"
    _kjor(f'CREATE SCHEMA "{schema}"')
    try:
        migrer(_schema_url(schema), Path("."))
        return schema, pg_dump_schema(schema)
    except subprocess.CalledProcessError:  # e.g. a pg_dump older than the server: migrate each schema
        return None
    finally:
        _slett_schema(schema)


@contextmanager
def ny_postgres_schema(migrert: bool = False) -> Iterator[str]:
    """A database URL whose ``schema`` is a fresh schema, dropped with everything in it afterwards.

    ``migrert=True``: the schema is a clone of the session's migrated template (read models at head).
    """
    _admin_url()  # skips when PostgreSQL is not configured
    schema = f"syfo_test_{uuid.uuid4().hex[:12]}"
    mal = _postgres_mal() if migrert else None
    if mal is None:
        _kjor(f'CREATE SCHEMA "{schema}"')
        if migrert:
            migrer(_schema_url(schema), Path("."))
    else:
        _kjor(mal[1].replace(mal[0], schema))
    try:
        yield _schema_url(schema)
    finally:
        _slett_schema(schema)
