"""The chain head anchored outside the database (AUD-2): `syfo verify` and the daily job append the head's
position and hash to an append-only file, and `verify` fails when an anchored position is gone or differs.

Without the anchor, deleting the newest events together with their chain rows leaves a shorter chain
that verifies; these tests show that it does, and that the anchor catches it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from integritet_hjelp import FNR_A, FNR_B, FNR_C, lag_kjerne, sak, send, slett_hendelse, slett_kjederad
from sqlalchemy import text
from typer.testing import CliRunner

from service.background import Background
from service.bootstrap import Core
from service.cli import app as cli
from service.compliance import verify as integritet
from service.compliance.anchor import chain_head
from service.compliance.verify import verifiser


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Core]:
    monkeypatch.setenv("SYFO_DATABASE_URL", database_url)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    k = lag_kjerne(database_url, tmp_path)
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
    send(k, sak(FNR_B, date(2025, 1, 13), date(2025, 2, 28), "b"))
    yield k
    k.close()


def _kutt_halen(k: Core, antall: int) -> list[int]:
    """Delete the newest events together with their chain rows, as someone with database access would."""
    with k.engine.connect() as conn:
        nyeste = [
            int(n)
            for (n,) in conn.execute(text(f"SELECT notification_id FROM kjede ORDER BY posisjon DESC LIMIT {antall}"))
        ]
    for nid in nyeste:
        slett_kjederad(k, nid)
        slett_hendelse(k, nid)
    return nyeste


def _linjer(fil: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in fil.read_text().splitlines()]


def test_deleting_the_newest_events_with_their_chain_rows_fails_verify_thanks_to_the_anchor(
    kjerne: Core, tmp_path: Path
) -> None:
    fil = tmp_path / "kjedeanker.jsonl"  # the default: in the data directory
    forste = CliRunner().invoke(cli, ["verify"])
    assert forste.exit_code == 0, forste.output
    hode = chain_head(kjerne.engine)
    assert hode is not None
    assert [(x["position"], x["head"]) for x in _linjer(fil)] == [hode]

    _kutt_halen(kjerne, 3)

    assert verifiser(kjerne.app, kjerne.engine).ok  # inside the database, nothing shows
    res = CliRunner().invoke(cli, ["verify"])
    assert res.exit_code == 1, res.output
    assert res.stdout.startswith(f"BROKEN: store: first broken link at position {hode[0]},")
    assert "is missing: events deleted" in res.stdout
    rapport = verifiser(kjerne.app, kjerne.engine, anker=fil)
    assert [(b.art, b.posisjon) for b in rapport.brudd] == [(integritet.ANKER_MANGLER, hode[0])]
    assert len(_linjer(fil)) == 1  # a failed check anchors nothing


def test_a_tail_cut_and_written_again_differs_from_its_anchor(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "anker" / "egen.jsonl"
    assert CliRunner().invoke(cli, ["verify"], env={"SYFO_CHAIN_ANCHOR_FILE": str(fil)}).exit_code == 0
    hode = chain_head(kjerne.engine)
    assert hode is not None

    _kutt_halen(kjerne, 1)
    send(kjerne, sak(FNR_C, date(2025, 2, 3), date(2025, 2, 28), "c"))  # new rows take the cut positions

    rapport = verifiser(kjerne.app, kjerne.engine, anker=fil)
    assert not rapport.ok
    assert [(b.art, b.posisjon) for b in rapport.brudd] == [(integritet.ANKER_AVVIK, hode[0])]
    res = CliRunner().invoke(cli, ["verify"], env={"SYFO_CHAIN_ANCHOR_FILE": str(fil)})
    assert res.exit_code == 1
    assert "differs from its anchor" in res.stdout


def test_an_altered_anchor_file_fails_verify(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "kjedeanker.jsonl"
    assert CliRunner().invoke(cli, ["verify"]).exit_code == 0
    fil.write_text(fil.read_text().replace('"position": ', '"position": "x'))

    rapport = verifiser(kjerne.app, kjerne.engine, anker=fil)

    assert [b.art for b in rapport.brudd] == [integritet.ANKER_ULESBAR]


def test_the_daily_job_of_the_background_process_anchors_the_head(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "daglig.jsonl"
    bakgrunn = Background(kjerne, kjedeanker=fil, kjedeanker_intervall=timedelta(days=1))

    bakgrunn.start()
    try:
        assert bakgrunn.ankret.wait(30), "the job runs at start, then daily"
    finally:
        bakgrunn.stopp()

    assert [(x["position"], x["head"]) for x in _linjer(fil)] == [chain_head(kjerne.engine)]
    _kutt_halen(kjerne, 1)
    assert not verifiser(kjerne.app, kjerne.engine, anker=fil).ok


def test_an_anchor_file_that_cannot_be_written_is_named_and_exits_2(kjerne: Core, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["verify"], env={"SYFO_CHAIN_ANCHOR_FILE": str(tmp_path)})  # a directory

    assert res.exit_code == 2
    assert "SYFO_CHAIN_ANCHOR_FILE" in res.stderr
