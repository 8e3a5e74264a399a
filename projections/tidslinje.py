"""The timeline of one person as data: cases, milestones and reminders (scenarios.md "Output")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from domain.innstillinger import Innstillinger
from domain.kalender import oslo_dato
from domain.milepeler import Vurdering, for_sent, milepeler
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
    ut["late"] = for_sent(m.kind, m.due, m.status, m.met_on)  # MS-7
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
    person: Sykefravaer,
    innstillinger: Innstillinger,
    idag: date,
    hr: Callable[[str], str | None],
    kjent_til: datetime | None = None,
) -> list[Beslutning]:
    """RP-12: every decision recorded (by ``kjent_til``), then the rungs still planned after ``idag``."""
    g = person.grunnlag(innstillinger, kjent_til)
    historikk = person.historikk(kjent_til)
    planlagt = Paminnelsesmotor(g, historikk, hr).planlagte(idag, idag)
    besluttet = [b for b in person.beslutninger if kjent_til is None or b.at <= kjent_til]
    return [*besluttet, *planlagt]


def som_kjent(
    person: Sykefravaer,
    innstillinger: Innstillinger,
    hr: Callable[[str], str | None],
    kjent_til: datetime | None = None,
    idag: date | None = None,
) -> dict[str, Any]:
    """The cases, milestones and reminder plan as the service knew them at ``kjent_til`` (T-7).

    Bi-temporal: the valid dates come from the documents (periods, ``dato`` fields), the recorded
    time is each event's instant of arrival. ``idag`` defaults to the Oslo date of ``kjent_til``
    (or of the stream's last event), so the answer does not depend on the reader's clock.
    """
    if idag is None:
        siste = kjent_til or max([k.at for k in person.fakta] + [b.at for b in person.beslutninger])
        idag = oslo_dato(siste)
    alle = paminnelser(person, innstillinger, idag, hr, kjent_til)
    alle.sort(key=lambda b: (b.at, b.trinn.rolle, b.mottaker_id or ""))
    return {
        "as_of": kjent_til.isoformat() if kjent_til else None,
        "version": person.version,
        "date": idag.isoformat(),
        "cases": saker_json(person, innstillinger, idag, kjent_til),
        "reminders": [paminnelse_json(b) for b in alle],
    }
