"""Milestone due dates and statuses (rules.md MS-*, OP-*, DM1-*, AK-*, MB-*, DM2-*, DM3-*, MAXM-*).

Statuses are evaluated as in simulate output: at the end of ``idag`` (MS-3).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import grunnlag, kommando, sykmelding, syntetisk_fnr

from domain.grunnlag import Grunnlag
from domain.kommandoer import Kommando
from domain.milepeler import Milepel, Status, Vurdering, milepel, milepeler

FNR = "PERSON-1"
ORG = "ORG-1"


def _status(g: Grunnlag, kind: str, idag: date, orgnr: str = ORG) -> Milepel:
    sak = next(s for s in g.saker if s.orgnr == orgnr)
    return milepel(kind, g, sak, Vurdering(idag, slot=False))


def _sak(typ: str, at: date, **felter: Any) -> Kommando:
    return kommando(typ, at, fnr=felter.pop("fnr", FNR), orgnr=felter.pop("orgnr", ORG), **felter)


def _svar(at: date, part: str, ja: bool) -> Kommando:
    return _sak("dialogmote_svar", at, part=part, hensiktsmessig=ja)


def _innkalt(id: str, at: date, mote: int, tidspunkt: str, orgnr: str = ORG) -> Kommando:
    return _sak(
        "dialogmote_innkalt",
        at,
        orgnr=orgnr,
        id=id,
        mote=mote,
        tidspunkt=tidspunkt,
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    )


# ---------------------------------------------------------------- MS-1, MS-3, OP

S = date(2025, 1, 6)  # D_OP = 02-02, D_DM1 = 02-23, D_AK = 03-02, D_MB = 04-28, D_DM2 = 07-06


def test_every_case_lists_the_seven_milestones_in_order() -> None:
    """MS-1."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)))

    kinds = [m.kind for m in milepeler(g, g.saker[0], Vurdering(date(2025, 2, 1), slot=False))]

    assert kinds == [
        "oppfolgingsplan",
        "dialogmote_1",
        "aktivitetskrav",
        "motebehov",
        "dialogmote_2",
        "dialogmote_3",
        "maksdato",
    ]


def test_due_dates_are_the_last_day_of_week_n_counted_from_s() -> None:
    """T-3, OP-1, DM1-1, AK-1, MB-1, DM2-1: S + 27, S + 48, S + 55, S + 112, S + 181; never moved (T-4)."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)))

    dues = {m.kind: m.due for m in milepeler(g, g.saker[0], Vurdering(date(2025, 2, 1), slot=False))}

    assert dues["oppfolgingsplan"] == date(2025, 2, 2)
    assert dues["dialogmote_1"] == date(2025, 2, 23)
    assert dues["aktivitetskrav"] == date(2025, 3, 2)
    assert dues["motebehov"] == date(2025, 4, 28)
    assert dues["dialogmote_2"] == date(2025, 7, 6)


def test_the_plan_is_pending_before_its_due_date_and_overdue_after_it_when_reached() -> None:
    """MS-3 (5), (6), MS-2."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)))

    assert _status(g, "oppfolgingsplan", date(2025, 2, 2)).status is Status.PENDING
    assert _status(g, "oppfolgingsplan", date(2025, 2, 3)).status is Status.OVERDUE


def test_a_late_plan_is_met_with_met_on_after_due() -> None:
    """MS-3, OP-3: met_on = the earliest plan dato."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 3, 31)),
        _sak("oppfolgingsplan_ferdig", date(2025, 2, 10), dato=date(2025, 2, 10)),
        _sak("oppfolgingsplan_ferdig", date(2025, 2, 12), dato=date(2025, 2, 12)),
    )

    m = _status(g, "oppfolgingsplan", date(2025, 3, 1))

    assert (m.status, m.met_on) == (Status.MET, date(2025, 2, 10))


def test_the_plan_stays_pending_while_the_tilfelle_sits_in_a_gap_after_due() -> None:
    """MS-3 (6): end 01-20 < due 02-02, still open on 02-03 (closes 02-05) ⇒ pending, not overdue."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 20)))

    assert _status(g, "oppfolgingsplan", date(2025, 2, 3)).status is Status.PENDING


