"""NAV's overview and HR's list in real headless Chromium against ``syfo serve --demo`` (issue 16).

At 1280 px and 390 px, as the demo NAV veileder (offices 0312 and 4203, ACC-8) and the demo HR user
(ACC-4): search by name or fnr, sortable columns, the office views, assigning a case, the legend of the
short labels in view without hovering, and on a phone cards instead of a table that scrolls sideways.
Names first, the fnr masked for HR (PRIV-4).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.devtools import demodata
from service.devtools.screenshots import CHROMIUM, CHROMIUM_ARGS, Tjener, tjener
from service.usecases.auth import lag_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]

P1, P2, P3, P4, P5, P6 = demodata.ANSATTE
BREDDER = [1280, 390]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    with tjener(tmp_path_factory.mktemp("serve-nav")) as t:
        yield t


@pytest.fixture(scope="module")
def nettleser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


def _side(nettleser: Any, bredde: int) -> Any:
    ctx = nettleser.new_context(viewport={"width": bredde, "height": 860}, locale="nb-NO")
    s = ctx.new_page()
    s.set_default_timeout(15_000)
    return s


def _logg_inn(side: Any, t: Tjener, sub: str, rolle: str, sti: str, enheter: tuple[str, ...] = ()) -> None:
    side.goto(t.url + sti)
    side.fill("#token", lag_token(t.jwt_key, sub, rolle, enheter=enheter))
    side.click("button:has-text('Logg inn')")
    side.wait_for_url(t.url + sti)


def _ingen_sidelengs_rulling(side: Any) -> None:
    bredde = side.evaluate("document.documentElement.clientWidth")
    assert side.evaluate("document.documentElement.scrollWidth") <= bredde


@pytest.mark.parametrize("bredde", BREDDER)
def test_nav_searches_sorts_and_reads_the_legend(nettleser: Any, server: Tjener, bredde: int) -> None:
    side = _side(nettleser, bredde)
    _logg_inn(side, server, "Z990777", "NAV", "/oversikt", demodata.NAV_ENHETER)

    assert side.locator("#forklaring dt", has_text="DM1").is_visible()  # the legend, without hovering
    assert side.locator("#forklaring").inner_text().count("Dialogmøte 1") == 1
    enheter = side.locator("tr[data-case] td[data-enhet]").evaluate_all("c => c.map(x => x.dataset.enhet)")
    assert enheter
    assert set(enheter) <= set(demodata.NAV_ENHETER)  # ACC-8: the token's offices by default

    side.fill("#sok", "Kari Nordmann")
    side.click("form.filter button:has-text('Søk')")
    side.wait_for_url("**sok=Kari**")
    rader = side.locator("tr[data-case]")
    assert rader.count() >= 1
    assert "Kari Nordmann" in rader.first.inner_text()
    assert P1.fnr in rader.first.inner_text()  # NAV sees the whole fnr (PRIV-4)

    side.goto(server.url + "/oversikt?visning=alle")
    if bredde >= 720:
        side.click("th a[data-sorter='navn']")
        side.wait_for_url("**sorter=navn**")
        assert side.locator("th[aria-sort='ascending']").count() == 1
    else:
        side.goto(server.url + "/oversikt?visning=alle&sorter=navn")
    navn = side.locator("tr[data-case] a.ansatt").all_inner_texts()
    assert navn == sorted(navn)
    _ingen_sidelengs_rulling(side)
    side.context.close()


@pytest.mark.parametrize("bredde", BREDDER)
def test_nav_views_and_assignment(nettleser: Any, server: Tjener, bredde: int) -> None:
    side = _side(nettleser, bredde)
    _logg_inn(side, server, f"Z99{bredde}", "NAV", "/oversikt", demodata.NAV_ENHETER)

    side.click("nav.visninger a[data-visning='uten_enhet']")
    side.wait_for_url("**visning=uten_enhet**")
    assert set(side.locator("tr[data-case] td[data-label='Enhet']").all_inner_texts()) == {"Uten enhet"}

    side.goto(server.url + "/oversikt?visning=alle&sok=" + P2.fulltnavn.replace(" ", "+"))
    rad = side.locator(f"tr[data-case]:has-text('{P2.fulltnavn}')").first
    rad.locator("button[data-handling='tildel-meg']").click()
    side.wait_for_selector("#tildelt")
    assert "Tildelingen er lagret." in side.locator("#tildelt").inner_text()

    side.goto(server.url + "/oversikt?visning=min")
    assert P2.fulltnavn in side.locator("table#oversikt").inner_text()
    mine = side.locator(f"tr[data-case]:has-text('{P2.fulltnavn}')").first
    assert mine.locator("td[data-label='Veileder']").inner_text().strip() == "Deg"
    mine.locator("button[data-handling='fjern-veileder']").click()
    side.wait_for_selector("#tildelt")
    side.goto(server.url + "/oversikt?visning=min")
    assert side.locator(f"tr[data-case]:has-text('{P2.fulltnavn}')").count() == 0
    _ingen_sidelengs_rulling(side)
    side.context.close()


def test_the_nav_list_is_cards_on_a_phone(nettleser: Any, server: Tjener) -> None:
    side = _side(nettleser, 390)
    _logg_inn(side, server, "Z990778", "NAV", "/oversikt", demodata.NAV_ENHETER)

    rad = side.locator("tr[data-case]").first
    boks = rad.bounding_box()
    assert side.locator("table#oversikt thead").bounding_box()["height"] <= 1  # headers hidden, labels per cell
    assert boks["width"] <= 390
    assert rad.locator("td[data-label='Frister']").evaluate("td => getComputedStyle(td).display") == "block"
    _ingen_sidelengs_rulling(side)
    side.context.close()


@pytest.mark.parametrize("bredde", BREDDER)
def test_hr_lists_the_virksomhet_and_searches(nettleser: Any, server: Tjener, bredde: int) -> None:
    side = _side(nettleser, bredde)
    _logg_inn(side, server, "hr-demo-a", "HR", "/hr")

    tekst = side.locator("table#hr-liste").inner_text()
    assert P1.fulltnavn in tekst
    assert f"{P1.fnr[:6]} *****" in tekst
    assert P1.fnr not in tekst  # PRIV-4: masked for HR
    assert P4.fulltnavn not in tekst  # ACC-4: another virksomhet

    side.fill("#sok", P2.fulltnavn.split()[0])
    side.click("form.filter button:has-text('Søk')")
    side.wait_for_url("**sok=**")
    assert side.locator("tr[data-case]").count() == 1
    assert P2.fulltnavn in side.locator("tr[data-case]").inner_text()
    _ingen_sidelengs_rulling(side)
    side.context.close()
