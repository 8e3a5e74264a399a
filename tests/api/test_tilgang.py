"""What each role sees of a case, leader change, consent withdrawal, and the access rules as pure functions.

Rules: ACC-1 … ACC-7, CON-1, CON-3, PRIV-2, T-7 (time travel).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from domain.innstillinger import Innstillinger
from domain.kalender import OSLO
from domain.tilgang import (
    Bruker,
    Lederrelasjon,
    Rolle,
    SakKontekst,
    Samtykkehendelse,
    aktivt_samtykke,
    leder_pa,
    pluss_maneder,
    vurder_sak,
)

from .api_hjelp import FNR, ORG1, ORG2, Miljo, kl


def _typer(r: Any) -> list[str]:
    return [h["type"] for h in r.json()["events"]]


def _hendelse(r: Any, typ: str) -> dict[str, Any]:
    return next(h["data"] for h in r.json()["events"] if h["type"] == typ)


# ---------------------------------------------------------------- what each role sees (the story)


def test_a_leader_sees_its_employer_duties_without_medical_grounds_or_nav_data(historie: Miljo) -> None:
    """ACC-3, PRIV-2: no other employer, no person tilfelle or maksdato, no NAV assessment, no consent."""
    sak = historie.saker["ORG1"]
    tidslinje = historie.les(f"/api/v1/saker/{sak}/tidslinje", "leder-A", "NL")
    saken = historie.les(f"/api/v1/saker/{sak}", "leder-A", "NL")

    assert tidslinje.status_code == saken.status_code == 200
    assert set(_typer(tidslinje)) == {
        "narmeste_leder",
        "sykmelding",
        "dialogmote_innkalt",
        "oppfolgingsplan_ferdig",
        "oppfolgingsplan_delt",
        "unntak",
    }
    assert "medisinske_grunner" not in _hendelse(tidslinje, "sykmelding")
    assert "arsak" not in _hendelse(tidslinje, "unntak")  # NAV's exemption: status only (PRIV-2)
    assert {m["kind"] for m in tidslinje.json()["milestones"]} == ARBEIDSGIVERS
    assert {p["recipient"]["role"] for p in tidslinje.json()["reminders"]} <= {"NL", "HR"}
    assert ORG2 not in tidslinje.text
    assert ORG2 not in saken.text
    assert saken.json()["person_tilfelle"] is None
    assert saken.json()["maksdato"] is None
    assert saken.json()["access_basis"] == "ACC-2"


ARBEIDSGIVERS = {"oppfolgingsplan", "dialogmote_1", "aktivitetskrav", "motebehov", "dialogmote_2"}


def test_milestones_per_role_dialogmote_3_and_maksdato_are_nav_only_data(historie: Miljo) -> None:
    """ACC-3: the leader and HR see the five milestones about the employer's follow-up; dialogmøte 3 and
    maksdato count sick days at other employers and are shown to AT, NAV and AUDITOR only."""
    sti = f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje"
    sett = {
        rolle: {m["kind"] for m in historie.les(sti, sub, rolle).json()["milestones"]}
        for sub, rolle in (("leder-A", "NL"), ("hr-1", "HR"), (FNR, "AT"), ("NAV", "NAV"), ("revisor-1", "AUDITOR"))
    }

    assert sett["NL"] == sett["HR"] == ARBEIDSGIVERS
    for rolle in ("AT", "NAV", "AUDITOR"):
        assert sett[rolle] == ARBEIDSGIVERS | {"dialogmote_3", "maksdato"}, rolle


def test_hr_sees_deadlines_and_statuses_but_no_documents(historie: Miljo) -> None:
    """ACC-4."""
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", "hr-1", "HR")

    assert r.status_code == 200
    assert r.json()["events"] == []
    assert r.json()["milestones"]
    assert r.json()["access_basis"] == "ACC-4"


def test_nav_sees_grounds_and_assessments_but_not_the_unshared_plan_or_the_employers_meeting(historie: Miljo) -> None:
    """ACC-6, PRIV-2: medical grounds and arsak codes to NAV; plans only once shared with NAV."""
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", "NAV", "NAV")

    typer = set(_typer(r))
    assert {"sykmelding", "unntak", "aktivitetskrav_vurdert"} <= typer
    assert not typer & {"oppfolgingsplan_ferdig", "oppfolgingsplan_delt", "dialogmote_innkalt", "samtykke_gitt"}
    assert _hendelse(r, "sykmelding")["medisinske_grunner"] is True
    assert _hendelse(r, "unntak")["arsak"] == "MEDISINSKE_GRUNNER"
    assert {p["recipient"]["role"] for p in r.json()["reminders"]} <= {"NAV"}


@pytest.mark.parametrize(
    ("rolle", "sub", "typer"),
    [
        ("TV", "tv-1", {"dialogmote_innkalt"}),  # omfang mote: the meeting only (CON-1)
        ("BHT", "bht-1", {"dialogmote_innkalt", "oppfolgingsplan_ferdig", "oppfolgingsplan_delt"}),  # mote_og_plan
        ("SYKMELDER", "lege-1", {"sykmelding", "oppfolgingsplan_delt"}),  # no consent for DM1 (CON-1, ACC-6)
    ],
)
def test_participants_see_their_own_part_only(historie: Miljo, rolle: str, sub: str, typer: set[str]) -> None:
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", sub, rolle)

    assert r.status_code == 200
    assert set(_typer(r)) == typer
    assert [m["kind"] for m in r.json()["milestones"]] == ["oppfolgingsplan"]  # ACC-9: shared or not only
    assert r.json()["milestones"][0]["status"] in ("shared", "not_shared")
    assert all(p["recipient"] == {"role": rolle, "id": sub} for p in r.json()["reminders"])
    assert FNR not in r.text


def test_the_arbeidstaker_sees_everything_about_themself(historie: Miljo) -> None:
    """ACC-5: all seven milestones, maksdato, consents and assessments."""
    sak = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}", FNR, "AT")
    tidslinje = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", FNR, "AT")

    assert len(sak.json()["milestones"]) == 7
    assert sak.json()["fnr"] == FNR
    assert sak.json()["person_tilfelle"] is not None
    assert {"samtykke_gitt", "aktivitetskrav_vurdert"} <= set(_typer(tidslinje))


def test_an_auditor_reads_the_history_pseudonymised_unless_it_breaks_the_glass(historie: Miljo) -> None:
    """ACC-7: no fødselsnummer by default; break-glass needs a reason; only AUDITOR may break it."""
    sti = f"/api/v1/saker/{historie.saker['ORG1']}/historikk"
    vanlig = historie.les(sti, "revisor-1", "AUDITOR")
    uten_grunn = historie.les(sti, "revisor-1", "AUDITOR", headers={"X-Break-Glass": "true"})
    nav = historie.les(sti.replace("/historikk", ""), "NAV", "NAV", headers={"X-Break-Glass": "true"})
    glass = historie.les(
        sti, "revisor-1", "AUDITOR", headers={"X-Break-Glass": "true", "X-Access-Reason": "klage 2025-17"}
    )

    assert vanlig.status_code == 200
    assert vanlig.json()["pseudonymised"] is True
    assert FNR not in vanlig.text
    assert uten_grunn.status_code == 400
    assert uten_grunn.json()["field"] == "X-Access-Reason"
    assert nav.status_code == 403
    assert nav.json()["rule"] == "ACC-7"
    assert glass.status_code == 200
    assert glass.json()["pseudonymised"] is False
    assert FNR in glass.text
    forste = glass.json()["events"][1]
    assert forste["position"] > 0
    assert forste["actor"] == {"id": "integrasjon-1", "role": "SYSTEM"}


def test_time_travel_shows_the_case_as_known_then(historie: Miljo) -> None:
    """T-7: before the plan was registered the oppfølgingsplan was pending, after it met."""
    sti = f"/api/v1/saker/{historie.saker['ORG1']}"
    tidlig = historie.les(sti, FNR, "AT", params={"as_of": kl(date(2025, 1, 28))})
    na = historie.les(sti, FNR, "AT")
    for_saken = historie.les(sti, FNR, "AT", params={"as_of": kl(date(2025, 1, 5))})
    naiv = historie.les(sti, FNR, "AT", params={"as_of": "2025-01-28T09:00:00"})

    def status(r: Any) -> str:
        return str(next(m["status"] for m in r.json()["milestones"] if m["kind"] == "oppfolgingsplan"))

    assert tidlig.status_code == 200
    assert tidlig.json()["as_of"] is not None
    assert status(tidlig) != "met"
    assert status(na) == "met"
    assert for_saken.status_code == 404  # the case was not known yet
    assert naiv.status_code == 400
    assert naiv.json()["field"] == "as_of"


def test_version_time_travel_names_the_stream_version(historie: Miljo) -> None:
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}", "NAV", "NAV", params={"version": 4})

    assert r.status_code == 200
    assert r.json()["version"] == 4


# ---------------------------------------------------------------- leader change, window, consent (fresh stores)


def _sak_med_leder(m: Miljo) -> str:
    m.lagre(
        {"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": "leder-A", "fom": "2025-01-01"} | _at(1, 6)
    )
    svar = m.lagre(
        {
            "type": "sykmelding",
            "id": "SM1",
            "fnr": FNR,
            "orgnr": ORG1,
            "perioder": [{"fom": "2025-01-06", "tom": "2025-03-28", "grad": 100}],
        }
        | _at(1, 6, "07:45")
    )
    m.lagre({"type": "oppfolgingsplan_ferdig", "fnr": FNR, "orgnr": ORG1, "dato": "2025-01-29"} | _at(1, 29))
    return str(svar["case_id"])


def _at(maned: int, dag: int, klokke: str = "09:00") -> dict[str, str]:
    return {"at": kl(date(2025, maned, dag), klokke)}


def test_a_former_leader_loses_access_at_midnight_of_the_new_leaders_fom(ny: Miljo) -> None:
    """ACC-2: at 00:00 Europe/Oslo on the new leader's fom; the new leader sees the whole case."""
    ny.klokke.t = datetime(2025, 2, 6, 12, 0, tzinfo=OSLO)
    sak = _sak_med_leder(ny)
    ny.lagre(
        {"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": "leder-B", "fom": "2025-02-10"} | _at(2, 5)
    )
    sti = f"/api/v1/saker/{sak}/tidslinje"

    ny.klokke.t = datetime(2025, 2, 9, 23, 59, tzinfo=OSLO)
    a_for, b_for = ny.les(sti, "leder-A", "NL").status_code, ny.les(sti, "leder-B", "NL").status_code
    ny.klokke.t = datetime(2025, 2, 10, 0, 0, tzinfo=OSLO)
    a_etter, b_etter = ny.les(sti, "leder-A", "NL"), ny.les(sti, "leder-B", "NL")
    liste_a = ny.les("/api/v1/saker", "leder-A", "NL").json()["items"]
    liste_b = ny.les("/api/v1/saker", "leder-B", "NL").json()["items"]

    assert (a_for, b_for) == (200, 404)
    assert (a_etter.status_code, b_etter.status_code) == (404, 200)
    assert "oppfolgingsplan_ferdig" in _typer(b_etter)  # the plan made under the former leader
    assert liste_a == []
    assert [c["case_id"] for c in liste_b] == [sak]


