"""``syfo simulate`` with the new vocabulary and the attacks of issue 11 (rules.md VAL-9 … VAL-12).

A refused step is one line on standard error and one entry in ``rejected``; the simulation goes on
and exits 0. Steps whose ``at`` lies outside 2000–2099 never move the virtual clock.
"""

from __future__ import annotations

import json
from pathlib import Path

from test_cli_simulate import kjor, skriv

STEG = [
    {"at": "0001-01-01T00:00:00+01:00", "type": "person", "fnr": "PERSON-1", "navn": "Ola"},
    {"at": "2025-01-06T07:00:00+01:00", "type": "virksomhet", "orgnr": "ORG-1", "hr_id": "hr-1", "navn": "Bakeriet AS"},
    {
        "at": "2025-01-06T07:30:00+01:00",
        "type": "narmeste_leder",
        "fnr": "PERSON-1",
        "orgnr": "ORG-1",
        "leder_id": "leder-A",
        "fom": "2025-01-01",
        "leder_navn": "Kari Nordmann",
        "leder_epost": "kari@bakeriet.no",
    },
    {"at": "2025-01-06T07:31:00+01:00", "type": "person", "fnr": "PERSON-1", "navn": "Ola Nordmann"},
    {"at": "2025-01-06T07:32:00+01:00", "type": "nav_enhet", "fnr": "PERSON-1", "enhet": "0314", "veileder_id": None},
    {
        "at": "2025-01-06T07:45:00+01:00",
        "type": "sykmelding",
        "id": "SM9",
        "fnr": "PERSON-1",
        "orgnr": "ORG-1",
        "perioder": [{"fom": "9999-12-01", "tom": "9999-12-31", "grad": 100}],
    },
    {
        "at": "2025-01-06T07:46:00+01:00",
        "type": "sykmelding",
        "id": "SM1",
        "fnr": "PERSON-1",
        "orgnr": "ORG-1",
        "sykmelder_id": "Pasienten har depresjon F32.1",
        "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
    },
    {
        "at": "2025-01-06T07:47:00+01:00",
        "type": "sykmelding",
        "id": "SM2",
        "fnr": "PERSON-1",
        "orgnr": "ORG-1",
        "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
    },
    {
        "at": "2025-01-20T09:00:00+01:00",
        "type": "dialogmote_innkalt",
        "id": "M1",
        "fnr": "PERSON-1",
        "orgnr": "ORG-1",
        "mote": 1,
        "tidspunkt": "9999-12-31T23:59:59-14:00",
        "deltakere": [{"rolle": "NL", "id": "leder-A"}],
    },
    {"at": "2025-01-20T09:01:00+01:00", "type": "nav_enhet", "fnr": "PERSON-1", "enhet": "314"},
]


def test_the_new_vocabulary_is_accepted_and_attacks_are_rejected_naming_step_rule_and_field(tmp_path: Path) -> None:
    res = kjor(skriv(tmp_path, {"until": "2025-03-01", "steps": STEG}))

    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["rejected"] == [
        {"step": 1, "type": "person", "rule": "VAL-10", "field": "at"},
        {"step": 6, "type": "sykmelding", "rule": "VAL-10", "field": "perioder[0].fom"},
        {"step": 7, "type": "sykmelding", "rule": "VAL-11", "field": "sykmelder_id"},
        {"step": 9, "type": "dialogmote_innkalt", "rule": "VAL-10", "field": "tidspunkt"},
        {"step": 10, "type": "nav_enhet", "rule": "VAL-11", "field": "enhet"},
    ]
    linjer = res.stderr.strip().splitlines()
    assert [linje.split(":")[0] for linje in linjer] == ["step 1", "step 6", "step 7", "step 9", "step 10"]
    assert "depresjon" not in res.stderr
    assert [(c["start"], c["end"]) for c in data["cases"]] == [("2025-01-06", "2025-02-28")]
