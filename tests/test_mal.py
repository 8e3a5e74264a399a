"""The per-test database copy (``hjelp.py``) is exactly what the migrations make on an empty database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hjelp import kopier_sqlite, migrer, ny_postgres_schema, pg_dump_schema


def _sqlite_innhold(sti: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str]]]:
    with sqlite3.connect(sti) as conn:
        skjema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        versjon = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return skjema, versjon


def test_a_copy_of_the_sqlite_template_equals_a_freshly_migrated_file(sqlite_malfil: Path, tmp_path: Path) -> None:
    kopi = tmp_path / "kopi.db"
    kopier_sqlite(sqlite_malfil, kopi)
    fersk = tmp_path / "fersk.db"
    migrer(f"sqlite:///{fersk}", tmp_path)

    skjema, versjon = _sqlite_innhold(kopi)
    assert versjon
    assert skjema
    assert (skjema, versjon) == _sqlite_innhold(fersk)


@pytest.mark.postgres
def test_a_clone_of_the_postgres_template_equals_a_freshly_migrated_schema(tmp_path: Path) -> None:
    with ny_postgres_schema(migrert=True) as klon_url, ny_postgres_schema() as fersk_url:
        klon = klon_url.rsplit("schema=", 1)[1]
        fersk = fersk_url.rsplit("schema=", 1)[1]
        migrer(fersk_url, tmp_path)
        dump_klon = pg_dump_schema(klon)
        dump_fersk = pg_dump_schema(fersk)

    assert "alembic_version" in dump_klon
    assert "INSERT INTO" in dump_klon
    assert dump_klon.replace(klon, "S") == dump_fersk.replace(fersk, "S")
