"""The web pages (issue 6): server-rendered HTML in bokmål over the same core, rules and audit log as the API.

``router`` is mounted by ``service.http.lag_api``; ``syfo serve`` serves it with the API.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.web import innlogging, revisjon, sider, statisk

router = APIRouter(include_in_schema=False)
for _r in (innlogging.router, sider.router, revisjon.router, statisk.router):
    router.include_router(_r)
