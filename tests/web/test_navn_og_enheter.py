"""Names in the lists (PRIV-4) and NAV's lists per office (ACC-8), through the API and the pages (issue 16).

The demo data (``service.devtools.demodata``) names every employee and assigns them to NAV offices:
Kari Nordmann (0312, veileder NAV), Ola Berg (0312, ufordelt), Ingrid Johansen (4203, another veileder),
Sindre Nguyen (no office), Astrid Lie (4203, ufordelt) and Bjørn Dahl (1103, ufordelt). The demo NAV user
works for 0312 and 4203.
"""

from __future__ import annotations

import re
from typing import Any

import jwt
from sqlalchemy import select
from typer.testing import CliRunner

from projections.tabeller import saker
from service.cli import app as cli
from service.compliance.erasure import slett_fnr
from service.devtools import demodata

from .web_hjelp import P1, P2, P3, P4, P5, P6, Web

ENHETER = ("0312", "4203")


def _token(w: Web, sub: str, rolle: str, enheter: tuple[str, ...] = ()) -> str:
    from service.usecases.auth import lag_token

    return lag_token(w.settings.jwt_key.get_secret_value(), sub, rolle, enheter=enheter)


def _liste(w: Web, sub: str, rolle: str, enheter: tuple[str, ...] = (), **params: Any) -> Any:
    return w.klient.get(
        "/api/v1/saker",
        params={"limit": 200, **params},
        headers={"Authorization": "Bearer " + _token(w, sub, rolle, enheter)},
    )


def _navn(svar: Any) -> set[str]:
    assert svar.status_code == 200, svar.text
    return {i["name"] for i in svar.json()["items"]}


def _logg_inn(w: Web, sub: str, rolle: str, enheter: tuple[str, ...] = ()) -> None:
    w.klient.cookies.clear()
    r = w.post_innlogging({"token": _token(w, sub, rolle, enheter)})
    assert r.status_code == 303, r.text


def _rader(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)"', html)


# ---------------------------------------------------------------- API: ACC-8 views


def test_a_nav_list_defaults_to_the_offices_of_the_token(demo: Web) -> None:
    svar = _liste(demo, "NAV", "NAV", ENHETER)

    assert _navn(svar) == {P1.fulltnavn, P2.fulltnavn, P3.fulltnavn, P5.fulltnavn}
    assert svar.json()["view"] == "enhet"
    assert {i["nav_enhet"] for i in svar.json()["items"]} == set(ENHETER)


def test_min_oversikt_ufordelte_and_uten_enhet(demo: Web) -> None:
    assert _navn(_liste(demo, "NAV", "NAV", ENHETER, view="min")) == {P1.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", ENHETER, view="ufordelte")) == {P2.fulltnavn, P5.fulltnavn}
    # ACC-8: a person with no office is listed under "Uten enhet" for every NAV user, whatever their offices.
    assert _navn(_liste(demo, "NAV", "NAV", ("1103",), view="uten_enhet")) == {P4.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", ENHETER, view="uten_enhet")) == {P4.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", ("1103",))) == {P6.fulltnavn}


def test_a_token_without_offices_lists_every_case_and_a_single_case_stays_open(demo: Web) -> None:
    assert len(_navn(_liste(demo, "NAV", "NAV"))) == 6
    assert len(_navn(_liste(demo, "NAV", "NAV", ENHETER, view="alle"))) == 6
    # ACC-8: reading one case is open to every NAV user, whatever office the person belongs to.
    svar = demo.klient.get(
        f"/api/v1/saker/{demo.sak(P6)}", headers={"Authorization": "Bearer " + _token(demo, "NAV", "NAV", ("0312",))}
    )
    assert svar.status_code == 200


def test_only_nav_lists_have_views(demo: Web) -> None:
    svar = _liste(demo, demodata.LEDER, "NL", view="min")

    assert svar.status_code == 400
    assert svar.json()["rule"] == "ACC-8"


def test_a_token_with_a_malformed_office_is_refused(demo: Web) -> None:
    naa = jwt.decode(_token(demo, "NAV", "NAV"), options={"verify_signature": False})
    claims = naa | {"enheter": ["312"]}
    token = jwt.encode(claims, demo.settings.jwt_key.get_secret_value(), algorithm="HS256")

    svar = demo.klient.get("/api/v1/saker", headers={"Authorization": "Bearer " + token})

    assert svar.status_code == 401


