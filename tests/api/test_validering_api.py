"""Hardening of ``POST /api/v1/hendelser`` and the reads (rules.md VAL-4, VAL-9 … VAL-12, ACC-8, PRIV-1).

Every input that stopped the service or stored oversize or free text before (issue 11) is answered
422 problem+json naming rule and field, and nothing is stored. Values at the limits are accepted and
fit every column the projections write, on SQLite and PostgreSQL (``ny`` runs on both).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.kalender import OSLO
from projections.tabeller import kommandologg, tidslinje
from service.compliance.audit import PSEUDONYM_PREFIKS

from .api_hjelp import FNR, ORG1, Miljo, kl

KLOKKE = datetime(2025, 2, 3, 10, 0, tzinfo=OSLO)
ID64 = ("AZaz09._:-" * 7)[:64]


def sykmelding(**ekstra: Any) -> dict[str, Any]:
    return {
        "type": "sykmelding",
        "id": "SM1",
        "fnr": FNR,
        "orgnr": ORG1,
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
        "at": kl(date(2025, 1, 6), "07:45"),
    } | ekstra


def innkalling(**ekstra: Any) -> dict[str, Any]:
    return {
        "type": "dialogmote_innkalt",
        "id": "M1",
        "fnr": FNR,
        "orgnr": ORG1,
        "mote": 1,
        "tidspunkt": "2025-02-12T10:00:00+01:00",
        "deltakere": [{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    } | ekstra


def _lagret(m: Miljo) -> tuple[int, int, int]:
    """Events, read-model rows (after catch-up) and accepted command-log rows (a refusal logs its rule, AUD-2)."""
    m.kjerne.oppdaterer.fang_opp()
    with m.kjerne.engine.connect() as conn:
        rader = conn.execute(select(func.count()).select_from(tidslinje)).scalar_one()
        logg = conn.execute(
            select(func.count()).select_from(kommandologg).where(kommandologg.c.utfall == "accepted")
        ).scalar_one()
    return m.kjerne.app.siste_posisjon(), rader, logg


def _problem(r: Any, status: int, regel: str, felt: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert (r.json()["rule"], r.json()["field"]) == (regel, felt)


@pytest.fixture
def m(ny: Miljo) -> Miljo:
    ny.klokke.t = KLOKKE
    return ny


ANGREP: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "periods in December 9999",
        sykmelding(perioder=[{"fom": "9999-12-01", "tom": "9999-12-31", "grad": 100}]),
        "VAL-10",
        "perioder[0].fom",
    ),
    (
        "egenmelding 9999-12-29..31",
        {"type": "egenmelding", "id": "E1", "fnr": FNR, "orgnr": ORG1, "fom": "9999-12-29", "tom": "9999-12-31"},
        "VAL-10",
        "fom",
    ),
    ("meeting at 9999-12-31T23:59:59-14:00", innkalling(tidspunkt="9999-12-31T23:59:59-14:00"), "VAL-10", "tidspunkt"),
    ("at in year 0001", sykmelding(id="SM2", at="0001-01-01T00:00:00+01:00"), "VAL-10", "at"),
    (
        "a 200-character leder_id",
        {"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": "a" * 200, "fom": "2025-01-01"},
        "VAL-11",
        "leder_id",
    ),
    ("a 100-character sykmelding id", sykmelding(id="S" * 100), "VAL-11", "id"),
    ("a NUL byte in sykmelder_id", sykmelding(id="SM2", sykmelder_id="lege\x00-1"), "VAL-11", "sykmelder_id"),
    ("an ANSI escape in sykmelder_id", sykmelding(id="SM2", sykmelder_id="\x1b[2Jlege"), "VAL-11", "sykmelder_id"),
    ("60 KB in sykmelder_id", sykmelding(id="SM2", sykmelder_id="x" * 60_000), "VAL-11", "sykmelder_id"),
    (
        "HTML in sykmelder_id",
        sykmelding(id="SM2", sykmelder_id="<img src=x onerror=alert(1)>"),
        "VAL-11",
        "sykmelder_id",
    ),
    (
        "free text about health in sykmelder_id (PRIV-1)",
        sykmelding(id="SM2", sykmelder_id="Pasienten har depresjon F32.1"),
        "VAL-11",
        "sykmelder_id",
    ),
    ("a name of 201 characters", {"type": "person", "fnr": FNR, "navn": "x" * 201}, "VAL-11", "navn"),
    ("a NAV office of 3 digits", {"type": "nav_enhet", "fnr": FNR, "enhet": "314"}, "VAL-11", "enhet"),
    (
        "a plan dated tomorrow",
        {"type": "oppfolgingsplan_ferdig", "fnr": FNR, "orgnr": ORG1, "dato": "2025-02-04"},
        "VAL-12",
        "dato",
    ),
    ("a meeting before the case", innkalling(tidspunkt="2025-01-03T10:00:00+01:00"), "VAL-12", "tidspunkt"),
]


@pytest.mark.parametrize(("data", "regel", "felt"), [a[1:] for a in ANGREP], ids=[a[0] for a in ANGREP])
def test_an_attack_on_a_normal_case_is_422_and_stores_nothing(
    m: Miljo, data: dict[str, Any], regel: str, felt: str
) -> None:
    """Issue 11: these answered 500 or 201 and then stopped the projections; now VAL-9 holds."""
    m.lagre(sykmelding())
    for_ = _lagret(m)

    r = m.send(data)

    _problem(r, 422, regel, felt)
    assert _lagret(m) == for_
    assert m.klient.get("/health/ready").status_code == 200


def test_an_attack_inside_a_batch_refuses_the_whole_batch(m: Miljo) -> None:
    for_ = _lagret(m)

    r = m.klient.post(
        "/api/v1/hendelser/batch",
        json=[sykmelding(), sykmelding(id="SM2", sykmelder_id="Pasienten har depresjon F32.1")],
        headers=m.hoder("i", "SYSTEM"),
    )

    _problem(r, 422, "VAL-11", "[1].sykmelder_id")
    assert _lagret(m) == for_


# ---------------------------------------------------------------- lone surrogates and control characters


def _raw(m: Miljo, tekst: str, sti: str = "/api/v1/hendelser") -> Any:
    return m.klient.post(
        sti, content=tekst.encode(), headers={**m.hoder("i", "SYSTEM"), "Content-Type": "application/json"}
    )


def _med_surrogat(data: Any) -> str:
    """JSON text with ``\\ud800`` (a lone surrogate escape) where the data says ``SURROGAT``."""
    return json.dumps(data).replace("SURROGAT", "\\ud800")


PERSON = {"type": "person", "fnr": FNR, "navn": "Ola"}


@pytest.mark.parametrize(
    ("kropp", "felt"),
    [
        (_med_surrogat(PERSON | {"navn": "sSURROGATx"}), "navn"),
        (_med_surrogat(PERSON | {"sSURROGATx": 1}), "$"),
        (_med_surrogat({"type": "oppfolgingsplan_ferdig", "case_id": "sSURROGATx", "dato": "2025-01-29"}), "case_id"),
        (_med_surrogat(PERSON | {"at": "2025-01-06T09:00:00+01:00SURROGAT"}), "at"),
        (_med_surrogat({"type": "sSURROGATx"}), "type"),
    ],
    ids=["verdi", "nokkel", "case_id", "at", "type"],
)
def test_a_lone_surrogate_anywhere_in_a_body_is_refused_not_500(m: Miljo, kropp: str, felt: str) -> None:
    for_ = _lagret(m)

    r = _raw(m, kropp)

    _problem(r, 422, "VAL-11", felt)
    assert _lagret(m) == for_


def test_a_lone_surrogate_in_a_batch_is_refused_naming_the_item(m: Miljo) -> None:
    r = _raw(m, _med_surrogat([PERSON | {"navn": "sSURROGATx"}]), "/api/v1/hendelser/batch")

    _problem(r, 422, "VAL-11", "[0].navn")


def test_a_control_character_in_a_case_id_is_refused_before_it_is_looked_up(m: Miljo) -> None:
    r = m.send({"type": "oppfolgingsplan_ferdig", "case_id": "sak\x00\x1b[0m", "dato": "2025-01-29"})

    _problem(r, 422, "VAL-11", "case_id")


# ---------------------------------------------------------------- reads


@pytest.mark.parametrize(
    "as_of", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1999-06-01T12:00:00+02:00"]
)
def test_as_of_outside_2000_to_2099_is_422_not_500(m: Miljo, as_of: str) -> None:
    sak = m.lagre(sykmelding())["case_id"]

    r = m.les(f"/api/v1/saker/{sak}", FNR, "AT", params={"as_of": as_of})

    _problem(r, 422, "VAL-10", "as_of")


# ---------------------------------------------------------------- values at the limits fit every column


def test_ids_of_64_characters_and_long_names_are_stored_projected_and_read(m: Miljo) -> None:
    """VAL-11 limits against the columns (``leder_id``, ``mottaker_id``, ``kommando_id``, reminder keys)."""
    m.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": ID64, "navn": "B" * 200, "at": kl(date(2025, 1, 2))})
    m.lagre(
        {
            "type": "narmeste_leder",
            "fnr": FNR,
            "orgnr": ORG1,
            "leder_id": ID64,
            "fom": "2025-01-01",
            "leder_navn": "K" * 200,
            "leder_epost": "kari@" + ("a" * 62 + ".") * 3 + "a" * 57 + ".no",
            "at": kl(date(2025, 1, 6), "07:30"),
        }
    )
    m.lagre({"type": "person", "fnr": FNR, "navn": "Å" * 200, "at": kl(date(2025, 1, 6), "07:31")})
    m.lagre(
        {"type": "nav_enhet", "fnr": FNR, "enhet": "0314", "veileder_id": ID64, "at": kl(date(2025, 1, 6), "07:32")}
    )
    sak = m.lagre(sykmelding(id=ID64, sykmelder_id=ID64))["case_id"]
    m.lagre(
        {"type": "samtykke_gitt", "fnr": FNR, "orgnr": ORG1, "rolle": "TV", "person_id": ID64, "omfang": "mote"}
        | {"at": kl(date(2025, 1, 10))}
    )
    m.lagre(
        innkalling(
            id=ID64, deltakere=[{"rolle": "NL", "id": ID64}, {"rolle": "TV", "id": ID64}], at=kl(date(2025, 2, 3))
        )
    )

    m.kjerne.oppdaterer.fang_opp()
    leder = m.les(f"/api/v1/saker/{sak}", ID64, "NL")
    innboks = m.les("/api/v1/meg/paminnelser", ID64, "NL")

    assert leder.status_code == 200, leder.text
    assert innboks.status_code == 200, innboks.text
    assert m.klient.get("/health/ready").status_code == 200


# ---------------------------------------------------------------- who may send what (ACC-1, ACC-8)


def test_nav_may_assign_an_office_and_a_veileder(m: Miljo) -> None:
    r = m.send({"type": "nav_enhet", "fnr": FNR, "enhet": "0314", "veileder_id": "Z990001"}, "Z990001", "NAV")
    ufordelt = m.send({"type": "nav_enhet", "fnr": FNR, "enhet": "0314", "veileder_id": None}, "Z990001", "NAV")

    assert (r.status_code, ufordelt.status_code) == (201, 201)


@pytest.mark.parametrize(
    ("rolle", "data"),
    [
        ("NAV", sykmelding()),
        ("NAV", {"type": "person", "fnr": FNR, "navn": "Ola Nordmann"}),
        ("NL", {"type": "nav_enhet", "fnr": FNR, "enhet": "0314"}),
        ("AT", {"type": "nav_enhet", "fnr": FNR, "enhet": "0314"}),
        ("AUDITOR", {"type": "nav_enhet", "fnr": FNR, "enhet": "0314"}),
    ],
)
def test_other_commands_and_other_roles_are_forbidden(m: Miljo, rolle: str, data: dict[str, Any]) -> None:
    for_ = _lagret(m)

    r = m.send(data, "bruker-1", rolle)

    assert r.status_code == 403
    assert _lagret(m) == for_


def test_system_sends_person_and_nav_enhet(m: Miljo) -> None:
    svar = [
        m.send({"type": "person", "fnr": FNR, "navn": "Ola Nordmann"}).status_code,
        m.send({"type": "nav_enhet", "fnr": FNR, "enhet": "0314"}).status_code,
        m.send({"type": "person", "fnr": FNR, "navn": "Ola Nordmann"}).status_code,  # nothing new: a repeat
    ]

    assert svar == [201, 201, 200]


def test_a_nav_batch_with_a_sick_note_is_forbidden_whole(m: Miljo) -> None:
    r = m.klient.post(
        "/api/v1/hendelser/batch",
        json=[{"type": "nav_enhet", "fnr": FNR, "enhet": "0314"}, sykmelding()],
        headers=m.hoder("Z990001", "NAV"),
    )

    assert r.status_code == 403
    assert r.json()["field"] == "[1].type"


# ---------------------------------------------------------------- VAL-4 / VAL-9: 409 for an id reused


@pytest.mark.parametrize(
    ("forste", "andre"),
    [
        (innkalling(), innkalling(tidspunkt="2025-02-13T10:00:00+01:00")),
        (
            {"type": "egenmelding", "id": "E1", "fnr": FNR, "orgnr": ORG1, "fom": "2025-01-06", "tom": "2025-01-07"},
            {"type": "egenmelding", "id": "E1", "fnr": FNR, "orgnr": ORG1, "fom": "2025-01-06", "tom": "2025-01-08"},
        ),
        (sykmelding(), sykmelding(perioder=[{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 50}])),
    ],
)
def test_an_id_reused_by_the_same_person_with_other_content_is_409(
    m: Miljo, forste: dict[str, Any], andre: dict[str, Any]
) -> None:
    m.lagre(sykmelding(id="SM0"))
    m.lagre(forste)
    for_ = _lagret(m)

    r = m.send(andre)

    _problem(r, 409, "VAL-4", "id")
    assert _lagret(m) == for_
    assert m.send(forste).status_code == 200


def test_refusals_are_answered_as_json_that_never_echoes_the_bad_string(m: Miljo) -> None:
    r = m.send(sykmelding(id="SM2", sykmelder_id="Pasienten har depresjon F32.1"))

    assert "depresjon" not in json.dumps(r.json())


# ---------------------------------------------------------------- PRIV-4: names in an auditor's view


def test_an_auditor_sees_names_and_e_mail_only_as_pseudonyms(m: Miljo) -> None:
    """PRIV-4, ACC-7: like the fnr, names are personal data; the pseudonymised view keeps none."""
    m.lagre({"type": "person", "fnr": FNR, "navn": "Ola Nordmann", "at": kl(date(2025, 1, 6), "07:00")})
    leder = {"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": "leder-A", "fom": "2025-01-01"}
    m.lagre(
        leder | {"leder_navn": "Kari Nordmann", "leder_epost": "kari@bakeriet.no", "at": kl(date(2025, 1, 6), "07:30")}
    )
    sak = m.lagre(sykmelding())["case_id"]
    m.kjerne.oppdaterer.fang_opp()

    svar = [m.les(f"/api/v1/saker/{sak}/{sti}", "revisor-1", "AUDITOR") for sti in ("tidslinje", "historikk")]
    eget = m.les(f"/api/v1/saker/{sak}/historikk", FNR, "AT")

    for r in svar:
        assert r.status_code == 200, r.text
        tekst = json.dumps(r.json(), ensure_ascii=False)
        assert "Nordmann" not in tekst
        assert "bakeriet" not in tekst
    relasjon = next(h["data"] for h in svar[0].json()["events"] if h["type"] == "narmeste_leder")
    assert relasjon["leder_navn"].startswith(PSEUDONYM_PREFIKS)
    assert relasjon["leder_navn"] != relasjon["leder_epost"]
    assert "Ola Nordmann" in json.dumps(eget.json(), ensure_ascii=False)  # ACC-5: the employee sees their own


@pytest.mark.parametrize(
    "sti",
    ["/api/v1/saker/a%00b", "/api/v1/saker/a%00b/tidslinje", "/api/v1/saker?leder_id=a%00b", "/api/v1/saker?orgnr=%00"],
)
def test_a_nul_byte_in_a_path_or_query_is_never_a_500(m: Miljo, sti: str) -> None:
    """PostgreSQL cannot compare a string with NUL; the answer is a problem, not an error."""
    r = m.klient.get(sti, headers=m.hoder("revisor-1", "AUDITOR"))

    assert r.status_code in (400, 404, 200)
    assert r.status_code == 200 or r.headers["content-type"] == "application/problem+json"
