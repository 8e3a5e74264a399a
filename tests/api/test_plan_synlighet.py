"""ACC-9: outside the employer side (NL, HR), AT and AUDITOR, the oppfølgingsplan milestone shows its due
date and only ``shared`` (with ``met_on`` and ``late``) or ``not_shared``, in the API and the web pages.
MS-7: ``late`` on milestones met after their due date.

The story (``api_hjelp.fortelling``): the plan of the ORG1 case is agreed on 2025-01-29 (due 2025-02-02)
and shared with the sykmelder only; BHT has consent ``mote_og_plan``, TV only ``mote``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.tilgang import Bruker, Rolle
from service.usecases.services import Tjenester
from service.web import oversikt, saksbilde

from .api_hjelp import FNR, ORG1, Miljo, fortelling, kl

DUE = "2025-02-02"


def _plan(milepeler: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in milepeler if m["kind"] == "oppfolgingsplan")


def _tjenester(m: Miljo) -> Tjenester:
    t: Tjenester = m.klient.app.state.tjenester  # type: ignore[attr-defined]
    return t


def test_nav_no_longer_sees_a_plan_shared_only_with_the_sykmelder(historie: Miljo) -> None:
    sak = historie.saker["ORG1"]

    en = historie.les(f"/api/v1/saker/{sak}", "NAV", "NAV").json()
    liste = historie.les("/api/v1/saker", "NAV", "NAV").json()["items"]
    tidslinje = historie.les(f"/api/v1/saker/{sak}/tidslinje", "NAV", "NAV").json()
    som_kjent = historie.les(f"/api/v1/saker/{sak}", "NAV", "NAV", params={"as_of": kl(date(2025, 2, 5))}).json()

    i_listen = _plan(next(x for x in liste if x["case_id"] == sak)["milestones"])
    for plan in (_plan(en["milestones"]), i_listen, _plan(tidslinje["milestones"]), _plan(som_kjent["milestones"])):
        assert plan == {"kind": "oppfolgingsplan", "due": DUE, "status": "not_shared", "met_on": None, "late": False}


@pytest.mark.parametrize(
    ("rolle", "sub", "status"),
    [
        ("SYKMELDER", "lege-1", "shared"),  # mottaker: sykmelder
        ("BHT", "bht-1", "shared"),  # consent mote_og_plan
        ("TV", "tv-1", "not_shared"),  # consent mote only
    ],
)
def test_participants_see_the_due_date_and_only_whether_the_plan_was_shared_with_them(
    historie: Miljo, rolle: str, sub: str, status: str
) -> None:
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", sub, rolle)

    assert r.status_code == 200
    assert [m["kind"] for m in r.json()["milestones"]] == ["oppfolgingsplan"]
    plan = _plan(r.json()["milestones"])
    assert (plan["due"], plan["status"]) == (DUE, status)
    assert plan["met_on"] == ("2025-01-29" if status == "shared" else None)
    assert plan["late"] is False


@pytest.mark.parametrize(("rolle", "sub"), [("AT", FNR), ("NL", "leder-A"), ("HR", "hr-1"), ("AUDITOR", "revisor-1")])
def test_the_employer_side_the_arbeidstaker_and_auditors_see_the_plan_in_full(
    historie: Miljo, rolle: str, sub: str
) -> None:
    r = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}/tidslinje", sub, rolle)

    plan = _plan(r.json()["milestones"])
    assert (plan["status"], plan["met_on"], plan["late"]) == ("met", "2025-01-29", False)


def test_a_plan_shared_with_nav_late_is_shared_and_late_for_nav(ny: Miljo) -> None:
    """MS-7 and ACC-9: agreed after its due date, then shared with NAV."""
    fortelling(ny)
    sak = {"fnr": FNR, "orgnr": ORG1}
    ny.lagre(
        {"type": "sykmelding", "id": "SM9", "fnr": FNR, "orgnr": "974760673", "sykmelder_id": "lege-9"}
        | {
            "perioder": [{"fom": "2025-01-06", "tom": "2025-03-28", "grad": 100}],
            "at": kl(date(2025, 1, 6), "08:00"),
        }
    )
    ny.lagre(
        sak | {"type": "oppfolgingsplan_delt", "dato": "2025-01-31", "mottaker": "nav", "at": kl(date(2025, 1, 31))}
    )
    annen = next(x["case_id"] for x in ny.les("/api/v1/saker", FNR, "AT").json()["items"] if x["orgnr"] == "974760673")
    annen_sak = {"fnr": FNR, "orgnr": "974760673"}
    ny.lagre(annen_sak | {"type": "oppfolgingsplan_ferdig", "dato": "2025-02-10", "at": kl(date(2025, 2, 10))})
    ny.lagre(
        annen_sak
        | {"type": "oppfolgingsplan_delt", "dato": "2025-02-10", "mottaker": "nav", "at": kl(date(2025, 2, 10))}
    )

    tidlig = _plan(ny.les(f"/api/v1/saker/{ny.saker['ORG1']}", "NAV", "NAV").json()["milestones"])
    sen = _plan(ny.les(f"/api/v1/saker/{annen}", "NAV", "NAV").json()["milestones"])
    for_at = _plan(ny.les(f"/api/v1/saker/{annen}", FNR, "AT").json()["milestones"])

    assert tidlig == {"kind": "oppfolgingsplan", "due": DUE, "status": "shared", "met_on": "2025-01-29", "late": False}
    assert sen == {"kind": "oppfolgingsplan", "due": DUE, "status": "shared", "met_on": "2025-02-10", "late": True}
    assert (for_at["status"], for_at["late"]) == ("met", True)


def test_the_web_pages_show_nav_the_plan_as_not_shared(historie: Miljo) -> None:
    t = _tjenester(historie)
    nav = Bruker("NAV", Rolle.NAV)
    sak = historie.saker["ORG1"]

    side = saksbilde.for_sak(t, nav, None, sak, "alt")
    liste = oversikt.oversikt(t, nav, None, oversikt.Filter(apen=None), 1)

    assert _plan(side.milepeler)["status"] == "not_shared"
    assert _plan(side.milepeler)["met_on"] is None
    linje = next(x for x in liste.linjer if x["case_id"] == sak)
    assert (_plan(linje["milepeler"])["status"], _plan(linje["milepeler"])["farge"]) == ("not_shared", "not_shared")
    assert "2025-01-29" not in repr(side.milepeler) + repr(linje)


def test_a_status_filter_never_tells_nav_which_cases_have_an_unshared_plan(ny: Miljo) -> None:
    """ACC-9 in the lists: the plan is the case's only met milestone and is shared with nobody."""
    sak = ny.lagre(
        {
            "type": "sykmelding",
            "id": "SM1",
            "fnr": FNR,
            "orgnr": ORG1,
            "sykmelder_id": "lege-1",
            "perioder": [{"fom": "2025-01-06", "tom": "2025-03-28", "grad": 100}],
            "at": kl(date(2025, 1, 6)),
        }
    )["case_id"]
    ny.lagre(
        {"type": "oppfolgingsplan_ferdig", "fnr": FNR, "orgnr": ORG1, "dato": "2025-01-29", "at": kl(date(2025, 1, 29))}
    )
    t = _tjenester(ny)

    at = ny.les("/api/v1/saker", FNR, "AT", params={"status": "met"}).json()["items"]
    nav = ny.les("/api/v1/saker", "NAV", "NAV", params={"status": "met"}).json()["items"]
    nav_plan = ny.les("/api/v1/saker", "NAV", "NAV", params={"status": "met", "milestone": "oppfolgingsplan"})
    web = oversikt.oversikt(t, Bruker("NAV", Rolle.NAV), None, oversikt.Filter(status="met"), 1)
    web_plan = oversikt.oversikt(
        t, Bruker("NAV", Rolle.NAV), None, oversikt.Filter(milepel="oppfolgingsplan", status="met"), 1
    )

    assert [x["case_id"] for x in at] == [sak]
    assert nav == []
    assert (nav_plan.status_code, nav_plan.json()["rule"]) == (400, "ACC-9")
    assert web.linjer == web_plan.linjer == []
    assert web.tellinger.per_status["met"] == 0