def test_a_leader_reads_until_four_months_after_the_end_and_not_a_day_longer(ny: Miljo) -> None:
    """ACC-2: end 2025-03-28 → the last read day is 2025-07-28 (leader_access_months = 4)."""
    ny.klokke.t = datetime(2025, 2, 6, 12, 0, tzinfo=OSLO)
    sak = _sak_med_leder(ny)
    sti = f"/api/v1/saker/{sak}"

    ny.klokke.t = datetime(2025, 7, 28, 23, 0, tzinfo=OSLO)
    siste = ny.les(sti, "leder-A", "NL").status_code
    ny.klokke.t = datetime(2025, 7, 29, 0, 30, tzinfo=OSLO)
    etter = ny.les(sti, "leder-A", "NL").status_code
    at = ny.les(sti, FNR, "AT").status_code

    assert (siste, etter, at) == (200, 404, 200)


def test_withdrawn_consent_ends_access_at_once(ny: Miljo) -> None:
    """CON-1, CON-3: a TV reads while consent is active; the withdrawal ends it with the very next read."""
    ny.klokke.t = datetime(2025, 2, 6, 12, 0, tzinfo=OSLO)
    sak = _sak_med_leder(ny)
    samtykke = {"fnr": FNR, "orgnr": ORG1, "rolle": "TV", "person_id": "tv-1"}
    ny.lagre(samtykke | {"type": "samtykke_gitt", "omfang": "mote"} | _at(2, 1))
    sti = f"/api/v1/saker/{sak}/tidslinje"
    for_ = ny.les(sti, "tv-1", "TV").status_code

    trukket = ny.lagre(samtykke | {"type": "samtykke_trukket"})  # at: the API's clock
    etter = ny.klient.get(sti, params={"min_position": trukket["position"]}, headers=ny.hoder("tv-1", "TV"))

    assert for_ == 200
    assert etter.status_code == 404


