"""Speed (issue 15): a rebuild with worker processes writes the rows of the live runner, row for row,
poison included; each person's stream is read and computed once per batch for all three read models.

Runs on an SQLite file and again on PostgreSQL (``database_url`` in conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from karantene_hjelp import GIFTIG, ULESELIG, gift, kl, sak, send, ulesbar
from lesemodell_hjelp import tabeller

from domain import grunnlag
from projections import karantene
from projections.gjenoppbygging import gjenoppbygg
from projections.oppdaterer import ALLE
from service.bootstrap import Core, build_core
from service.devtools.seed import syntetisk_fnr
from service.settings import Settings

START = date(2025, 1, 6)


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(database_url=database_url, data_dir=tmp_path))
    yield k
    k.close()


def befolk(k: Core, antall: int) -> list[str]:
    """``antall`` healthy people, a poisoned stream (December 9999) and an undecodable one, interleaved."""
    gyldige = (f for i in range(400, 500) if (f := syntetisk_fnr(date(1982, 6, 11), i)) is not None)
    friske = [next(gyldige) for _ in range(antall)]
    for i, f in enumerate(friske):
        fom = START + timedelta(days=i)
        send(k.app, sak(f, fom, fom + timedelta(days=60), f"P{i}"))
        if i == antall // 3:
            gift(k.app, GIFTIG, kl(START, "10:00"))
        if i == antall // 2:
            ulesbar(k.app, k.engine, ULESELIG, START)
    return friske


def karantenerader(k: Core) -> list[dict[str, Any]]:
    with k.engine.connect() as conn:
        return karantene.liste(conn)


def test_a_parallel_rebuild_gives_the_rows_of_a_live_catch_up_poison_included(kjerne: Core) -> None:
    befolk(kjerne, 12)
    kjerne.oppdaterer.fang_opp()
    live, live_karantene = tabeller(kjerne.engine), karantenerader(kjerne)
    assert len({r["person_id"] for r in live_karantene}) == 2

    res = gjenoppbygg(kjerne.oppdaterer, ALLE, jobs=2)

    assert res.prosesser
    assert os.getpid() not in res.prosesser
    assert tabeller(kjerne.engine) == live
    assert karantenerader(kjerne) == live_karantene
    assert res.hendelser == res.posisjon == kjerne.app.siste_posisjon()
    assert {n: kjerne.oppdaterer.posisjon(n) for n in ALLE} == dict.fromkeys(ALLE, res.posisjon)


def test_a_parallel_rebuild_of_one_projection_gives_the_rows_of_a_sequential_one(kjerne: Core) -> None:
    """Alone, the timeline can be computed for the December-9999 stream: both rebuilds agree on that."""
    befolk(kjerne, 4)
    kjerne.oppdaterer.fang_opp()
    sekvensiell = gjenoppbygg(kjerne.oppdaterer, ["tidslinje"])
    rader, karantene_for = tabeller(kjerne.engine), karantenerader(kjerne)

    res = gjenoppbygg(kjerne.oppdaterer, ["tidslinje"], jobs=2)

    assert res.prosesser
    assert not sekvensiell.prosesser
    assert tabeller(kjerne.engine) == rader
    assert karantenerader(kjerne) == karantene_for
    assert res.karantene == sekvensiell.karantene
    assert {r["projeksjon"] for r in res.karantene} == {"tidslinje"}


def test_each_person_is_read_and_computed_once_per_batch_for_all_read_models(
    kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    friske = befolk(kjerne, 5)
    lest: list[Any] = []
    bygget: list[Any] = []
    strom, bygg = kjerne.app.strom, grunnlag.Grunnlag.bygg

    def tell_strom(pid: Any) -> Any:
        lest.append(pid)
        return strom(pid)

    def tell_bygg(*a: Any, **kw: Any) -> Any:
        bygget.append(a[0])
        return bygg(*a, **kw)

    monkeypatch.setattr(kjerne.app, "strom", tell_strom)
    monkeypatch.setattr(grunnlag.Grunnlag, "bygg", staticmethod(tell_bygg))
    kjerne.oppdaterer.batch = 10_000  # one batch over the whole log

    kjerne.oppdaterer.fang_opp()

    personer = {kjerne.app.person_for_fnr(f) for f in [*friske, GIFTIG, ULESELIG]}
    assert sorted(map(str, lest)) == sorted(map(str, personer))  # each stream read once
    # each readable stream's grunnlag built once for saker, tidslinje and paminnelser together
    assert sorted(map(str, bygget)) == sorted(str(kjerne.app.person_for_fnr(f)) for f in [*friske, GIFTIG])
