"""Time travel (T-7): a case as the service knew it at a recorded instant, or at a stream version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.kalender import OSLO
from domain.kommandoer import les_instant
from service.bootstrap import Core, build_core
from service.settings import Settings


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(database_url=database_url, data_dir=tmp_path))
    yield k
    k.close()


def sykmelding(id_: str, at: str, fom: str, tom: str) -> dict[str, Any]:
    return {
        "at": at,
        "type": "sykmelding",
        "id": id_,
        "fnr": "P-1",
        "orgnr": "ORG-1",
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": fom, "tom": tom, "grad": 100}],
    }


def frister(svar: dict[str, Any]) -> dict[str, str]:
    (sak,) = svar["cases"]
    return {m["kind"]: m["due"] for m in sak["milestones"] if m["due"]}


def test_a_late_backdated_sick_note_shows_old_deadlines_before_it_arrived_and_new_after(kjerne: Core) -> None:
    app = kjerne.app
    app.behandle(app.les(sykmelding("SM1", "2025-02-03T08:00:00+01:00", "2025-02-03", "2025-04-30")))
    # Arrives on 20 February, covering 13 January to 2 February: the tilfelle starts three weeks earlier.
    app.behandle(app.les(sykmelding("SM0", "2025-02-20T10:00:00+01:00", "2025-01-13", "2025-02-02")))
    pid = app.person_for_fnr("P-1")

    fr = app.som_kjent(pid, as_of=les_instant("2025-02-19T12:00:00+01:00", "as_of"))
    etter = app.som_kjent(pid, as_of=les_instant("2025-02-20T10:00:00+01:00", "as_of"))
    na = app.som_kjent(pid)

    assert frister(fr)["oppfolgingsplan"] == "2025-03-02"  # OP-1: S + 27 with S = 3 Feb
    assert frister(fr)["dialogmote_1"] == "2025-03-23"
    assert frister(etter)["oppfolgingsplan"] == "2025-02-09"  # S = 13 Jan
    assert frister(etter)["dialogmote_1"] == "2025-03-02"
    assert frister(na) == frister(etter)
    assert fr["cases"][0]["start"] == "2025-02-03"
    assert etter["cases"][0]["start"] == "2025-01-13"
    # As known on 19 February the plan was still pending; known on 20 February it is overdue.
    assert {m["kind"]: m["status"] for m in fr["cases"][0]["milestones"]}["oppfolgingsplan"] == "pending"
    assert {m["kind"]: m["status"] for m in etter["cases"][0]["milestones"]}["oppfolgingsplan"] == "overdue"

    # The reminder plan moves with the deadlines: known on 19 February, the plan's rungs lay ahead;
    # known on 20 February, its deadline (9 February) has passed and nothing about it is planned.
    def plan(svar: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [
            (r["at"][:10], r["recipient"]["role"], r["stage"])
            for r in svar["reminders"]
            if r["milestone"] == "oppfolgingsplan"
        ]

    assert plan(fr) == [
        ("2025-02-21", "AT", "before"),
        ("2025-02-21", "NL", "before"),
        ("2025-02-28", "AT", "before"),
        ("2025-02-28", "NL", "before"),
        ("2025-03-03", "NL", "overdue"),
    ]
    assert plan(etter) == []


def test_a_version_shows_the_case_as_it_was_after_that_event(kjerne: Core) -> None:
    app = kjerne.app
    app.behandle(app.les(sykmelding("SM1", "2025-02-03T08:00:00+01:00", "2025-02-03", "2025-04-30")))
    versjon = app.person(app.person_for_fnr("P-1")).version
    app.behandle(app.les(sykmelding("SM0", "2025-02-20T10:00:00+01:00", "2025-01-13", "2025-02-02")))
    pid = app.person_for_fnr("P-1")

    da = app.som_kjent(pid, versjon=versjon)
    na = app.som_kjent(pid)

    assert da["version"] == versjon
    assert da["cases"][0]["start"] == "2025-02-03"
    assert frister(da)["oppfolgingsplan"] == "2025-03-02"
    assert na["cases"][0]["start"] == "2025-01-13"
    assert da["date"] == "2025-02-03"  # evaluated on the day of that version's last event, not today


def test_time_travel_does_not_read_the_clock(kjerne: Core) -> None:
    app = kjerne.app
    app.behandle(app.les(sykmelding("SM1", "2025-02-03T08:00:00+01:00", "2025-02-03", "2025-04-30")))
    pid = app.person_for_fnr("P-1")
    as_of = les_instant("2025-03-01T09:00:00+01:00", "as_of")

    assert app.som_kjent(pid, as_of=as_of) == app.som_kjent(pid, as_of=as_of.astimezone(OSLO))
    assert app.som_kjent(pid, as_of=as_of)["date"] == "2025-03-01"


def test_version_one_is_the_stream_before_anything_was_known(kjerne: Core) -> None:
    """T-7 at a stream version: version 1 is the creation of the stream alone (the auditor's first step)."""
    app = kjerne.app
    app.behandle(app.les(sykmelding("SM1", "2025-02-03T08:00:00+01:00", "2025-02-03", "2025-04-30")))
    pid = app.person_for_fnr("P-1")

    forste = app.som_kjent(pid, versjon=1)
    andre = app.som_kjent(pid, versjon=2)

    assert forste["version"] == 1
    assert forste["cases"] == []
    assert [s["start"] for s in andre["cases"]] == ["2025-02-03"]