def test_consent_lasts_no_longer_than_the_case(ny: Miljo) -> None:
    """CON-1: consent lasts until withdrawn or the case closes (closed after end + 16)."""
    ny.klokke.t = datetime(2025, 2, 6, 12, 0, tzinfo=OSLO)
    sak = _sak_med_leder(ny)
    ny.lagre(
        {"type": "samtykke_gitt", "fnr": FNR, "orgnr": ORG1, "rolle": "VO", "person_id": "vo-1"} | {"omfang": "mote"}
    )
    sti = f"/api/v1/saker/{sak}/tidslinje"

    ny.klokke.t = datetime(2025, 4, 13, 12, 0, tzinfo=OSLO)  # lukkes = 2025-03-28 + 16
    apen = ny.les(sti, "vo-1", "VO").status_code
    ny.klokke.t = datetime(2025, 4, 14, 12, 0, tzinfo=OSLO)
    lukket = ny.les(sti, "vo-1", "VO").status_code

    assert (apen, lukket) == (200, 404)


# ---------------------------------------------------------------- the rules as pure functions

KONTEKST = SakKontekst(
    case_id="c1",
    person_id="p1",
    orgnr="O1",
    start=date(2025, 1, 6),
    slutt=date(2025, 10, 31),
    lukkes=date(2025, 11, 16),
    ledere=(
        Lederrelasjon("O1", "A", date(2025, 1, 1), 1),
        Lederrelasjon("O2", "Z", date(2025, 1, 1), 2),
        Lederrelasjon("O1", "B", date(2025, 3, 1), 3),
        Lederrelasjon("O1", "C", date(2025, 3, 1), 4),
    ),
    samtykker=(Samtykkehendelse("TV", "t1", "mote"), Samtykkehendelse("TV", "t1", None)),
)


