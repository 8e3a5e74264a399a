"""Reading every read-model row, for comparisons between live and rebuilt tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from projections.tabeller import PROJEKSJONER


def _naturlig(v: Any) -> Any:
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC)
    return v


def tabeller(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the projections' tables, in primary-key order, with instants compared as UTC instants."""
    ut = {}
    with engine.connect() as conn:
        for t in (t for navn in PROJEKSJONER for t in PROJEKSJONER[navn]):
            rader = conn.execute(select(t).order_by(*t.primary_key.columns)).all()
            ut[t.name] = [tuple(_naturlig(v) for v in r) for r in rader]
    return ut
