"""A leader's calendar feed from the read models: stable UIDs, growing SEQUENCE when dates move."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from service.bootstrap import Core, build_core
from service.delivery.calendar import lag_kalender, oppforinger_for_leder
from service.settings import Settings

LENKE = "https://syfo.example/mine-sykmeldte"


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = build_core(Settings(database_url=database_url, data_dir=tmp_path))
    yield k
    k.close()


def send(k: Core, **data: Any) -> None:
    k.app.behandle(k.app.les(data))
    k.oppdaterer.fang_opp()


def feed(k: Core, leder: str = "leder-A") -> dict[str, Any]:
    with k.engine.connect() as conn:
        ical = lag_kalender(oppforinger_for_leder(conn, leder, LENKE))
    assert b"P-77" not in ical  # no fødselsnummer in a third-party calendar (RP-10)
    return {str(e["uid"]): e for e in Calendar.from_ical(ical).walk("VEVENT")}


def test_deadlines_and_meetings_of_the_leaders_cases_move_under_the_same_uid(kjerne: Core) -> None:
    felles = {"fnr": "P-77", "orgnr": "ORG-1"}
    send(kjerne, at="2025-02-03T07:00:00+01:00", type="narmeste_leder", leder_id="leder-A", fom="2025-01-01", **felles)
    send(
        kjerne,
        at="2025-02-03T08:00:00+01:00",
        type="sykmelding",
        id="SM1",
        perioder=[{"fom": "2025-02-03", "tom": "2025-06-30", "grad": 100}],
        **felles,
    )
    send(
        kjerne,
        at="2025-02-10T09:00:00+01:00",
        type="dialogmote_innkalt",
        id="M1",
        mote=1,
        tidspunkt="2025-03-10T10:00:00+01:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}],
        **felles,
    )
    for_ = feed(kjerne)
    plan = next(e for uid, e in for_.items() if uid.endswith("-oppfolgingsplan@syfo-tidslinje"))
    mote = next(e for uid, e in for_.items() if uid.startswith("mote-"))

    # A late, backdated sick note moves the tilfelle's start three weeks back, and the deadlines with it.
    send(
        kjerne,
        at="2025-02-20T10:00:00+01:00",
        type="sykmelding",
        id="SM0",
        perioder=[{"fom": "2025-01-13", "tom": "2025-02-02", "grad": 100}],
        **felles,
    )
    etter = feed(kjerne)

    flyttet = etter[str(plan["uid"])]
    assert plan.decoded("dtstart").isoformat() == "2025-03-02"
    assert flyttet.decoded("dtstart").isoformat() == "2025-02-09"
    assert int(flyttet["sequence"]) > int(plan["sequence"])
    assert str(mote["summary"]) == "Dialogmøte"
    assert mote.decoded("dtstart").isoformat() == "2025-03-10T09:00:00+00:00"
    assert feed(kjerne, "leder-B") == {}

    send(kjerne, at="2025-02-21T09:00:00+01:00", type="dialogmote_avlyst", id="M1")
    assert not any(uid.startswith("mote-") for uid in feed(kjerne))
