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

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Select,
    String,
    and_,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)

from projections.sporringer import statuser_fra
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
        return statuser_fra(self.status, idag)

    def frister(self) -> dict[tuple[str, str], date | None]:
        return {(r["case_id"], r["kind"]): r["due"] for r in self.status}

    def hr(self) -> dict[str, str | None]:
        """orgnr -> HR id as known at the read's instant, for the planned HR rungs' employers."""
        return {r["orgnr"]: r["hr"] for r in self.paminnelser if r["orgnr"] is not None}


# The statements are built once, with bound parameters, so neither their construction nor their cache
# key is paid per read.
_CASE_ID = bindparam("case_id", type_=String)
_PERSON_ID = bindparam("person_id", type_=String)
_KJENT_TIL = bindparam("kjent_til", type_=DateTime(timezone=True))


def sak(
    conn: Connection, case_id: str, hr_kjent_til: datetime | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """The case row (None: no such case) and, with ``hr_kjent_til``, its employer's HR id then."""
    if hr_kjent_til is None:
        rad = conn.execute(_sporringer().sak, {"case_id": case_id}).mappings().first()
        return (dict(rad) if rad is not None else None), None
    q = _sporringer().sak_med_hr
    rad = conn.execute(q, {"case_id": case_id, "kjent_til": hr_kjent_til.astimezone(UTC)}).mappings().first()
    if rad is None:
        return None, None
    ut = dict(rad)
    hr = ut.pop("_hr_id")
    return ut, hr


def personrader(conn: Connection, person_id: str, hr_kjent_til: datetime | None = None) -> Personrader:
    """The person's timeline rows; with ``hr_kjent_til`` (the timeline) also their milestone statuses
    and reminders, all in one statement."""
    s = _sporringer()
    if hr_kjent_til is None:
        rader = [dict(r) for r in conn.execute(s.tidslinje, {"person_id": person_id}).mappings()]
        rader.sort(key=lambda r: r["versjon"])
        return Personrader(rader)
    ut: dict[str, list[dict[str, Any]]] = {g: [] for g in s.grener}
    params = {"person_id": person_id, "kjent_til": hr_kjent_til.astimezone(UTC)}
    for r in conn.execute(s.alt, params):
        navn, fra, til = s.grener[r[0]]
        ut[r[0]].append(dict(zip(navn, r[fra:til], strict=True)))
    ut["h"].sort(key=lambda r: r["versjon"])
    ut["m"].sort(key=lambda r: (r["case_id"], r["kind"], r["fra"]))
    return Personrader(ut["h"], ut["m"], ut["p"])


_PAMINNELSE = (
    "person_id", "case_id", "status_sak", "orgnr", "regel", "milepel", "stage", "rolle", "mottaker_id",
    "send_dato", "forfall", "lukkes", "samtykke_trukket", "status", "besluttet", "reason",
)  # fmt: skip


@dataclass(frozen=True)
class _Sporringer:
    sak: Select[Any]
    sak_med_hr: Select[Any]
    tidslinje: Select[Any]
    alt: Any
    grener: dict[str, tuple[list[str], int, int]]  # branch -> its column names and their slice of a row


@functools.cache
def _sporringer() -> _Sporringer:
    h = select(*tidslinje.c).where(tidslinje.c.person_id == _PERSON_ID)
    ms, m, p = milepel_status, milepeler, paminnelser
    status = (
        select(ms.c.case_id, ms.c.kind, ms.c.fra, ms.c.status, ms.c.met_on, m.c.due)
        .select_from(ms.outerjoin(m, and_(m.c.case_id == ms.c.case_id, m.c.kind == ms.c.kind)))
        .where(ms.c.person_id == _PERSON_ID)
    )
    pam = select(*(p.c[n] for n in _PAMINNELSE), hr_pa(p.c.orgnr, _KJENT_TIL).label("hr")).where(
        p.c.person_id == _PERSON_ID
    )
    alt, grener = _samlet({"h": h, "m": status, "p": pam})
    return _Sporringer(
        sak=select(saker).where(saker.c.case_id == _CASE_ID),
        sak_med_hr=select(saker, hr_pa(saker.c.orgnr, _KJENT_TIL).label("_hr_id")).where(saker.c.case_id == _CASE_ID),
        tidslinje=h,
        alt=alt,
        grener=grener,
    )


def _samlet(grener: Mapping[str, Select[Any]]) -> tuple[Any, dict[str, tuple[list[str], int, int]]]:
    """One ``UNION ALL`` of differently shaped selects: each branch fills its own columns and NULLs of the
    right type in the others' (PostgreSQL resolves a union's column types pairwise, so a bare NULL
    would not do), and names itself in the first column (``gren``). Also each branch's column names and
    their slice of a result row."""
    felt = [(g, c) for g, q in grener.items() for c in q.selected_columns]
    plass: dict[str, tuple[list[str], int, int]] = {}
    for i, (g, c) in enumerate(felt, start=1):
        navn, fra, _ = plass.get(g, ([], i, i))
        plass[g] = ([*navn, str(c.key)], fra, i + 1)
    deler = []
    for g, q in grener.items():
        kolonner: list[Any] = [literal_column(f"'{g}'", String).label(GREN)]
        for eier, c in felt:
            verdi = c if eier == g else cast(null(), c.type)
            kolonner.append(verdi.label(f"{eier}_{c.key}"))
        deler.append(q.with_only_columns(*kolonner))
    return union_all(*deler), plass
