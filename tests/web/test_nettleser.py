"""The pages in real headless Chromium against ``syfo serve --demo`` (a real uvicorn process on loopback).

Playwright drives Debian's Chromium (``/usr/bin/chromium``; CI installs it, ``.ci/run``). The server is
started as ``syfo serve --demo`` with SQLite in a temporary directory: 50 seeded cases plus the demo
cases of ``service.devtools.demodata``, which are dated relative to the server's own today. So these tests
read "today" from the real clock once, at start, where every other test uses fixed dates.

Rules: ACC-2 (the leader's own employees), OP-3 (plan agreed → met), T-7 (as known at, the late sick
note), and WCAG 2.1.1 (the buttons work from the keyboard).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.kalender import OSLO
from service.devtools import demodata
from service.devtools.screenshots import CHROMIUM, CHROMIUM_ARGS, Tjener, api, sak_for, tjener
from service.usecases.auth import lag_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]

P1, P2, P3, P4, P5, P6 = demodata.ANSATTE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    with tjener(tmp_path_factory.mktemp("serve")) as t:
        yield t


@pytest.fixture(scope="module")
def idag(server: Tjener) -> date:
    return datetime.now(OSLO).date()  # the demo cases were dated from this day when the server started


@pytest.fixture(scope="module")
def nettleser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture
def side(nettleser: Any) -> Iterator[Any]:
    ctx = nettleser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
    s = ctx.new_page()
    s.set_default_timeout(15_000)
    yield s
    ctx.close()


def _logg_inn_med_token(side: Any, t: Tjener, sub: str, rolle: str, sti: str) -> None:
    side.goto(t.url + sti)
    assert "/logg-inn" in side.url  # no session yet
    side.fill("#token", lag_token(t.jwt_key, sub, rolle))
    side.click("button:has-text('Logg inn')")
    side.wait_for_url(t.url + sti)


def _rad(side: Any, case_id: str) -> Any:
    return side.locator(f"tr[data-case='{case_id}']")


def test_a_leader_sees_only_its_employees_and_plan_agreed_turns_the_milestone_met(side: Any, server: Tjener) -> None:
    _logg_inn_med_token(side, server, demodata.LEDER, "NL", "/mine-sykmeldte")

    vist = set(side.locator("tr[data-case]").evaluate_all("rader => rader.map(r => r.dataset.case)"))
    api_liste = api(server, "/api/v1/saker?limit=200&open=true", demodata.LEDER, "NL")["items"]
    assert vist == {s["case_id"] for s in api_liste}  # ACC-2: the API's own answer for this leader
    assert sak_for(server, P5.fnr) not in vist  # another leader's employee at the same virksomhet
    assert len(vist) == 5

    sak = sak_for(server, P1.fnr)
    plan = _rad(side, sak).locator("li[data-milepel='oppfolgingsplan']")
    assert plan.get_attribute("data-status") == "overdue"
    _rad(side, sak).locator("button[data-handling='plan-avtalt']").click()
    side.wait_for_selector("p.melding.ok")

    plan = _rad(side, sak).locator("li[data-milepel='oppfolgingsplan']")
    assert plan.get_attribute("data-status") == "met"  # OP-3: met, late
    assert plan.locator(".status").inner_text().strip() == "Oppfylt 13 dager for sent"  # MS-7
    assert "Registrert: Plan avtalt" in side.locator("p.melding.ok").inner_text()


def test_the_keyboard_reaches_and_presses_a_leaders_button(side: Any, server: Tjener) -> None:
    _logg_inn_med_token(side, server, demodata.LEDER, "NL", "/mine-sykmeldte")
    sak = sak_for(server, P2.fnr)

    side.keyboard.press("Tab")
    assert side.evaluate("document.activeElement.textContent.trim()") == "Hopp til hovedinnholdet"
    for _ in range(80):
        side.keyboard.press("Tab")
        fokus = side.evaluate(
            "(() => { const e = document.activeElement;"
            " return [e.dataset.handling || null, e.closest('tr') ? e.closest('tr').dataset.case : null]; })()"
        )
        if fokus == ["plan-avtalt", sak]:
            break
    else:
        pytest.fail("Tab never reached the plan button of the case")
    side.keyboard.press("Space")
    side.wait_for_selector("p.melding.ok")

    assert _rad(side, sak).locator("li[data-milepel='oppfolgingsplan']").get_attribute("data-status") == "met"

    detaljer = _rad(side, sak_for(server, P4.fnr)).locator("details.flere")
    detaljer.locator("summary").focus()
    side.keyboard.press("Enter")
    assert detaljer.get_attribute("open") is not None  # "Flere handlinger" opens from the keyboard


def test_an_auditor_moves_the_as_of_time_back_before_a_late_sick_note_and_sees_the_old_deadlines(
    side: Any, server: Tjener, idag: date
) -> None:
    side.goto(server.url + "/demo-innlogging")
    side.click(f"button[data-sub='{demodata.REVISOR}'][data-rolle='AUDITOR']")
    side.wait_for_url(server.url + "/oversikt")
    sak = sak_for(server, P4.fnr)
    side.goto(f"{server.url}/revisjon/saker/{sak}")
    plan = "#kjente-frister li[data-milepel='oppfolgingsplan']"
    assert side.locator(plan).get_attribute("data-due") == (idag + timedelta(days=3)).isoformat()

    side.fill("#as-of", f"{(idag - timedelta(days=4)).isoformat()}T12:00")
    side.click("#as-of-skjema button[type='submit']")
    side.wait_for_selector("tr[data-kjent='nei']")

    # T-7: before the late note (received three days ago) S was 14 days later, and the plan due with it.
    assert side.locator(plan).get_attribute("data-due") == (idag + timedelta(days=17)).isoformat()
    assert "Viser saken slik den var kjent" in side.locator("#as-of-status").inner_text()
    assert P4.fnr not in side.content()  # ACC-7

    side.locator("#as-of-glider").focus()
    side.keyboard.press("Home")  # the slider: back to the first event, before the case existed
    side.wait_for_selector("text=Saken var ikke kjent ennå")
