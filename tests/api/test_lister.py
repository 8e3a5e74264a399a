"""Case lists with filters and keyset pagination, and the inbox, over seeded cases (SQLite and PostgreSQL).

The expected answers come from other code than the lists: ``projections.sporringer.saker_pa`` for
statuses and the domain's own ``Grunnlag.narmeste_leder`` for the leader rule (ACC-2).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from domain.kalender import OSLO
from domain.tilgang import pluss_maneder
from projections.sporringer import saker_pa
from projections.tabeller import paminnelser, saker
from service.devtools.seed import REFERANSEDATO, seed

from .api_hjelp import Miljo, miljo, postgres_schema

IDAG = REFERANSEDATO


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Miljo]:
    mappe = tmp_path_factory.mktemp("lister")
    klokke = datetime.combine(IDAG, time(12), OSLO)

    def fyll(m: Miljo) -> Miljo:
        seed(m.kjerne.app, 40, 3)
        m.kjerne.oppdaterer.fang_opp()
        m.posisjon = m.kjerne.app.siste_posisjon()
        return m

    if request.param == "sqlite":
        with miljo(f"sqlite:///{mappe / 'syfo.db'}", mappe, klokke) as m:
            yield fyll(m)
        return
    with postgres_schema() as url, miljo(url, mappe, klokke) as m:
        yield fyll(m)


def _alle(m: Miljo, sub: str, rolle: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every page, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        p = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        r = m.les("/api/v1/saker", sub, rolle, params=p)
        assert r.status_code == 200, r.text
        side = r.json()
        assert len(side["items"]) <= limit
        items += side["items"]
        cursor = side["next_cursor"]
        if cursor is None:
            return items


def _saker(m: Miljo) -> list[dict[str, Any]]:
    with m.kjerne.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(saker)).mappings()]


def test_pages_hold_every_case_once_newest_start_first(seeded: Miljo) -> None:
    items = _alle(seeded, "NAV", "NAV", limit=7)

    ider = [c["case_id"] for c in items]
    assert len(ider) == len(set(ider))
    assert set(ider) == {r["case_id"] for r in _saker(seeded)}
    nokler = [(c["start"], c["case_id"]) for c in items]
    assert nokler == sorted(nokler, reverse=True)


@pytest.mark.parametrize(
    "filtre",
    [
        {"milestone": "oppfolgingsplan", "status": "met"},
        {"milestone": "dialogmote_1", "status": "overdue"},
        {"status": "pending"},
        {"milestone": "aktivitetskrav", "due_from": "2026-01-01", "due_to": "2026-06-30"},
        {"due_from": "2026-10-01"},
        {"open": "true"},
        {"open": "false", "milestone": "maksdato", "status": "lapsed"},
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()),
)
def test_milestone_filters_hold_for_one_and_the_same_milestone(seeded: Miljo, filtre: dict[str, str]) -> None:
    with seeded.kjerne.engine.connect() as conn:
        fasit = saker_pa(conn, IDAG)

    def passer(c: dict[str, Any]) -> bool:
        if "open" in filtre and c["open"] != (filtre["open"] == "true"):
            return False
        milepel_filtre = {k for k in filtre if k != "open"}
        if not milepel_filtre:
            return True
        return any(
            filtre.get("milestone", m["kind"]) == m["kind"]
            and filtre.get("status", m["status"]) == m["status"]
            and (m["due"] is not None or not {"due_from", "due_to"} & milepel_filtre)
            and filtre.get("due_from", "0000") <= (m["due"] or "9999")
            and (m["due"] or "0000") <= filtre.get("due_to", "9999")
            for m in c["milestones"]
        )

    # AUDITOR sees every milestone in full; NAV may not filter on the oppfølgingsplan's status (ACC-9).
    items = _alle(seeded, "revisor-1", "AUDITOR", limit=10, **filtre)

    assert {c["case_id"] for c in items} == {c["case_id"] for c in fasit if passer(c)}


def test_virksomhet_and_leader_filters(seeded: Miljo) -> None:
    rader = _saker(seeded)
    orgnr = max({r["orgnr"] for r in rader}, key=lambda o: sum(r["orgnr"] == o for r in rader))
    leder = next(r["leder_id"] for r in rader if r["leder_id"])

    pa_org = _alle(seeded, "NAV", "NAV", limit=3, orgnr=orgnr)
    pa_leder = _alle(seeded, "revisor", "AUDITOR", limit=3, leder_id=leder)

    assert {c["case_id"] for c in pa_org} == {r["case_id"] for r in rader if r["orgnr"] == orgnr}
    assert {c["case_id"] for c in pa_leder} == {r["case_id"] for r in rader if r["leder_id"] == leder}
    assert all(c["fnr"] is None for c in pa_leder)  # ACC-7: pseudonymised by default


def test_a_leader_lists_exactly_the_cases_the_leader_rule_allows(seeded: Miljo) -> None:
    """ACC-2, computed here from the domain's own leader resolution (RP-9), page by page."""
    app = seeded.kjerne.app
    rader = _saker(seeded)
    grunnlag = {r["person_id"]: app.person(UUID(r["person_id"])).grunnlag(app.innstillinger) for r in rader}

    def tillatt(r: dict[str, Any], leder: str) -> bool:
        return grunnlag[r["person_id"]].narmeste_leder(r["orgnr"], IDAG) == leder and r[
            "start"
        ] <= IDAG <= pluss_maneder(r["slutt"], 4)

    ledere = sorted({r["leder_id"] for r in rader if r["leder_id"]})
    med_tilgang = [led for led in ledere if any(tillatt(r, led) for r in rader)]
    assert med_tilgang, "the seed should give some leader a current case"
    for leder in [*med_tilgang[:3], *[led for led in ledere if led not in med_tilgang][:2]]:
        items = _alle(seeded, leder, "NL", limit=1)
        assert {c["case_id"] for c in items} == {r["case_id"] for r in rader if tillatt(r, leder)}, leder
        assert all(c["access_basis"] == "ACC-2" for c in items)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "ikke-en-cursor"},
        {"cursor": "WzFd"},
        {"milestone": "ferie"},
        {"limit": 0},
        {"due_from": "2026-02-30"},
    ],
)
def test_bad_list_parameters_answer_400_naming_the_field(seeded: Miljo, params: dict[str, Any]) -> None:
    r = seeded.les("/api/v1/saker", "NAV", "NAV", params=params)

    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == next(iter(params))


