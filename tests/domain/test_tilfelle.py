"""Sick days, oppfølgingstilfeller, case ids and the arbeidsgiverperiode (rules.md TF-*, AGP-*, E-2)."""

from __future__ import annotations

from datetime import date

from factories import STROM, dager, egenmelding, grunnlag, kl, kommando, sykmelding

from domain.grunnlag import Grunnlag
from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando
from domain.milepeler import frist
from domain.tilfelle import Tilfelle, del_i_tilfeller

ORG2 = "ORG-2"


def _perioder(tilfeller: list[Tilfelle]) -> list[tuple[date, date]]:
    return [(t.start, t.slutt) for t in tilfeller]


# ---------------------------------------------------------------- TF-2, TF-4


def test_fifteen_non_sick_days_between_two_sick_days_keep_one_tilfelle() -> None:
    """TF-2: 01-11 … 01-25 are 15 non-sick days."""
    syke = dager(date(2025, 1, 6), date(2025, 1, 10)) + dager(date(2025, 1, 26), date(2025, 1, 31))

    tilfeller = del_i_tilfeller(syke)

    assert _perioder(tilfeller) == [(date(2025, 1, 6), date(2025, 1, 31))]


def test_sixteen_non_sick_days_split_the_tilfelle() -> None:
    """TF-2: 01-11 … 01-26 are 16 non-sick days."""
    syke = dager(date(2025, 1, 6), date(2025, 1, 10)) + dager(date(2025, 1, 27), date(2025, 1, 31))

    tilfeller = del_i_tilfeller(syke)

    assert _perioder(tilfeller) == [
        (date(2025, 1, 6), date(2025, 1, 10)),
        (date(2025, 1, 27), date(2025, 1, 31)),
    ]


def test_weekends_and_holidays_without_a_document_are_ordinary_non_sick_days() -> None:
    """TF-2: Easter 2025 inside the gap does not shorten it (03-31 … 04-15 are 16 days)."""
    syke = dager(date(2025, 3, 24), date(2025, 3, 30)) + dager(date(2025, 4, 16), date(2025, 4, 30))

    tilfeller = del_i_tilfeller(syke)

    assert len(tilfeller) == 2


def test_a_tilfelle_closes_sixteen_days_after_its_last_sick_day() -> None:
    """TF-4: closed_on = end + 16; the TF-7 window is [S, end + 16]."""
    t = del_i_tilfeller(dager(date(2025, 1, 6), date(2025, 1, 31)))[0]

    assert t.lukkes == date(2025, 2, 16)
    assert t.inneholder_vindu(date(2025, 2, 16))
    assert not t.inneholder_vindu(date(2025, 2, 17))
    assert not t.inneholder_vindu(date(2025, 1, 5))


def test_at_a_slot_on_closed_on_the_tilfelle_is_still_open_but_not_at_the_end_of_that_day() -> None:
    """MS-3: at a slot on d closed when end + 16 < d; in simulate output closed when end + 16 ≤ until."""
    t = del_i_tilfeller(dager(date(2025, 1, 6), date(2025, 1, 31)))[0]

    assert t.apen_pa_slot(date(2025, 2, 16))
    assert not t.apen_pa_slot(date(2025, 2, 17))
    assert t.apen_ved_utgangen_av(date(2025, 2, 15))
    assert not t.apen_ved_utgangen_av(date(2025, 2, 16))


# ---------------------------------------------------------------- TF-1, TF-3, TF-9, E-2


def _med_reisetilskudd(
    id: str, mottatt: date, *perioder: tuple[date, date, int, bool], orgnr: str = "ORG-1"
) -> Kommando:
    return kommando(
        "sykmelding",
        mottatt,
        id=id,
        fnr="PERSON-1",
        orgnr=orgnr,
        perioder=[{"fom": f, "tom": t, "grad": g, "reisetilskudd": r} for f, t, g, r in perioder],
    )


def test_a_graded_note_with_reisetilskudd_counts_as_sick_but_not_fully_absent() -> None:
    """TF-1: gradert sykmelding med reisetilskudd (grad 20–99) is an ordinary graded sick period."""
    g = grunnlag(
        _med_reisetilskudd(
            "SM1",
            date(2025, 1, 6),
            (date(2025, 1, 6), date(2025, 1, 12), 50, True),
            (date(2025, 1, 13), date(2025, 1, 19), 20, False),
        )
    )

    assert g.syk("ORG-1", date(2025, 1, 6))
    assert not g.helt_borte("ORG-1", date(2025, 1, 6))
    assert g.syk("ORG-1", date(2025, 1, 19))
    assert not g.helt_borte("ORG-1", date(2025, 1, 19))
    assert [(s.tilfelle.start, s.tilfelle.slutt) for s in g.saker] == [(date(2025, 1, 6), date(2025, 1, 19))]


