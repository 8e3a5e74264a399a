"""Fixtures of the page tests: the demo cases stored once per module and backend, and a fresh app per test.

``tests/web`` is a package, as ``tests/api`` is, so this conftest does not take the module name
``conftest`` from the root one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hjelp import kopier_sqlite, ny_postgres_schema

from service.devtools.screenshots import CHROMIUM

from .web_hjelp import Web, web


def chromium_er_pakrevd(miljo: dict[str, str] | None = None, chromium: str = CHROMIUM) -> str | None:
    """With ``CI=true`` a missing Chromium is a failure, not a skip: the reason, or None when all is well."""
    m = os.environ if miljo is None else miljo
    if m.get("CI", "").lower() == "true" and not Path(chromium).exists():
        return f"CI=true and {chromium} is missing: the browser tests must run in CI (apt-get install -y chromium)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the ``skipif`` of the browser modules is looked at (conftest hooks run before the built-in ones)."""
    if item.get_closest_marker("browser") is not None:
        grunn = chromium_er_pakrevd()
        if grunn is not None:
            pytest.fail(grunn, pytrace=False)


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
