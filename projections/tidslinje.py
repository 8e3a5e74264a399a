"""The timeline of one person as data: cases, milestones and reminders (scenarios.md "Output")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from domain.innstillinger import Innstillinger
from domain.milepeler import Vurdering, milepeler
from domain.paminnelser import Beslutning, Paminnelsesmotor
from domain.sykefravaer import Sykefravaer


def saker_json(
    person: Sykefravaer, innstillinger: Innstillinger, idag: date, kjent_til: datetime | None = None
) -> list[dict[str, Any]]:
    """Cases with their milestones, evaluated at the end of ``idag`` (MS-3)."""
    g = person.grunnlag(innstillinger, kjent_til)
    v = Vurdering(idag, slot=False)
    ut = []
    for s in g.saker:
        t = s.tilfelle
        md = g.maksdato(s.person_tilfelle)
        ut.append(
            {
                "case_id": s.case_id,
                "fnr": g.fnr,
                "orgnr": s.orgnr,
                "start": t.start.isoformat(),
                "end": t.slutt.isoformat(),
                "closed_on": t.lukkes.isoformat(),
                "open": not v.lukket(t),
                "arbeidsgiverperiode": {"fom": t.start.isoformat(), "tom": t.arbeidsgiverperiode_tom.isoformat()},
                "person_tilfelle": {
                    "start": s.person_tilfelle.start.isoformat(),
                    "end": s.person_tilfelle.slutt.isoformat(),
                },
                "maksdato": md.isoformat() if md else None,
                "milestones": [_milepel_json(m) for m in milepeler(g, s, v)],
            }
        )
    return ut


def _milepel_json(m: Any) -> dict[str, Any]:
    ut: dict[str, Any] = {"kind": m.kind, "due": m.due.isoformat() if m.due else None, "status": m.status.value}
    if m.met_on is not None:
        ut["met_on"] = m.met_on.isoformat()
    return ut


def paminnelse_json(b: Beslutning) -> dict[str, Any]:
    t = b.trinn
    ut: dict[str, Any] = {
        "at": b.at.isoformat(),
        "recipient": {"role": t.rolle, "id": b.mottaker_id},
        "milestone": t.milepel,
        "stage": t.stage,
        "status": b.status,
        "rule": t.regel,
        "case_id": t.case_id,
    }
    if b.reason:
        ut["reason"] = b.reason
    return ut


def paminnelser(
    person: Sykefravaer, innstillinger: Innstillinger, idag: date, hr: Callable[[str], str | None]
) -> list[Beslutning]:
    """RP-12: every decision recorded, then the rungs still planned after ``idag``."""
    g = person.grunnlag(innstillinger)
    planlagt = Paminnelsesmotor(g, person.historikk(), hr).planlagte(idag, idag)
    return [*person.beslutninger, *planlagt]
