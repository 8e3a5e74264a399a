from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

TEST_POSTGRES_URL = os.environ.get("SYFO_TEST_POSTGRES_URL")


@contextmanager
def ny_postgres_schema() -> Iterator[str]:
    """A database URL whose ``schema`` is a fresh schema, dropped with everything in it afterwards."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    if not TEST_POSTGRES_URL:
        pytest.skip("SYFO_TEST_POSTGRES_URL is not set")
    url = make_url(TEST_POSTGRES_URL)
    admin = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    schema = f"syfo_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield url.update_query_dict({"schema": schema}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on an SQLite file and again on PostgreSQL (its own schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'syfo.db'}"
        return
    with ny_postgres_schema() as url:
        yield url