@pytest.mark.parametrize(
    ("d", "n", "forventet"),
    [
        (date(2025, 10, 31), 4, date(2026, 2, 28)),  # no 31 February: the month's last day (ACC-2)
        (date(2024, 10, 31), 4, date(2025, 2, 28)),
        (date(2023, 10, 31), 4, date(2024, 2, 29)),
        (date(2025, 3, 28), 4, date(2025, 7, 28)),
        (date(2025, 11, 15), 4, date(2026, 3, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_months_are_added_by_day_of_month(d: date, n: int, forventet: date) -> None:
    assert pluss_maneder(d, n) == forventet


def test_the_leader_is_the_latest_fom_at_that_employer_and_the_later_received_on_ties() -> None:
    """RP-9 / ACC-2."""
    assert leder_pa(KONTEKST.ledere, "O1", date(2025, 2, 28)) == "A"
    assert leder_pa(KONTEKST.ledere, "O1", date(2025, 3, 1)) == "C"
    assert leder_pa(KONTEKST.ledere, "O2", date(2025, 3, 1)) == "Z"
    assert leder_pa(KONTEKST.ledere, "O1", date(2024, 12, 31)) is None


def test_the_latest_consent_command_decides() -> None:
    """CON-3: a withdrawal after the consent ends it."""
    assert aktivt_samtykke(KONTEKST, "TV", "t1", date(2025, 2, 1)) is None


def test_end_of_access_window_with_a_month_end() -> None:
    inn = Innstillinger()
    leder = Bruker("C", Rolle.NL)

    assert vurder_sak(leder, KONTEKST, date(2026, 2, 28), inn) is not None
    assert vurder_sak(leder, KONTEKST, date(2026, 3, 1), inn) is None


@pytest.mark.parametrize("rolle", [Rolle.SYSTEM, Rolle.TV, Rolle.VO, Rolle.BHT, Rolle.SYKMELDER, Rolle.HR])
def test_default_deny_without_a_basis(rolle: Rolle) -> None:
    """ACC-1."""
    assert vurder_sak(Bruker("noen", rolle), KONTEKST, date(2025, 2, 1), Innstillinger()) is None


def test_an_arbeidstaker_reads_by_person_stream_not_by_the_subject_string() -> None:
    assert vurder_sak(Bruker("x", Rolle.AT, person_id="p1"), KONTEKST, date(2025, 2, 1), Innstillinger())
    assert vurder_sak(Bruker("p1", Rolle.AT, person_id="p2"), KONTEKST, date(2025, 2, 1), Innstillinger()) is None