def test_a_reisetilskudd_only_period_covers_no_sick_day_and_does_not_start_the_tilfelle() -> None:
    """TF-1 (was: a sick day): reisetilskudd with grad 100 is work, so S is the first day of the next
    period and the arbeidsgiverperiode counts from there (AGP-1)."""
    g = grunnlag(
        _med_reisetilskudd(
            "SM1",
            date(2026, 3, 3),
            (date(2026, 3, 3), date(2026, 3, 16), 100, True),
            (date(2026, 3, 17), date(2026, 4, 30), 100, False),
        )
    )

    assert not g.syk("ORG-1", date(2026, 3, 3))
    assert not g.syk(None, date(2026, 3, 16))
    (sak,) = g.saker
    assert (sak.tilfelle.start, sak.tilfelle.slutt) == (date(2026, 3, 17), date(2026, 4, 30))
    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2026, 4, 1)
    assert g.sak_for_kommando(g.fakta[0]) == sak


def test_a_note_with_only_reisetilskudd_gives_no_case() -> None:
    """TF-1: NAV's isoppfolgingstilfelle gives no tilfelle for a reisetilskudd-only note."""
    g = grunnlag(_med_reisetilskudd("SM1", date(2025, 1, 6), (date(2025, 1, 6), date(2025, 2, 28), 100, True)))

    assert g.saker == []
    assert g.person_tilfeller == []
    assert g.sak_for_kommando(g.fakta[0]) is None


def test_reisetilskudd_days_do_not_extend_a_tilfelle_and_count_toward_the_16_day_split() -> None:
    """TF-1, TF-2: 16 reisetilskudd-only days between two sick spells are 16 days without sickness."""
    g = grunnlag(
        _med_reisetilskudd(
            "SM1",
            date(2025, 1, 6),
            (date(2025, 1, 6), date(2025, 1, 31), 100, False),
            (date(2025, 2, 1), date(2025, 2, 16), 100, True),
            (date(2025, 2, 17), date(2025, 3, 31), 100, False),
        )
    )

    assert _perioder(g.person_tilfeller) == [
        (date(2025, 1, 6), date(2025, 1, 31)),
        (date(2025, 2, 17), date(2025, 3, 31)),
    ]
    assert [s.tilfelle.start for s in g.saker] == [date(2025, 1, 6), date(2025, 2, 17)]


def test_a_reisetilskudd_day_covered_by_another_sick_note_is_a_sick_day() -> None:
    """TF-1: "unless another accepted period at O covers them"."""
    g = grunnlag(
        _med_reisetilskudd("SM1", date(2025, 1, 6), (date(2025, 1, 6), date(2025, 2, 28), 100, True)),
        sykmelding("SM2", date(2025, 2, 3), date(2025, 2, 14), 60, mottatt=date(2025, 2, 3)),
    )

    assert not g.syk("ORG-1", date(2025, 2, 2))
    assert g.syk("ORG-1", date(2025, 2, 3))
    assert not g.helt_borte("ORG-1", date(2025, 2, 3))
    assert [(s.tilfelle.start, s.tilfelle.slutt) for s in g.saker] == [(date(2025, 2, 3), date(2025, 2, 14))]


def test_reisetilskudd_days_are_not_paid_days_nor_arbeidsgiverperiode_days() -> None:
    """TF-1, AGP-1, MAX-1: a 100 % reisetilskudd month inside a leave is no sickness; the AGP and the
    paid days skip it. S = 2025-01-06 with 01-13 … 01-19 as reisetilskudd: AGP = 01-06 … 01-12 and
    01-20 … 01-28 (16 sick days), so the 16th sick day moves from 01-21 to 01-28."""
    g = grunnlag(
        _med_reisetilskudd(
            "SM1",
            date(2025, 1, 6),
            (date(2025, 1, 6), date(2025, 1, 12), 100, False),
            (date(2025, 1, 13), date(2025, 1, 19), 100, True),
            (date(2025, 1, 20), date(2025, 3, 31), 100, False),
        )
    )

    (sak,) = g.saker
    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 1, 28)


def test_the_highest_grade_wins_whatever_the_arrival_order() -> None:
    """VAL-1 note: a day is fully absent if any covering period is 100 % without reisetilskudd."""
    hundre = sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 31), 100)
    femti = sykmelding("SM2", date(2025, 1, 6), date(2025, 1, 31), 50, mottatt=date(2025, 1, 7))

    g = grunnlag(hundre, femti)

    assert g.helt_borte("ORG-1", date(2025, 1, 20))


