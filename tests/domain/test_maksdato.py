"""Maksdato, the 67/70-year limits and requalification (rules.md MAX-1 … MAX-6, REQ-1, REQ-2, BD-1).

MAX-3, REQ-1, REQ-2 and MAX-6 follow NAV's sykepenger engine: break days are days without
sickness and arbeidsgiverperiode days; the 26-week run resets on its day 182; the window moves
only at a paid day that ends a break run; the walk stops at the 70th birthday.

Hand computations (weekday addition ⊕ skips Saturdays and Sundays only):
- S = 2025-01-06 (Monday): AGP 01-06 … 01-21, first paid day Wednesday 01-22 (MAX-5).
  A note to Friday 01-31 gives used = 8 (01-22 … 01-31), base = 01-31, ord = 01-31 ⊕ 240 = 48 weeks
  later = 2026-01-02.
"""

from __future__ import annotations

from datetime import date, timedelta

from factories import grunnlag, sykmelding, syntetisk_fnr

from domain.grunnlag import Grunnlag
from domain.kalender import ukedag_pluss
from domain.kommandoer import Kommando
from domain.maksdato import Telling, minus_aar

S = date(2025, 1, 6)


def _maksdato(g: Grunnlag, start: date) -> date | None:
    pt = next(p for p in g.person_tilfeller if p.start == start)
    return g.maksdato(pt)


def test_maksdato_of_one_long_case_from_2025_01_06_is_2026_01_02() -> None:
    """MAX-5: the 248th weekday from the first paid day 2025-01-22; quota used up on that day (MAX-3)."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 6, 30)),
        sykmelding("SM2", date(2025, 7, 1), date(2026, 1, 31), mottatt=date(2025, 6, 27)),
    )

    assert _maksdato(g, S) == date(2026, 1, 2)


def test_maksdato_assumes_the_person_stays_sick_after_a_short_note() -> None:
    """MAX-4: note to 01-31, used = 8, ord = 01-31 ⊕ 240 = 2026-01-02 (the same date as MAX-5)."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31)))

    assert _maksdato(g, S) == date(2026, 1, 2)


def test_maksdato_with_an_incomplete_agp_assumes_the_agp_runs_its_16_days() -> None:
    """MAX-4: 5 known days, A = 01-10 + 11 = 01-21, base = 01-21, ord = 01-21 ⊕ 248 = 2026-01-02."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 10)))

    assert _maksdato(g, S) == date(2026, 1, 2)


def test_over_67_at_most_60_paid_days_after_the_67th_birthday() -> None:
    """MAX-2, MAX-4: born 1958-03-10, 67 on Monday 2025-03-10; lim = 03-10 ⊕ 60 = 12 weeks = 2025-06-02."""
    fnr = syntetisk_fnr(date(1958, 3, 10), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert g.fodt == date(1958, 3, 10)
    assert _maksdato(g, S) == date(2025, 6, 2)


def test_over_67_the_quota_is_used_up_on_the_60th_paid_day_after_the_birthday() -> None:
    """MAX-3: sick through 06-30, the 60th paid weekday after 03-10 is 06-02."""
    fnr = syntetisk_fnr(date(1958, 3, 10), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 6, 30), fnr=fnr))

    assert _maksdato(g, S) == date(2025, 6, 2)


def test_no_paid_days_from_the_70th_birthday() -> None:
    """MAX-2, MAX-4: born 1955-02-14, 70 on Friday 2025-02-14; last70 = Thursday 02-13.

    used67 = 8, lim = 01-31 ⊕ 52 = 2025-04-15 > last70, so maksdato = last70.
    """
    fnr = syntetisk_fnr(date(1955, 2, 14), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) == date(2025, 2, 13)


def test_turning_70_the_day_after_s_gives_maksdato_on_s() -> None:
    """MAX-4: born 1955-01-07; last70 = latest Mon–Fri before 2025-01-07 = 2025-01-06."""
    fnr = syntetisk_fnr(date(1955, 1, 7), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) == date(2025, 1, 6)


def test_turning_70_on_s_gives_the_last_weekday_before_the_birthday() -> None:
    """MAX-6 (was: unknown): the walk stops at 2025-01-06; MAX-4 gives last70 = Friday 2025-01-03."""
    fnr = syntetisk_fnr(date(1955, 1, 6), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) == date(2025, 1, 3)


def test_turned_70_before_s_gives_the_last_weekday_before_the_birthday() -> None:
    """MAX-6 (was: unknown): 70 on Monday 2020-06-01 ⇒ maksdato Friday 2020-05-29, a date before S_p."""
    fnr = syntetisk_fnr(date(1950, 6, 1), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) == date(2020, 5, 29)


def test_max_6_example_born_1948_01_10_sick_from_2018_03_01() -> None:
    """MAX-6: the rule's own example (NAV AvvisningEtterFylte70ÅrTest) ⇒ maksdato 2018-01-09."""
    fnr = syntetisk_fnr(date(1948, 1, 10), 100)

    g = grunnlag(sykmelding("SM1", date(2018, 3, 1), date(2018, 3, 31), fnr=fnr))

    assert _maksdato(g, date(2018, 3, 1)) == date(2018, 1, 9)


