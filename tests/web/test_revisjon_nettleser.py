"""The auditor's page in real Chromium (T-7): stepping event by event swaps the view in place (no reload, focus
kept), and the slider applies once when it is let go, not on each arrow key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.devtools import demodata
from service.devtools.screenshots import CHROMIUM, CHROMIUM_ARGS, Tjener, sak_for, tjener
from service.usecases.auth import lag_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]

P4 = demodata.ANSATTE[3]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    with tjener(tmp_path_factory.mktemp("revisjon")) as t:
        yield t


@pytest.fixture
def side(server: Tjener) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        ctx = b.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        s = ctx.new_page()
        s.set_default_timeout(15_000)
        s.goto(server.url + "/logg-inn")
        s.fill("#token", lag_token(server.jwt_key, demodata.REVISOR, "AUDITOR"))
        s.click("button:has-text('Logg inn')")
        s.wait_for_url(server.url + "/oversikt")
        yield s
        b.close()


def _kjente(side: Any) -> int:
    return int(side.locator("tr[data-kjent='ja']").count())


def test_next_event_swaps_the_view_in_place_and_keeps_focus(side: Any, server: Tjener) -> None:
    sak = sak_for(server, P4.fnr)
    side.goto(f"{server.url}/revisjon/saker/{sak}?versjon=2")
    side.evaluate("window.samme_side = true")  # gone if the page reloads
    assert _kjente(side) == 2

    side.locator("#neste-hendelse").focus()
    side.keyboard.press("Enter")
    side.wait_for_selector("body[data-revisjon-lastet*='versjon=3']")

    assert _kjente(side) == 3
    assert side.evaluate("window.samme_side") is True
    assert side.evaluate("document.activeElement.id") == "neste-hendelse"
    assert side.url.endswith("versjon=3")
    assert "etter hendelse 3 av" in side.locator("#as-of-status").inner_text()


def test_the_slider_applies_once_when_the_keys_rest_and_keeps_focus(side: Any, server: Tjener) -> None:
    sak = sak_for(server, P4.fnr)
    side.goto(f"{server.url}/revisjon/saker/{sak}?versjon=4")
    side.evaluate("window.samme_side = true")
    hentet: list[str] = []
    side.on("request", lambda r: hentet.append(r.url) if "/revisjon/saker/" in r.url else None)

    side.locator("#as-of-glider").focus()
    for _ in range(3):
        side.keyboard.press("ArrowLeft")
    assert side.locator("#as-of-glider-tekst").inner_text().startswith("1 av")
    side.wait_for_selector("body[data-revisjon-lastet*='versjon=1']")

    assert len(hentet) == 1, hentet  # one fetch for three key presses
    assert _kjente(side) == 1
    assert side.evaluate("window.samme_side") is True
    assert side.evaluate("document.activeElement.id") == "as-of-glider"
