"""Root fixtures: every test runs without the shell's SYFO_* settings, on a copy of one migrated database.

Shared helpers live in ``hjelp.py`` (``tests/`` is on the import path through pytest's ``pythonpath``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hjelp import kopier_sqlite, ny_postgres_schema, sqlite_mal

pytest_plugins = ["pytester"]  # tests/test_miljo.py runs a test session inside a test

BEHOLDT_MILJO = frozenset({"SYFO_TEST_POSTGRES_URL"})


@pytest.fixture(autouse=True)
def _uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their own settings: no SYFO_* variable of the shell leaks in (but the test database)."""
    for navn in list(os.environ):
        if navn.startswith("SYFO_") and navn not in BEHOLDT_MILJO:
            monkeypatch.delenv(navn)


@pytest.fixture(scope="session")
def sqlite_malfil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The read-model SQLite database at the migration head, made once per session and copied per test."""
    return sqlite_mal(tmp_path_factory.mktemp("mal"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_malfil: Path) -> Iterator[str]:
    """Each storage test runs on an SQLite file and again on PostgreSQL (its own schema), both migrated."""
    if request.param == "sqlite":
        yield kopier_sqlite(sqlite_malfil, tmp_path / "syfo.db")
        return
    with ny_postgres_schema(migrert=True) as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (skips without SYFO_TEST_POSTGRES_URL), dropped afterwards."""
    with ny_postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tom_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no migration run yet), for the tests of the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'syfo.db'}"
        return
    with ny_postgres_schema() as url:
        yield url