def test_a_leave_across_the_70th_birthday_ends_on_the_last_weekday_before_it() -> None:
    """MAX-6, MAX-4: born 1955-03-01; paid 2025-01-22 … 02-28 (used67 = 28 < 60), the walk stops on 03-01.

    base = 06-30, ord and lim lie after last70 = Friday 2025-02-28, so maksdato = last70.
    """
    fnr = syntetisk_fnr(date(1955, 3, 1), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 6, 30), fnr=fnr))

    assert _maksdato(g, S) == date(2025, 2, 28)


def test_a_label_instead_of_a_fodselsnummer_gives_the_ordinary_248_day_rule() -> None:
    """BD-1: unknown birth date ⇒ maksdato = ord (MAX-4)."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr="PERSON-1"))

    assert g.fodt is None
    assert _maksdato(g, S) == date(2026, 1, 2)


# REQ-1: the first tilfelle 2024-01-01 … 2024-03-31 has AGP 01-01 … 01-16 and 53 paid weekdays
# (01-17 … 01-31: 11, February: 21, March: 21; Easter 03-28/29 counts, MAX-1). The last paid day is
# Friday 03-29; the sick weekend 03-30/31 is not a break day, so the run starts on Monday 04-01.


def _forste_tilfelle() -> Kommando:
    return sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 31))


def test_182_days_without_sickness_give_a_new_quota() -> None:
    """REQ-1: no sickness 2024-04-01 … 09-29 (182 days); second tilfelle 09-30 … 10-04 (5 AGP days).

    used = 0, A = 10-04 + 11 = 10-15, ord = 10-15 ⊕ 248 = 2025-09-26.
    """
    g = grunnlag(_forste_tilfelle(), sykmelding("SM2", date(2024, 9, 30), date(2024, 10, 4)))

    assert _maksdato(g, date(2024, 9, 30)) == date(2025, 9, 26)


def test_181_days_without_sickness_and_one_arbeidsgiverperiode_day_reach_182() -> None:
    """REQ-1, REQ-2 (was: 181 fit days carry the count over): 181 days 04-01 … 09-28, then the AGP
    day 09-29 is the run's day 182, so the count resets. A = 10-04 + 10 = 10-14, ord = 10-14 ⊕ 248
    = 2025-09-25.
    """
    g = grunnlag(_forste_tilfelle(), sykmelding("SM2", date(2024, 9, 29), date(2024, 10, 4)))

    assert _maksdato(g, date(2024, 9, 29)) == date(2025, 9, 25)


def test_166_days_without_sickness_and_a_full_arbeidsgiverperiode_give_a_new_quota() -> None:
    """REQ-2 (the rule's example): first tilfelle to Friday 03-29, the run starts Saturday 03-30; 166 days
    to 09-11, AGP 09-12 … 09-27 brings the run to 182 on 09-27. used = 0: ord = 09-27 ⊕ 248 = 2025-09-10
    (without the reset it would be 09-27 ⊕ 195 = 2025-06-27).
    """
    g = grunnlag(
        sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 29)),
        sykmelding("SM2", date(2024, 9, 12), date(2024, 9, 27)),
    )

    assert _maksdato(g, date(2024, 9, 12)) == date(2025, 9, 10)


def test_165_days_and_a_full_arbeidsgiverperiode_are_181_and_do_not_reset() -> None:
    """REQ-1 a: 165 days 03-30 … 09-10 and AGP 09-11 … 09-26 make 181; paid Friday 09-27 ends the run.

    used = 53 + 6 (09-27, 09-30 … 10-04) = 59, ord = 10-04 ⊕ 189 = 2025-06-26.
    """
    g = grunnlag(
        sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 29)),
        sykmelding("SM2", date(2024, 9, 11), date(2024, 10, 4)),
    )

    assert _maksdato(g, date(2024, 9, 11)) == date(2025, 6, 26)


def test_100_days_and_an_arbeidsgiverperiode_do_not_give_a_new_quota() -> None:
    """REQ-2: a new tilfelle does not restart the count. 100 days 03-30 … 07-07, AGP 07-08 … 07-23:
    used = 53 carries over, ord = 07-23 ⊕ 195 = 2025-04-22.
    """
    g = grunnlag(
        sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 29)),
        sykmelding("SM2", date(2024, 7, 8), date(2024, 7, 23)),
    )

    assert _maksdato(g, date(2024, 7, 8)) == date(2025, 4, 22)


def test_sick_weekend_days_count_in_a_run_once_it_has_started() -> None:
    """REQ-1 a: from its first break day the run counts every calendar day, sick weekends included,
    and resets on the day it reaches 182 whatever that day is; before the run starts they do not count.
    """
    t = Telling()
    t.syk_ukedag(date(2025, 1, 3))
    t.sykehelg()
    t.sykehelg()
    assert t.opphold is None
    t.pausedager(180)
    t.sykehelg()
    assert (t.brukt, t.opphold) == (1, 181)

    t.sykehelg()

    assert (t.brukt, t.opphold) == (0, None)


# REQ-1 b: one continuous leave from S = 2025-01-06 uses the quota up on x = 2026-01-02 (MAX-5).
X = date(2026, 1, 2)


def test_after_maksdato_a_break_day_on_run_day_182_gives_a_new_quota() -> None:
    """REQ-1 b: refused sick days x+1 … x+181 (07-02) count; not sick on x+182 = Friday 07-03 ⇒ reset.

    Sick again 07-04 … 07-31 (same tilfelle, one-day gap): paid 07-06 … 07-31 = 20, ord = 07-31 ⊕ 228
    = 2027-06-16.
    """
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 12, 31)),
        sykmelding("SM2", date(2026, 1, 1), date(2026, 7, 2), mottatt=date(2025, 12, 30)),
        sykmelding("SM3", date(2026, 7, 4), date(2026, 7, 31), mottatt=date(2026, 7, 4)),
    )

    assert X + timedelta(days=182) == date(2026, 7, 3)
    assert _maksdato(g, S) == date(2027, 6, 16)


def test_after_maksdato_a_break_day_on_run_day_181_gives_nothing() -> None:
    """REQ-1 b: not sick on x+181 = 07-02 only, sick again from 07-03: no break day at or after day 182."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 12, 31)),
        sykmelding("SM2", date(2026, 1, 1), date(2026, 7, 1), mottatt=date(2025, 12, 30)),
        sykmelding("SM3", date(2026, 7, 3), date(2026, 7, 31), mottatt=date(2026, 7, 3)),
    )

    assert _maksdato(g, S) == X