def test_egenmelding_days_are_fully_absent_sick_days_and_start_the_tilfelle() -> None:
    """E-2, TF-4: egenmelding days count for S and the tilfelle."""
    g = grunnlag(
        egenmelding("EM1", date(2025, 1, 6), date(2025, 1, 8)),
        sykmelding("SM1", date(2025, 1, 9), date(2025, 1, 31), 50),
    )

    [sak] = g.saker

    assert sak.tilfelle.start == date(2025, 1, 6)
    assert g.helt_borte("ORG-1", date(2025, 1, 7))


def test_the_person_tilfelle_joins_sick_days_at_all_employers() -> None:
    """TF-3, TF-9: ORG-1 has two case tilfeller (17-day gap) but ORG-2 bridges them for the person."""
    g = grunnlag(
        sykmelding("A1", date(2025, 1, 6), date(2025, 1, 10)),
        sykmelding("B1", date(2025, 1, 15), date(2025, 1, 20), orgnr=ORG2),
        sykmelding("A2", date(2025, 1, 28), date(2025, 1, 31)),
    )

    personer = g.person_tilfeller
    saker = [(s.orgnr, s.tilfelle.start, s.person_tilfelle.start) for s in g.saker]

    assert _perioder(personer) == [(date(2025, 1, 6), date(2025, 1, 31))]
    assert saker == [
        ("ORG-1", date(2025, 1, 6), date(2025, 1, 6)),
        ("ORG-2", date(2025, 1, 15), date(2025, 1, 6)),
        ("ORG-1", date(2025, 1, 28), date(2025, 1, 6)),
    ]


def test_nav_milestones_of_a_later_case_use_the_person_start() -> None:
    """TF-9: motebehov is due S_p + 112 on every case in the person tilfelle; OP uses S_c."""
    g = grunnlag(
        sykmelding("A1", date(2025, 1, 6), date(2025, 1, 10)),
        sykmelding("B1", date(2025, 1, 15), date(2025, 1, 20), orgnr=ORG2),
    )
    sak_b = next(s for s in g.saker if s.orgnr == ORG2)

    assert frist("motebehov", sak_b, g) == date(2025, 4, 28)
    assert frist("oppfolgingsplan", sak_b, g) == date(2025, 2, 11)


# ---------------------------------------------------------------- TF-5


def test_arbeid_gjenopptatt_removes_later_days_from_earlier_documents_only() -> None:
    """TF-5: back at work from 01-20; the relapse note received afterwards still counts."""
    g = grunnlag(
        sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 31)),
        kommando("arbeid_gjenopptatt", date(2025, 1, 20), fnr="PERSON-1", orgnr="ORG-1", dato=date(2025, 1, 20)),
        sykmelding("SM2", date(2025, 1, 25), date(2025, 2, 5), mottatt=date(2025, 1, 25)),
    )

    syke = sorted(g.sykedager["ORG-1"].dager)

    assert syke == dager(date(2025, 1, 6), date(2025, 1, 19)) + dager(date(2025, 1, 25), date(2025, 2, 5))


def test_arbeid_gjenopptatt_at_one_employer_leaves_the_other_employer_alone() -> None:
    """TF-5: the days of (fnr, orgnr) only."""
    g = grunnlag(
        sykmelding("A1", date(2025, 1, 6), date(2025, 1, 31)),
        sykmelding("B1", date(2025, 1, 6), date(2025, 1, 31), orgnr=ORG2),
        kommando("arbeid_gjenopptatt", date(2025, 1, 20), fnr="PERSON-1", orgnr="ORG-1", dato=date(2025, 1, 20)),
    )

    assert not g.syk("ORG-1", date(2025, 1, 20))
    assert g.syk(ORG2, date(2025, 1, 20))
    assert g.syk(None, date(2025, 1, 20))


# ---------------------------------------------------------------- TF-6, TF-8


def _tre_noter() -> list[Kommando]:
    return [
        sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 10)),
        sykmelding("SM2", date(2025, 1, 11), date(2025, 1, 31), mottatt=date(2025, 1, 10)),
        sykmelding("SM3", date(2025, 2, 1), date(2025, 2, 28), mottatt=date(2025, 1, 31)),
    ]


def test_annulling_the_middle_note_splits_the_tilfelle() -> None:
    """TF-6: without 01-11 … 01-31 there are 21 non-sick days, so two tilfeller (TF-2)."""
    annullert = kommando("sykmelding_annullert", date(2025, 2, 3), id="SM2")

    g = grunnlag(*_tre_noter(), annullert)

    assert [(s.tilfelle.start, s.tilfelle.slutt) for s in g.saker] == [
        (date(2025, 1, 6), date(2025, 1, 10)),
        (date(2025, 2, 1), date(2025, 2, 28)),
    ]


def test_an_annulment_takes_effect_from_its_at_only() -> None:
    """TF-6, T-7: as known before the annulment there is one tilfelle."""
    noter = [*_tre_noter(), kommando("sykmelding_annullert", date(2025, 2, 3), id="SM2")]

    g = Grunnlag.bygg(STROM, noter, Innstillinger(), kjent_til=kl(date(2025, 2, 2)))

    assert len(g.saker) == 1


