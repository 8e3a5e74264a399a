"""Reading the read models: cases with milestones on a date, reminders, slot candidates.

Statuses are read from the stored status course (``milepel_status``) at the asked date, and a
planned reminder is listed by the same rule the domain uses (RP-12, ``vises_som_planlagt``), so
the answer for any date needs neither a clock nor the event store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, or_, select

from domain.begreper import Rolle
from domain.kalender import OSLO
from domain.milepeler import KINDS, Status, for_sent
from domain.paminnelser import PLANLAGT, vises_som_planlagt
from projections.tabeller import milepel_status, milepeler, paminnelser, saker


def aware(t: datetime) -> datetime:
    """SQLite hands back naive datetimes: the stored instants are UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def statuser_pa(conn: Connection, idag: date, person_id: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """(case_id, kind) -> the status row valid at the end of ``idag`` (or the first, before it starts)."""
    q = select(milepel_status).order_by(milepel_status.c.case_id, milepel_status.c.kind, milepel_status.c.fra)
    if person_id is not None:
        q = q.where(milepel_status.c.person_id == person_id)
    return statuser_fra(conn.execute(q).mappings(), idag)


def statuser_fra(rader: Iterable[Any], idag: date) -> dict[tuple[str, str], dict[str, Any]]:
    """MS-3: (case_id, kind) -> the status row valid at the end of ``idag``, from status rows in
    (case_id, kind, fra) order."""
    ut: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rader:
        n = (r["case_id"], r["kind"])
        if n not in ut or r["fra"] <= idag:
            ut[n] = dict(r)
    return ut


def saker_pa(conn: Connection, idag: date, person_id: str | None = None) -> list[dict[str, Any]]:
    """Cases with their milestones at the end of ``idag`` (scenarios.md "Output")."""
    q = select(saker).order_by(saker.c.start, saker.c.orgnr, saker.c.fnr)
    if person_id is not None:
        q = q.where(saker.c.person_id == person_id)
    status = statuser_pa(conn, idag, person_id)
    fq = select(milepeler.c.case_id, milepeler.c.kind, milepeler.c.due)
    if person_id is not None:
        fq = fq.where(milepeler.c.person_id == person_id)
    frister = {(r.case_id, r.kind): r.due for r in conn.execute(fq)}  # due never moves (T-4)
    ut = []
    for s in conn.execute(q).mappings():
        ms = []
        for kind in KINDS:
            st = status[(s["case_id"], kind)]
            due = frister.get((s["case_id"], kind))
            m: dict[str, Any] = {"kind": kind, "due": due.isoformat() if due else None, "status": st["status"]}
            if st["met_on"] is not None:
                m["met_on"] = st["met_on"].isoformat()
            m["late"] = for_sent(kind, due, st["status"], st["met_on"])  # MS-7
            ms.append(m)
        ut.append(
            {
                "case_id": s["case_id"],
                "fnr": s["fnr"],
                "orgnr": s["orgnr"],
                "start": s["start"].isoformat(),
                "end": s["slutt"].isoformat(),
                "closed_on": s["lukkes"].isoformat(),
                "open": s["lukkes"] > idag,
                "arbeidsgiverperiode": {"fom": s["start"].isoformat(), "tom": s["agp_tom"].isoformat()},
                "person_tilfelle": {"start": s["pt_start"].isoformat(), "end": s["pt_slutt"].isoformat()},
                "maksdato": s["maksdato"].isoformat() if s["maksdato"] else None,
                "milestones": ms,
            }
        )
    return ut


def paminnelser_pa(
    conn: Connection,
    idag: date,
    hr: Callable[[str], str | None],
    person_id: str | None = None,
    *,
    status: dict[tuple[str, str], dict[str, Any]] | None = None,
    fnr: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """RP-12: every decision, then the rungs still planned after ``idag``, in ``at`` order.

    A caller that already holds the person's statuses at ``idag`` (``statuser_pa``) and fnr passes
    them, and the answer is one indexed query."""
    q = select(paminnelser)
    if person_id is not None:
        q = q.where(paminnelser.c.person_id == person_id)
    if status is None:
        status = statuser_pa(conn, idag, person_id)
    if fnr is None:
        fq = select(saker.c.person_id, saker.c.fnr)
        if person_id is not None:
            fq = fq.where(saker.c.person_id == person_id)
        fnr = {r.person_id: r.fnr for r in conn.execute(fq)}  # the AT's address is held in one place only
    return paminnelser_fra(conn.execute(q).mappings(), idag, hr, status, fnr)


def paminnelser_fra(
    rader: Iterable[Any],
    idag: date,
    hr: Callable[[str], str | None],
    status: Mapping[tuple[str, str], Mapping[str, Any]],
    fnr: Mapping[str, str],
) -> list[dict[str, Any]]:
    """RP-12 over reminder rows: every decision, then the rungs still planned after ``idag``, in ``at``
    order (rows of equal ``at``, role and recipient keep the order they came in)."""
    ut: list[tuple[datetime, dict[str, Any]]] = []
    for r in rader:
        if r["status"] == PLANLAGT:
            st = status.get((r["status_sak"], r["milepel"]))
            milepel = Status(st["status"]) if st else Status.NOT_APPLICABLE
            if not vises_som_planlagt(r["send_dato"], r["lukkes"], r["samtykke_trukket"], idag, milepel):
                continue
            at = aware(r["forfall"])
            mottaker = hr(r["orgnr"]) if r["rolle"] == Rolle.HR else r["mottaker_id"]
        else:
            at = aware(r["besluttet"])
            mottaker = r["mottaker_id"]
        if r["rolle"] == Rolle.AT:
            mottaker = fnr.get(r["person_id"])
        ut.append((at, _json(r, at, mottaker)))
    ut.sort(key=lambda x: (x[0], x[1]["recipient"]["role"], x[1]["recipient"]["id"] or ""))
    return [j for _, j in ut]


def _json(r: Any, at: datetime, mottaker: str | None) -> dict[str, Any]:
    j: dict[str, Any] = {
        "at": at.astimezone(OSLO).isoformat(),
        "recipient": {"role": r["rolle"], "id": mottaker},
        "milestone": r["milepel"],
        "stage": r["stage"],
        "status": r["status"],
        "rule": r["regel"],
        "case_id": r["case_id"],
    }
    if r["reason"]:
        j["reason"] = r["reason"]
    return j


def kandidater_for_slot(conn: Connection, at: datetime) -> Iterator[UUID]:
    """Persons with an undecided rung due by ``at`` whose tilfelle is not closed (RP-3, RP-4 O)."""
    d = at.astimezone(OSLO).date()
    q = (
        select(paminnelser.c.person_id)
        .where(
            paminnelser.c.status == PLANLAGT,
            paminnelser.c.forfall <= at.astimezone(UTC),
            or_(paminnelser.c.regel == "RM-21", and_(paminnelser.c.lukkes >= d)),
        )
        .distinct()
        .order_by(paminnelser.c.person_id)
    )
    for r in conn.execute(q):
        yield UUID(r.person_id)
