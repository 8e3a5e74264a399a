"""A timeline read (``GET /api/v1/saker/{id}/tidslinje``) is answered from the read models in at most two
SQL statements, with no aggregate loaded from the event store, for every kind of reader: NAV, the
arbeidstaker (ACC-5), the nærmeste leder (ACC-2) and HR (ACC-4, RP-9: the HR id of the employer and of
the planned HR rungs comes from the employers' read model). The audit record (AUD-1) is written by
the audit queue's own thread and is not counted here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from domain.kalender import OSLO

from .api_hjelp import FNR, ORG1, Miljo, kl

LESERE = [("NAV", "NAV"), (FNR, "AT"), ("leder-A", "NL"), ("hr-1", "HR")]


@contextmanager
def tell_sporringer(m: Miljo) -> Iterator[list[str]]:
    """The SQL statements sent on the service's engine meanwhile, but for the audit writer's."""
    sporringer: list[str] = []
    skriver = m.kjerne.revisjon._trad

    def telle(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if threading.current_thread() is not skriver:
            sporringer.append(sql)

    event.listen(m.kjerne.engine, "before_cursor_execute", telle)
    try:
        yield sporringer
    finally:
        event.remove(m.kjerne.engine, "before_cursor_execute", telle)


@contextmanager
def tell_strommer(m: Miljo, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The event-store streams read meanwhile (aggregate loads)."""
    lest: list[Any] = []
    recorder = m.kjerne.app.recorder
    virkelig = recorder.select_events

    def select_events(originator_id: Any, *args: Any, **kwargs: Any) -> Any:
        lest.append(originator_id)
        return virkelig(originator_id, *args, **kwargs)

    with monkeypatch.context() as mp:
        mp.setattr(recorder, "select_events", select_events)
        yield lest


@pytest.mark.parametrize(("sub", "rolle"), LESERE, ids=[r for _, r in LESERE])
def test_a_timeline_read_is_at_most_two_statements_and_loads_no_aggregate(
    historie: Miljo, monkeypatch: pytest.MonkeyPatch, sub: str, rolle: str
) -> None:
    sak = historie.saker["ORG1"]
    historie.kjerne.oppdaterer.fang_opp()  # caught up, so the read needs no read-your-writes wait
    historie.kjerne.revisjon.flush()  # an empty queue: this read's record does not fill it
    with tell_sporringer(historie) as sporringer, tell_strommer(historie, monkeypatch) as strommer:
        svar = historie.klient.get(f"/api/v1/saker/{sak}/tidslinje", headers=historie.hoder(sub, rolle))

    assert svar.status_code == 200, svar.text
    innhold = svar.json()
    assert innhold["milestones"]
    assert len(sporringer) <= 2, sporringer
    assert strommer == []


def test_planned_hr_rungs_and_hr_access_follow_the_hr_known_at_the_read(
    ny: Miljo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RP-7, RP-9, ACC-4: the planned escalations go to, and the case is shown to, the HR the employer's
    stream names at the read's instant (the employers' read model), as the aggregate answers."""
    m = ny
    m.klokke.t = datetime(2025, 2, 5, 10, 0, tzinfo=OSLO)
    m.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))})
    m.lagre(
        {
            "type": "narmeste_leder",
            "fnr": FNR,
            "orgnr": ORG1,
            "leder_id": "leder-A",
            "fom": "2025-01-01",
            "at": kl(date(2025, 1, 6), "07:30"),
        }
    )
    sak = m.lagre(
        {
            "type": "sykmelding",
            "id": "SM1",
            "fnr": FNR,
            "orgnr": ORG1,
            "sykmelder_id": "lege-1",
            "perioder": [{"fom": "2025-01-06", "tom": "2025-05-30", "grad": 100}],
            "at": kl(date(2025, 1, 6), "07:45"),
        }
    )["case_id"]
    pid = m.kjerne.app.person_for_fnr(FNR)
    dag = date(2025, 1, 6)
    while dag <= date(2025, 2, 5):  # the slots so far: the plan's overdue reminder (RM-2) goes on 2025-02-04
        if dag.weekday() < 5:
            m.kjerne.vurder_slot(pid, datetime.combine(dag, time(8), OSLO))
        dag += timedelta(days=1)
    m.kjerne.oppdaterer.fang_opp()

    def hr_mottakere(sub: str, rolle: str) -> set[str] | int:
        m.kjerne.oppdaterer.fang_opp()  # the projections' own stream reads are not the read's
        with tell_strommer(m, monkeypatch) as strommer:
            r = m.les(f"/api/v1/saker/{sak}/tidslinje", sub, rolle)
        assert strommer == []  # no Virksomhet aggregate loaded for the answer
        if r.status_code != 200:
            return int(r.status_code)
        return {p["recipient"]["id"] for p in r.json()["reminders"] if p["recipient"]["role"] == "HR"}

    def fra_aggregatet() -> str | None:
        hr: str | None = m.kjerne.app.hr_oppslag(m.klokke.t)(ORG1)
        return hr

    assert hr_mottakere("revisor-1", "AUDITOR") == {"hr-1"} == {fra_aggregatet()}
    assert hr_mottakere("hr-1", "HR") == {"hr-1"}
    assert hr_mottakere("hr-2", "HR") == 404

    m.klokke.t = datetime(2025, 2, 6, 10, 0, tzinfo=OSLO)
    m.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-2", "at": kl(date(2025, 2, 6), "09:00")})
    assert hr_mottakere("revisor-1", "AUDITOR") == {"hr-2"} == {fra_aggregatet()}
    assert hr_mottakere("hr-2", "HR") == {"hr-2"}
    assert hr_mottakere("hr-1", "HR") == 404

    m.klokke.t = datetime(2025, 2, 6, 8, 0, tzinfo=OSLO)  # before the change was made: the HR known then
    assert hr_mottakere("revisor-1", "AUDITOR") == {"hr-1"} == {fra_aggregatet()}
    assert hr_mottakere("hr-1", "HR") == {"hr-1"}