def test_on_a_split_the_part_holding_the_original_start_keeps_the_case_id() -> None:
    """TF-8: the other part gets a new id."""
    for_deling = grunnlag(*_tre_noter())
    etter_deling = grunnlag(*_tre_noter(), kommando("sykmelding_annullert", date(2025, 2, 3), id="SM2"))

    [original] = for_deling.saker
    forste, andre = etter_deling.saker

    assert forste.case_id == original.case_id
    assert andre.case_id != original.case_id


def test_on_a_merge_the_merged_case_keeps_the_oldest_id() -> None:
    """TF-8: the later case (newer id) starts first; the gap note merges them and the older id wins."""
    februar = sykmelding("SM-FEB", date(2025, 2, 3), date(2025, 2, 14), mottatt=date(2025, 1, 20))
    januar = sykmelding("SM-JAN", date(2025, 1, 6), date(2025, 1, 10), mottatt=date(2025, 1, 21))
    bro = sykmelding("SM-BRO", date(2025, 1, 11), date(2025, 2, 2), mottatt=date(2025, 1, 22))
    for_sammenslaing = grunnlag(februar, januar)
    eldste = next(s.case_id for s in for_sammenslaing.saker if s.tilfelle.start == date(2025, 2, 3))

    etter = grunnlag(februar, januar, bro)

    [sak] = etter.saker
    assert len(for_sammenslaing.saker) == 2
    assert sak.tilfelle.start == date(2025, 1, 6)
    assert sak.case_id == eldste


def test_case_ids_are_the_same_when_derived_again_from_the_same_commands() -> None:
    """TF-8, T-7: re-deriving gives the same ids."""
    en = grunnlag(*_tre_noter())
    to = grunnlag(*_tre_noter())

    assert [s.case_id for s in en.saker] == [s.case_id for s in to.saker]


# ---------------------------------------------------------------- AGP


def test_the_arbeidsgiverperiode_ends_on_the_16th_sick_day_counting_weekends_inside_a_document() -> None:
    """AGP-1: from Monday 01-06, the 16th calendar day of the note is 01-21."""
    g = grunnlag(sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 31)))

    [sak] = g.saker

    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 1, 21)


def test_a_weekend_between_egenmelding_and_sykmelding_is_not_an_agp_day() -> None:
    """AGP-4: egenmelding Wed–Fri 01-08 … 01-10 (3 days), sykmelding from Monday 01-13 (day 4 → day 16 = 01-25)."""
    g = grunnlag(
        egenmelding("EM1", date(2025, 1, 8), date(2025, 1, 10)),
        sykmelding("SM1", date(2025, 1, 13), date(2025, 2, 28), mottatt=date(2025, 1, 13)),
    )

    [sak] = g.saker

    assert sak.tilfelle.start == date(2025, 1, 8)
    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 1, 25)


def test_an_incomplete_agp_ends_on_the_last_known_sick_day() -> None:
    """AGP-1: fewer than 16 known sick days ⇒ tom = end."""
    g = grunnlag(egenmelding("EM1", date(2025, 5, 5), date(2025, 5, 7)))

    [sak] = g.saker

    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 5, 7)


def test_an_incomplete_agp_continues_across_a_short_gap_counting_only_sick_days() -> None:
    """AGP-2, AGP-1: 5 days in 01-06 … 01-10, gap of 9, then day 6 is 01-20 and day 16 is 01-30."""
    g = grunnlag(
        sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 10)),
        sykmelding("SM2", date(2025, 1, 20), date(2025, 2, 28), mottatt=date(2025, 1, 20)),
    )

    [sak] = g.saker

    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 1, 30)


def test_a_new_tilfelle_starts_a_new_agp() -> None:
    """AGP-2: after 16 non-sick days the AGP restarts."""
    g = grunnlag(
        sykmelding("SM1", date(2025, 1, 6), date(2025, 1, 10)),
        sykmelding("SM2", date(2025, 1, 27), date(2025, 2, 28), mottatt=date(2025, 1, 27)),
    )

    forste, andre = g.saker

    assert forste.tilfelle.arbeidsgiverperiode_tom == date(2025, 1, 10)
    assert andre.tilfelle.arbeidsgiverperiode_tom == date(2025, 2, 11)


def test_graded_days_count_whole_in_the_agp() -> None:
    """AGP-1: graded days count whole."""
    g = grunnlag(sykmelding("SM1", date(2025, 3, 3), date(2025, 3, 31), 20))

    [sak] = g.saker

    assert sak.tilfelle.arbeidsgiverperiode_tom == date(2025, 3, 18)
