"""The employers' read model: each virksomhet's name (PRIV-4) and its HR contacts over time (RP-9).

Rows are a function of one Virksomhet stream alone (``virksomhet_rader``) and replace that employer's
rows whenever its stream changes, as the person projections do, so a rebuild gives them back. Reads
then ask SQL for "the HR of this employer as known at an instant" instead of loading the aggregate:
the latest HR change in stream order among those known by then, exactly ``Virksomhet.hr_id``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, delete, literal, select

from domain.virksomhet import Virksomhet
from projections.lesemodell import Rader
from projections.skriving import Maal
from projections.tabeller import virksomhet_hr, virksomheter

NAVN = "virksomheter"  # the projection (its position row, its tables in ``PROJEKSJONER``)
VIRKSOMHET_TOPIC = Virksomhet.TOPIC + "."


@dataclass(frozen=True)
class Virksomhetsstrom:
    """One employer's stream as the projection sees it: the aggregate its events make."""

    virksomhet_id: UUID
    virksomhet: Virksomhet

    @property
    def versjon(self) -> int:
        return int(self.virksomhet.version)


def virksomhet_rader(s: Virksomhetsstrom) -> Rader:
    """The employer's name row and one row per HR change, in stream order."""
    v = s.virksomhet
    return {
        virksomheter.name: [{"orgnr": v.orgnr, "navn": v.navn, "versjon": s.versjon}],
        virksomhet_hr.name: [
            {"orgnr": v.orgnr, "nr": nr, "fra": at.astimezone(UTC), "hr_id": hr_id}
            for nr, (at, hr_id) in enumerate(v.hr)
        ],
    }


def lagre(conn: Connection, rader: Mapping[UUID, Rader], maal: Maal) -> None:
    """Replace the rows of these employers (by orgnr, which names the stream) in ``maal``'s tables."""
    orgnr = sorted({r["orgnr"] for rr in rader.values() for r in rr[virksomheter.name]})
    if not orgnr:
        return
    for t in (virksomheter, virksomhet_hr):
        mt = maal.tabell(t)
        conn.execute(delete(mt).where(mt.c.orgnr.in_(orgnr)))
        nye = [r for rr in rader.values() for r in rr[t.name]]
        if nye:
            conn.execute(mt.insert(), nye)


# ---------------------------------------------------------------- reading


def hr_pa(orgnr: ColumnElement[Any] | str, kjent_til: ColumnElement[Any] | datetime) -> ColumnElement[Any]:
    """RP-9: the HR id of the employer ``orgnr`` (a column or a value) as known at ``kjent_til`` (an
    instant, or a parameter bound to one in UTC), as a scalar subquery (NULL: none known); one
    backward step on the primary key (orgnr, nr)."""
    h = virksomhet_hr
    if isinstance(kjent_til, datetime):
        kjent_til = literal(kjent_til.astimezone(UTC), h.c.fra.type)
    return (
        select(h.c.hr_id)
        .where(h.c.orgnr == orgnr, h.c.fra <= kjent_til)
        .order_by(h.c.nr.desc())
        .limit(1)
        .scalar_subquery()
    )


def hr_oppslag(conn: Connection, orgnr: Collection[str], kjent_til: datetime) -> dict[str, str | None]:
    """RP-9: orgnr -> its HR id as known at ``kjent_til`` (None: none known), in one statement."""
    if not orgnr:
        return {}
    q = select(virksomheter.c.orgnr, hr_pa(virksomheter.c.orgnr, kjent_til)).where(
        virksomheter.c.orgnr.in_(sorted(orgnr))
    )
    ut: dict[str, str | None] = dict.fromkeys(orgnr)
    ut.update({r[0]: r[1] for r in conn.execute(q)})
    return ut


def navn(conn: Connection, orgnr: Collection[str]) -> dict[str, str | None]:
    """PRIV-4: orgnr -> the employer's name (None: none given yet), in one statement."""
    if not orgnr:
        return {}
    q = select(virksomheter.c.orgnr, virksomheter.c.navn).where(virksomheter.c.orgnr.in_(sorted(orgnr)))
    ut: dict[str, str | None] = dict.fromkeys(orgnr)
    ut.update({r.orgnr: r.navn for r in conn.execute(q)})
    return ut