def test_the_plan_lapses_when_the_case_closes_before_due() -> None:
    """OP-7, MS-3 (3): closed_on 02-05, end 01-20 < 02-02."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 20)))

    assert _status(g, "oppfolgingsplan", date(2025, 2, 4)).status is Status.PENDING
    assert _status(g, "oppfolgingsplan", date(2025, 2, 5)).status is Status.LAPSED


def test_an_nl_unntak_makes_the_plan_exempt_until_it_is_withdrawn() -> None:
    """OP-6, MS-5: unntak_trukket ends the exemption from its at."""
    unntak = _sak(
        "unntak", date(2025, 1, 20), dato=date(2025, 1, 20), frist="oppfolgingsplan", arsak="ALVORLIG_SYKDOM", av="NL"
    )
    trukket = _sak("unntak_trukket", date(2025, 2, 10), dato=date(2025, 2, 10), frist="oppfolgingsplan")

    med_unntak = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)), unntak)
    trukket_igjen = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)), unntak, trukket)

    assert _status(med_unntak, "oppfolgingsplan", date(2025, 2, 11)).status is Status.EXEMPT
    assert _status(trukket_igjen, "oppfolgingsplan", date(2025, 2, 11)).status is Status.OVERDUE


# ---------------------------------------------------------------- DM1-2, DM1-3, DM1-4

S2 = date(2025, 2, 3)  # D_DM1 = 03-23 (Sunday); before send dates 03-07, 03-14, 03-21


def _gradert() -> Kommando:
    return sykmelding("SM1", S2, date(2025, 6, 30), 50)


def test_dm1_for_graded_leave_nobody_asked_for_is_not_applicable_after_its_due_date() -> None:
    """DM1-3: not mandatory and today > D_DM1 ⇒ not_applicable; pending until then."""
    g = grunnlag(_gradert())

    assert _status(g, "dialogmote_1", date(2025, 3, 23)).status is Status.PENDING
    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.NOT_APPLICABLE


def test_one_ja_makes_dm1_mandatory_for_graded_leave() -> None:
    """DM1-2: a 'ja' from any party; then overdue after D_DM1 (MS-3)."""
    g = grunnlag(_gradert(), _svar(date(2025, 3, 10), "NL", False), _svar(date(2025, 3, 11), "AT", True))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.OVERDUE


def test_a_sykmelder_ja_makes_dm1_mandatory() -> None:
    """DM1-2: NL, AT or SYKMELDER."""
    g = grunnlag(_gradert(), _svar(date(2025, 3, 10), "SYKMELDER", True))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.OVERDUE


def test_a_later_nei_does_not_undo_a_ja() -> None:
    """DM1-3: one 'ja' makes it mandatory from then on; 'nei' answers change nothing."""
    g = grunnlag(_gradert(), _svar(date(2025, 3, 10), "NL", True), _svar(date(2025, 3, 12), "NL", False))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.OVERDUE


def test_only_nei_answers_leave_graded_dm1_not_applicable() -> None:
    """DM1-3."""
    g = grunnlag(_gradert(), _svar(date(2025, 3, 10), "NL", False), _svar(date(2025, 3, 10), "AT", False))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.NOT_APPLICABLE


def test_being_fully_absent_on_a_before_send_date_makes_dm1_mandatory() -> None:
    """DM1-2 status rule: 100 % on Friday 03-14 = prev_wd(D − 7)."""
    g = grunnlag(_gradert(), sykmelding("SM2", date(2025, 3, 14), date(2025, 3, 14), mottatt=date(2025, 3, 14)))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.OVERDUE


def test_being_fully_absent_on_another_day_does_not_make_dm1_mandatory() -> None:
    """DM1-2 status rule: 03-12 is neither D_DM1 nor a before send date."""
    g = grunnlag(_gradert(), sykmelding("SM2", date(2025, 3, 12), date(2025, 3, 12), mottatt=date(2025, 3, 12)))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.NOT_APPLICABLE


def test_being_fully_absent_on_d_dm1_makes_dm1_mandatory() -> None:
    """DM1-2: 100 % on D_DM1 itself (Sunday 03-23)."""
    g = grunnlag(_gradert(), sykmelding("SM2", date(2025, 3, 23), date(2025, 3, 23), mottatt=date(2025, 3, 20)))

    assert _status(g, "dialogmote_1", date(2025, 3, 24)).status is Status.OVERDUE


def test_dm1_is_met_by_a_held_mote_1_even_after_its_due_date() -> None:
    """DM1-4, MS-3: met_on = the held meeting's dato."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 3, 31)),
        _innkalt("M1", date(2025, 2, 20), 1, "2025-02-27T10:00:00+01:00"),
        kommando("dialogmote_avholdt", date(2025, 2, 27), id="M1", dato=date(2025, 2, 27)),
    )

    m = _status(g, "dialogmote_1", date(2025, 3, 10))

    assert (m.status, m.met_on) == (Status.MET, date(2025, 2, 27))