def test_after_maksdato_the_reset_waits_for_the_first_break_day_after_day_182() -> None:
    """REQ-1 b: refused sick days through x+200 (07-21); the reset comes on the break day 07-22, and
    paid days count again from 07-23 … 07-31 (7), ord = 07-31 ⊕ 241 = 2027-07-05.
    """
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 12, 31)),
        sykmelding("SM2", date(2026, 1, 1), date(2026, 7, 21), mottatt=date(2025, 12, 30)),
        sykmelding("SM3", date(2026, 7, 23), date(2026, 7, 31), mottatt=date(2026, 7, 23)),
    )

    assert _maksdato(g, S) == date(2027, 7, 5)


# MAX-3: the three-year window, on the walk itself.


def test_the_window_moves_at_a_paid_day_that_ends_a_break_run() -> None:
    """MAX-3: after a break day, days dated before (that day − 3 years) are dropped before counting."""
    t = Telling()
    t.syk_ukedag(date(2021, 1, 4))
    t.syk_ukedag(date(2021, 1, 5))
    t.pausedager(10)

    t.syk_ukedag(date(2024, 1, 5))

    assert [d for d, _ in t.talte] == [date(2021, 1, 5), date(2024, 1, 5)]


def test_a_paid_day_after_only_sick_days_drops_nothing_however_old() -> None:
    """MAX-3: no break day since the last counted paid day (a sick weekend) ⇒ the window stays."""
    t = Telling()
    t.syk_ukedag(date(2021, 1, 4))
    t.syk_ukedag(date(2021, 1, 5))
    t.sykehelg()

    t.syk_ukedag(date(2024, 6, 3))

    assert t.brukt == 3


