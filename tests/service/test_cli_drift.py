"""``syfo migrate``, ``syfo seed`` and ``syfo rebuild`` as an operator runs them (subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lesemodell_hjelp import tabeller

from service.settings import Settings
from service.wiring import lesemodell_engine

SYFO = Path(sys.executable).parent / "syfo"


def syfo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYFO_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "120"}
    env.pop("SYFO_DATABASE_URL", None)
    return subprocess.run([str(SYFO), *args], env=env, capture_output=True, text=True, check=False, cwd=tmp_path)


def test_seed_fills_the_read_models_and_rebuild_gives_them_back(tmp_path: Path) -> None:
    assert syfo(tmp_path, "migrate").returncode == 0
    seeded = syfo(tmp_path, "seed", "--cases", "8")
    assert seeded.returncode == 0, seeded.stderr
    engine = lesemodell_engine(Settings(data_dir=tmp_path / "data"))
    live = tabeller(engine)
    assert len({r[1] for r in live["saker"]}) == 8  # eight people with cases

    bygget = syfo(tmp_path, "rebuild")
    alene = syfo(tmp_path, "rebuild", "--projection", "paminnelser")

    assert bygget.returncode == 0, bygget.stderr
    assert "rebuilt saker, tidslinje, paminnelser from" in bygget.stdout
    assert "events/s" in bygget.stderr  # the progress bar
    assert alene.returncode == 0
    assert tabeller(engine) == live
    engine.dispose()


def test_rebuild_refuses_an_unknown_projection_and_changes_nothing(tmp_path: Path) -> None:
    res = syfo(tmp_path, "rebuild", "--projection", "diagnoser")

    assert res.returncode == 2
    assert "unknown diagnoser" in res.stderr


def test_rebuild_over_a_poisoned_stream_finishes_lists_it_and_exits_1_until_it_is_erased(tmp_path: Path) -> None:
    """Issue 11, item 3: a stored sick note for December 9999 (written before validation refused it)."""
    from datetime import date

    from karantene_hjelp import FRISK_A, GIFTIG, gift, kl, sak, send

    from service.kjerne import bygg_kjerne

    kjerne = bygg_kjerne(Settings(data_dir=tmp_path / "data"))
    send(kjerne.app, sak(FRISK_A, date(2025, 1, 6), date(2025, 3, 30), "A"))
    giftig = gift(kjerne.app, GIFTIG, kl(date(2025, 1, 6), "10:00"))
    kjerne.close()

    bygget = syfo(tmp_path, "rebuild")
    engine = lesemodell_engine(Settings(data_dir=tmp_path / "data"))
    rader = tabeller(engine)
    slettet = syfo(tmp_path, "erase", "--fnr", GIFTIG)
    igjen = syfo(tmp_path, "rebuild")
    engine.dispose()

    assert bygget.returncode == 1, bygget.stderr
    assert "rebuilt saker, tidslinje, paminnelser from" in bygget.stdout
    assert f"stream {giftig} (saker): OverflowError" in bygget.stdout
    assert GIFTIG not in bygget.stdout + bygget.stderr
    assert len({r[1] for r in rader["saker"]}) == 1  # the healthy person's case is there
    assert slettet.returncode == 0, slettet.stderr
    assert "erased: stream" in slettet.stdout
    assert igjen.returncode == 0, igjen.stdout
    assert "quarantined" not in igjen.stdout
