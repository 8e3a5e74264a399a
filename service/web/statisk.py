"""The pages' stylesheet and script, and the palette as CSS (generated from ``palett.FARGER``)."""

from __future__ import annotations

from importlib import resources
from typing import Final

from fastapi import APIRouter
from starlette.responses import Response

from service.usecases.problems import ApiFeil
from service.web.palett import css

router = APIRouter()

FILER: Final[dict[str, str]] = {"stil.css": "text/css", "sider.js": "text/javascript"}
HODER: Final[dict[str, str]] = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


@router.get("/static/palett.css")
def palett_css() -> Response:
    return Response(css(), media_type="text/css", headers=HODER)


@router.get("/static/{navn}")
def fil(navn: str) -> Response:
    if navn not in FILER:
        raise ApiFeil(404, "not found")
    innhold = resources.files("service.web").joinpath("static", navn).read_bytes()
    return Response(innhold, media_type=FILER[navn], headers=HODER)