def test_syfo_token_sets_the_offices_claim(monkeypatch: Any) -> None:
    monkeypatch.setenv("SYFO_JWT_KEY", "k" * 40)
    r = CliRunner().invoke(cli, ["token", "--sub", "Z990001", "--role", "NAV", "--enhet", "0312", "--enhet", "4203"])
    feil = CliRunner().invoke(cli, ["token", "--sub", "Z990001", "--role", "NAV", "--enhet", "312"])
    ikke_nav = CliRunner().invoke(cli, ["token", "--sub", "leder-1", "--role", "NL", "--enhet", "0312"])

    assert r.exit_code == 0, r.output
    claims = jwt.decode(r.output.strip(), "k" * 40, algorithms=["HS256"], options={"verify_iss": False})
    assert claims["enheter"] == ["0312", "4203"]
    assert (feil.exit_code, ikke_nav.exit_code) == (2, 2)
    assert "--enhet" in feil.output


# ---------------------------------------------------------------- API: PRIV-4 names, search and masking


def test_search_by_name_or_by_the_start_of_the_fnr(demo: Web) -> None:
    assert _navn(_liste(demo, "NAV", "NAV", q="kari")) == {P1.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", q="INGRID johansen")) == {P3.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", q=P3.fnr[:6])) == {P3.fulltnavn}
    assert _navn(_liste(demo, "NAV", "NAV", q="%")) == set()  # a LIKE wildcard is a character, not a pattern


def test_names_first_and_the_fnr_masked_except_for_at_and_nav(demo: Web) -> None:
    leder = {i["case_id"]: i for i in _liste(demo, demodata.LEDER, "NL").json()["items"]}
    hr = {i["case_id"]: i for i in _liste(demo, "hr-demo-a", "HR", orgnr=demodata.ORG_A).json()["items"]}
    nav = {i["case_id"]: i for i in _liste(demo, "NAV", "NAV").json()["items"]}
    egen = _liste(demo, P1.fnr, "AT").json()["items"]
    revisor = _liste(demo, demodata.REVISOR, "AUDITOR").json()["items"]

    p1 = leder[demo.sak(P1)]
    assert p1["name"] == "Kari Nordmann"
    assert p1["fnr"] == f"{P1.fnr[:6]} *****"
    assert p1["employer_name"] == demodata.VIRKSOMHETSNAVN[demodata.ORG_A]
    assert p1["leader_name"] == demodata.LEDERNAVN[demodata.LEDER]
    assert hr[demo.sak(P1)]["fnr"] == f"{P1.fnr[:6]} *****"
    assert nav[demo.sak(P1)]["fnr"] == P1.fnr
    assert egen[0]["fnr"] == P1.fnr
    assert egen[0]["name"] == "Kari Nordmann"
    # ACC-7: the auditor sees pseudonyms, no names and no identity numbers.
    assert all(i["name"] is None and i["fnr"] is None and i["employer_name"] is None for i in revisor)


def test_names_are_purged_on_erasure(ny: Web) -> None:
    slett_fnr(ny.kjerne, P2.fnr)
    ny.kjerne.oppdaterer.fang_opp()

    with ny.kjerne.engine.connect() as conn:
        navn = {r.navn for r in conn.execute(select(saker.c.navn))}

    assert P2.fulltnavn not in navn
    assert P1.fulltnavn in navn


# ---------------------------------------------------------------- the NAV page


def test_the_nav_page_lists_the_offices_with_names_views_and_a_legend(demo: Web) -> None:
    _logg_inn(demo, "NAV", "NAV", ENHETER)

    html = demo.klient.get("/oversikt").text

    assert set(_rader(html)) == {demo.sak(a) for a in (P1, P2, P3, P5)}
    assert "Kari Nordmann" in html
    assert P1.fnr in html
    assert re.search(r'data-visning="uten_enhet"[^>]*>Uten enhet <span[^>]*>\(1\)', html)
    assert re.search(r'data-visning="ufordelte"[^>]*>Ufordelte <span[^>]*>\(2\)', html)
    assert "<dt>DM1</dt><dd>Dialogmøte 1</dd>" in html
    assert "enhetene 0312, 4203" in html


