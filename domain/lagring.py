"""Commands to and from their stored JSON form.

Events keep each accepted command as the JSON object it arrived as (minus ``type`` and ``at``),
so a replay reads it back with the same field readers that accepted it (VAL-*): one vocabulary,
one parser, no second schema that could drift.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.kommandoer import SKJEMA, Deltaker, Kommando, Periode


def til_json(k: Kommando) -> dict[str, Any]:
    """The command's fields as plain JSON values."""
    return {navn: _json(v) for navn, v in k.felter.items()}


def _json(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, tuple):
        return [_json(x) for x in v]
    if isinstance(v, Periode):
        ut: dict[str, Any] = {"fom": v.fom.isoformat(), "tom": v.tom.isoformat(), "grad": v.grad}
        if v.reisetilskudd:
            ut["reisetilskudd"] = True
        return ut
    if isinstance(v, Deltaker):
        return {"rolle": v.rolle, "id": v.id}
    return v


def fra_json(typ: str, at: datetime, data: dict[str, Any]) -> Kommando:
    """Read a stored command back (it was validated when accepted)."""
    skjema = SKJEMA[typ]
    return Kommando(typ, at, {navn: skjema[navn][1](v, navn) for navn, v in data.items()})
