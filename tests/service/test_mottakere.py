"""Recipient resolution (issue 14 item 4): RP-8 for cancellations, and the AT always resolved to the fnr (RP-9)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from service.devtools.simulate import simuler


def _sykmelding(id_: str, orgnr: str) -> dict[str, Any]:
    return {
        "at": "2025-09-01T07:30:00+02:00",
        "type": "sykmelding",
        "id": id_,
        "fnr": "PERSON-1",
        "orgnr": orgnr,
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": "2025-09-01", "tom": "2026-02-28", "grad": 100}],
    }


def _leder(orgnr: str) -> dict[str, Any]:
    return {
        "at": "2025-09-01T07:02:00+02:00",
        "type": "narmeste_leder",
        "fnr": "PERSON-1",
        "orgnr": orgnr,
        "leder_id": "leder-A",
        "fom": "2024-01-01",
    }


def _paminnelser(steg: list[dict[str, Any]]) -> list[dict[str, Any]]:
    res = simuler({"until": "2026-01-31", "steps": steg})
    return list(res.data["reminders"])


def test_two_cases_of_one_person_without_a_leader_list_one_cancelled_motebehov_prompt_rp8() -> None:
    """Both cases due the same day, no leader: the NL rung of the person's motebehov is cancelled once, not per case."""
    r = _paminnelser([_sykmelding("SM-X", "ORG-X"), _sykmelding("SM-Y", "ORG-Y")])
    nl = [x for x in r if x["milestone"] == "motebehov" and x["recipient"]["role"] == "NL"]
    assert [(x["status"], x["reason"]) for x in nl] == [("cancelled", "no_recipient")]


def test_no_recipient_of_a_person_with_two_cases_gets_two_identical_cancellations_rp8() -> None:
    r = _paminnelser([_sykmelding("SM-X", "ORG-X"), _sykmelding("SM-Y", "ORG-Y")])
    pr_mottaker = Counter(
        (x["recipient"]["role"], x["recipient"]["id"], x["milestone"], x["stage"], x["at"], x.get("case_id"))
        for x in r
        if x["status"] == "cancelled"
    )
    assert [k for k, n in pr_mottaker.items() if n > 1] == []


def test_reminders_to_the_employee_of_two_cases_due_the_same_day_all_carry_the_fnr_rp9() -> None:
    r = _paminnelser([_leder("ORG-X"), _leder("ORG-Y"), _sykmelding("SM-X", "ORG-X"), _sykmelding("SM-Y", "ORG-Y")])
    at = [x for x in r if x["recipient"]["role"] == "AT"]
    assert at
    assert {x["recipient"]["id"] for x in at} == {"PERSON-1"}