def test_the_nav_page_sorts_and_searches(demo: Web) -> None:
    _logg_inn(demo, "NAV", "NAV", ENHETER)

    stigende = demo.klient.get("/oversikt?visning=alle&sorter=navn").text
    synkende = demo.klient.get("/oversikt?visning=alle&sorter=navn&retning=synkende").text
    sok = demo.klient.get("/oversikt?visning=alle&sok=berg").text

    etter_navn = [demo.sak(a) for a in sorted(demodata.ANSATTE, key=lambda a: a.fulltnavn)]
    assert _rader(stigende) == etter_navn
    assert _rader(synkende) == etter_navn[::-1]
    assert 'aria-sort="ascending"' in stigende
    assert _rader(sok) == [demo.sak(P2)]
    assert re.search(r'id="antall"[^>]*><strong>1</strong> sak<', sok)


def test_a_veileder_assigns_and_unassigns_from_the_page(ny: Web) -> None:
    _logg_inn(ny, "Z990099", "NAV", ENHETER)
    side = ny.klient.get("/oversikt?visning=ufordelte").text
    csrf = ny.csrf(side)

    tildelt = ny.klient.post(
        "/oversikt/tildeling",
        data={"csrf": csrf, "case_id": ny.sak(P2), "enhet": "0312", "handling": "meg", "tilbake": "visning=min"},
        follow_redirects=True,
    )
    etter_fjerning = ny.klient.post(
        "/oversikt/tildeling",
        data={
            "csrf": csrf,
            "case_id": ny.sak(P2),
            "enhet": "0312",
            "handling": "fjern",
            "tilbake": "visning=ufordelte",
        },
        follow_redirects=True,
    )

    assert tildelt.status_code == 200
    assert _rader(tildelt.text) == [ny.sak(P2)]  # "Min oversikt" now holds the case
    assert "Tildelingen er lagret." in tildelt.text
    assert ny.sak(P2) in _rader(etter_fjerning.text)
    assert ny.klient.get("/oversikt?visning=min").text.count("<tr data-case=") == 0


def test_only_nav_assigns(ny: Web) -> None:
    ny.logg_inn(demodata.REVISOR, "AUDITOR")
    csrf = ny.csrf(ny.klient.get("/oversikt").text) if 'name="csrf"' in ny.klient.get("/oversikt").text else ""
    svar = ny.klient.post(
        "/oversikt/tildeling", data={"csrf": csrf, "case_id": ny.sak(P2), "enhet": "0312", "handling": "meg"}
    )

    assert svar.status_code == 403


# ---------------------------------------------------------------- the HR page


def test_hr_lists_its_virksomhet_with_names_and_masked_fnr(demo: Web) -> None:
    demo.logg_inn("hr-demo-a", "HR")

    hjem = demo.klient.get("/", follow_redirects=False)
    html = demo.klient.get("/hr").text
    sok = demo.klient.get("/hr?sok=ola").text
    sok_fnr = demo.klient.get(f"/hr?sok={P3.fnr[:6]}").text

    assert hjem.headers["location"] == "/hr"
    assert set(_rader(html)) == {demo.sak(a) for a in (P1, P2, P3, P6)}  # ACC-4: virksomhet A only
    assert "Kari Nordmann" in html
    assert f"{P1.fnr[:6]} *****" in html
    assert P1.fnr not in html
    assert P4.fulltnavn not in html
    assert _rader(sok) == [demo.sak(P2)]
    assert _rader(sok_fnr) == [demo.sak(P3)]


def test_hr_sees_overdue_cases_first(demo: Web) -> None:
    demo.logg_inn("hr-demo-a", "HR")

    html = demo.klient.get("/hr").text
    rader = re.findall(r'<tr data-case="[^"]+"[^>]*>(.*?)</tr>', html, re.S)

    forfalte = ['data-status="overdue"' in r or "data-eskalert" in r for r in rader]
    assert forfalte == sorted(forfalte, reverse=True)
    assert forfalte[0]
