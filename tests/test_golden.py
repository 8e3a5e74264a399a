"""Every golden case and every case from NAV's own tests runs through ``simulate`` and meets its expectations.

The copies in tests/golden/ and tests/peer/ are identical to the shared spec's ``golden/`` and
``peer/`` files. The peer cases are translated from NAV's helse-spleis and isoppfolgingstilfelle
tests (tests/peer/README.md) and show TF-1, MAX-3, REQ-1, REQ-2 and MAX-6 as NAV computes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_check import avvik

from service.devtools.simulate import simuler

HER = Path(__file__).parent
GOLDEN = sorted((HER / "golden").glob("*.json"))
PEER = sorted((HER / "peer").glob("*.json"))
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"


def _kjor(fil: Path) -> list[str]:
    scenario: dict[str, Any] = json.loads(fil.read_text(encoding="utf-8"))
    return avvik(simuler(scenario).data, scenario["expect"])


@pytest.mark.parametrize("fil", GOLDEN, ids=[f.stem for f in GOLDEN])
def test_golden_case_matches_expectations(fil: Path) -> None:
    assert _kjor(fil) == []


@pytest.mark.parametrize("fil", PEER, ids=[f.stem for f in PEER])
def test_peer_case_from_nav_matches_expectations(fil: Path) -> None:
    """TF-1, MAX-3, REQ-1, REQ-2, MAX-6: ``simulate`` gives the ``expect`` of each NAV case."""
    assert _kjor(fil) == []


def test_there_are_golden_and_peer_cases() -> None:
    assert len(GOLDEN) >= 20
    assert len(PEER) >= 5


def test_checker_notices_a_wrong_expectation() -> None:
    """The comparison is not vacuous: a changed date or a missing reminder is reported."""
    scenario = json.loads((HER / "golden" / "g04-short-sykmelding.json").read_text())
    resultat = simuler(scenario).data
    expect = json.loads(json.dumps(scenario["expect"]))
    expect["cases"][0]["maksdato"] = "2026-02-26"
    expect["sent"] = [{"date": "2025-03-14", "role": "NL", "milestone": "oppfolgingsplan"}]

    feil = avvik(resultat, expect)

    assert any("maksdato" in f for f in feil)
    assert any("not sent" in f for f in feil)


def test_checker_compares_every_field_an_expectation_names() -> None:
    """A partial expectation (as in the peer cases) is checked field by field, fnr included."""
    resultat = {
        "cases": [{"fnr": "PERSON-1", "orgnr": "ORG-1", "start": "2018-03-01", "open": True, "milestones": []}],
        "reminders": [],
    }

    assert avvik(resultat, {"cases": [{"orgnr": "ORG-1", "start": "2018-03-01"}]}) == []
    assert avvik(resultat, {"cases": [{"orgnr": "ORG-1", "open": False}]}) != []
    assert avvik(resultat, {"cases": [{"orgnr": "ORG-1", "fnr": "PERSON-2"}]}) != []


def _filer(mappe: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted([*mappe.glob("*.json"), *mappe.glob("README.md")])}


@pytest.mark.parametrize("mappe", ["golden", "peer"])
def test_copies_are_identical_to_the_spec(mappe: str) -> None:
    if not (SPEC / mappe).is_dir():
        pytest.skip("shared spec not beside the repository")
    assert _filer(HER / mappe) == _filer(SPEC / mappe)
