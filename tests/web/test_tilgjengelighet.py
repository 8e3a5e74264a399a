"""Accessibility: axe-core (``axe-playwright-python``) on every page the service serves as HTML, at 1280 px and
390 px, in real Chromium, with no serious or critical violation (WCAG 2.1 AA as axe checks it).

The pages are taken from the web router's own routes, so a new page is checked without editing this test: each
GET route is asked for by every demo role (and without a session); whatever answers HTML is checked. A route
that answers HTML to nobody and is not a known non-page (stylesheet, script, export) fails the test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from service.devtools import demodata
from service.devtools.screenshots import CHROMIUM, CHROMIUM_ARGS, Tjener, sak_for, tjener
from service.usecases.auth import lag_token
from service.web import router as sider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]

BREDDER = (1280, 390)
ALVORLIG = {"serious", "critical"}
P1, P2, P3, P4, P5, P6 = demodata.ANSATTE
ROLLER = (
    (None, None),
    (demodata.REVISOR, "AUDITOR"),
    (demodata.NAV_ID, "NAV"),
    (demodata.LEDER, "NL"),
    ("hr-demo-a", "HR"),
    (P1.fnr, "AT"),
)


def _ruter(ruter: Iterable[Any]) -> Iterator[APIRoute]:
    """The routes of a router and of the routers it includes (FastAPI may keep an included router whole)."""
    for r in ruter:
        if isinstance(r, APIRoute):
            yield r
        elif hasattr(r, "original_router"):
            yield from _ruter(r.original_router.routes)


def html_ruter() -> list[str]:
    """Every GET route of the pages (the app mounts ``service.web.router``), with its path template."""
    return sorted(r.path for r in _ruter(sider.routes) if "GET" in r.methods and "{navn}" not in r.path)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    with tjener(tmp_path_factory.mktemp("axe")) as t:
        yield t


@pytest.fixture(scope="module")
def nettleser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


def _logg_inn(ctx: Any, t: Tjener, sub: str | None, rolle: str | None) -> Any:
    side = ctx.new_page()
    side.set_default_timeout(15_000)
    if sub is not None and rolle is not None:
        side.goto(t.url + "/logg-inn")
        side.fill("#token", lag_token(t.jwt_key, sub, rolle))
        side.click("button:has-text('Logg inn')")
        side.wait_for_load_state()
    return side


def _alvorlige(side: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    svar = Axe().run(side).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in svar["violations"]
        if v.get("impact") in ALVORLIG
    ]


def test_every_html_page_has_no_serious_or_critical_axe_violation_at_both_widths(
    server: Tjener, nettleser: Any
) -> None:
    sak = sak_for(server, P4.fnr)
    ruter = html_ruter()
    assert "/revisjon/saker/{case_id}" in ruter
    assert "/saker/{case_id}" in ruter
    sjekket: set[str] = set()
    ikke_html: set[str] = set()
    funn: list[str] = []
    for sub, rolle in ROLLER:
        ctx = nettleser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        side = _logg_inn(ctx, server, sub, rolle)
        for mal in [*ruter, "/finnes-ikke"]:
            sti = mal.replace("{case_id}", sak)
            svar = ctx.request.get(server.url + sti, max_redirects=0, headers={"Accept": "text/html"})
            type_ = svar.headers.get("content-type", "")
            if svar.status == 200 and not type_.startswith("text/html"):
                ikke_html.add(mal)
                continue
            if not type_.startswith("text/html") or (svar.status != 200 and mal != "/finnes-ikke"):
                continue
            sjekket.add(mal)
            for bredde in BREDDER:
                side.set_viewport_size({"width": bredde, "height": 900})
                side.goto(server.url + sti)
                funn += [f"{rolle or 'ikke innlogget'} {sti} @ {bredde}px: {f}" for f in _alvorlige(side)]
        ctx.close()

    assert set(ruter) - sjekket - ikke_html == {"/saker"}  # "/saker" only redirects (the open-a-case form)
    assert {"/", "/logg-inn", "/oversikt", "/mine-sykmeldte", "/revisjon/saker/{case_id}"} <= sjekket
    assert funn == [], "\n".join(funn)


def test_the_route_list_follows_the_router() -> None:
    """A page added to the web router is in the list without editing this test."""
    from fastapi import APIRouter

    from service.web import router

    ny = APIRouter()

    @ny.get("/en-ny-side")
    def _ny() -> None: ...

    for_ = html_ruter()
    router.include_router(ny)
    try:
        assert sorted([*for_, "/en-ny-side"]) == html_ruter()
    finally:
        router.routes.pop()
    assert {"/", "/oversikt", "/revisjon/saker/{case_id}", "/logg-inn"} <= set(for_)
