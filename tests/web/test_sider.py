"""The pages over the real app: login, the leader's list and buttons, the timeline, the auditor's replay.

Rules: ACC-1 (default deny, 404 for a refused case), ACC-2/ACC-3 (the leader's own employees at its
own virksomhet), ACC-7 (the auditor, pseudonymised), AUD-1 (each view logged), AUD-2 (who sent a
command), OP-3 and DM1-4 (the leader's buttons), T-7 (as known at), VAL-9 (a refused command stores
nothing). The demo cases are dated relative to IDAG (``service.devtools.demodata``).
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.kalender import OSLO
from projections.tabeller import kommandologg, revisjonslogg, saker
from service.devtools import demodata
from service.devtools.seed import syntetisk_fnr
from service.web.maler import dato

from .web_hjelp import KLOKKE, P1, P2, P3, P4, P5, P6, Web, dag, web


def _rader(html: str) -> list[str]:
    return re.findall(r'<tr id="sak-[^"]+" data-case="([^"]+)"', html)


def _milepel(html: str, case_id: str, kind: str) -> str:
    rad = html[html.index(f'data-case="{case_id}"') :]
    rad = rad[: rad.index("</tr>")]
    m = re.search(rf'data-milepel="{kind}" data-status="([a-z_]+)"', rad)
    assert m is not None
    return m.group(1)


def _revisjoner(w: Web, **filter: Any) -> list[dict[str, Any]]:
    q = select(revisjonslogg)
    for navn, verdi in filter.items():
        q = q.where(revisjonslogg.c[navn] == verdi)
    w.kjerne.revisjon.flush()  # AUD-1 records are written behind the reads, in batches
    with w.kjerne.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q.order_by(revisjonslogg.c.id)).mappings()]


# ---------------------------------------------------------------- login


def test_a_page_without_a_session_sends_the_caller_to_the_login_form_and_back(demo: Web) -> None:
    demo.klient.cookies.clear()

    r = demo.klient.get("/mine-sykmeldte?virksomhet=1", follow_redirects=False)

    assert r.status_code == 303
    assert r.headers["location"] == "/logg-inn?neste=%2Fmine-sykmeldte%3Fvirksomhet%3D1"


def test_the_login_form_takes_the_api_token_into_an_httponly_strict_cookie(demo: Web) -> None:
    demo.klient.cookies.clear()

    r = demo.post_innlogging({"token": demo.token("leder-demo", "NL"), "neste": "/saker"})

    assert r.status_code == 303
    assert r.headers["location"] == "/saker"
    cookie = r.headers["set-cookie"].lower()
    assert "syfo_okt=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_an_invalid_token_is_refused_and_an_outside_address_is_never_the_next_page(demo: Web) -> None:
    demo.klient.cookies.clear()

    feil = demo.post_innlogging({"token": "not-a-jwt"})
    godt = demo.post_innlogging({"token": demo.token("NAV", "NAV"), "neste": "//evil.example/"})

    assert feil.status_code == 401
    assert "Ugyldig eller utløpt token" in feil.text
    assert godt.headers["location"] == "/"


def test_the_pages_send_headers_that_keep_personal_data_out_of_caches_and_frames(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    r = demo.klient.get("/mine-sykmeldte")

    assert r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert 'lang="nb"' in r.text


def test_the_pages_are_not_part_of_the_api_document(demo: Web) -> None:
    stier = demo.klient.get("/openapi.json").json()["paths"]

    # The calendar feed is for calendar clients, not a page: it is documented with the API.
    assert not [s for s in stier if not s.startswith(("/api/", "/health", "/metrics", "/kalender/"))]


# ---------------------------------------------------------------- demo login


def test_the_demo_login_lists_demo_users_and_logs_in_locally(demo: Web) -> None:
    demo.klient.cookies.clear()

    side = demo.klient.get("/demo-innlogging")
    data = {"sub": "leder-demo", "rolle": "NL", "csrf": demo.csrf(side.text)}
    r = demo.klient.post("/demo-innlogging", data=data, follow_redirects=True)

    assert side.status_code == 200
    assert 'data-sub="leder-demo"' in side.text
    assert 'data-rolle="AUDITOR"' in side.text
    assert r.url.path == "/mine-sykmeldte"


@pytest.mark.parametrize(
    ("vert", "klient"),
    [
        ("http://127.0.0.1", "203.0.113.9"),  # another machine
        ("http://syfo.example", "127.0.0.1"),  # a reverse proxy on this machine, for a public name
    ],
)
def test_the_demo_login_does_not_exist_for_another_machine(demo: Web, vert: str, klient: str) -> None:
    from fastapi.testclient import TestClient

    with TestClient(demo.klient.app, base_url=vert, client=(klient, 40000)) as annen:
        side = annen.get("/demo-innlogging")
        post = annen.post("/demo-innlogging", data={"sub": "NAV", "rolle": "NAV"}, follow_redirects=False)

    assert (side.status_code, post.status_code) == (404, 404)


def test_the_demo_login_does_not_exist_unless_the_setting_turns_it_on(ny: Web) -> None:
    assert ny.settings.demo_login is False

    assert ny.klient.get("/demo-innlogging").status_code == 404
    assert "demo-innlogging" not in ny.klient.get("/logg-inn").text


# ---------------------------------------------------------------- Mine sykmeldte


def test_the_leader_sees_only_its_own_employees_most_urgent_first(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    html = demo.klient.get("/mine-sykmeldte").text

    forfalt, snart_3, snart_5 = (demo.sak(a) for a in (P1, P4, P2))
    uten_frister = sorted(demo.sak(a) for a in (P3, P6))
    assert _rader(html) == [forfalt, snart_3, snart_5, *uten_frister]  # overdue, due soon by date, none
    assert demo.sak(P5) not in html  # ACC-2: another leader's employee
    assert P5.fnr not in html
    assert _milepel(html, forfalt, "oppfolgingsplan") == "overdue"
    # The leader sees the five milestones about the employer's follow-up; dialogmøte 3 and maksdato
    # count sick days at other employers and are NAV-only data (ACC-3).
    assert _milepel(html, forfalt, "motebehov") is not None
    assert _milepel(html, forfalt, "dialogmote_2") is not None
    assert 'data-milepel="dialogmote_3"' not in html
    assert 'data-milepel="maksdato"' not in html


def test_the_virksomhet_filter_narrows_the_list_and_counts_each_virksomhet(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    html = demo.klient.get(f"/mine-sykmeldte?virksomhet={demodata.ORG_B}").text

    assert _rader(html) == [demo.sak(P4)]
    assert f"{demodata.ORG_A} (4)" in html
    assert f"{demodata.ORG_B} (1)" in html


def test_each_case_shown_on_the_list_is_logged_and_no_other(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")
    for_ = len(_revisjoner(demo, visning="web:mine-sykmeldte"))

    demo.klient.get(f"/mine-sykmeldte?virksomhet={demodata.ORG_B}")

    nye = _revisjoner(demo, visning="web:mine-sykmeldte")[for_:]
    assert [(r["case_id"], r["rolle"], r["grunnlag"], r["aktor_id"]) for r in nye] == [
        (demo.sak(P4), "NL", "ACC-2", "leder-demo")
    ]


def test_plan_agreed_sends_the_api_command_and_the_milestone_turns_met(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    sak = ny.sak(P1)

    r = ny.send(sak, {"type": "oppfolgingsplan_ferdig", "dato": dag(0).isoformat()})
    side = ny.klient.get(r.headers["location"])

    assert r.status_code == 303
    assert "min_position=" in r.headers["location"]
    assert _milepel(side.text, sak, "oppfolgingsplan") == "met"  # OP-3, late: met with met_on after due
    assert "Registrert: Plan avtalt" in side.text
    with ny.kjerne.engine.connect() as conn:
        logg = conn.execute(select(kommandologg).where(kommandologg.c.case_id == sak)).mappings().all()
    assert [(x["type"], x["rolle"], x["aktor_id"]) for x in logg] == [("oppfolgingsplan_ferdig", "NL", "leder-demo")]


def test_a_meeting_called_and_held_meets_dialogmote_1(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    sak = ny.sak(P1)
    mote_id = "web-0123456789abcdef"

    innkalt = ny.send(sak, {"type": "dialogmote_innkalt", "id": mote_id, "tidspunkt": f"{dag(-1).isoformat()}T10:00"})
    side = ny.klient.get(innkalt.headers["location"]).text
    holdt = ny.send(sak, {"type": "dialogmote_avholdt", "id": mote_id, "dato": dag(-1).isoformat()})
    etter = ny.klient.get(holdt.headers["location"]).text

    assert (innkalt.status_code, holdt.status_code) == (303, 303)
    assert f'name="id" value="{mote_id}"' in side  # the "held" form appears for the called meeting
    assert _milepel(etter, sak, "dialogmote_1") == "met"  # DM1-4


def test_a_form_without_its_csrf_token_is_refused_and_stores_nothing(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    posisjon = ny.kjerne.app.siste_posisjon()

    r = ny.klient.post(
        f"/mine-sykmeldte/{ny.sak(P1)}/hendelser",
        data={"type": "oppfolgingsplan_ferdig", "dato": dag(0).isoformat(), "csrf": "0" * 40},
    )

    assert r.status_code == 403
    assert ny.kjerne.app.siste_posisjon() == posisjon


def test_a_leader_cannot_act_on_another_leaders_employee(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    posisjon = ny.kjerne.app.siste_posisjon()

    r = ny.send(ny.sak(P5), {"type": "oppfolgingsplan_ferdig", "dato": dag(0).isoformat()})

    assert r.status_code == 404  # ACC-1: as if the case did not exist
    assert ny.kjerne.app.siste_posisjon() == posisjon


def test_a_leader_registers_the_employers_duties_only(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    posisjon = ny.kjerne.app.siste_posisjon()

    r = ny.send(
        ny.sak(P1),
        {"type": "unntak", "frist": "aktivitetskrav", "arsak": "MEDISINSKE_GRUNNER", "dato": dag(0).isoformat()},
    )

    assert r.status_code == 403  # MS-5: the aktivitetskrav exemption is NAV's
    assert ny.kjerne.app.siste_posisjon() == posisjon


def test_a_command_the_rules_refuse_names_its_rule_and_stores_nothing(ny: Web) -> None:
    ny.logg_inn("leder-demo", "NL")
    posisjon = ny.kjerne.app.siste_posisjon()

    r = ny.send(
        ny.sak(P1),
        {"type": "unntak", "frist": "oppfolgingsplan", "arsak": "GRADERT_DIALOG_FUNGERER", "dato": dag(0).isoformat()},
    )

    assert r.status_code == 422  # VAL-6: only for graded leave, and P1 is 100 % sick
    assert "VAL-6" in r.text
    assert ny.kjerne.app.siste_posisjon() == posisjon


def test_the_list_is_for_leaders(demo: Web) -> None:
    demo.logg_inn("NAV", "NAV")

    assert demo.klient.get("/mine-sykmeldte").status_code == 403


# ---------------------------------------------------------------- the case timeline


def test_the_timeline_picture_has_its_rows_pins_today_line_and_the_same_data_as_a_table(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")
    sak = demo.sak(P1)

    html = demo.klient.get(f"/saker/{sak}").text

    svg = html[html.index('<svg class="tidslinje-svg"') : html.index("</svg>", html.index("tidslinje-svg"))]
    assert 'role="img"' in svg
    assert '<title id="tl-tittel">' in svg
    assert '<desc id="tl-desc">' in svg
    for rad in ("Sykmeldt", "Arbeidsgiver", "Sykmelder", "NAV", "Tillitsvalgt m.fl."):
        assert f">{rad}</text>" in svg
    # The leader's five milestones (ACC-3: not dialogmøte 3, not maksdato); the picture shows those due
    # within the case or soon after, the list above it all five.
    liste = html[html.index('<ul class="frister brede">') : html.index("</ul>", html.index("frister brede"))]
    assert liste.count("data-milepel=") == 5
    assert 'data-milepel="maksdato"' not in liste
    assert 'data-milepel="dialogmote_3"' not in liste
    assert 4 <= svg.count('data-art="frist"') <= 5
    assert ">Maks</text>" not in svg
    assert ">DM3</text>" not in svg
    assert 'data-art="frist" data-stil="overdue"' in svg
    assert 'class="idag"' in svg
    assert "100 %" in svg  # the sick note's bar, labelled with its grade
    tabell = html[html.index('id="tidslinje-tabell"') :]
    assert tabell.count('<tr data-art="') == html.count('<g class="el"')
    assert f"Oppfølgingsplan: frist {dato(dag(-13))}, forfalt" in tabell


def test_the_window_choices_narrow_the_picture(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")
    sak = demo.sak(P6)

    hele = demo.klient.get(f"/saker/{sak}").text
    maned = demo.klient.get(f"/saker/{sak}?vindu=1m").text

    assert f"fra {dato(dag(-31))} til {dato(dag(14))}" in maned
    assert maned.count('<g class="el"') < hele.count('<g class="el"')
    assert "utenfor valgt tidsrom" in maned


def test_a_long_case_stays_readable(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    html = demo.klient.get(f"/saker/{demo.sak(P6)}").text

    assert html.count('data-art="stolpe"') >= 17  # one bar per sick-note period
    assert len(re.findall(r'<g class="rad" data-rad=', html)) == 6


def test_a_refused_case_and_a_missing_case_give_the_same_page_and_no_audit_record(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")
    for_ = len(_revisjoner(demo, aktor_id="leder-demo", visning="tidslinje"))

    nektet = demo.klient.get(f"/saker/{demo.sak(P5)}")
    mangler = demo.klient.get("/saker/00000000-0000-0000-0000-000000000000")

    assert (nektet.status_code, mangler.status_code) == (404, 404)
    assert nektet.text.replace(demo.sak(P5), "X") == mangler.text.replace("00000000-0000-0000-0000-000000000000", "X")
    assert len(_revisjoner(demo, aktor_id="leder-demo", visning="tidslinje")) == for_


def test_a_timeline_view_writes_one_audit_record_with_its_access_basis(demo: Web) -> None:
    demo.logg_inn("NAV", "NAV")
    sak = demo.sak(P2)
    for_ = len(_revisjoner(demo, case_id=sak))

    demo.klient.get(f"/saker/{sak}?vindu=3m")

    nye = _revisjoner(demo, case_id=sak)[for_:]
    assert [(r["visning"], r["rolle"], r["grunnlag"]) for r in nye] == [("tidslinje", "NAV", "ACC-6")]


# ---------------------------------------------------------------- the auditor


def test_the_auditor_sees_the_deadlines_as_known_before_the_late_sick_note(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sak = demo.sak(P4)

    na = demo.klient.get(f"/revisjon/saker/{sak}").text
    for_ = demo.klient.get(f"/revisjon/saker/{sak}?as_of={dag(-4).isoformat()}T12:00").text

    # T-7: the late note (received IDAG-3) moved S from IDAG-10 to IDAG-24, so the plan's due date too.
    assert f'data-milepel="oppfolgingsplan" data-status="pending" data-due="{dag(3).isoformat()}"' in na
    assert f'data-milepel="oppfolgingsplan" data-status="pending" data-due="{dag(17).isoformat()}"' in for_
    assert 'data-kjent="nei"' in for_
    assert 'data-kjent="nei"' not in na
    assert P4.fnr not in na
    assert P4.fnr not in for_


def test_the_auditors_replay_is_logged_as_history_and_as_of(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")
    sak = demo.sak(P3)
    for_ = len(_revisjoner(demo, case_id=sak))

    demo.klient.get(f"/revisjon/saker/{sak}?as_of={dag(-30).isoformat()}")

    nye = _revisjoner(demo, case_id=sak)[for_:]
    assert [(r["visning"], r["grunnlag"]) for r in nye] == [
        ("historikk", "ACC-7"),
        ("sak:as_of", "ACC-7"),
        ("lesninger", "ACC-7"),  # the read log on the page is case data too (AUD-1)
    ]


def test_before_the_case_was_known_the_auditor_is_told_so(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")

    html = demo.klient.get(f"/revisjon/saker/{demo.sak(P1)}?as_of={dag(-100).isoformat()}").text

    assert "Saken var ikke kjent ennå" in html


def test_the_auditor_page_shows_the_integrity_check_where_the_service_has_one(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")

    html = demo.klient.get(f"/revisjon/saker/{demo.sak(P2)}").text

    if importlib.util.find_spec("service.compliance.verify") is None:
        assert 'data-resultat="ikke-tilgjengelig"' in html
    else:
        assert 'data-resultat="ok"' in html


def test_only_the_auditor_and_the_employee_open_the_replay(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    assert demo.klient.get(f"/revisjon/saker/{demo.sak(P1)}").status_code == 404  # HISTORIKKLESERE


# ---------------------------------------------------------------- NAV's overview


def test_nav_overview_lists_every_open_case_with_counts_per_filter(demo: Web) -> None:
    demo.logg_inn("NAV", "NAV")

    html = demo.klient.get("/oversikt").text
    dialogmote = demo.klient.get("/oversikt?milepel=dialogmote_1&status=pending").text
    plan_for_nav = demo.klient.get("/oversikt?milepel=oppfolgingsplan&status=overdue").text
    demo.logg_inn("revisor-1", "AUDITOR")
    forfalt = demo.klient.get("/oversikt?milepel=oppfolgingsplan&status=overdue").text

    assert re.search(r'id="antall"[^>]*><strong>6</strong>', html)
    assert "ingen NAV-enhet" in html
    assert re.search(r'id="antall"[^>]*><strong>[1-9]', dialogmote)
    # ACC-9: NAV cannot tell from a filter which plans exist; the auditor sees them in full.
    assert re.search(r'id="antall"[^>]*><strong>0</strong>', plan_for_nav)
    assert re.search(r'id="antall"[^>]*><strong>2</strong>', forfalt)  # P1 and P5
    assert sorted(re.findall(r'<tr data-case="([^"]+)"', forfalt)) == sorted([demo.sak(P1), demo.sak(P5)])
    assert 'value="overdue" selected>Forfalt (2)' in forfalt


def test_nav_overview_filters_on_due_dates(demo: Web) -> None:
    demo.logg_inn("NAV", "NAV")

    html = demo.klient.get(
        f"/oversikt?milepel=oppfolgingsplan&frist_fra={dag(1).isoformat()}&frist_til={dag(5).isoformat()}"
    ).text

    assert re.findall(r'<tr data-case="([^"]+)"', html) == [demo.sak(P4), demo.sak(P2)]  # by due date


def test_the_auditors_overview_shows_no_identity_numbers(demo: Web) -> None:
    demo.logg_inn(demodata.REVISOR, "AUDITOR")

    html = demo.klient.get("/oversikt").text

    assert all(a.fnr not in html for a in demodata.ANSATTE)
    assert f"/revisjon/saker/{demo.sak(P1)}" in html


def test_the_leaderless_filter_lists_open_cases_without_a_leader(ny: Web) -> None:
    uten_leder = syntetisk_fnr(date(1990, 2, 2), 300)
    kommando = {
        "type": "sykmelding",
        "id": "web-test-ufordelt",
        "fnr": uten_leder,
        "orgnr": demodata.ORG_A,
        "perioder": [{"fom": dag(-5).isoformat(), "tom": dag(5).isoformat(), "grad": 100}],
        "at": KLOKKE.isoformat(),
    }
    svar = ny.klient.post(
        "/api/v1/hendelser", json=kommando, headers={"Authorization": "Bearer " + ny.token("i", "SYSTEM")}
    )
    ny.logg_inn("NAV", "NAV")

    html = ny.klient.get(f"/oversikt?uten_leder=1&min_position={svar.json()['position']}").text

    assert re.findall(r'<tr data-case="([^"]+)"', html) == [svar.json()["case_id"]]
    assert "Ingen nærmeste leder" in html


def test_the_overview_is_for_nav_and_auditors(demo: Web) -> None:
    demo.logg_inn("leder-demo", "NL")

    assert demo.klient.get("/oversikt").status_code == 403


def test_the_employee_sees_their_own_cases_at_home(demo: Web) -> None:
    demo.logg_inn(P2.fnr, "AT")

    html = demo.klient.get("/").text

    assert f"/saker/{demo.sak(P2)}" in html
    assert demo.klient.get(f"/saker/{demo.sak(P2)}").status_code == 200  # ACC-5
    assert demo.klient.get(f"/saker/{demo.sak(P1)}").status_code == 404


def test_the_shared_files_are_served_and_the_palette_is_generated(demo: Web) -> None:
    css = demo.klient.get("/static/palett.css")

    assert css.status_code == 200
    assert "--overdue-tekst" in css.text
    assert demo.klient.get("/static/stil.css").status_code == 200
    assert demo.klient.get("/static/sider.js").headers["content-type"].startswith("text/javascript")
    assert demo.klient.get("/static/..%2Fsider.py").status_code == 404


def test_the_leaders_list_has_no_cap_it_pages_and_logs_only_the_page_shown(
    demo: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.web import lederliste

    monkeypatch.setattr(lederliste, "SIDESTORRELSE", 2)
    demo.logg_inn("leder-demo", "NL")
    alle = _rader(demo.klient.get("/mine-sykmeldte?side=1").text)
    for_ = len(_revisjoner(demo, visning="web:mine-sykmeldte"))

    side2 = demo.klient.get("/mine-sykmeldte?side=2").text
    side3 = demo.klient.get("/mine-sykmeldte?side=3").text

    assert len(alle) == 2
    assert _rader(side2) == [demo.sak(P2), sorted(demo.sak(a) for a in (P3, P6))[0]]  # urgency order goes on
    assert len(_rader(side3)) == 1
    assert "side 2 av 3" in side2
    assert [r["case_id"] for r in _revisjoner(demo, visning="web:mine-sykmeldte")[for_:]] == [
        *_rader(side2),
        *_rader(side3),
    ]


def test_nav_overview_pages_through_every_match(demo: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.web import oversikt

    monkeypatch.setattr(oversikt, "SIDESTORRELSE", 4)
    demo.logg_inn("NAV", "NAV")

    forste = re.findall(r'<tr data-case="([^"]+)"', demo.klient.get("/oversikt").text)
    andre = re.findall(r'<tr data-case="([^"]+)"', demo.klient.get("/oversikt?side=2").text)

    assert (len(forste), len(andre)) == (4, 2)
    assert set(forste) | set(andre) == {demo.sak(a) for a in demodata.ANSATTE}


@pytest.mark.slow
def test_a_case_with_200_events_renders_every_item_in_bounded_rows(tmp_path: Path) -> None:
    from domain.kommandoer import les_kommando
    from service.web.tidslinjebilde import BANE, MAKS_BANER, RADMARG

    with web(f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path) as ny:
        _stor_sak(ny, les_kommando, BANE * MAKS_BANER + 2 * RADMARG)


def _stor_sak(ny: Web, les_kommando: Any, maks_hoyde: float) -> None:

    fnr = syntetisk_fnr(date(1975, 5, 5), 310)
    start = dag(-600)
    app = ny.kjerne.app
    for i in range(200):  # 200 sick notes of three days each, back to back: one long case
        fom = start + timedelta(days=3 * i)
        d = {
            "type": "sykmelding",
            "id": f"web-stor-{i}",
            "fnr": fnr,
            "orgnr": demodata.ORG_A,
            "perioder": [{"fom": fom.isoformat(), "tom": (fom + timedelta(days=2)).isoformat(), "grad": 60}],
            "at": datetime.combine(fom, time(9), OSLO).isoformat(),
        }
        app.behandle(les_kommando(d, valider_identer=True))
    ny.kjerne.oppdaterer.fang_opp()
    pid = str(app.person_for_fnr(fnr))
    with ny.kjerne.engine.connect() as conn:
        sak = conn.execute(select(saker.c.case_id).where(saker.c.person_id == pid)).scalar_one()
    ny.logg_inn("NAV", "NAV")

    html = ny.klient.get(f"/saker/{sak}").text

    assert html.count('<g class="el" data-art="stolpe"') == 200
    assert html.count('<tr data-art="') == html.count('<g class="el"') >= 400  # bars and "received" markers
    hoyder = [float(h) for h in re.findall(r'<rect x="0" y="[\d.]+" width="1000" height="([\d.]+)"', html)]
    assert len(hoyder) == 6  # one band per row
    assert max(hoyder) <= maks_hoyde  # a crowded row gets at most MAKS_BANER lanes


@pytest.mark.parametrize(
    ("milepel", "status"),
    [("oppfolgingsplan", "overdue"), ("oppfolgingsplan", "met"), ("dialogmote_1", "pending"), (None, None)],
)
def test_the_overview_filters_mean_what_the_api_list_filters_mean(
    demo: Web, milepel: str | None, status: str | None
) -> None:
    from projections import lister
    from service.web import oversikt

    with demo.kjerne.engine.connect() as conn:
        web = oversikt.rader(conn, oversikt.Filter(milepel=milepel, status=status, apen=None), dag(0), 0, 500)
        api = lister.list_saker(conn, lister.Sakfilter(milepel=milepel, status=status), dag(0), None, 500)
        antall = oversikt.tell(conn, oversikt.Filter(milepel=milepel, status=status, apen=None), dag(0))

    assert {r["case_id"] for r in web} == {r["case_id"] for r in api}
    assert antall == len(api)
