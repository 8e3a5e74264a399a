"""``POST /api/v1/hendelser``: 201 with case and position, VAL-4 repeats, and refusals that store nothing (VAL-9).

Rules: VAL-1, VAL-2, VAL-3, VAL-4, VAL-8, VAL-9, T-1, T-7; AUD-2 (the sender of each command).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.kalender import OSLO
from projections.tabeller import kommandologg, tidslinje

from .api_hjelp import FNR, ORG1, ORG2, Miljo, kl

KLOKKE = datetime(2025, 2, 3, 10, 0, tzinfo=OSLO)


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


def _lagret(m: Miljo) -> tuple[int, int, int]:
    """Everything a command could store: events, read-model rows (after catch-up), command log rows."""
    m.kjerne.oppdaterer.fang_opp()
    with m.kjerne.engine.connect() as conn:
        rader = conn.execute(select(func.count()).select_from(tidslinje)).scalar_one()
        logg = conn.execute(
            select(func.count()).select_from(kommandologg).where(kommandologg.c.utfall == "accepted")
        ).scalar_one()
    return m.kjerne.app.siste_posisjon(), rader, logg


@pytest.fixture
def m(ny: Miljo) -> Miljo:
    ny.klokke.t = KLOKKE
    return ny


def test_a_command_is_stored_and_answered_with_its_case_and_position(m: Miljo) -> None:
    r = m.send(sykmelding())

    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json"
    assert r.json()["new"] is True
    assert r.json()["position"] == m.kjerne.app.siste_posisjon()
    m.posisjon = r.json()["position"]
    saken = m.les(f"/api/v1/saker/{r.json()['case_id']}", FNR, "AT")
    assert saken.status_code == 200
    assert saken.json()["orgnr"] == ORG1


def test_the_same_command_id_again_answers_200_with_the_same_result_and_stores_nothing(m: Miljo) -> None:
    """VAL-4: same id, same content → ignored."""
    forste = m.send(sykmelding())
    for_ = _lagret(m)

    igjen = m.send(sykmelding())

    assert (forste.status_code, igjen.status_code) == (201, 200)
    assert igjen.json() == forste.json() | {"new": False}
    assert _lagret(m) == for_


def test_a_repeat_of_a_command_stored_outside_the_api_answers_with_its_position(m: Miljo) -> None:
    """VAL-4 for commands from ``syfo seed`` or ``simulate``: no command log row, the same answer."""
    app = m.kjerne.app
    kv = app.behandle(app.les(sykmelding()))

    r = m.send(sykmelding())

    assert r.status_code == 200
    assert r.json() == {"case_id": kv.case_id, "position": kv.posisjon, "new": False}


def test_the_same_id_with_other_content_is_a_conflict(m: Miljo) -> None:
    m.send(sykmelding())
    for_ = _lagret(m)

    r = m.send(sykmelding(sykmelder_id="lege-2"))

    assert r.status_code == 409
    assert (r.json()["rule"], r.json()["field"]) == ("VAL-4", "id")
    assert _lagret(m) == for_


UGYLDIGE: list[tuple[str, Any, int, str, str]] = [
    ("unknown type", {"type": "diagnose_mottatt", "fnr": FNR}, 400, "VAL-9", "type"),
    ("not an object", [1, 2], 400, "VAL-9", "$"),
    ("check digit of fnr", sykmelding(fnr=FNR[:-1] + str((int(FNR[-1]) + 1) % 10)), 422, "VAL-3", "fnr"),
    ("a label for fnr", sykmelding(fnr="PERSON-1"), 422, "VAL-3", "fnr"),
    ("check digit of orgnr", sykmelding(orgnr="300000011"), 422, "VAL-3", "orgnr"),
    (
        "no such date",
        sykmelding(perioder=[{"fom": "2025-02-30", "tom": "2025-03-01", "grad": 100}]),
        400,
        "VAL-9",
        "perioder[0].fom",
    ),
    (
        "grade 15",
        sykmelding(perioder=[{"fom": "2025-01-06", "tom": "2025-01-31", "grad": 15}]),
        422,
        "VAL-1",
        "perioder[0].grad",
    ),
    ("a diagnosis field", sykmelding(diagnose="J06.9"), 422, "VAL-2", "diagnose"),
    ("at without offset", sykmelding(at="2025-01-06T07:45:00"), 400, "VAL-9", "at"),
    ("at six minutes ahead", sykmelding(at=(KLOKKE + timedelta(minutes=6)).isoformat()), 422, "T-7", "at"),
    (
        "no case window",
        {"type": "oppfolgingsplan_ferdig", "fnr": FNR, "orgnr": ORG1, "dato": "2025-01-29"},
        422,
        "VAL-8",
        "dato",
    ),
    (
        "unknown case_id",
        {"type": "oppfolgingsplan_ferdig", "case_id": "nei", "dato": "2025-01-29"},
        422,
        "VAL-8",
        "case_id",
    ),
    (
        "case_id and fnr",
        {"type": "oppfolgingsplan_ferdig", "case_id": "x", "fnr": FNR, "dato": "2025-01-29"},
        400,
        "VAL-9",
        "case_id",
    ),
    (
        "the same participant twice",
        {
            "type": "dialogmote_innkalt",
            "id": "M1",
            "fnr": FNR,
            "orgnr": ORG1,
            "mote": 1,
            "tidspunkt": "2025-02-12T10:00:00+01:00",
            "deltakere": [{"rolle": "AT", "id": "a"}, {"rolle": "TV", "id": "t"}, {"rolle": "AT", "id": "a"}],
        },
        422,
        "RP-8",
        "deltakere[2]",
    ),
    (
        "case_id on a command without a case",
        {"type": "virksomhet", "orgnr": ORG1, "hr_id": "h", "case_id": "x"},
        422,
        "VAL-2",
        "case_id",
    ),
]


@pytest.mark.parametrize(("navn", "kropp", "status", "regel", "felt"), UGYLDIGE, ids=[u[0] for u in UGYLDIGE])
def test_a_refused_command_names_rule_and_field_and_stores_nothing(
    m: Miljo, navn: str, kropp: Any, status: int, regel: str, felt: str
) -> None:
    """VAL-9: rejected means nothing stored, no projection change, a problem naming rule and field."""
    for_ = _lagret(m)

    r = m.send(kropp)

    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert (r.json()["rule"], r.json()["field"], r.json()["status"]) == (regel, felt, status)
    assert r.json()["type"].endswith("/rule/" + regel)
    assert _lagret(m) == for_


@pytest.mark.parametrize("tekst", [b"{not json", b"", b'{"type": NaN}', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_refused(m: Miljo, tekst: bytes) -> None:
    for_ = _lagret(m)

    r = m.klient.post(
        "/api/v1/hendelser", content=tekst, headers=m.hoder("i", "SYSTEM") | {"content-type": "application/json"}
    )

    assert r.status_code == 400
    assert (r.json()["rule"], r.json()["field"]) == ("VAL-9", "$")
    assert _lagret(m) == for_


def test_a_body_over_the_limit_is_refused_before_it_is_read(m: Miljo) -> None:
    stor = sykmelding(sykmelder_id="x" * (m.settings.api_max_body_bytes + 10))
    for_ = _lagret(m)

    med_lengde = m.send(stor)
    strommet = m.klient.post(
        "/api/v1/hendelser",
        content=iter([b'{"type": "sykmelding", "pad": "', b"x" * m.settings.api_max_body_bytes, b'"}']),
        headers=m.hoder("i", "SYSTEM") | {"content-type": "application/json"},
    )

    assert med_lengde.status_code == strommet.status_code == 413
    assert strommet.headers["content-type"] == "application/problem+json"
    assert _lagret(m) == for_


def test_without_at_the_command_takes_the_servers_clock(m: Miljo) -> None:
    """T-7: the API stamps the receipt instant with its own (injected) clock."""
    m.lagre(sykmelding())
    svar = m.lagre({"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": "leder-A", "fom": "2025-01-01"})
    akkurat = m.send(sykmelding(id="SM2", at=(KLOKKE + timedelta(minutes=5)).isoformat()))

    historikk = m.les(f"/api/v1/saker/{svar['case_id']}/historikk", FNR, "AT").json()["events"]
    siste = next(h for h in historikk if h["command_type"] == "narmeste_leder")
    assert datetime.fromisoformat(siste["recorded"]) == KLOKKE
    assert siste["actor"] == {"id": "integrasjon-1", "role": "SYSTEM"}  # AUD-2
    assert akkurat.status_code == 201  # exactly 5 minutes ahead is still accepted


def test_a_command_can_name_its_case_by_case_id(m: Miljo) -> None:
    """scenarios.md: ``case_id`` instead of fnr + orgnr in the HTTP API; the date must lie in that case (TF-7)."""
    sak = m.lagre(sykmelding())["case_id"]
    m.lagre(sykmelding(id="SM3", orgnr=ORG2))
    m.kjerne.oppdaterer.fang_opp()

    r = m.send({"type": "oppfolgingsplan_ferdig", "case_id": sak, "dato": "2025-01-29"})
    m.klokke.t = datetime(2025, 7, 1, 10, 0, tzinfo=OSLO)  # a plan is registered after its date (VAL-12)
    utenfor = m.send({"type": "oppfolgingsplan_ferdig", "case_id": sak, "dato": "2025-06-29"})

    assert r.status_code == 201
    assert r.json()["case_id"] == sak
    assert utenfor.status_code == 422
    assert (utenfor.json()["rule"], utenfor.json()["field"]) == ("VAL-8", "case_id")


def test_a_command_loads_its_person_once_named_case_and_repeat_included(
    m: Miljo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: the TF-7 check of a named case, the command and the answer to a repeat (VAL-4) read
    the person's stream once per command; the command-log row still comes with the events (AUD-2)."""
    sak = m.lagre(sykmelding())["case_id"]
    m.kjerne.oppdaterer.fang_opp()
    app = m.kjerne.app
    person_id = app.person_for_fnr(FNR)
    lastet: list[Any] = []
    hent = app.repository.get

    def tell(aggregate_id: Any, *a: Any, **kw: Any) -> Any:
        if aggregate_id == person_id:
            lastet.append(aggregate_id)
        return hent(aggregate_id, *a, **kw)

    monkeypatch.setattr(app.repository, "get", tell)
    logg_for = _lagret(m)[2]

    navngitt = m.send({"type": "oppfolgingsplan_ferdig", "case_id": sak, "dato": "2025-01-29"})
    etter_navngitt = len(lastet)
    gjentatt = m.send(sykmelding())
    m.klokke.t = datetime(2025, 7, 1, 10, 0, tzinfo=OSLO)
    utenfor = m.send({"type": "oppfolgingsplan_ferdig", "case_id": sak, "dato": "2025-06-29"})

    assert (navngitt.status_code, gjentatt.status_code, utenfor.status_code) == (201, 200, 422)
    assert gjentatt.json()["case_id"] == sak
    assert etter_navngitt == 1
    assert len(lastet) == 3
    assert _lagret(m)[2] == logg_for + 1  # the accepted one, with its events


