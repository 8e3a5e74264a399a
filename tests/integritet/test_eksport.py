"""The auditor's export (JSON lines) and ``syfo verify --export`` (AUD-2): a clean export verifies; an
edited, removed or added line fails, and the report names it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from integritet_hjelp import FNR_A, FNR_B, lag_kjerne, sak, send
from typer.testing import CliRunner

from domain.tilgang import Bruker, Rolle
from service.bootstrap import Core
from service.cli import app as cli
from service.observability import Metrikker
from service.usecases import export
from service.usecases.services import Tjenester


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Core]:
    monkeypatch.setenv("SYFO_DATABASE_URL", database_url)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    k = lag_kjerne(database_url, tmp_path)
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
    send(k, sak(FNR_B, date(2025, 1, 13), date(2025, 2, 28), "b"))
    yield k
    k.close()


def _eksport(k: Core, fil: Path) -> list[dict[str, object]]:
    app = k.app
    case_id = app.person(app.person_for_fnr(FNR_A)).grunnlag(app.innstillinger).saker[0].case_id
    t = Tjenester(k, k.settings, None, lambda: datetime(2025, 4, 1, tzinfo=UTC), Metrikker())
    rader = export.linjer(t, Bruker("revisor-1", Rolle.AUDITOR), None, case_id)
    fil.write_text(export.som_tekst(rader), encoding="utf-8")
    return rader


def _verify(fil: Path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["verify", "--export", str(fil)])
    return res.exit_code, res.stdout


def test_each_line_is_one_event_as_the_auditor_sees_it_with_position_time_and_chain_link(
    kjerne: Core, tmp_path: Path
) -> None:
    rader = _eksport(kjerne, tmp_path / "sak.jsonl")

    assert [r["version"] for r in rader] == list(range(1, len(rader) + 1))
    for r in rader:
        assert isinstance(r["position"], int)
        assert r["recorded"]
        assert set(r["link"]) == {"chain_position", "notification_id", "stream_hash", "global_hash"}  # type: ignore[arg-type]
        assert r["link"]["notification_id"] == r["position"]  # type: ignore[index]
    assert FNR_A not in (tmp_path / "sak.jsonl").read_text()  # ACC-7: pseudonymised


def test_a_clean_export_verifies(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "sak.jsonl"
    rader = _eksport(kjerne, fil)

    kode, ut = _verify(fil)

    assert kode == 0, ut
    assert any(linje.startswith("OK:") for linje in ut.splitlines())
    assert f"{len(rader)} events" in ut


def test_an_edited_line_fails_naming_the_line(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "sak.jsonl"
    _eksport(kjerne, fil)
    linjer = fil.read_text().splitlines()
    d = json.loads(linjer[1])
    d["recorded"] = "2025-01-01T00:00:00+00:00"
    linjer[1] = json.dumps(d)
    fil.write_text("\n".join(linjer) + "\n")

    kode, ut = _verify(fil)

    assert kode == 1
    assert "line 2: event version 2: recorded differ(s) from the store: edited" in ut


def test_an_edited_chain_link_fails(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "sak.jsonl"
    _eksport(kjerne, fil)
    linjer = fil.read_text().splitlines()
    d = json.loads(linjer[0])
    d["link"]["stream_hash"] = "0" * 64
    linjer[0] = json.dumps(d)
    fil.write_text("\n".join(linjer) + "\n")

    kode, ut = _verify(fil)

    assert kode == 1
    assert "line 1: event version 1: the chain link differs from the stored one" in ut


def test_a_removed_line_fails_naming_the_missing_event(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "sak.jsonl"
    rader = _eksport(kjerne, fil)
    linjer = fil.read_text().splitlines()
    del linjer[2]
    fil.write_text("\n".join(linjer) + "\n")

    kode, ut = _verify(fil)

    assert kode == 1
    assert f"event version 3 (position {rader[2]['position']}) is in the store but not in the file" in ut


def test_an_added_line_fails_naming_it(kjerne: Core, tmp_path: Path) -> None:
    fil = tmp_path / "sak.jsonl"
    rader = _eksport(kjerne, fil)
    ny = dict(rader[-1]) | {"version": len(rader) + 1}
    fil.write_text(fil.read_text() + json.dumps(ny, default=str) + "\n")

    kode, ut = _verify(fil)

    assert kode == 1
    assert f"line {len(rader) + 1}: event version {len(rader) + 1} is not in the store: added" in ut
