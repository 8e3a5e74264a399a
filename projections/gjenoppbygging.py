"""Rebuild: replay the whole log into fresh tables, then swap them in. A failure midway leaves the read
models exactly as they were.

1. Fresh tables ``<table>__ny`` (the same columns and primary key, no secondary index yet) and a fresh
   quarantine table are created; leftovers of a rebuild that died are dropped first.
2. The log is replayed into them in transactions of ``BATCH`` notifications, each person computed
   once from the whole stream. The live tables and positions are not touched, so a running service goes on
   reading and updating them meanwhile.
3. One transaction takes the projections' position rows (on SQLite: the write lock), replays what
   arrived in the meantime, drops the old tables, renames the fresh ones and their indexes (PostgreSQL
   builds them before, under temporary names; SQLite cannot rename an index, so it builds them here),
   replaces the rebuilt projections' quarantine rows and sets the positions. Readers see the old
   tables or the new ones, never a mix; on SQLite writers wait for this one transaction.
   With ``outbox_rader`` (``syfo rebuild`` of the reminders) the delivery outbox, computed from the
   same aggregates into a fresh table, replaces the live one's rows here (on PostgreSQL under a
   table lock taken before the last replay, since decisions write it outside the position locks).

A person whose stream cannot be computed is quarantined here as in the live runner
(``projections.karantene``); the rebuild goes on and reports them. Nothing is sent: only rows are
written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import Connection, Index, MetaData, PrimaryKeyConstraint, Table, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from projections.karantene import er_radfeil
from projections.oppdaterer import Fremdrift, OutboxBuilder
from projections.skriving import Maal
from projections.tabeller import PROJEKSJONER, karantene, outbox, posisjoner

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from projections.oppdaterer import Oppdaterer

SUFFIKS = "__ny"
# Notifications per transaction in step 2: the fresh tables are the rebuild's own, so a transaction
# can be ten times a live batch (fewer commits, each a sync to disk); SQLite's write lock is taken
# only by the batch's inserts, after its persons are computed.
BATCH = 5000
log = structlog.get_logger(__name__)


@dataclass
class Gjenoppbygging:
    """What a rebuild did: events read, the position reached, and the quarantine rows it left."""

    hendelser: int = 0
    posisjon: int = 0
    karantene: list[dict[str, Any]] = field(default_factory=list)
    prosesser: set[int] = field(default_factory=set)  # the worker processes that computed persons (--jobs)


def gjenoppbygg(
    o: Oppdaterer,
    navn: Sequence[str],
    fremdrift: Fremdrift | None = None,
    jobs: int = 1,
    outbox_rader: OutboxBuilder | None = None,
) -> Gjenoppbygging:
    """Rebuild the projections ``navn`` from the whole log; see the module docstring. With ``jobs`` > 1
    (and a store that can be opened again, ``Oppdaterer.fabrikk``) step 2 computes the persons in
    that many worker processes (``projections.parallell``).

    With ``outbox_rader`` the delivery outbox is rebuilt as well, from the aggregates the rebuild makes
    anyway (nothing read or decoded twice): into a fresh table, and replaced in the swap's transaction."""
    engine = o.engine
    postgres = engine.dialect.name == "postgresql"
    meta = MetaData()
    tabeller = [t for n in navn for t in PROJEKSJONER[n]]
    ny_outbox = _fersk(outbox, meta, postgres) if outbox_rader is not None else None
    maal = Maal({t.name: _fersk(t, meta, postgres) for t in tabeller}, _fersk(karantene, meta, postgres), ny_outbox)
    with engine.begin() as conn:
        meta.drop_all(conn)
        meta.create_all(conn)
    res = Gjenoppbygging()
    o = dataclasses.replace(o, _beregnet={}, outbox=outbox_rader)  # its own: a live runner may share ``o``
    try:
        if jobs > 1 and o.fabrikk is not None:
            from projections.parallell import erstatt

            erstatt(o, navn, maal, res, fremdrift, jobs)
        while _en_batch(o, engine, navn, maal, res, fremdrift):
            pass
        if postgres:  # indexes made now, under temporary names, keep the swap short
            with engine.begin() as conn:
                for t in tabeller:
                    for ix in t.indexes:
                        fersk = maal.tabell(t)
                        kolonner = [fersk.c[c.name] for c in ix.columns]
                        Index(f"{ix.name}{SUFFIKS}", *kolonner, unique=bool(ix.unique)).create(conn)
        with engine.begin() as conn:
            # Lock the position rows (SQLite: this first write takes the write lock), so no runner
            # commits a batch between the last replayed event and the swap.
            rader = posisjoner.c.navn.in_(list(navn))
            conn.execute(update(posisjoner).where(rader).values(posisjon=posisjoner.c.posisjon))
            if postgres and maal.outbox is not None:
                # A decision is saved with its outbox row, an outcome with its row's update: they wait
                # for the swap, or are committed before it and so replayed; none is replaced unseen.
                navn_outbox = conn.dialect.identifier_preparer.quote(outbox.name)
                conn.execute(text(f"LOCK TABLE {navn_outbox} IN SHARE ROW EXCLUSIVE MODE"))
            while (n := _batch(o, conn, navn, maal, res, noye=True)) > 0:
                res.hendelser += n
            _bytt(conn, tabeller, maal, navn, postgres)
            conn.execute(update(posisjoner).where(rader).values(posisjon=res.posisjon))
            q = select(karantene).where(karantene.c.projeksjon.in_(list(navn)))
            res.karantene = [dict(r) for r in conn.execute(q.order_by(karantene.c.person_id)).mappings()]
    finally:
        try:
            with engine.begin() as conn:
                meta.drop_all(conn)  # what is left of the fresh tables (nothing after a swap)
        except DBAPIError as e:  # the next rebuild drops them; the first error is the one to see
            log.warning("rebuild_cleanup_failed", error=type(e).__name__)
    return res


