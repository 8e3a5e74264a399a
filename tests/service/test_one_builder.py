"""One builder (``service.bootstrap``): simulate runs like production, and every process honours the settings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from service.background import RETENTION_JOB
from service.bootstrap import Core, build_background, opened
from service.compliance.verify import verifiser
from service.delivery.channels import Kanaloppsett
from service.devtools.simulate import simuler
from service.settings import Settings
from service.store.encryption import MAGI

GOLDEN = Path(__file__).parent.parent / "golden" / "g01-long-full-case.json"


def test_simulate_stores_encrypted_and_hash_chained_events_that_verify() -> None:
    """``syfo simulate`` is the code the service runs: encryption at rest and the hash chain (AUD-2)."""
    scenario = json.loads(GOLDEN.read_text(encoding="utf-8"))
    fnr = {s["fnr"] for s in scenario["steps"] if isinstance(s, dict) and "fnr" in s}
    sett: dict[str, object] = {}

    def inspiser(kjerne: Core, _til: object) -> None:
        with kjerne.engine.connect() as conn:
            tabell = kjerne.app.recorder.events_table_name  # type: ignore[attr-defined]
            sett["tilstander"] = [bytes(s) for (s,) in conn.execute(text(f"SELECT state FROM {tabell}"))]
            sett["kjederader"] = conn.execute(text("SELECT count(*) FROM kjede")).scalar_one()
        sett["rapport"] = verifiser(kjerne.app, kjerne.engine)

    simuler(scenario, inspiser=inspiser)

    tilstander = sett["tilstander"]
    assert isinstance(tilstander, list)
    assert tilstander
    assert all(s.startswith(MAGI) for s in tilstander)
    assert fnr
    assert not any(f.encode() in s for f in fnr for s in tilstander)
    assert sett["kjederader"] == len(tilstander)
    rapport = sett["rapport"]
    assert rapport.ok
    assert rapport.hendelser == len(tilstander)


def test_every_process_catches_up_only_as_far_as_innhenting_maks_dager(tmp_path: Path) -> None:
    """``serve`` and ``worker`` build their slot job in one place, so both honour SYFO_INNHENTING_MAKS_DAGER."""
    settings = Settings(data_dir=tmp_path, innhenting_maks_dager=3)
    with opened(settings) as kjerne, Kanaloppsett(settings) as kanaler:
        bakgrunn = build_background(kjerne, kanaler=kanaler)

    assert bakgrunn.takt is not None
    assert bakgrunn.takt.max_catch_up == timedelta(days=3)


def test_the_background_runs_retention_daily_from_start(tmp_path: Path) -> None:
    """RET-1: the retention job is scheduled in every process that runs the slot job, and runs at start."""
    settings = Settings(data_dir=tmp_path, chain_anchor_file=tmp_path / "anker.jsonl")
    with opened(settings) as kjerne, Kanaloppsett(settings) as kanaler:
        assert build_background(kjerne, kanaler=None).oppbevaring_ar is None  # an API-only process
        bakgrunn = build_background(kjerne, kanaler=kanaler)
        bakgrunn.start()
        try:
            kjort = bakgrunn.oppbevart.wait(30)
            jobber = bakgrunn.planned_jobs()
        finally:
            bakgrunn.stopp()

    assert kjort
    assert RETENTION_JOB in jobber
