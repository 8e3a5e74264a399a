"""RP-1 across both DST changes: reminders go out at 08:00 Oslo, which is 07:00 UTC in winter and
06:00 UTC in summer, through the real slot job, dispatcher and alarm-clock arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.innstillinger import Innstillinger
from domain.kalender import OSLO
from domain.sykefravaer import Sykefravaer
from scheduler.slot_ticker import SlotTicker
from service.bootstrap import Core
from service.devtools.simulate import simuler

VAR = date(2025, 3, 30)  # clocks forward
HOST = date(2025, 10, 26)  # clocks back


def scenario() -> dict[str, Any]:
    return {
        "until": "2025-12-31",
        "steps": [
            {
                "at": "2025-02-10T07:00:00+01:00",
                "type": "narmeste_leder",
                "fnr": "P-1",
                "orgnr": "O-1",
                "leder_id": "leder-A",
                "fom": "2025-01-01",
            },
            {
                "at": "2025-02-10T07:30:00+01:00",
                "type": "sykmelding",
                "id": "SM1",
                "fnr": "P-1",
                "orgnr": "O-1",
                "sykmelder_id": "lege-1",
                "perioder": [{"fom": "2025-02-10", "tom": "2025-12-31", "grad": 100}],
            },
            {
                "at": "2025-09-15T07:00:00+02:00",
                "type": "narmeste_leder",
                "fnr": "P-2",
                "orgnr": "O-1",
                "leder_id": "leder-B",
                "fom": "2025-01-01",
            },
            {
                "at": "2025-09-15T07:30:00+02:00",
                "type": "sykmelding",
                "id": "SM2",
                "fnr": "P-2",
                "orgnr": "O-1",
                "sykmelder_id": "lege-1",
                "perioder": [{"fom": "2025-09-15", "tom": "2025-12-31", "grad": 100}],
            },
        ],
    }


def forventet_utc_time(d: date) -> int:
    return 6 if VAR <= d < HOST else 7


def test_reminders_around_both_dst_changes_go_out_at_0800_oslo() -> None:
    leveringer: list[datetime] = []

    def samle(k: Core, _until: date) -> None:
        for pid in k.app.personer():
            for e in k.app.repository.event_store.get(pid):
                if isinstance(e, Sykefravaer.LeveringFerdig):
                    leveringer.append(e.timestamp)

    simuler(scenario(), inspiser=samle)

    naer = [
        t
        for t in leveringer
        if abs((t.astimezone(OSLO).date() - VAR).days) <= 21 or abs((t.astimezone(OSLO).date() - HOST).days) <= 21
    ]
    assert len(naer) >= 4  # reminders in the weeks on both sides of both changes
    assert {t.astimezone(OSLO).date() < VAR for t in naer} == {True, False}
    for t in leveringer:
        lokal = t.astimezone(OSLO)
        assert (lokal.hour, lokal.minute) == (8, 0)
        assert t.astimezone(UTC).hour == forventet_utc_time(lokal.date())


@pytest.mark.parametrize(
    ("naa", "neste"),
    [
        (datetime(2025, 3, 28, 9, 0, tzinfo=OSLO), datetime(2025, 3, 31, 6, 0, tzinfo=UTC)),  # Fri -> Mon, summer
        (datetime(2025, 3, 27, 9, 0, tzinfo=OSLO), datetime(2025, 3, 28, 7, 0, tzinfo=UTC)),  # still winter
        (datetime(2025, 10, 24, 9, 0, tzinfo=OSLO), datetime(2025, 10, 27, 7, 0, tzinfo=UTC)),  # Fri -> Mon, winter
        (datetime(2025, 10, 23, 9, 0, tzinfo=OSLO), datetime(2025, 10, 24, 6, 0, tzinfo=UTC)),  # still summer
    ],
)
def test_the_alarm_clock_wakes_at_0800_oslo_on_both_sides_of_a_change(naa: datetime, neste: datetime) -> None:
    kal = Innstillinger().kalender
    assert kal.neste_slot_etter(naa) == neste
    assert SlotTicker.__dataclass_fields__["calendar"]  # SlotTicker.next_due uses exactly this calendar step
    assert kal.neste_slot_etter(naa) - naa < timedelta(days=4)
