"""Fixtures of the page tests: the demo cases stored once per module and backend, and a fresh app per test.

``tests/web`` is a package, as ``tests/api`` is, so this conftest does not take the module name
``conftest`` from the root one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hjelp import kopier_sqlite, ny_postgres_schema

from .web_hjelp import Web, web


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_malfil: Path
) -> Iterator[Web]:
    """The demo cases (``service.devtools.demodata``), for tests that only read (reads add audit records only)."""
    mappe = tmp_path_factory.mktemp("web")
    if request.param == "sqlite":
        with web(kopier_sqlite(sqlite_malfil, mappe / "syfo.db"), mappe, demo_login=True) as w:
            yield w
        return
    with ny_postgres_schema(migrert=True) as url, web(url, mappe, demo_login=True) as w:
        yield w


@pytest.fixture
def ny(database_url: str, tmp_path: Path) -> Iterator[Web]:
    """Fresh demo cases on their own database, for tests that write."""
    with web(database_url, tmp_path) as w:
        yield w
