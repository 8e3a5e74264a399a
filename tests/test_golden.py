"""Every golden case runs through ``simulate`` and meets its expectations (issue: golden files).

The copies in tests/golden/ are identical to the shared spec's golden files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_check import avvik

from service.simulate import simuler

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


@pytest.mark.parametrize("fil", GOLDEN, ids=[f.stem for f in GOLDEN])
def test_golden_case_matches_expectations(fil: Path) -> None:
    scenario: dict[str, Any] = json.loads(fil.read_text(encoding="utf-8"))

    resultat = simuler(scenario)

    assert avvik(resultat.data, scenario["expect"]) == []


def test_there_are_golden_cases() -> None:
    assert len(GOLDEN) >= 20


def test_checker_notices_a_wrong_expectation() -> None:
    """The comparison is not vacuous: a changed date or a missing reminder is reported."""
    scenario = json.loads((Path(__file__).parent / "golden" / "g04-short-sykmelding.json").read_text())
    resultat = simuler(scenario).data
    expect = json.loads(json.dumps(scenario["expect"]))
    expect["cases"][0]["maksdato"] = "2026-02-26"
    expect["sent"] = [{"date": "2025-03-14", "role": "NL", "milestone": "oppfolgingsplan"}]

    feil = avvik(resultat, expect)

    assert any("maksdato" in f for f in feil)
    assert any("not sent" in f for f in feil)


def test_golden_copies_are_identical_to_the_spec() -> None:
    spec = Path(__file__).resolve().parents[2] / "shared" / "spec" / "golden"
    if not spec.is_dir():
        pytest.skip("shared spec not beside the repository")
    kopier = {f.name: f.read_bytes() for f in GOLDEN}
    originaler = {f.name: f.read_bytes() for f in sorted(spec.glob("*.json"))}
    assert kopier == originaler
