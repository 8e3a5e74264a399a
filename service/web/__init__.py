"""The web pages (issue 6): server-rendered HTML in bokmål over the same core, rules and audit log as the API.

``router`` is mounted by ``service.http.lag_api``; ``syfo serve`` serves it with the API.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.web import innlogging, navsider, revisjon, sider, statisk, varselside, varslingsinnstillinger

router = APIRouter(include_in_schema=False)
_SIDER = (innlogging, sider, navsider, revisjon, statisk, varselside, varslingsinnstillinger)
for _r in (m.router for m in _SIDER):
    router.include_router(_r)