def test_a_called_meeting_after_d_dm1_leaves_dm1_overdue_until_held() -> None:
    """DM1-5."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 3, 31)), _innkalt("M1", date(2025, 2, 20), 1, "2025-02-27T10:00:00+01:00")
    )

    assert _status(g, "dialogmote_1", date(2025, 2, 24)).status is Status.OVERDUE


# ---------------------------------------------------------------- AK-2, AK-3 (S = 01-06, D_AK = Sunday 03-02)

D_AK = date(2025, 3, 2)
ETTER = date(2025, 3, 10)


def _hundre(**ekstra: Any) -> Kommando:
    return sykmelding("SM1", S, date(2025, 4, 30), **ekstra)


def _vurdert(at: date, utfall: str) -> Kommando:
    return _sak("aktivitetskrav_vurdert", at, dato=at, utfall=utfall)


def test_aktivitetskrav_at_100_percent_without_anything_is_overdue_after_d_ak() -> None:
    """AK-3 (5); on D_AK itself it is still pending (6)."""
    g = grunnlag(_hundre())

    assert _status(g, "aktivitetskrav", D_AK).status is Status.PENDING
    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_graded_leave_on_d_ak_meets_the_aktivitetskrav_on_d_ak() -> None:
    """AK-3 (4): today ≥ D_AK, reached, in activity on D_AK ⇒ met with met_on = D_AK."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 4, 30), 60))

    m = _status(g, "aktivitetskrav", D_AK)

    assert (m.status, m.met_on) == (Status.MET, D_AK)


