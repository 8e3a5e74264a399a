"""Working days, holidays, slots and weekday addition (rules.md T-5, T-6, RP-1, RP-2, notation ⊕)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.kalender import Arbeidskalender, er_helligdag, oslo_dato, siste_ukedag_til_og_med, ukedag_pluss

# T-5 fixed holidays plus T-6 movable holidays (Easter 2025-04-20, 2026-04-05, 2027-03-28).
HELLIGDAGER = {
    2025: {
        date(2025, 1, 1),
        date(2025, 4, 17),
        date(2025, 4, 18),
        date(2025, 4, 20),
        date(2025, 4, 21),
        date(2025, 5, 1),
        date(2025, 5, 17),
        date(2025, 5, 29),
        date(2025, 6, 8),
        date(2025, 6, 9),
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    2026: {
        date(2026, 1, 1),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 4, 5),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 5, 17),
        date(2026, 5, 24),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    },
    2027: {
        date(2027, 1, 1),
        date(2027, 3, 25),
        date(2027, 3, 26),
        date(2027, 3, 28),
        date(2027, 3, 29),
        date(2027, 5, 1),
        date(2027, 5, 6),
        date(2027, 5, 16),
        date(2027, 5, 17),
        date(2027, 12, 25),
        date(2027, 12, 26),
    },
}


@pytest.mark.parametrize("aar", sorted(HELLIGDAGER))
def test_the_public_holidays_of_a_year_are_exactly_the_listed_helligdager(aar: int) -> None:
    """T-5, T-6: fixed and movable holidays, and no ordinary Sunday."""
    alle = [date(aar, 1, 1) + timedelta(days=i) for i in range((date(aar + 1, 1, 1) - date(aar, 1, 1)).days)]

    funnet = {d for d in alle if er_helligdag(d)}

    assert funnet == HELLIGDAGER[aar]


def test_2027_05_17_is_both_grunnlovsdag_and_2_pinsedag_and_not_a_working_day() -> None:
    """T-6: 2027-05-17 is 17 May and 2. pinsedag; a Monday that is no working day."""
    kalender = Arbeidskalender()

    arbeidsdag = kalender.er_arbeidsdag(date(2027, 5, 17))

    assert date(2027, 5, 17).weekday() == 0
    assert er_helligdag(date(2027, 5, 17))
    assert not arbeidsdag


@pytest.mark.parametrize("dag", [date(2025, 12, 24), date(2025, 12, 31), date(2026, 12, 24), date(2026, 12, 31)])
def test_julaften_and_nyttarsaften_on_a_weekday_are_working_days_by_default(dag: date) -> None:
    """T-5: 24 and 31 December are working days unless configured."""
    kalender = Arbeidskalender()

    assert kalender.er_arbeidsdag(dag)


def test_closure_days_are_not_working_days() -> None:
    """T-5, CFG closure_days."""
    kalender = Arbeidskalender.med([date(2025, 12, 24), date(2025, 12, 31)])

    assert not kalender.er_arbeidsdag(date(2025, 12, 24))
    assert not kalender.er_arbeidsdag(date(2025, 12, 31))
    assert kalender.er_arbeidsdag(date(2025, 12, 23))


def test_saturdays_and_sundays_are_never_working_days() -> None:
    """T-5: Monday–Friday only."""
    kalender = Arbeidskalender()

    assert not kalender.er_arbeidsdag(date(2025, 1, 4))
    assert not kalender.er_arbeidsdag(date(2025, 1, 5))
    assert kalender.er_arbeidsdag(date(2025, 1, 6))


def test_prev_wd_of_2_paskedag_moves_back_over_easter_to_wednesday() -> None:
    """RP-2 prev_wd: 2025-04-21 (2. påskedag) ← 04-20, 04-19, 04-18 langfredag, 04-17 skjærtorsdag."""
    kalender = Arbeidskalender()

    assert kalender.forrige_arbeidsdag(date(2025, 4, 21)) == date(2025, 4, 16)


def test_next_wd_of_skjaertorsdag_moves_forward_to_the_tuesday_after_easter() -> None:
    """RP-2 next_wd."""
    kalender = Arbeidskalender()

    assert kalender.neste_arbeidsdag(date(2025, 4, 17)) == date(2025, 4, 22)


def test_prev_wd_and_next_wd_of_a_working_day_is_the_day_itself() -> None:
    """Notation: prev_wd(d) is the latest working day ≤ d, next_wd(d) the earliest ≥ d."""
    kalender = Arbeidskalender()

    assert kalender.forrige_arbeidsdag(date(2025, 3, 5)) == date(2025, 3, 5)
    assert kalender.neste_arbeidsdag(date(2025, 3, 5)) == date(2025, 3, 5)


def test_prev_wd_skips_a_closure_day_as_well_as_the_weekend() -> None:
    """T-5, RP-2: Sunday 2025-12-28 with julaften closed goes back to Tuesday 12-23."""
    kalender = Arbeidskalender.med([date(2025, 12, 24)])

    assert kalender.forrige_arbeidsdag(date(2025, 12, 28)) == date(2025, 12, 23)


def test_next_wd_over_new_year_skips_1_january() -> None:
    """T-5: Wednesday 2025-12-31 is a working day, Thursday 2026-01-01 is not."""
    kalender = Arbeidskalender()

    assert kalender.neste_arbeidsdag(date(2026, 1, 1)) == date(2026, 1, 2)


def test_winter_slot_is_0800_oslo_and_0700_utc() -> None:
    """RP-1."""
    kalender = Arbeidskalender()

    s = kalender.slot(date(2025, 1, 6))

    assert s.isoformat() == "2025-01-06T08:00:00+01:00"
    assert s.astimezone(UTC) == datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


def test_summer_slot_is_0800_oslo_and_0600_utc() -> None:
    """RP-1."""
    kalender = Arbeidskalender()

    s = kalender.slot(date(2025, 6, 2))

    assert s.isoformat() == "2025-06-02T08:00:00+02:00"
    assert s.astimezone(UTC) == datetime(2025, 6, 2, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("dag", "utc_time"),
    [
        (date(2025, 3, 28), 7),  # Friday before DST starts 03-30
        (date(2025, 3, 31), 6),  # Monday after
        (date(2025, 10, 24), 6),  # Friday before DST ends 10-26
        (date(2025, 10, 27), 7),  # Monday after
        (date(2026, 3, 27), 7),  # DST starts 2026-03-29
        (date(2026, 3, 30), 6),
        (date(2027, 3, 24), 7),  # DST starts 2027-03-28 (1. påskedag)
        (date(2027, 3, 30), 6),
    ],
)
def test_slots_follow_the_oslo_wall_clock_across_dst_changes(dag: date, utc_time: int) -> None:
    """RP-1, T-6 DST dates."""
    kalender = Arbeidskalender()

    s = kalender.slot(dag)

    assert s.astimezone(UTC) == datetime(dag.year, dag.month, dag.day, utc_time, 0, tzinfo=UTC)


def test_configured_send_time_moves_the_slot() -> None:
    """CFG send_time."""
    kalender = Arbeidskalender.med(sendetid=time(9, 30))

    assert kalender.slot(date(2025, 1, 6)).isoformat() == "2025-01-06T09:30:00+01:00"


def test_slots_between_two_instants_exclude_the_start_and_include_the_end() -> None:
    """T-8: a slot at t runs before a command at t; RP-1: only working days have slots."""
    kalender = Arbeidskalender()
    fra = kalender.slot(date(2025, 4, 16))
    til = kalender.slot(date(2025, 4, 23))

    slots = kalender.slots_mellom(fra, til)

    assert [oslo_dato(s) for s in slots] == [date(2025, 4, 22), date(2025, 4, 23)]


def test_oslo_date_of_an_instant_is_taken_in_europe_oslo() -> None:
    """T-1: 23:30Z on 2025-01-05 is already 2025-01-06 in Oslo."""
    assert oslo_dato(datetime(2025, 1, 5, 23, 30, tzinfo=UTC)) == date(2025, 1, 6)


def test_oslo_date_needs_an_offset() -> None:
    """T-1: instants carry an offset."""
    with pytest.raises(ValueError, match="offset"):
        oslo_dato(datetime(2025, 1, 6, 8, 0))  # noqa: DTZ001 - the naive instant is the point of the test


@pytest.mark.parametrize(
    ("start", "n", "forventet"),
    [
        (date(2025, 1, 6), 0, date(2025, 1, 6)),  # d ⊕ 0 = d
        (date(2025, 1, 3), 1, date(2025, 1, 6)),  # Friday ⊕ 1 = Monday
        (date(2025, 1, 6), 5, date(2025, 1, 13)),  # Monday ⊕ 5 = next Monday
        (date(2025, 1, 4), 1, date(2025, 1, 6)),  # Saturday ⊕ 1 = Monday
        (date(2025, 1, 4), 5, date(2025, 1, 10)),  # Saturday ⊕ 5 = Friday (6, 7, 8, 9, 10)
        (date(2025, 1, 5), 10, date(2025, 1, 17)),  # Sunday ⊕ 10
        (date(2025, 4, 16), 1, date(2025, 4, 17)),  # holidays are not skipped: skjærtorsdag counts
        (date(2025, 1, 31), 240, date(2026, 1, 2)),  # MAX-5: 48 weeks
    ],
)
def test_weekday_addition_skips_weekends_only(start: date, n: int, forventet: date) -> None:
    """Notation ⊕: the n-th Monday–Friday date after d; holidays are not skipped (MAX-4)."""
    assert ukedag_pluss(start, n) == forventet


def test_latest_weekday_on_or_before_a_sunday_is_the_friday() -> None:
    """MAX-4 ``base``: latest Mon–Fri ≤ B."""
    assert siste_ukedag_til_og_med(date(2025, 2, 2)) == date(2025, 1, 31)
    assert siste_ukedag_til_og_med(date(2025, 1, 31)) == date(2025, 1, 31)


def test_the_fifth_working_day_after_a_monday_before_easter_skips_three_holidays() -> None:
    """RM-19 follow-up: 04-15, 04-16, (17, 18, 21 holidays), 04-22, 04-23, 04-24."""
    kalender = Arbeidskalender()

    assert kalender.arbeidsdager_etter(date(2025, 4, 14), 5) == date(2025, 4, 24)
