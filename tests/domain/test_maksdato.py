"""Maksdato, the 67/70-year limits and requalification (rules.md MAX-1 … MAX-6, REQ-1, REQ-2, BD-1).

Hand computations (weekday addition ⊕ skips Saturdays and Sundays only):
- S = 2025-01-06 (Monday): AGP 01-06 … 01-21, first paid day Wednesday 01-22 (MAX-5).
  A note to Friday 01-31 gives used = 8 (01-22 … 01-31), base = 01-31, ord = 01-31 ⊕ 240 = 48 weeks
  later = 2026-01-02.
"""

from __future__ import annotations

from datetime import date

from factories import grunnlag, sykmelding, syntetisk_fnr

from domain.grunnlag import Grunnlag

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


def test_maksdato_is_unknown_when_the_person_turns_70_on_s() -> None:
    """MAX-6: turns 70 on or before S_p ⇒ null."""
    fnr = syntetisk_fnr(date(1955, 1, 6), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) is None


def test_maksdato_is_unknown_when_the_person_turned_70_before_s() -> None:
    """MAX-6."""
    fnr = syntetisk_fnr(date(1950, 6, 1), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _maksdato(g, S) is None


def test_a_label_instead_of_a_fodselsnummer_gives_the_ordinary_248_day_rule() -> None:
    """BD-1: unknown birth date ⇒ maksdato = ord (MAX-4)."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr="PERSON-1"))

    assert g.fodt is None
    assert _maksdato(g, S) == date(2026, 1, 2)


# REQ-1: the first tilfelle 2024-01-01 … 2024-03-31 has AGP 01-01 … 01-16 and 53 paid weekdays
# (01-17 … 01-31: 11, February: 21, March: 21; Easter 03-28/29 counts, MAX-1).


def test_182_fit_days_give_a_new_quota() -> None:
    """REQ-1: fit 2024-04-01 … 09-29 (182 days); second tilfelle 09-30 … 10-04 (5 AGP days).

    used = 0, A = 10-04 + 11 = 10-15, ord = 10-15 ⊕ 248 = 2025-09-26.
    """
    g = grunnlag(
        sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 31)),
        sykmelding("SM2", date(2024, 9, 30), date(2024, 10, 4)),
    )

    assert _maksdato(g, date(2024, 9, 30)) == date(2025, 9, 26)


def test_181_fit_days_do_not_give_a_new_quota() -> None:
    """REQ-1, REQ-2: fit 2024-04-01 … 09-28 (181 days); second tilfelle 09-29 … 10-04 (6 AGP days).

    used = 53 carries over, A = 10-04 + 10 = 10-14, ord = 10-14 ⊕ 195 = 39 weeks = 2025-07-14.
    """
    g = grunnlag(
        sykmelding("SM1", date(2024, 1, 1), date(2024, 3, 31)),
        sykmelding("SM2", date(2024, 9, 29), date(2024, 10, 4)),
    )

    assert _maksdato(g, date(2024, 9, 29)) == date(2025, 7, 14)


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
