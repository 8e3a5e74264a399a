"""Calendar feed: parsed back with icalendar, stable and deterministic; feed token checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from service.delivery.calendar import (
    PRODID,
    Kalenderoppforing,
    lag_feed_token,
    lag_kalender,
    sjekk_feed_token,
)

OSLO = ZoneInfo("Europe/Oslo")
ENDRET = datetime(2025, 2, 20, 13, 45, tzinfo=UTC)
FRIST = Kalenderoppforing(
    uid="frist-3c1e9a51",
    tittel="Frist: oppfølgingsplan",
    start=date(2025, 3, 3),
    sekvens=0,
    beskrivelse_lenke="https://syfo.example/oppgaver/3c1e9a51",
    endret=ENDRET,
)
MOTE = Kalenderoppforing(
    uid="mote-9b8e@moter.syfo.example",
    tittel="Dialogmøte",
    start=datetime(2025, 3, 5, 10, 0, tzinfo=OSLO),
    sekvens=1,
    beskrivelse_lenke="https://syfo.example/moter/9b8e",
    endret=ENDRET,
)
SECRET = bytes(range(32))


def _hendelser(feed: bytes) -> dict[str, Event]:
    kalender = Calendar.from_ical(feed)
    return {str(hendelse["UID"]): hendelse for hendelse in kalender.walk("VEVENT")}


def test_feed_parses_back_with_calendar_properties() -> None:
    kalender = Calendar.from_ical(lag_kalender([FRIST, MOTE], navn="Oppgaver"))

    assert str(kalender["PRODID"]) == PRODID == "-//syfo-tidslinje//NO"
    assert str(kalender["VERSION"]) == "2.0"
    assert str(kalender["X-WR-CALNAME"]) == "Oppgaver"
    assert len(kalender.walk("VEVENT")) == 2


def test_uid_gets_the_domain_only_when_it_has_none() -> None:
    hendelser = _hendelser(lag_kalender([FRIST, MOTE]))

    assert set(hendelser) == {"frist-3c1e9a51@syfo-tidslinje", "mote-9b8e@moter.syfo.example"}


def test_a_date_deadline_is_an_all_day_event() -> None:
    hendelse = _hendelser(lag_kalender([FRIST]))["frist-3c1e9a51@syfo-tidslinje"]

    start, slutt = hendelse.decoded("DTSTART"), hendelse.decoded("DTEND")
    assert type(start) is date
    assert (start, slutt) == (date(2025, 3, 3), date(2025, 3, 4))
    assert hendelse["DTSTART"].params.get("VALUE") == "DATE"
    assert str(hendelse["SUMMARY"]) == "Frist: oppfølgingsplan"
    assert str(hendelse["TRANSP"]) == "TRANSPARENT"


def test_a_meeting_is_a_timed_event_in_utc() -> None:
    hendelse = _hendelser(lag_kalender([MOTE]))["mote-9b8e@moter.syfo.example"]

    start = hendelse.decoded("DTSTART")
    assert isinstance(start, datetime)
    assert start == datetime(2025, 3, 5, 9, 0, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)
    assert hendelse.decoded("DTEND") - start == timedelta(hours=1)
    assert "LOCATION" not in hendelse


def test_sequence_and_dtstamp_come_from_the_caller() -> None:
    endret_igjen = datetime(2025, 2, 27, 9, 30, tzinfo=UTC)
    flyttet = replace(MOTE, start=datetime(2025, 3, 6, 10, 0, tzinfo=OSLO), sekvens=2, endret=endret_igjen)

    for_ = _hendelser(lag_kalender([MOTE]))["mote-9b8e@moter.syfo.example"]
    etter = _hendelser(lag_kalender([flyttet]))["mote-9b8e@moter.syfo.example"]

    assert (for_["SEQUENCE"], etter["SEQUENCE"]) == (1, 2)
    assert for_.decoded("DTSTAMP") == ENDRET
    assert etter.decoded("DTSTAMP") == endret_igjen


def test_same_input_gives_the_same_bytes_whatever_the_order() -> None:
    forste = lag_kalender([FRIST, MOTE])

    assert lag_kalender([FRIST, MOTE]) == forste
    assert lag_kalender([MOTE, FRIST]) == forste


def test_description_and_url_hold_the_link() -> None:
    hendelse = _hendelser(lag_kalender([FRIST]))["frist-3c1e9a51@syfo-tidslinje"]

    assert FRIST.beskrivelse_lenke in str(hendelse["DESCRIPTION"])
    assert str(hendelse["URL"]) == FRIST.beskrivelse_lenke


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    kalender = Calendar.from_ical(lag_kalender([]))

    assert kalender.walk("VEVENT") == []


def test_two_entries_with_the_same_uid_are_refused() -> None:
    with pytest.raises(ValueError, match="samme uid"):
        lag_kalender([FRIST, replace(FRIST, uid="frist-3c1e9a51@syfo-tidslinje")])


@pytest.mark.parametrize(
    "endring",
    [
        {"endret": datetime(2025, 2, 20, 13, 45)},  # noqa: DTZ001 - the naive value is the point
        {"start": datetime(2025, 3, 5, 10, 0)},  # noqa: DTZ001
        {"sekvens": -1},
    ],
)
def test_naive_times_and_negative_sequence_are_refused(endring: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"tidssone|negativ"):
        replace(MOTE, **endring)


def test_feed_token_accepts_the_right_token() -> None:
    token = lag_feed_token(SECRET, "mottaker-1")

    assert sjekk_feed_token(SECRET, "mottaker-1", token)
    assert len(token) == 43
    assert token.replace("-", "").replace("_", "").isalnum()


def test_feed_token_refuses_a_token_made_for_someone_else() -> None:
    token = lag_feed_token(SECRET, "mottaker-1")

    assert not sjekk_feed_token(SECRET, "mottaker-2", token)


def test_feed_token_refuses_a_token_made_with_another_secret() -> None:
    token = lag_feed_token(bytes(range(1, 33)), "mottaker-1")

    assert not sjekk_feed_token(SECRET, "mottaker-1", token)


@pytest.mark.parametrize("token", ["", "x", "ø" * 43, "A" * 43])
def test_feed_token_refuses_junk_without_raising(token: str) -> None:
    assert not sjekk_feed_token(SECRET, "mottaker-1", token)


def test_feed_token_needs_a_long_secret() -> None:
    with pytest.raises(ValueError, match="32 byte"):
        lag_feed_token(b"kort", "mottaker-1")
