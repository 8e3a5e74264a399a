"""Fixtures of the API tests: the story told once per module and backend, and a fresh app per test.

``tests/api`` is a package (``__init__.py``) so that this conftest is imported as ``api.conftest``
and does not take the module name ``conftest`` from the root one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hjelp import kopier_sqlite

from .api_hjelp import Miljo, fortelling, miljo, postgres_schema


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def historie(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_malfil: Path
) -> Iterator[Miljo]:
    """The story (``api_hjelp.fortelling``) stored through the API, once per module on each backend.

    Tests that use it only read (and reads only add audit records), so they may share it.
    """
    mappe = tmp_path_factory.mktemp("historie")
    if request.param == "sqlite":
        with miljo(kopier_sqlite(sqlite_malfil, mappe / "syfo.db"), mappe) as m:
            fortelling(m)
            yield m
        return
    with postgres_schema() as url, miljo(url, mappe) as m:
        fortelling(m)
        yield m


@pytest.fixture
def ny(database_url: str, tmp_path: Path) -> Iterator[Miljo]:
    """A fresh, empty app on its own database (SQLite file or PostgreSQL schema)."""
    with miljo(database_url, tmp_path) as m:
        yield m
