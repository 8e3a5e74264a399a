"""One case and its person's rows for a case read, in at most two indexed statements.

1. ``sak``: the case row by its key and, for an HR reader, the employer's HR id as known now (RP-9,
   ``projections.virksomheter``) as a scalar subquery of the same statement.
2. ``personrader``: the person's timeline rows and, for the timeline (``alt``), the milestone status
   courses with their due dates and the reminder rows with the HR id each planned HR rung goes to,
   as one ``UNION ALL`` over the ``person_id`` indexes.

Rows come back as the tables hold them; ordering the timeline (version) and the status courses
(case, kind, from) is done here, while reminder rows keep the order their index scan gives, as the
separate query did (``sporringer.paminnelser_fra`` sorts them stably).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, and_, cast, literal_column, null, select, union_all

from projections.tabeller import milepel_status, milepeler, paminnelser, saker, tidslinje
from projections.virksomheter import hr_pa

GREN = "gren"


@dataclass
class Personrader:
    """A person's rows as a case read uses them."""

    tidslinje: list[dict[str, Any]]
    status: list[dict[str, Any]] = field(default_factory=list)  # (case_id, kind, fra) order, with ``due``
    paminnelser: list[dict[str, Any]] = field(default_factory=list)  # with ``hr``: the HR id of planned HR rungs

    def statuser(self, idag: date) -> dict[tuple[str, str], dict[str, Any]]:
        from projections.sporringer import statuser_fra

        return statuser_fra(self.status, idag)

    def frister(self) -> dict[tuple[str, str], date | None]:
        return {(r["case_id"], r["kind"]): r["due"] for r in self.status}

    def hr(self) -> dict[str, str | None]:
        """orgnr -> HR id as known at the read's instant, for the planned HR rungs' employers."""
        return {r["orgnr"]: r["hr"] for r in self.paminnelser if r["orgnr"] is not None}


def sak(
    conn: Connection, case_id: str, hr_kjent_til: datetime | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """The case row (None: no such case) and, with ``hr_kjent_til``, its employer's HR id then."""
    kolonner: list[Any] = [saker]
    if hr_kjent_til is not None:
        kolonner.append(hr_pa(saker.c.orgnr, hr_kjent_til).label("_hr_id"))
    rad = conn.execute(select(*kolonner).where(saker.c.case_id == case_id)).mappings().first()
    if rad is None:
        return None, None
    ut = dict(rad)
    hr = ut.pop("_hr_id", None)
    return ut, hr


def personrader(conn: Connection, person_id: str, hr_kjent_til: datetime | None = None) -> Personrader:
    """The person's timeline rows; with ``hr_kjent_til`` (the timeline) also their milestone statuses
    and reminders, all in one statement."""
    h = select(*tidslinje.c).where(tidslinje.c.person_id == person_id)
    if hr_kjent_til is None:
        rader = [dict(r) for r in conn.execute(h).mappings()]
        rader.sort(key=lambda r: r["versjon"])
        return Personrader(rader)
    ms, m, p = milepel_status, milepeler, paminnelser
    status = (
        select(ms.c.case_id, ms.c.kind, ms.c.fra, ms.c.status, ms.c.met_on, m.c.due)
        .select_from(ms.outerjoin(m, and_(m.c.case_id == ms.c.case_id, m.c.kind == ms.c.kind)))
        .where(ms.c.person_id == person_id)
    )
    pam = select(
        *(p.c[n] for n in _PAMINNELSE),
        hr_pa(p.c.orgnr, hr_kjent_til).label("hr"),
    ).where(p.c.person_id == person_id)
    grener = {"h": h, "m": status, "p": pam}
    ut: dict[str, list[dict[str, Any]]] = {g: [] for g in grener}
    for r in conn.execute(_samlet(grener)).mappings():
        g = r[GREN]
        ut[g].append({navn: r[f"{g}_{navn}"] for navn in _navn(grener[g])})
    ut["h"].sort(key=lambda r: r["versjon"])
    ut["m"].sort(key=lambda r: (r["case_id"], r["kind"], r["fra"]))
    return Personrader(ut["h"], ut["m"], ut["p"])


_PAMINNELSE = (
    "person_id", "case_id", "status_sak", "orgnr", "regel", "milepel", "stage", "rolle", "mottaker_id",
    "send_dato", "forfall", "lukkes", "samtykke_trukket", "status", "besluttet", "reason",
)  # fmt: skip


def _navn(q: Select[Any]) -> list[str]:
    return [str(c.key) for c in q.selected_columns]


def _samlet(grener: Mapping[str, Select[Any]]) -> Any:
    """One ``UNION ALL`` of differently shaped selects: each branch fills its own columns (``<branch>_<name>``)
    and NULLs of the right type in the others' (PostgreSQL resolves a union's column types pairwise, so
    a bare NULL would not do), and says which branch it is in ``gren``."""
    felt = [(g, c) for g, q in grener.items() for c in q.selected_columns]
    deler = []
    for g, q in grener.items():
        kolonner: list[Any] = [literal_column(f"'{g}'", String).label(GREN)]
        for eier, c in felt:
            verdi = c if eier == g else cast(null(), c.type)
            kolonner.append(verdi.label(f"{eier}_{c.key}"))
        deler.append(q.with_only_columns(*kolonner))
    return union_all(*deler)