def _en_batch(
    o: Oppdaterer, engine: Engine, navn: Sequence[str], maal: Maal, res: Gjenoppbygging, fremdrift: Fremdrift | None
) -> bool:
    try:
        with engine.begin() as conn:
            n = _batch(o, conn, navn, maal, res, noye=False, antall=BATCH)
    except DBAPIError as e:
        if not er_radfeil(e):
            raise
        with engine.begin() as conn:  # again person by person: only the refused person is quarantined
            n = _batch(o, conn, navn, maal, res, noye=True, antall=BATCH)
    if n == 0:
        return False
    res.hendelser += n
    if fremdrift is not None:
        fremdrift(res.posisjon, o.kilde.siste_posisjon(), n)
    return True


def _batch(
    o: Oppdaterer,
    conn: Connection,
    navn: Sequence[str],
    maal: Maal,
    res: Gjenoppbygging,
    *,
    noye: bool,
    antall: int = 0,
) -> int:
    notifs = o.kilde.notifikasjoner(res.posisjon + 1, antall or o.batch)
    if not notifs:
        return 0
    o.skriv(conn, navn, notifs, maal, noye=noye)
    res.posisjon = int(notifs[-1].id)
    return len(notifs)


def _fersk(t: Table, meta: MetaData, postgres: bool) -> Table:
    """An empty copy of ``t``: same columns and primary key, no secondary index (made at the swap)."""
    kolonner = []
    for c in t.columns:
        k = c._copy()
        k.index = None
        k.unique = None
        kolonner.append(k)
    # PostgreSQL names constraints per schema, so the copy's key gets its final name at the swap.
    pk = f"pk_{t.name}{SUFFIKS}" if postgres else f"pk_{t.name}"
    return Table(t.name + SUFFIKS, meta, *kolonner, PrimaryKeyConstraint(*t.primary_key.columns.keys(), name=pk))


def _bytt(conn: Connection, tabeller: list[Table], maal: Maal, navn: Sequence[str], postgres: bool) -> None:
    q = conn.dialect.identifier_preparer.quote
    for t in tabeller:
        fersk = maal.tabell(t)
        conn.execute(text(f"DROP TABLE {q(t.name)}"))
        conn.execute(text(f"ALTER TABLE {q(fersk.name)} RENAME TO {q(t.name)}"))
        if not postgres:  # SQLite names indexes per database and cannot rename them: made here
            for ix in t.indexes:
                ix.create(conn)
            continue
        pk, pk_fersk = q("pk_" + t.name), q("pk_" + fersk.name)
        conn.execute(text(f"ALTER TABLE {q(t.name)} RENAME CONSTRAINT {pk_fersk} TO {pk}"))
        for ix in t.indexes:
            conn.execute(text(f"ALTER INDEX {q(str(ix.name) + SUFFIKS)} RENAME TO {q(str(ix.name))}"))
    conn.execute(delete(karantene).where(karantene.c.projeksjon.in_(list(navn))))
    _kopier(conn, maal.karantene, karantene)
    if maal.outbox is not None:  # a live table (decisions are saved with their row): replaced, not renamed
        conn.execute(delete(outbox))
        _kopier(conn, maal.outbox, outbox)


def _kopier(conn: Connection, fra: Table, til: Table) -> None:
    """Every row of the fresh table ``fra`` into the live table ``til``, column by column."""
    kolonner = list(til.columns.keys())
    conn.execute(til.insert().from_select(kolonner, select(*[fra.c[k] for k in kolonner])))
