"""Where and how a batch writes a person's rows: the projections' own tables (the live runner) or a
rebuild's fresh ones, with the quarantine rows of the persons that could not be computed."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, delete

from projections.karantene import Karantene, kjente_saker
from projections.lesemodell import Rader
from projections.tabeller import PROJEKSJONER, karantene

Utfall = dict[str, "Rader | Karantene"]


@dataclass(frozen=True)
class Maal:
    """Where a batch writes: the projections' own tables, or a rebuild's fresh ones (by table name)."""

    tabeller: dict[str, Table] = field(default_factory=dict)
    karantene: Table = karantene

    def tabell(self, t: Table) -> Table:
        return self.tabeller.get(t.name, t)


LIVE = Maal()


def lagre(
    conn: Connection, gruppe: Sequence[str], utfall: dict[UUID, Utfall], maal: Maal, uten_rader: Collection[UUID] = ()
) -> None:
    """Replace the persons' rows, and their quarantine rows, in one go (one executemany per table).

    ``uten_rader``: persons known to have no rows in ``maal`` yet (a rebuild's fresh tables, which have no
    index on ``person_id``): nothing is deleted for them."""
    ider = [str(p) for p in utfall if p not in uten_rader]
    feilet = {str(p) for p, u in utfall.items() if any(isinstance(r, Karantene) for r in u.values())}
    case_ids = kjente_saker(conn, sorted(feilet)) if feilet else {}
    for navn in gruppe:
        rader: dict[str, list[dict[str, Any]]] = {}
        for u in utfall.values():
            r = u[navn]
            if not isinstance(r, Karantene):
                for tabell, rr in r.items():
                    rader.setdefault(tabell, []).extend(rr)
        for t in PROJEKSJONER[navn]:
            mt = maal.tabell(t)
            for del_ider in biter(ider, 500):
                conn.execute(delete(mt).where(mt.c.person_id.in_(del_ider)))
            if rader.get(t.name):
                conn.execute(mt.insert(), rader[t.name])
    kt = maal.karantene
    for del_ider in biter(ider, 500):
        conn.execute(delete(kt).where(kt.c.projeksjon.in_(list(gruppe)), kt.c.person_id.in_(del_ider)))
    nye = [
        r.rad(navn, case_ids.get(str(pid), []))
        for pid, u in utfall.items()
        for navn, r in u.items()
        if isinstance(r, Karantene)
    ]
    if nye:
        conn.execute(kt.insert(), nye)


def biter(xs: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]
