"""Rebuild with worker processes (``syfo rebuild --jobs N``): the persons are computed in parallel, the
rows and the position are written in order by the rebuilding process.

1. The parent reads the notification log to its end (the raw records, nothing decoded) and notes each
   person's newest version and log position, in order of first appearance.
2. A pool of processes (``spawn``: no connection of the parent is shared) each opens its own store
   (``Oppdaterer.fabrikk``) and reads, decodes and computes chunks of persons
   (``oppdaterer.beregn``: the same function the live runner uses, quarantine included).
3. The parent writes the chunks' rows into the rebuild's fresh tables in the order it sent them, in
   short transactions; a row the database refuses is retried person by person as in the live runner.

What arrived after step 1 is replayed by the swap (``projections.gjenoppbygging``), which skips the
persons already computed at that version, so the rows are the ones a sequential rebuild writes.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy.exc import DBAPIError

from projections.karantene import er_radfeil
from projections.oppdaterer import Fremdrift, Kilde, OutboxBuilder, beregn, nyeste_versjoner
from projections.skriving import Maal, Utfall

if TYPE_CHECKING:
    from projections.gjenoppbygging import Gjenoppbygging
    from projections.oppdaterer import Oppdaterer

LESEBATCH = 5000  # notifications per read of the log in step 1
MAKS_BIT = 64  # persons per chunk sent to a worker
VINDU = 2  # chunks per worker computed ahead of the parent's writing

Beregnet = tuple[UUID, Utfall, int]

_kilde: Kilde | None = None  # the worker process's own store


def _start(fabrikk: Callable[[], Kilde]) -> None:
    global _kilde
    _kilde = fabrikk()


def _beregn_bit(
    gruppe: Sequence[str], outbox: OutboxBuilder | None, personer: Sequence[tuple[UUID, int, int]]
) -> tuple[int, list[Beregnet]]:
    """In a worker: this process's id and the chunk's persons computed."""
    assert _kilde is not None, "the pool's initializer opens the store"
    return os.getpid(), [(pid, *beregn(_kilde, pid, gruppe, v, p, outbox)) for pid, v, p in personer]


def erstatt(
    o: Oppdaterer, navn: Sequence[str], maal: Maal, res: Gjenoppbygging, fremdrift: Fremdrift | None, jobs: int
) -> None:
    """Steps 1–3 above into ``maal``; ``res`` gets the events read and the position reached."""
    assert o.fabrikk is not None
    assert o._beregnet is not None
    nyeste: dict[UUID, tuple[int, int]] = {}
    antall: dict[UUID, int] = {}
    lest = 0
    while notifs := o.kilde.notifikasjoner(res.posisjon + 1, LESEBATCH):
        for pid, vp in nyeste_versjoner(notifs).items():
            nyeste[pid] = max(nyeste.get(pid, vp), vp)
        for n in notifs:
            if n.originator_id in nyeste:
                antall[n.originator_id] = antall.get(n.originator_id, 0) + 1
        lest += len(notifs)
        res.posisjon = int(notifs[-1].id)
    res.hendelser += lest
    if not nyeste:
        return
    personer = [(pid, *vp) for pid, vp in nyeste.items()]
    storrelse = max(1, min(MAKS_BIT, -(-len(personer) // (jobs * 4))))
    biter = [personer[i : i + storrelse] for i in range(0, len(personer), storrelse)]
    siste = o.kilde.siste_posisjon()
    gjort = 0
    ctx = multiprocessing.get_context("spawn")
    # At most VINDU chunks per worker are sent ahead of the one being written: ``imap`` alone hands every
    # chunk to the workers at once, and when the parent writes slower than they compute, their finished
    # rows pile up in the parent (911 MiB for 20,000 seeded cases with two workers).
    vindu = threading.Semaphore(VINDU * jobs)
    stopp = threading.Event()

    def sendt_ut() -> Iterator[list[tuple[UUID, int, int]]]:
        for b in biter:
            vindu.acquire()  # in the pool's task-feeding thread: waits until a result has been written
            if stopp.is_set():
                return
            yield b

    with ctx.Pool(min(jobs, len(biter)), initializer=_start, initargs=(o.fabrikk,)) as pool:
        try:
            for prosess, bit in pool.imap(functools.partial(_beregn_bit, tuple(navn), o.outbox), sendt_ut()):
                vindu.release()
                res.prosesser.add(prosess)
                _skriv(o, navn, bit, nyeste, maal)
                n = sum(antall[pid] for pid, _, _ in bit)
                gjort += n
                if fremdrift is not None:
                    fremdrift(gjort, siste, n)
        finally:  # a failed write must not leave the feeding thread waiting (the pool joins it on exit)
            stopp.set()
            vindu.release()
    if fremdrift is not None and lest > gjort:  # the other streams' events (employers, id references)
        fremdrift(res.posisjon, siste, lest - gjort)


def _skriv(
    o: Oppdaterer, navn: Sequence[str], bit: list[Beregnet], nyeste: dict[UUID, tuple[int, int]], maal: Maal
) -> None:
    try:
        with o.engine.begin() as conn:
            o.skriv_utfall(conn, navn, bit, nyeste, maal, noye=False)
    except DBAPIError as e:
        if not er_radfeil(e):
            raise
        with o.engine.begin() as conn:  # again person by person: only the refused person is quarantined
            o.skriv_utfall(conn, navn, bit, nyeste, maal, noye=True)