def test_the_inbox_holds_the_sent_reminders_of_the_caller_page_by_page(seeded: Miljo) -> None:
    with seeded.kjerne.engine.connect() as conn:
        sendt = [dict(r) for r in conn.execute(select(paminnelser).where(paminnelser.c.status == "sent")).mappings()]
    mottakere = [r for r in sendt if r["rolle"] not in ("AT", "NAV") and r["mottaker_id"]]
    assert mottakere, "the seed should have sent some reminder"
    rolle, mottaker = mottakere[0]["rolle"], mottakere[0]["mottaker_id"]

    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = seeded.les(
            "/api/v1/meg/paminnelser", mottaker, rolle, params={"limit": 1} | ({"cursor": cursor} if cursor else {})
        )
        assert r.status_code == 200
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break

    forventet = [x for x in sendt if x["rolle"] == rolle and x["mottaker_id"] == mottaker]
    assert sorted(i["id"] for i in items) == sorted(x["id"] for x in forventet)
    tider = [i["sent_at"] for i in items]
    assert tider == sorted(tider, reverse=True)


def test_the_arbeidstakers_inbox_is_found_by_person_not_by_fnr(seeded: Miljo) -> None:
    """The reminders table holds no fnr (PRIV-3): the AT's own reminders are those of their person stream."""
    with seeded.kjerne.engine.connect() as conn:
        rad = conn.execute(
            select(paminnelser.c.person_id).where(paminnelser.c.status == "sent", paminnelser.c.rolle == "AT")
        ).first()
        assert rad is not None, "the seed should have sent the arbeidstaker something"
        fnr = conn.execute(select(saker.c.fnr).where(saker.c.person_id == rad.person_id)).scalars().first() or ""
        antall = len(
            conn.execute(
                select(paminnelser.c.id).where(
                    paminnelser.c.status == "sent",
                    paminnelser.c.rolle == "AT",
                    paminnelser.c.person_id == rad.person_id,
                )
            ).all()
        )

    r = seeded.les("/api/v1/meg/paminnelser", fnr, "AT", params={"limit": 200})

    assert r.status_code == 200
    assert len(r.json()["items"]) == antall