def test_a_batch_is_refused_whole_when_one_command_cannot_be_read(m: Miljo) -> None:
    for_ = _lagret(m)

    r = m.klient.post(
        "/api/v1/hendelser/batch",
        json=[sykmelding(), sykmelding(id="SM2", fnr="12345678901")],
        headers=m.hoder("i", "SYSTEM"),
    )

    assert r.status_code == 422
    assert (r.json()["rule"], r.json()["field"]) == ("VAL-3", "[1].fnr")
    assert _lagret(m) == for_


def test_a_batch_applies_in_order_and_reports_each_command(m: Miljo) -> None:
    plan = {"type": "oppfolgingsplan_ferdig", "fnr": FNR, "orgnr": ORG1, "dato": "2025-01-29"}
    r = m.klient.post(
        "/api/v1/hendelser/batch",
        json=[plan, sykmelding(), plan, sykmelding()],  # the first plan has no case yet (VAL-8)
        headers=m.hoder("i", "SYSTEM"),
    )

    assert r.status_code == 200
    resultater = r.json()["results"]
    assert [x["status"] for x in resultater] == [422, 201, 201, 200]
    assert resultater[0]["problem"]["rule"] == "VAL-8"
    assert r.json()["position"] == m.kjerne.app.siste_posisjon()


def test_auditors_and_people_cannot_write(m: Miljo) -> None:
    """ACC-7: AUDITOR is read-only; only integrations (SYSTEM) send commands."""
    for_ = _lagret(m)

    svar = [m.send(sykmelding(), sub=s, rolle=r).status_code for s, r in [("a", "AUDITOR"), (FNR, "AT"), ("n", "NAV")]]

    assert svar == [403, 403, 403]
    assert _lagret(m) == for_
