"""Alembic owns the read-model tables and never touches the event store's tables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from projections.tabeller import metadata
from service.bootstrap import build_app, build_core
from service.settings import Settings
from service.store.database import lesemodell_engine
from service.store.migrations import oppgrader

ROT = Path(__file__).resolve().parents[2]


def test_the_migrations_create_exactly_the_tables_the_code_uses(tom_database_url: str, tmp_path: Path) -> None:
    engine = lesemodell_engine(Settings(database_url=tom_database_url, data_dir=tmp_path))
    oppgrader(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_migrating_after_events_exist_keeps_every_event(tom_database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=tom_database_url, data_dir=tmp_path)
    app = build_app(settings)
    app.behandle(app.les({"at": "2025-01-06T07:00:00+01:00", "type": "virksomhet", "orgnr": "O1", "hr_id": "h"}))
    for_ = app.siste_posisjon()
    app.close()

    kjerne = build_core(settings)  # upgrades to head
    oppgrader(kjerne.engine)  # and again: a no-op
    try:
        assert kjerne.app.siste_posisjon() == for_
        assert {"syfo_events", "stored_events"} & set(inspect(kjerne.engine).get_table_names())
    finally:
        kjerne.close()


def test_alembic_check_sees_no_change_and_no_drop_of_the_event_store(tom_database_url: str, tmp_path: Path) -> None:
    """Without env.py's filter, autogenerate would propose dropping the event store's tables."""
    settings = Settings(database_url=tom_database_url, data_dir=tmp_path)
    build_core(settings).close()
    env = {**os.environ, "SYFO_DATABASE_URL": tom_database_url}
    alembic = Path(sys.executable).parent / "alembic"

    res = subprocess.run([str(alembic), "check"], cwd=ROT, env=env, capture_output=True, text=True, check=False)

    assert res.returncode == 0, res.stderr
    assert "No new upgrade operations detected" in res.stdout + res.stderr
