"""The leader's write permission (``domain.tilgang.kan_registrere``, ACC-2) and the forms' commands.

A leader may send only the employer duties' commands about a case it may read under ACC-2: plan
agreed and shared (OP-3, OP-4, OP-5), its own dialogmøte 1 (DM1-1, DM1-4, DM1-5) and its own
exemptions (MS-5, ``av: NL``). Everything else stays with its source (default deny, ACC-1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.innstillinger import Innstillinger
from domain.tilgang import (
    Bruker,
    Lederrelasjon,
    Motedeltakelse,
    Rolle,
    SakKontekst,
    Tilgang,
    kan_registrere,
    vurder_sak,
)
from service.web.handlinger import MOTE_ID, Skjemafeil, bygg_kommando, nl_arsaker, ny_mote_id

IDAG = date(2026, 12, 1)
FNR = "02829030066"
KONTEKST = SakKontekst(
    case_id="sak-1",
    person_id="p-1",
    orgnr="310000001",
    start=date(2026, 11, 1),
    slutt=date(2026, 12, 20),
    lukkes=date(2027, 1, 5),
    ledere=(Lederrelasjon("310000001", "leder-A", date(2020, 1, 1), 1),),
    moter=(Motedeltakelse("M1", 1, "NL", "leder-A"), Motedeltakelse("M2", 2, "NAV", "NAV")),
)


def _tilgang(sub: str = "leder-A", rolle: Rolle = Rolle.NL) -> Tilgang:
    t = vurder_sak(Bruker(sub, rolle), KONTEKST, IDAG, Innstillinger())
    assert t is not None
    return t


def _innkalling(**ekstra: Any) -> dict[str, Any]:
    return {"mote": 1, "deltakere": [{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}]} | ekstra


@pytest.mark.parametrize(
    ("typ", "data"),
    [
        ("oppfolgingsplan_ferdig", {"dato": "2026-12-01"}),
        ("oppfolgingsplan_delt", {"dato": "2026-12-01", "mottaker": "nav"}),
        ("dialogmote_innkalt", _innkalling()),
        ("dialogmote_avholdt", {"id": "M1", "dato": "2026-12-01"}),
        ("dialogmote_avlyst", {"id": "M1"}),
        ("unntak", {"frist": "dialogmote_1", "av": "NL", "arsak": "ALVORLIG_SYKDOM"}),
    ],
)
def test_a_leader_with_acc2_access_registers_the_employers_duties(typ: str, data: dict[str, Any]) -> None:
    assert kan_registrere(_tilgang(), typ, data) == "ACC-2"


@pytest.mark.parametrize(
    ("typ", "data"),
    [
        ("sykmelding", {}),  # the sykmelder's document
        ("aktivitetskrav_vurdert", {}),  # NAV's assessment (AK-4)
        ("samtykke_gitt", {}),  # the employee's consent (CON-1, CON-2)
        ("narmeste_leder", {}),
        ("unntak", {"frist": "aktivitetskrav", "av": "NL", "arsak": "MEDISINSKE_GRUNNER"}),  # MS-5: NAV's frist
        ("unntak", {"frist": "oppfolgingsplan", "av": "NAV", "arsak": "ALVORLIG_SYKDOM"}),
        ("dialogmote_innkalt", _innkalling(mote=2)),  # dialogmøte 2 is NAV's
        ("dialogmote_innkalt", _innkalling(deltakere=[{"rolle": "NL", "id": "leder-B"}])),  # not as itself
        ("dialogmote_avholdt", {"id": "M2", "dato": "2026-12-01"}),  # NAV's meeting
        ("dialogmote_avlyst", {"id": "M9"}),  # not a meeting of this case
    ],
)
def test_a_leader_is_refused_everything_else(typ: str, data: dict[str, Any]) -> None:
    assert kan_registrere(_tilgang(), typ, data) is None


@pytest.mark.parametrize("rolle", [Rolle.NAV, Rolle.AUDITOR])
def test_other_roles_get_no_write_permission_from_the_pages(rolle: Rolle) -> None:
    assert kan_registrere(_tilgang("x", rolle), "oppfolgingsplan_ferdig", {"dato": "2026-12-01"}) is None


def test_the_plan_form_names_the_case_and_today() -> None:
    k = bygg_kommando({"type": "oppfolgingsplan_ferdig", "dato": "2026-12-01"}, "sak-1", "leder-A", FNR)

    assert k == {"type": "oppfolgingsplan_ferdig", "case_id": "sak-1", "dato": "2026-12-01"}


def test_the_meeting_form_calls_the_leader_and_the_employee_at_oslo_time() -> None:
    mote = ny_mote_id()

    k = bygg_kommando(
        {"type": "dialogmote_innkalt", "id": mote, "tidspunkt": "2026-12-10T10:00"}, "sak-1", "leader-A", FNR
    )

    assert MOTE_ID.fullmatch(mote)
    assert k["tidspunkt"] == "2026-12-10T10:00:00+01:00"  # T-1: Oslo wall clock with its offset
    assert k["deltakere"] == [{"rolle": "NL", "id": "leader-A"}, {"rolle": "AT", "id": FNR}]  # DM1-7
    assert "case_id" in k


def test_a_held_meeting_names_the_meeting_not_the_case() -> None:
    k = bygg_kommando({"type": "dialogmote_avholdt", "id": "M1", "dato": "2026-12-01"}, "sak-1", "leder-A", FNR)

    assert k == {"type": "dialogmote_avholdt", "id": "M1", "dato": "2026-12-01"}  # VAL-5 by id


def test_an_exemption_from_the_form_is_the_leaders_own() -> None:
    k = bygg_kommando(
        {"type": "unntak", "frist": "oppfolgingsplan", "arsak": "ALVORLIG_SYKDOM", "dato": "2026-12-01"},
        "sak-1",
        "leder-A",
        FNR,
    )

    assert k["av"] == "NL"


@pytest.mark.parametrize(
    "skjema",
    [
        {"type": "sykmelding"},
        {"type": "oppfolgingsplan_ferdig", "dato": "i morgen"},
        {"type": "dialogmote_innkalt", "id": "M1", "tidspunkt": "2026-12-10T10:00"},
    ],
)
def test_a_form_that_cannot_make_a_command_is_refused(skjema: dict[str, str]) -> None:
    with pytest.raises(Skjemafeil):
        bygg_kommando(skjema, "sak-1", "leder-A", FNR)


def test_the_exemption_codes_offered_are_the_leaders_codes_of_ms5() -> None:
    koder = dict(nl_arsaker())

    assert set(koder) == {"oppfolgingsplan", "dialogmote_1"}
    assert {k for k, _ in koder["dialogmote_1"]} == {
        "TILBAKE_UTEN_TILRETTELEGGING",
        "TILRETTELEGGING_FUNGERER",
        "ALVORLIG_SYKDOM",
        "UTSATT_ALVORLIG_SYKDOM",
    }
