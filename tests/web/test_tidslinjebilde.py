"""The timeline picture's data and layout: pins by status, rows by party, and a large case kept readable.

No database: elements in, geometry out. Dates are fixed.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from service.web import tidslinjedata as data
from service.web.tidslinjebilde import BANE, MAKS_BANER, MERKE_PX, RADMARG, TEGN_PX, Tegnet, tegn, vindu
from service.web.tidslinjedata import FRIST_SNART_DAGER, Element, frist_status

IDAG = date(2026, 12, 1)
START = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("status", "due", "farge"),
    [
        ("pending", IDAG + timedelta(days=FRIST_SNART_DAGER), "snart"),  # the D−14 rung (RM-1) is today
        ("pending", IDAG + timedelta(days=FRIST_SNART_DAGER + 1), "pending"),
        ("pending", IDAG, "snart"),
        ("overdue", IDAG - timedelta(days=1), "overdue"),
        ("met", IDAG + timedelta(days=3), "met"),
        ("exempt", IDAG + timedelta(days=3), "exempt"),
    ],
)
def test_a_pending_deadline_within_two_weeks_is_due_soon(status: str, due: date, farge: str) -> None:
    assert frist_status(status, due, IDAG) == farge


def test_sick_notes_become_bars_with_their_grade_and_a_late_note_is_named() -> None:
    rader = [
        {
            "type": "sykmelding",
            "recorded": "2026-11-28T09:00:00+01:00",
            "data": {
                "id": "SM0",
                "perioder": [
                    {"fom": "2026-11-07", "tom": "2026-11-20", "grad": 100},
                    {"fom": "2026-11-21", "tom": "2026-11-30", "grad": 50},
                ],
            },
        },
        {"type": "sykmelding_annullert", "recorded": "2026-11-29T09:00:00+01:00", "data": {"id": "SM9"}},
    ]

    e = data.hendelser(rader, date(2026, 11, 7))

    stolper = [x for x in e if x.art == "stolpe"]
    assert [(x.fra, x.til, x.stil, x.tekst) for x in stolper] == [
        (date(2026, 11, 7), date(2026, 11, 20), "helt", "100 %"),
        (date(2026, 11, 21), date(2026, 11, 30), "gradert", "50 %"),
    ]
    mottatt = next(x for x in e if x.rad == "sykmelder" and x.fra == date(2026, 11, 28))
    assert mottatt.tekst == "Sen sykmelding"  # 21 days after its first day (T-7 moves the deadlines)


def test_reminders_go_to_the_row_of_their_recipient() -> None:
    rader = [
        {"at": "2026-11-20T08:00:00+01:00", "recipient": {"role": r, "id": "x"}, "milestone": "oppfolgingsplan",
         "stage": "before", "status": s, "rule": "RM-1"}
        for r, s in (("NL", "sent"), ("AT", "cancelled"), ("SYKMELDER", "planned"), ("NAV", "sent"), ("TV", "sent"))
    ]  # fmt: skip

    e = data.paminnelser(rader)

    assert [(x.rad, x.stil) for x in e] == [
        ("arbeidsgiver", "sent"),
        ("sykmeldt", "cancelled"),
        ("sykmelder", "planned"),
        ("nav", "sent"),
        ("tillitsvalgt", "sent"),
    ]


def _stor_sak(antall: int) -> list[Element]:
    """A case with ``antall`` items: notes every week, events and reminders crowding the same days."""
    ut: list[Element] = []
    for i in range(antall):
        d = START + timedelta(days=i * 240 // antall)
        match i % 5:
            case 0:
                ut.append(Element("sykmeldt", d, d + timedelta(days=6), "stolpe", "gradert", "60 %", f"note {i}"))
            case 1:
                ut.append(Element("arbeidsgiver", d, None, "hendelse", "hendelse", "Plan delt (sykmelder)", f"e {i}"))
            case 2:
                ut.append(Element("arbeidsgiver", d, None, "paminnelse", "sent", "", f"p {i}"))
            case 3:
                ut.append(Element("sykmelder", d, None, "hendelse", "hendelse", "Sen sykmelding", f"s {i}"))
            case _:
                ut.append(Element("nav", d, None, "paminnelse", "cancelled", "", f"n {i}"))
    return ut


def _baner(t: list[Tegnet]) -> dict[float, list[Tegnet]]:
    ut: dict[float, list[Tegnet]] = {}
    for x in t:
        ut.setdefault(x.y, []).append(x)
    return ut


@pytest.mark.parametrize("antall", [20, 200, 600])
def test_a_large_case_keeps_every_row_within_its_lanes_and_its_labels_apart(antall: int) -> None:
    elementer = _stor_sak(antall)
    fra, til = vindu("alt", START, START + timedelta(days=260), IDAG, elementer)

    bilde = tegn(elementer, fra, til, IDAG, "stor sak")

    assert len(bilde.elementer) == antall  # the table lists every item in the window
    assert sum(len(r.elementer) for r in bilde.rader) == antall
    for rad in bilde.rader:
        assert rad.hoyde <= MAKS_BANER * BANE + 2 * RADMARG
        for bane in _baner(rad.elementer).values():
            for a, b in pairwise(sorted(bane, key=lambda x: x.x)):
                if a.vis_tekst and a.e.til is None:  # a drawn label never runs into the next item
                    assert a.x + MERKE_PX + len(a.e.tekst) * TEGN_PX < (b.x if b.e.til else b.x - MERKE_PX)
    assert bilde.hoyde <= 46 + 6 * (MAKS_BANER * BANE + 2 * RADMARG) + 8


def test_labels_are_dropped_before_items_overlap_and_every_item_keeps_its_title() -> None:
    elementer = _stor_sak(200)
    fra, til = vindu("alt", START, START + timedelta(days=260), IDAG, elementer)

    bilde = tegn(elementer, fra, til, IDAG, "stor sak")

    arbeidsgiver = next(r for r in bilde.rader if r.nokkel == "arbeidsgiver")
    assert not any(x.vis_tekst for x in arbeidsgiver.elementer)  # too crowded for labels
    assert all(x.e.beskrivelse for x in arbeidsgiver.elementer)  # the <title> and the table keep the text


def test_the_windows_are_a_month_three_months_or_the_whole_case() -> None:
    pin = Element("frister", date(2027, 6, 1), None, "frist", "pending", "Maks", "maksdato")
    naer = Element("frister", date(2026, 12, 20), None, "frist", "pending", "DM2", "dm2")

    assert vindu("1m", START, date(2026, 12, 20), IDAG, []) == (date(2026, 10, 31), date(2026, 12, 15))
    assert vindu("3m", START, date(2026, 12, 20), IDAG, []) == (date(2026, 8, 31), date(2027, 1, 1))
    assert vindu("alt", START, date(2026, 12, 20), IDAG, [pin, naer]) == (date(2026, 3, 29), date(2026, 12, 27))
    # a closed case: its last month, not today's
    assert vindu("1m", START, date(2026, 6, 1), IDAG, []) == (date(2026, 5, 1), date(2026, 6, 15))


def test_the_today_line_is_drawn_only_inside_the_window() -> None:
    inne = tegn([], date(2026, 11, 1), date(2026, 12, 31), IDAG, "x")
    ute = tegn([], date(2026, 1, 1), date(2026, 2, 1), IDAG, "x")

    assert inne.idag_x is not None
    assert ute.idag_x is None
    assert "i dag 1. des. 2026" in inne.beskrivelse