def test_the_window_of_29_february_starts_on_28_february() -> None:
    """MAX-3: 2024-02-29 − 3 years = 2021-02-28, so a day counted on 2021-02-28 stays, 02-27 goes."""
    t = Telling()
    t.syk_ukedag(date(2021, 2, 26))
    t.syk_ukedag(date(2021, 3, 1))
    t.pausedager()

    t.syk_ukedag(date(2024, 2, 29))

    assert minus_aar(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert [d for d, _ in t.talte] == [date(2021, 3, 1), date(2024, 2, 29)]


def test_refused_days_after_maksdato_neither_count_nor_move_the_window() -> None:
    """MAX-3: once used = 248, later sick weekdays are refused (not paid, not counted)."""
    t = Telling()
    d = date(2021, 1, 4)
    while t.brukt_opp is None:
        t.syk_ukedag(d)
        d = ukedag_pluss(d, 1)
    x = t.brukt_opp

    t.pausedager(5)
    t.syk_ukedag(ukedag_pluss(d, 5))

    assert (t.brukt, t.brukt_opp, t.opphold) == (248, x, 6)


def test_no_run_before_the_first_paid_day() -> None:
    """REQ-1: no run is kept before the first paid day, nor after a reset until the next paid day."""
    t = Telling()
    t.pausedager(400)
    assert t.opphold is None
    t.syk_ukedag(date(2025, 1, 6))
    t.pausedager(182)
    assert (t.brukt, t.opphold) == (0, None)
    t.pausedager(10)
    assert t.opphold is None


def test_maksdato_is_the_same_on_every_case_of_the_person_tilfelle() -> None:
    """MAX-7, TF-9: two employers, one person tilfelle, one maksdato."""
    g = grunnlag(
        sykmelding("A1", S, date(2025, 1, 31)),
        sykmelding("B1", date(2025, 1, 20), date(2025, 1, 31), orgnr="ORG-2"),
    )

    maksdatoer = {g.maksdato(s.person_tilfelle) for s in g.saker}

    assert maksdatoer == {date(2026, 1, 2)}


def test_graded_days_count_whole_as_paid_days() -> None:
    """MAX-1: a 50 % note gives the same maksdato as a 100 % note."""
    gradert = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), 50))

    assert _maksdato(gradert, S) == date(2026, 1, 2)


def test_the_person_agp_decides_the_paid_days_while_each_case_keeps_its_own_agp() -> None:
    """AGP-3: ORG-2 from 01-20 has its own AGP to 02-04, but NAV pays from the person's 17th sick day 01-22.

    The person's sick days equal those at ORG-1 alone, so maksdato is the same as for ORG-1 alone.
    """
    alene = grunnlag(sykmelding("A1", S, date(2025, 3, 31)))
    to = grunnlag(
        sykmelding("A1", S, date(2025, 3, 31)),
        sykmelding("B1", date(2025, 1, 20), date(2025, 3, 31), orgnr="ORG-2"),
    )

    sak_b = next(s for s in to.saker if s.orgnr == "ORG-2")

    assert sak_b.tilfelle.arbeidsgiverperiode_tom == date(2025, 2, 4)
    assert _maksdato(to, S) == _maksdato(alene, S)
