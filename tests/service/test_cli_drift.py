"""``syfo migrate``, ``syfo seed`` and ``syfo rebuild`` as an operator runs them (subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hjelp import vent_til
from lesemodell_hjelp import tabeller

from service.settings import Settings
from service.store.database import lesemodell_engine

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

    bygget = syfo(tmp_path, "rebuild", "--jobs", "2")  # issue 15: persons computed in two worker processes
    alene = syfo(tmp_path, "rebuild", "--projection", "paminnelser", "--jobs", "1")

    assert bygget.returncode == 0, bygget.stderr
    assert "rebuilt saker, tidslinje, paminnelser, virksomheter from" in bygget.stdout
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

    from service.bootstrap import build_core

    kjerne = build_core(Settings(data_dir=tmp_path / "data"))
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
    assert "rebuilt saker, tidslinje, paminnelser, virksomheter from" in bygget.stdout
    assert f"stream {giftig} (saker): OverflowError" in bygget.stdout
    assert GIFTIG not in bygget.stdout + bygget.stderr
    assert len({r[1] for r in rader["saker"]}) == 1  # the healthy person's case is there
    assert slettet.returncode == 0, slettet.stderr
    assert "erased: stream" in slettet.stdout
    assert igjen.returncode == 0, igjen.stdout
    assert "quarantined" not in igjen.stdout


def test_serve_starts_over_a_poisoned_store_and_reports_degraded(tmp_path: Path) -> None:
    """Issue 11: with a stored December 9999 sick note, ``syfo serve`` would not start again."""
    import contextlib
    import socket
    from datetime import date

    import httpx
    from karantene_hjelp import FRISK_A, GIFTIG, gift, kl, sak, send

    from service.bootstrap import build_core

    kjerne = build_core(Settings(data_dir=tmp_path / "data"))
    send(kjerne.app, sak(FRISK_A, date(2025, 1, 6), date(2025, 3, 30), "A"))
    gift(kjerne.app, GIFTIG, kl(date(2025, 1, 6), "10:00"))
    kjerne.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SYFO_DATA_DIR": str(tmp_path / "data"), "SYFO_ALLOW_DEV_SECRETS": "true"}
    env.pop("SYFO_DATABASE_URL", None)
    prosess = subprocess.Popen(
        [str(SYFO), "serve", "--port", str(port), "--no-scheduler"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    svar = None

    def klar() -> bool:
        # Ready once it listens and the runner has finished its first pass.
        nonlocal svar
        with contextlib.suppress(httpx.TransportError):
            svar = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5)
        return (svar is not None and svar.status_code == 200) or prosess.poll() is not None

    try:
        vent_til(klar, "the server ready")
    finally:
        prosess.terminate()
        utskrift = prosess.communicate(timeout=30)[0]

    assert svar is not None, utskrift
    assert svar.status_code == 200
    assert svar.json()["status"] == "degraded"
    assert svar.json()["checks"]["quarantined"] == 1
    assert GIFTIG not in utskrift
