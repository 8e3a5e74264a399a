"""Errors a browser meets are pages in bokmål; the API and JSON clients keep problem details (RFC 9457).
And /docs works without the internet: Swagger UI and ReDoc come from the service itself."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter

from service.usecases.problems import PROBLEM_MEDIA
from service.web.feil import SideRute

from .web_hjelp import Web

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_address_in_a_browser_is_a_page_in_bokmal(demo: Web) -> None:
    r = demo.klient.get("/finnes-ikke", headers=HTML)

    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Fant ikke siden" in r.text
    assert '<html lang="nb">' in r.text


@pytest.mark.parametrize(
    ("sti", "hoder"),
    [("/finnes-ikke", {"Accept": "application/json"}), ("/api/v1/finnes-ikke", HTML), ("/finnes-ikke", {})],
)
def test_the_api_and_json_clients_keep_problem_details(demo: Web, sti: str, hoder: dict[str, str]) -> None:
    r = demo.klient.get(sti, headers=hoder)

    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM_MEDIA
    assert r.json()["status"] == 404


def test_an_error_in_a_page_is_a_500_page_in_bokmal(demo: Web) -> None:
    router = APIRouter(route_class=SideRute)

    @router.get("/test-feil")
    def _feil() -> Any:
        raise RuntimeError("boom")

    demo.klient.app.include_router(router)  # type: ignore[attr-defined]
    r = demo.klient.get("/test-feil", headers=HTML)

    assert r.status_code == 500
    assert "Noe gikk galt hos oss" in r.text
    assert "boom" not in r.text
    assert "RuntimeError" not in r.text


def test_docs_load_swagger_ui_from_the_service_not_a_cdn(demo: Web) -> None:
    html = demo.klient.get("/docs").text
    redoc = demo.klient.get("/redoc").text

    for side in (html, redoc):
        assert "cdn.jsdelivr" not in side
        assert "unpkg.com" not in side
    assert "/static-offline-docs/swagger-ui-bundle.js" in html
    assert "/static-offline-docs/redoc.standalone.js" in redoc
    for fil in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        r = demo.klient.get(f"/static-offline-docs/{fil}")
        assert r.status_code == 200
        assert len(r.content) > 10_000
