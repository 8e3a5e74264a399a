"""``syfo simulate`` as a user runs it: exit status, standard error and both output formats (VAL-9)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SYFO = str(Path(sys.executable).parent / "syfo")
GOLDEN = Path(__file__).parents[1] / "golden"


def kjor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SYFO, "simulate", *args], capture_output=True, text=True, timeout=120, check=False)


def skriv(tmp_path: Path, scenario: Any) -> str:
    fil = tmp_path / "scenario.json"
    fil.write_text(scenario if isinstance(scenario, str) else json.dumps(scenario), encoding="utf-8")
    return str(fil)


def grunnscenario() -> dict[str, Any]:
    return {
        "until": "2025-03-01",
        "steps": [
            {"at": "2025-01-06T07:00:00+01:00", "type": "virksomhet", "orgnr": "ORG-1", "hr_id": "hr-1"},
            {
                "at": "2025-01-06T07:30:00+01:00",
                "type": "sykmelding",
                "id": "SM1",
                "fnr": "PERSON-1",
                "orgnr": "ORG-1",
                "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
            },
        ],
    }


def test_a_refused_command_is_named_on_stderr_and_the_simulation_goes_on() -> None:
    res = kjor(str(GOLDEN / "g21a-grad-under-20.json"))

    assert res.returncode == 0
    assert "step 4" in res.stderr
    assert "VAL-1" in res.stderr
    assert "perioder[0].grad" in res.stderr
    data = json.loads(res.stdout)
    assert data["rejected"] == [{"step": 4, "type": "sykmelding", "rule": "VAL-1", "field": "perioder[0].grad"}]
    assert data["cases"][0]["end"] == "2025-03-23"


def test_bad_json_exits_with_status_2(tmp_path: Path) -> None:
    res = kjor(skriv(tmp_path, '{"steps": [ '))

    assert res.returncode == 2
    assert "bad JSON" in res.stderr
    assert res.stdout == ""


@pytest.mark.parametrize(
    ("endring", "felt"),
    [
        ({"type": "sykmelding_ukjent"}, "type"),
        ({"at": "2025-01-06T07:30:00"}, "at"),
        ({"perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": "100"}]}, "perioder[0].grad"),
        ({"perioder": [{"fom": "2025-01-06", "grad": 100}]}, "perioder[0].tom"),
        ({"fnr": 12345}, "fnr"),
    ],
)
def test_an_unreadable_step_exits_with_status_2_naming_step_and_field(
    tmp_path: Path, endring: dict[str, Any], felt: str
) -> None:
    scenario = grunnscenario()
    scenario["steps"][1].update(endring)

    res = kjor(skriv(tmp_path, scenario))

    assert res.returncode == 2
    assert "step 2" in res.stderr
    assert felt in res.stderr


def test_a_diagnosis_field_is_refused_not_unreadable(tmp_path: Path) -> None:
    scenario = grunnscenario()
    scenario["steps"][1]["diagnosekode"] = "L03"

    res = kjor(skriv(tmp_path, scenario))

    assert res.returncode == 0
    assert json.loads(res.stdout)["rejected"] == [
        {"step": 2, "type": "sykmelding", "rule": "VAL-2", "field": "diagnosekode"}
    ]
    assert "L03" not in res.stdout


def test_table_output_shows_the_timeline(tmp_path: Path) -> None:
    res = kjor(str(GOLDEN / "g01-long-full-case.json"), "--format", "table")

    assert res.returncode == 0
    assert "oppfolgingsplan" in res.stdout
    assert "2025-02-02" in res.stdout
    assert "met" in res.stdout
    assert "2025-01-17 08:00" in res.stdout
    assert "maksdato 2026-01-02" in res.stdout


def test_until_option_evaluates_at_an_earlier_date() -> None:
    res = kjor(str(GOLDEN / "g01-long-full-case.json"), "--until", "2025-01-20")

    data = json.loads(res.stdout)
    milepeler = {m["kind"]: m for m in data["cases"][0]["milestones"]}
    assert milepeler["oppfolgingsplan"]["status"] == "pending"
    assert any(r["status"] == "planned" for r in data["reminders"])
    assert all(r["at"] < "2025-01-21" for r in data["reminders"] if r["status"] != "planned")