def test_reisetilskudd_on_d_ak_counts_as_activity() -> None:
    """AK-1, AK-3 (4): reisetilskudd is work-related activity (graded: a sick period, TF-1)."""
    g = grunnlag(
        kommando(
            "sykmelding",
            S,
            id="SM1",
            fnr=FNR,
            orgnr=ORG,
            perioder=[
                {"fom": S, "tom": date(2025, 2, 28), "grad": 100},
                {"fom": date(2025, 3, 1), "tom": date(2025, 4, 30), "grad": 50, "reisetilskudd": True},
            ],
        )
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.MET


def test_nav_oppfylt_meets_the_aktivitetskrav_on_its_dato() -> None:
    """AK-3 (1): OPPFYLT ⇒ met, met_on = its dato."""
    g = grunnlag(_hundre(), _vurdert(date(2025, 3, 5), "OPPFYLT"))

    m = _status(g, "aktivitetskrav", ETTER)

    assert (m.status, m.met_on) == (Status.MET, date(2025, 3, 5))


def test_nav_unntak_makes_the_aktivitetskrav_exempt() -> None:
    """AK-3 (1): UNNTAK ⇒ exempt."""
    g = grunnlag(_hundre(), _vurdert(date(2025, 3, 5), "UNNTAK"))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.EXEMPT


def test_nav_ikke_oppfylt_wins_over_documented_medical_grounds() -> None:
    """AK-3: step (1) IKKE_OPPFYLT ⇒ overdue comes before step (2) AK-2 (a)."""
    g = grunnlag(_hundre(medisinske_grunner=True), _vurdert(date(2025, 3, 5), "IKKE_OPPFYLT"))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_avvent_is_skipped_in_favour_of_the_latest_real_assessment() -> None:
    """AK-3 (1): the latest aktivitetskrav_vurdert with utfall ≠ AVVENT."""
    g = grunnlag(_hundre(), _vurdert(date(2025, 3, 4), "OPPFYLT"), _vurdert(date(2025, 3, 6), "AVVENT"))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.MET


def test_the_latest_real_assessment_wins() -> None:
    """AK-3 (1): OPPFYLT, then IKKE_OPPFYLT ⇒ overdue."""
    g = grunnlag(_hundre(), _vurdert(date(2025, 3, 4), "OPPFYLT"), _vurdert(date(2025, 3, 6), "IKKE_OPPFYLT"))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_only_avvent_leaves_the_status_to_the_later_steps() -> None:
    """AK-3 (1) does not apply; (5) overdue."""
    g = grunnlag(_hundre(), _vurdert(date(2025, 3, 4), "AVVENT"))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_medical_grounds_on_a_note_covering_d_ak_make_the_aktivitetskrav_exempt() -> None:
    """AK-2 (a), AK-3 (2)."""
    g = grunnlag(_hundre(medisinske_grunner=True))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.EXEMPT


def test_medical_grounds_on_a_note_that_ends_before_d_ak_do_not_count() -> None:
    """AK-2 (a): only a note of the case that covers D_AK."""
    g = grunnlag(
        sykmelding("SM1", S, date(2025, 2, 15), medisinske_grunner=True),
        sykmelding("SM2", date(2025, 2, 16), date(2025, 4, 30), mottatt=date(2025, 2, 14)),
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_a_plan_saying_activity_is_impossible_and_shared_with_nav_makes_it_exempt() -> None:
    """AK-2 (b): plan aktivitet_umulig and oppfolgingsplan_delt{nav} dated on or after the plan."""
    g = grunnlag(
        _hundre(),
        _sak("oppfolgingsplan_ferdig", date(2025, 2, 20), dato=date(2025, 2, 20), aktivitet_umulig=True),
        _sak("oppfolgingsplan_delt", date(2025, 2, 20), dato=date(2025, 2, 20), mottaker="nav"),
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.EXEMPT


def test_a_plan_shared_with_nav_before_it_was_agreed_does_not_document_the_exemption() -> None:
    """AK-2 (b): the sharing must be dated on or after the plan."""
    g = grunnlag(
        _hundre(),
        _sak("oppfolgingsplan_delt", date(2025, 2, 19), dato=date(2025, 2, 19), mottaker="nav"),
        _sak("oppfolgingsplan_ferdig", date(2025, 2, 20), dato=date(2025, 2, 20), aktivitet_umulig=True),
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_a_plan_shared_only_with_the_sykmelder_does_not_document_the_exemption() -> None:
    """AK-2 (b): shared with NAV."""
    g = grunnlag(
        _hundre(),
        _sak("oppfolgingsplan_ferdig", date(2025, 2, 20), dato=date(2025, 2, 20), aktivitet_umulig=True),
        _sak("oppfolgingsplan_delt", date(2025, 2, 21), dato=date(2025, 2, 21), mottaker="sykmelder"),
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.OVERDUE


def test_an_active_nav_unntak_for_the_aktivitetskrav_makes_it_exempt() -> None:
    """AK-2 (c)."""
    g = grunnlag(
        _hundre(),
        _sak(
            "unntak",
            date(2025, 2, 25),
            dato=date(2025, 2, 25),
            frist="aktivitetskrav",
            arsak="TILRETTELEGGING_IKKE_MULIG",
            av="NAV",
        ),
    )

    assert _status(g, "aktivitetskrav", ETTER).status is Status.EXEMPT


def test_the_aktivitetskrav_lapses_when_the_case_closes_before_d_ak() -> None:
    """AK-3 (3): end 02-14, closed at the end of 03-02, end < D_AK."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 2, 14)))

    assert _status(g, "aktivitetskrav", ETTER).status is Status.LAPSED


# ---------------------------------------------------------------- MB-3, MS-4 (D_MB = Monday 04-28)

D_MB = date(2025, 4, 28)


def _lang() -> Kommando:
    return sykmelding("SM1", S, date(2025, 8, 31))


def test_motebehov_is_a_point_reached_while_sick() -> None:
    """MS-4: pending before due, met (met_on = due) when today ≥ due and reached."""
    g = grunnlag(_lang())

    assert _status(g, "motebehov", date(2025, 4, 27)).status is Status.PENDING
    m = _status(g, "motebehov", D_MB)
    assert (m.status, m.met_on) == (Status.MET, D_MB)


def test_motebehov_lapses_when_the_person_tilfelle_closes_before_it() -> None:
    """MS-4: lapsed when closed and end < due; never overdue."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 3, 31)))

    assert _status(g, "motebehov", date(2025, 4, 16)).status is Status.LAPSED


def test_motebehov_is_not_applicable_when_a_mote_2_was_called_on_d_mb() -> None:
    """MB-3: called on or before D_MB (Oslo date of the innkalling) and not avlyst."""
    g = grunnlag(_lang(), _innkalt("M2", D_MB, 2, "2025-05-20T10:00:00+02:00"))

    assert _status(g, "motebehov", date(2025, 5, 1)).status is Status.NOT_APPLICABLE


def test_motebehov_applies_when_the_mote_2_was_called_after_d_mb() -> None:
    """MB-3: called 04-29 is too late to spare the question."""
    g = grunnlag(_lang(), _innkalt("M2", date(2025, 4, 29), 2, "2025-05-20T10:00:00+02:00"))

    assert _status(g, "motebehov", date(2025, 5, 1)).status is Status.MET


def test_motebehov_applies_when_the_early_mote_2_was_avlyst() -> None:
    """MB-3: not avlyst."""
    g = grunnlag(
        _lang(),
        _innkalt("M2", date(2025, 4, 20), 2, "2025-05-20T10:00:00+02:00"),
        kommando("dialogmote_avlyst", date(2025, 4, 22), id="M2"),
    )

    assert _status(g, "motebehov", date(2025, 5, 1)).status is Status.MET


def test_motebehov_is_not_applicable_with_a_dm2_unntak_dated_by_d_mb() -> None:
    """MB-3: an active DM2 exemption dated on or before D_MB."""
    unntak = _sak(
        "unntak", date(2025, 4, 25), dato=date(2025, 4, 25), frist="dialogmote_2", arsak="MEDISINSKE_GRUNNER", av="NAV"
    )

    g = grunnlag(_lang(), unntak)

    assert _status(g, "motebehov", date(2025, 5, 1)).status is Status.NOT_APPLICABLE


def test_a_dm2_unntak_dated_after_d_mb_does_not_cancel_motebehov() -> None:
    """MB-3."""
    unntak = _sak(
        "unntak", date(2025, 4, 29), dato=date(2025, 4, 29), frist="dialogmote_2", arsak="MEDISINSKE_GRUNNER", av="NAV"
    )

    g = grunnlag(_lang(), unntak)

    assert _status(g, "motebehov", date(2025, 5, 1)).status is Status.MET


# ---------------------------------------------------------------- DM2 (person level)


def test_a_mote_2_held_in_another_employers_case_meets_dm2_for_every_case() -> None:
    """DM2-1, TF-9: any case in the person tilfelle."""
    g = grunnlag(
        _lang(),
        sykmelding("B1", date(2025, 3, 3), date(2025, 8, 31), orgnr="ORG-2"),
        _innkalt("M2", date(2025, 5, 20), 2, "2025-06-10T10:00:00+02:00", orgnr="ORG-2"),
        kommando("dialogmote_avholdt", date(2025, 6, 10), id="M2", dato=date(2025, 6, 10)),
    )

    m = _status(g, "dialogmote_2", date(2025, 7, 10), orgnr=ORG)

    assert (m.status, m.met_on) == (Status.MET, date(2025, 6, 10))


def test_a_nav_dm2_unntak_makes_dm2_exempt() -> None:
    """DM2-3."""
    unntak = _sak(
        "unntak",
        date(2025, 5, 20),
        dato=date(2025, 5, 20),
        frist="dialogmote_2",
        arsak="FORVENTET_FRISKMELDING",
        av="NAV",
    )

    g = grunnlag(_lang(), unntak)

    assert _status(g, "dialogmote_2", date(2025, 7, 10)).status is Status.EXEMPT


# ---------------------------------------------------------------- DM3-1, MAXM


def test_dialogmote_3_is_maksdato_minus_91() -> None:
    """DM3-1: maksdato 2026-01-02 (MAX-5) ⇒ D_DM3 = 2025-10-03."""
    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31)))

    assert _status(g, "dialogmote_3", date(2025, 2, 1)).due == date(2025, 10, 3)
    assert _status(g, "maksdato", date(2025, 2, 1)).due == date(2026, 1, 2)


def test_dialogmote_3_is_never_before_s_p() -> None:
    """DM3-1: max(S_p, maksdato − 91); born 1955-02-14 ⇒ maksdato 2025-02-13 (MAX-2), so D_DM3 = S_p."""
    fnr = syntetisk_fnr(date(1955, 2, 14), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _status(g, "dialogmote_3", date(2025, 2, 1)).due == S


def test_turned_70_before_s_gives_a_maksdato_before_s_p_and_dialogmote_3_on_s_p() -> None:
    """MAX-6 (maksdato is never unknown), DM3-1: 70 on 2020-06-01 ⇒ maksdato 2020-05-29, D_DM3 = S_p."""
    fnr = syntetisk_fnr(date(1950, 6, 1), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 1, 31), fnr=fnr))

    assert _status(g, "dialogmote_3", date(2025, 2, 1)).due == S
    assert _status(g, "maksdato", date(2025, 2, 1)).due == date(2020, 5, 29)


def test_the_maksdato_milestone_is_met_when_reached_while_sick() -> None:
    """MAXM-1, MS-4: born 1958-03-10 ⇒ maksdato 2025-06-02; sick through 06-30."""
    fnr = syntetisk_fnr(date(1958, 3, 10), 100)

    g = grunnlag(sykmelding("SM1", S, date(2025, 6, 30), fnr=fnr))

    m = _status(g, "maksdato", date(2025, 6, 2))
    assert (m.due, m.status, m.met_on) == (date(2025, 6, 2), Status.MET, date(2025, 6, 2))
    assert _status(g, "maksdato", date(2025, 6, 1)).status is Status.PENDING
