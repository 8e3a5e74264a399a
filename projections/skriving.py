"""Where and how a batch writes a person's rows: the projections' own tables (the live runner) or a
rebuild's fresh ones, with the quarantine rows of the persons that could not be computed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Dialect, Table, delete
from sqlalchemy.exc import DBAPIError

from projections.karantene import Karantene, kjente_saker
from projections.lesemodell import Rader
from projections.tabeller import PROJEKSJONER, karantene

Utfall = dict[str, "Rader | Karantene"]
OUTBOX = "outbox"  # a rebuild's outbox rows in a person's ``Utfall`` (not a projection), for ``Maal.outbox``


@dataclass(frozen=True)
class Maal:
    """Where a batch writes: the projections' own tables, or a rebuild's fresh ones (by table name)."""

    tabeller: dict[str, Table] = field(default_factory=dict)
    karantene: Table = karantene
    outbox: Table | None = None  # a rebuild's fresh outbox: the persons' ``"outbox"`` rows go there

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
                sett_inn(conn, mt, rader[t.name])
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
        sett_inn(conn, kt, nye)
    if maal.outbox is not None:
        ot = maal.outbox
        for del_ider in biter(ider, 500):
            conn.execute(delete(ot).where(ot.c.person_id.in_(del_ider)))
        ut: list[dict[str, Any]] = []
        for u in utfall.values():
            o = u.get(OUTBOX)
            if o is not None and not isinstance(o, Karantene):
                ut.extend(o.get(OUTBOX, []))
        if ut:
            sett_inn(conn, ot, ut)


def sett_inn(conn: Connection, t: Table, rader: Sequence[dict[str, Any]]) -> None:
    """``conn.execute(t.insert(), rader)`` with the same SQL and the same values, without SQLAlchemy's
    per-row work: the INSERT that SQLAlchemy compiles for the first row's keys goes straight to the
    driver's ``executemany``, each value through its column type's own bind processor (dates and
    instants as SQLite text, JSON for the driver). Every row has the first row's keys, as
    ``execute`` demands."""
    sql, felt, posisjonelt = _innsetting(t, tuple(rader[0]), conn.dialect)
    if conn.dialect.name == "postgresql":
        _kopier(conn, t, felt, rader)
        return
    if posisjonelt:
        verdier: list[Any] = [tuple([r[k] if f is None else f(r[k]) for _, k, f in felt]) for r in rader]
    else:
        verdier = [{b: r[k] if f is None else f(r[k]) for b, k, f in felt} for r in rader]
    conn.exec_driver_sql(sql, verdier)


def _kopier(conn: Connection, t: Table, felt: Sequence[Felt], rader: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: the rows through ``COPY … FROM STDIN`` on the connection's own transaction (a third of
    the time of an INSERT per row), the values processed as for the INSERT. A refused row raises the
    ``DBAPIError`` SQLAlchemy would raise (``DataError``, ``IntegrityError``): the quarantine sees the same."""
    import psycopg

    q = conn.dialect.identifier_preparer
    sql = f"COPY {q.format_table(t)} ({', '.join(q.quote(k) for _, k, _ in felt)}) FROM STDIN"
    raa = conn.connection.driver_connection
    assert isinstance(raa, psycopg.Connection)
    try:
        with raa.cursor() as cur, cur.copy(sql) as kopi:
            for r in rader:
                kopi.write_row([r[k] if f is None else f(r[k]) for _, k, f in felt])
    except psycopg.Error as e:
        raise DBAPIError.instance(sql, None, e, psycopg.Error, dialect=conn.dialect) from e


Felt = tuple[str, str, Callable[[Any], Any] | None]  # bind name, row key, bind processor


@functools.lru_cache(maxsize=256)
def _innsetting(t: Table, nokler: tuple[str, ...], dialect: Dialect) -> tuple[str, tuple[Felt, ...], bool]:
    kompilert = t.insert().compile(dialect=dialect, column_keys=list(nokler))
    nokkel = {b: p.key for p, b in kompilert.bind_names.items()}
    posisjonelt = kompilert.positiontup is not None
    binds = kompilert.positiontup if kompilert.positiontup is not None else list(nokkel)
    felt = tuple((b, nokkel[b], t.c[nokkel[b]].type.dialect_impl(dialect).bind_processor(dialect)) for b in binds)
    return str(kompilert), felt, posisjonelt


def biter(xs: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]
