"""The leader's pages and the timeline picture in real headless Chromium, at 1280 px and at 390 px.

``syfo serve --demo`` runs as a real process on loopback (as in ``test_nettleser``); each test adds its
own employees through the API (``narmeste_leder``, ``sykmelding``, ``person``) so the two widths never
share a case. Rules: PRIV-4 (names first), MS-7 (``late``), DM1-5 (called, held, cancelled), VAL-12
(held not before the meeting), ACC-3 (dialogmøte 3 and maksdato are NAV-only data), WCAG 1.4.10 (reflow:
the timeline's row names stay in view on a phone).
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from domain.kalender import OSLO
from service.devtools import demodata
from service.devtools.screenshots import CHROMIUM, CHROMIUM_ARGS, Tjener, sak_for, tjener
from service.devtools.story import syntetisk_fnr
from service.usecases.auth import lag_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]

BREDDER = {"desktop": (1280, 800), "mobil": (390, 844)}
NUMMER = count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    with tjener(tmp_path_factory.mktemp("serve")) as t:
        yield t


@pytest.fixture(scope="module")
def nettleser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture(params=list(BREDDER))
def side(request: pytest.FixtureRequest, nettleser: Any, server: Tjener) -> Iterator[Any]:
    bredde, hoyde = BREDDER[request.param]
    ctx = nettleser.new_context(viewport={"width": bredde, "height": hoyde}, locale="nb-NO")
    s = ctx.new_page()
    s.set_default_timeout(15_000)
    s.goto(server.url + "/demo-innlogging")
    s.click(f"button[data-sub='{demodata.LEDER}'][data-rolle='NL']")
    s.wait_for_url(server.url + "/mine-sykmeldte")
    yield s
    ctx.close()


def idag() -> date:
    return datetime.now(OSLO).date()


def _send(t: Tjener, kommando: dict[str, Any]) -> int:
    """POST one command; its position, for reading it back (``min_position``)."""
    kropp = json.dumps(kommando).encode()
    foresporsel = urllib.request.Request(
        t.url + "/api/v1/hendelser",
        data=kropp,
        method="POST",
        headers={
            "Authorization": "Bearer " + lag_token(t.jwt_key, "syfo-test", "SYSTEM"),
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(foresporsel, timeout=10) as svar:
        assert svar.status in (200, 201)
        return int(json.loads(svar.read())["position"])


def ny_ansatt(t: Tjener, navn: str, start: int, tom: int = 30) -> tuple[str, str]:
    """A new employee of the demo leader, sick from ``start`` days from today; (fnr, case id)."""
    n = next(NUMMER)
    fnr = None
    individ = 300 + 7 * n
    while fnr is None:
        fnr = syntetisk_fnr(date(1980, 1, n % 28 + 1), individ)
        individ += 1
    d = idag()

    def kl(dager: int) -> str:
        return datetime.combine(d + timedelta(days=dager), time(8, 0), OSLO).isoformat()

    felles = {"fnr": fnr, "orgnr": demodata.ORG_A}
    _send(
        t,
        {
            "at": kl(start),
            "type": "narmeste_leder",
            **felles,
            "leder_id": demodata.LEDER,
            "fom": (d - timedelta(days=400)).isoformat(),
        },
    )
    perioder = [
        {"fom": (d + timedelta(days=start)).isoformat(), "tom": (d + timedelta(days=tom)).isoformat(), "grad": 100}
    ]
    _send(
        t,
        {
            "at": kl(start),
            "type": "sykmelding",
            **felles,
            "id": f"nl-test-{n}",
            "perioder": perioder,
            "sykmelder_id": "lege-demo",
        },
    )
    posisjon = _send(t, {"at": kl(min(start, 0)), "type": "person", "fnr": fnr, "navn": navn})
    return fnr, sak_for(t, fnr, min_position=posisjon)  # the pages then show all three commands


def _rad(side: Any, case_id: str) -> Any:
    return side.locator(f"tr[data-case='{case_id}']")


def _i_synsfeltet(side: Any, locator: Any) -> bool:
    boks = locator.bounding_box()
    hoyde = side.viewport_size["height"]
    return boks is not None and boks["y"] >= 0 and boks["y"] + boks["height"] <= hoyde


def test_names_first_days_in_words_and_a_late_plan_is_its_own_badge(side: Any, server: Tjener) -> None:
    navn = f"Kari Nordmann {next(NUMMER)}"
    _, sak = ny_ansatt(server, navn, start=-40)  # the plan was due in week 4: 13 days ago
    side.goto(server.url + "/mine-sykmeldte")
    rad = _rad(side, sak)

    assert rad.locator("a.ansatt").inner_text() == navn  # PRIV-4: the name first
    plan = rad.locator("li[data-milepel='oppfolgingsplan']")
    assert "13 dager på overtid" in plan.inner_text()
    assert re.fullmatch(r"(\d+ dag(er)? (igjen|på overtid))|Frist i dag", rad.locator(".igjen").inner_text())

    rad.locator("button[data-handling='plan-avtalt']").click()
    banner = side.locator("p.melding.ok")
    banner.wait_for()

    assert banner.inner_text() == f"Registrert: Plan avtalt for {navn}."
    assert _i_synsfeltet(side, banner)  # the page jumps to the row; the banner stays in view
    plan = _rad(side, sak).locator("li[data-milepel='oppfolgingsplan']")
    assert plan.locator(".status").get_attribute("data-status") == "late"  # MS-7
    assert plan.locator(".status").inner_text().strip() == "Oppfylt 13 dager for sent"
    legender = _rad(side, sak).locator("details.flere legend").all_inner_texts()
    assert "Oppfølgingsplan avtalt" not in legender  # a done action leaves "Flere handlinger"
    assert _rad(side, sak).locator("button[data-handling='plan-avtalt']").count() == 0

    side.goto(f"{server.url}/saker/{sak}")
    assert side.locator("h1").inner_text().startswith(navn)
    assert "Oppfylt 13 dager for sent" in side.locator("li[data-milepel='oppfolgingsplan']").inner_text()


def _apne(side: Any, sak: str) -> Any:
    detaljer = _rad(side, sak).locator("details.flere")
    if detaljer.get_attribute("open") is None:
        detaljer.locator("summary").click()
    return detaljer


def test_a_meeting_is_called_moved_and_cancelled_with_its_time_shown(side: Any, server: Tjener) -> None:
    navn = f"Ola Hansen {next(NUMMER)}"
    _, sak = ny_ansatt(server, navn, start=-20)
    side.goto(server.url + "/mine-sykmeldte")
    i_morgen = idag() + timedelta(days=1)

    skjema = _apne(side, sak).locator("form:has(legend:text('Dialogmøte 1 innkalt'))")
    skjema.locator("input[name='tidspunkt']").fill(f"{i_morgen.isoformat()}T10:00")
    skjema.locator("button").click()
    side.locator("p.melding.ok").wait_for()

    assert side.locator("p.melding.ok").inner_text() == f"Registrert: Møte innkalt for {navn}."
    mote = _rad(side, sak).locator(".mote")
    assert mote.inner_text() == f"Møte innkalt: {_dato(i_morgen)} kl. 10.00"
    forste_id = mote.get_attribute("data-mote")
    detaljer = _apne(side, sak)
    assert detaljer.locator("form[data-skjema='holdt']").count() == 0  # not before the meeting time
    assert "holdt etter" in detaljer.locator("[data-holdt-senere]").inner_text()
    assert detaljer.locator("legend:text('Dialogmøte 1 innkalt')").count() == 0  # called: not offered again

    om_to = i_morgen + timedelta(days=1)
    flytt = detaljer.locator("form[data-skjema='flytt']")
    flytt.locator("input[name='tidspunkt']").fill(f"{om_to.isoformat()}T13:30")
    flytt.locator("button").click()
    side.locator("p.melding.ok").wait_for()

    assert side.locator("p.melding.ok").inner_text() == f"Registrert: Møte flyttet for {navn}."
    mote = _rad(side, sak).locator(".mote")
    assert mote.count() == 1  # the old meeting is cancelled, the new one called with a new id
    assert mote.inner_text() == f"Møte innkalt: {_dato(om_to)} kl. 13.30"
    assert mote.get_attribute("data-mote") != forste_id

    side.goto(f"{server.url}/saker/{sak}")
    assert side.locator(".moter .mote").inner_text() == f"Møte innkalt: {_dato(om_to)} kl. 13.30"
    side.goto(server.url + "/mine-sykmeldte")

    _apne(side, sak).locator("form[data-skjema='avlys'] button").click()
    side.locator("p.melding.ok").wait_for()
    assert side.locator("p.melding.ok").inner_text() == f"Registrert: Møte avlyst for {navn}."
    assert _rad(side, sak).locator(".mote").count() == 0
    assert _apne(side, sak).locator("legend:text('Dialogmøte 1 innkalt')").count() == 1


def test_held_is_offered_only_after_the_meeting_time_and_never_before_its_day(side: Any, server: Tjener) -> None:
    navn = f"Per Berg {next(NUMMER)}"
    _, sak = ny_ansatt(server, navn, start=-30)
    side.goto(server.url + "/mine-sykmeldte")
    i_gar = idag() - timedelta(days=1)

    skjema = _apne(side, sak).locator("form:has(legend:text('Dialogmøte 1 innkalt'))")
    skjema.locator("input[name='tidspunkt']").fill(f"{i_gar.isoformat()}T09:00")
    skjema.locator("button").click()
    side.locator("p.melding.ok").wait_for()

    holdt = _apne(side, sak).locator("form[data-skjema='holdt'] input[type='date']")
    assert holdt.get_attribute("min") == i_gar.isoformat()
    assert holdt.get_attribute("max") == idag().isoformat()
    assert holdt.input_value() == idag().isoformat()
    _apne(side, sak).locator("form[data-skjema='holdt'] button").click()
    side.locator("p.melding.ok").wait_for()
    assert side.locator("p.melding.ok").inner_text() == f"Registrert: Møte holdt for {navn}."
    assert _rad(side, sak).locator("li[data-milepel='dialogmote_1']").get_attribute("data-status") == "met"
    assert _apne(side, sak).locator("form[data-skjema='holdt']").count() == 0


def _dato(d: date) -> str:
    maneder = ("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des.")
    return f"{d.day}. {maneder[d.month - 1]} {d.year}"


def test_the_timeline_has_a_week_ruler_and_the_milestones_of_the_role(side: Any, server: Tjener) -> None:
    sak = sak_for(server, demodata.ANSATTE[0].fnr)
    side.goto(f"{server.url}/saker/{sak}")
    svg = side.locator("svg.tidslinje-svg")

    uker = svg.locator(".ukelinjal text.lov").all_text_contents()
    assert {"4 uker", "7 uker", "8 uker"} <= set(uker)  # the law's weeks, not months
    assert not any(m in svg.locator(".ukelinjal").inner_html() for m in ("jan.", "feb.", "des."))
    assert svg.locator("text:text-is('Maks')").count() == 0  # ACC-3: not for the leader
    assert side.locator("li[data-milepel='maksdato'], li[data-milepel='dialogmote_3']").count() == 0
    assert side.locator("li[data-milepel='motebehov']").count() == 1
    assert side.locator("li[data-milepel='dialogmote_2']").count() == 1


def test_the_row_names_stay_in_view_when_the_picture_scrolls_on_a_phone(side: Any, server: Tjener) -> None:
    sak = sak_for(server, demodata.ANSATTE[0].fnr)
    side.goto(f"{server.url}/saker/{sak}")
    rull = side.locator(".tidslinje-rull")
    navn = side.locator("svg.radnavn-svg")
    if side.viewport_size["width"] > 800:
        assert not navn.is_visible()  # the picture fits; its own row names show
        return
    venstre = rull.bounding_box()["x"]
    rull.evaluate("e => { e.scrollLeft = 400; }")
    side.wait_for_function("document.querySelector('.tidslinje-rull').scrollLeft >= 300")

    assert navn.is_visible()
    assert abs(navn.bounding_box()["x"] - venstre) <= 2  # stuck to the left edge while the rows scroll
    assert "Arbeidsgiver" in navn.inner_html()


def test_nav_sees_the_maksdato_in_the_whole_case(nettleser: Any, server: Tjener) -> None:
    for bredde, hoyde in BREDDER.values():
        ctx = nettleser.new_context(viewport={"width": bredde, "height": hoyde}, locale="nb-NO")
        s = ctx.new_page()
        s.goto(server.url + "/demo-innlogging")
        s.click(f"button[data-sub='{demodata.NAV_ID}'][data-rolle='NAV']")
        s.wait_for_url(server.url + "/oversikt")
        s.goto(f"{server.url}/saker/{sak_for(server, demodata.ANSATTE[0].fnr)}?vindu=alt")

        assert s.locator("svg.tidslinje-svg g.el[data-art='frist'] text:text-is('Maks')").count() == 1
        assert "52 uker" in s.locator("svg.tidslinje-svg .ukelinjal").inner_html()
        ctx.close()


def test_reminder_dots_have_a_visible_label(side: Any, server: Tjener) -> None:
    sak = sak_for(server, demodata.ANSATTE[0].fnr)
    side.goto(f"{server.url}/saker/{sak}")
    prikker = side.locator("svg.tidslinje-svg g.el[data-art='paminnelse']")
    assert prikker.count() > 0
    nummer = prikker.locator("text.nr").all_text_contents()
    assert sorted(nummer, key=int) == [str(i) for i in range(1, prikker.count() + 1)]  # a number in each dot
    liste = side.locator("ol.paminnelser li")
    assert liste.count() == prikker.count()  # the list beside the picture says what each number is
    assert liste.first.is_visible()
    assert "Påminnelse" in liste.first.inner_text()


def test_the_case_page_prints_without_menus_forms_or_a_sideways_scroll(side: Any, server: Tjener) -> None:
    sak = sak_for(server, demodata.ANSATTE[0].fnr)
    side.goto(f"{server.url}/saker/{sak}")
    side.emulate_media(media="print")

    assert not side.locator("header.topp").is_visible()
    assert not side.locator("nav.vinduer").is_visible()
    assert side.locator("h1").is_visible()
    svg = side.locator("svg.tidslinje-svg").bounding_box()
    assert svg["x"] + svg["width"] <= side.viewport_size["width"] + 1  # the whole picture on the page
    assert side.locator(".tidslinje-rull").evaluate("e => e.scrollWidth <= e.clientWidth + 1")


@pytest.mark.parametrize("side", ["mobil"], indirect=True)
def test_a_refused_form_shows_the_reason_at_the_field_on_a_phone(side: Any, server: Tjener) -> None:
    """VAL-9 / VAL-12 at 390 px: the typed time is kept, the reason sits by the field, the rule is folded away."""
    navn = f"Eva Lie {next(NUMMER)}"
    _, sak = ny_ansatt(server, navn, start=-20)
    side.goto(server.url + "/mine-sykmeldte")
    om_et_ar = f"{(idag() + timedelta(days=400)).isoformat()}T10:00"

    skjema = _apne(side, sak).locator("form:has(legend:text('Dialogmøte 1 innkalt'))")
    skjema.locator("input[name='tidspunkt']").fill(om_et_ar)
    skjema.locator("button").click()
    side.locator("#skjemafeil").wait_for()

    felt = _rad(side, sak).locator("input[name='tidspunkt']")
    assert felt.input_value() == om_et_ar
    assert felt.get_attribute("aria-invalid") == "true"
    tekst = side.locator("#" + str(felt.get_attribute("aria-describedby")))
    assert "høyst ett år fram i tid" in tekst.inner_text()
    assert "VAL-12" not in tekst.inner_text()
    assert not side.locator("#skjemafeil details").evaluate("d => d.open")  # the rule ID only when asked
    boks, feltboks = side.locator("#skjemafeil").bounding_box(), felt.bounding_box()
    assert boks is not None
    assert feltboks is not None
    assert boks["x"] >= 0
    assert boks["x"] + boks["width"] <= 390  # no sideways scroll to read it
    assert boks["y"] + boks["height"] <= feltboks["y"]  # right above the field it is about
    assert side.evaluate("document.documentElement.scrollWidth") <= 390
