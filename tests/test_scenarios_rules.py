"""Reminder-matrix rows and reminder policy shown with small scenarios through ``simulate``.

rules.md RM-*, RP-*, CON-1, CON-3, T-8 and the CFG switches, for what the golden files do not show.
Each scenario starts a 100 % sykmelding on Monday 2025-01-06 (S) unless it says otherwise; expected
dates are worked out from the rule text in the test docstrings.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import steg, sykmelding_steg, syntetisk_fnr

from service.devtools.simulate import simuler

FNR = "PERSON-1"
ORG = "ORG-1"
S = date(2025, 1, 6)


def _grunn(tom: date = date(2025, 6, 30), *, fnr: str = FNR) -> list[dict[str, Any]]:
    return [
        steg("virksomhet", "2025-01-06T07:00:00+01:00", orgnr=ORG, hr_id="hr-1"),
        steg("narmeste_leder", "2025-01-06T07:05:00+01:00", fnr=fnr, orgnr=ORG, leder_id="leder-A", fom="2024-01-01"),
        sykmelding_steg("SM1", S, tom, fnr=fnr, mottatt="2025-01-06T07:30:00+01:00"),
    ]


def _simuler(steps: list[dict[str, Any]], until: str, **config: Any) -> dict[str, Any]:
    scenario: dict[str, Any] = {"name": "rule test", "until": until, "steps": steps}
    if config:
        scenario["config"] = config
    return simuler(scenario).data


def _finn(
    data: dict[str, Any],
    *,
    milestone: str | None = None,
    stage: str | None = None,
    role: str | None = None,
    id: str | None = None,
    dato: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    return [
        r
        for r in data["reminders"]
        if (milestone is None or r["milestone"] == milestone)
        and (stage is None or r["stage"] == stage)
        and (role is None or r["recipient"]["role"] == role)
        and (id is None or r["recipient"]["id"] == id)
        and (dato is None or r["at"][:10] == dato)
        and (status is None or r["status"] == status)
    ]


def _datoer(rs: list[dict[str, Any]]) -> list[str]:
    return [r["at"][:10] for r in rs]


def _sak(typ: str, at: str, **felter: Any) -> dict[str, Any]:
    return steg(typ, at, fnr=felter.pop("fnr", FNR), orgnr=felter.pop("orgnr", ORG), **felter)


# ---------------------------------------------------------------- RM-9, RP-6, RP-7


def _utsatt(at: str = "2025-02-10T10:00:00+01:00", dato: str = "2025-02-10") -> dict[str, Any]:
    return _sak("unntak", at, dato=dato, frist="dialogmote_1", arsak="UTSATT_ALVORLIG_SYKDOM", av="NL")


def test_utsatt_alvorlig_sykdom_asks_the_leader_again_every_28_days_while_the_unntak_is_active() -> None:
    """RM-9, DM1-6: u = 02-10 ⇒ next_wd(u + 28) = Monday 03-10, next_wd(u + 56) = Monday 04-07.

    The unntak is withdrawn on 04-15, so there is no prompt on 05-05 (u + 84).
    """
    steps = [
        *_grunn(),
        _utsatt(),
        _sak("unntak_trukket", "2025-04-15T10:00:00+02:00", dato="2025-04-15", frist="dialogmote_1"),
    ]

    data = _simuler(steps, "2025-05-10")

    rm9 = _finn(data, milestone="dialogmote_1", stage="prompt", role="NL", status="sent")
    assert "2025-03-10" in _datoer(rm9)
    assert "2025-04-07" in _datoer(rm9)
    assert "2025-05-05" not in _datoer(rm9)
    assert all(r["recipient"]["id"] == "leder-A" for r in rm9)


def test_withdrawing_the_dm1_unntak_after_the_due_date_gives_one_overdue_reminder_and_then_escalation() -> None:
    """RP-6, RP-7, RM-7, RM-8: D_DM1 = 02-23; regular overdue slot 02-24 cancelled (exempt);
    unntak_trukket 04-15 10:00 ⇒ overdue at the next slot 04-16; escalation next_wd(04-16 + 7) = 04-23 to HR.
    """
    steps = [
        *_grunn(),
        _utsatt(),
        _sak("unntak_trukket", "2025-04-15T10:00:00+02:00", dato="2025-04-15", frist="dialogmote_1"),
    ]

    data = _simuler(steps, "2025-05-10")

    overdue = _finn(data, milestone="dialogmote_1", stage="overdue")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in overdue] == [
        ("2025-02-24", "cancelled", "exempt"),
        ("2025-04-16", "sent", None),
    ]
    eskalering = _finn(data, milestone="dialogmote_1", stage="escalation", status="sent")
    assert [(r["at"][:10], r["recipient"]["id"]) for r in eskalering] == [("2025-04-23", "hr-1")]


def test_the_utsatt_recheck_is_cancelled_once_dm1_is_held() -> None:
    """RM-9: condition 'DM1 not held' fails with reason met; u = 02-10 ⇒ 03-10 sent, 04-07 cancelled."""
    steps = [
        *_grunn(),
        _utsatt(),
        _sak(
            "dialogmote_innkalt",
            "2025-03-12T10:00:00+01:00",
            id="M1",
            mote=1,
            tidspunkt="2025-03-20T10:00:00+01:00",
            deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
        ),
        steg("dialogmote_avholdt", "2025-03-20T12:00:00+01:00", id="M1", dato="2025-03-20"),
    ]

    data = _simuler(steps, "2025-04-10")

    rm9 = [(r["at"][:10], r["status"], r.get("reason")) for r in _finn(data, milestone="dialogmote_1", stage="prompt")]
    assert ("2025-03-10", "sent", None) in rm9
    assert ("2025-04-07", "cancelled", "met") in rm9


def test_the_utsatt_recheck_interval_is_configurable() -> None:
    """RM-9, CFG utsatt_recheck_days: 14 ⇒ next_wd(02-24) = 02-24 and next_wd(03-10) = 03-10."""
    data = _simuler([*_grunn(), _utsatt()], "2025-03-11", utsatt_recheck_days=14)

    rm9 = _finn(data, milestone="dialogmote_1", stage="prompt", role="NL", status="sent")
    assert _datoer(rm9) == ["2025-02-24", "2025-03-10"]


# ---------------------------------------------------------------- RM-13, AK-5


def _ikke_oppfylt() -> dict[str, Any]:
    return _sak("aktivitetskrav_vurdert", "2025-03-05T10:00:00+01:00", dato="2025-03-05", utfall="IKKE_OPPFYLT")


def test_the_employer_hears_nothing_about_stans_by_default() -> None:
    """AK-5, RM-13: notify_employer_of_stans defaults to false."""
    data = _simuler([*_grunn(), _ikke_oppfylt()], "2025-03-20")

    assert _finn(data, milestone="aktivitetskrav", role="HR") == []


def test_hr_is_told_about_ikke_oppfylt_at_the_next_slot_when_configured() -> None:
    """RM-13: first slot after 03-05 10:00 is 03-06 08:00, to the virksomhet's HR."""
    data = _simuler([*_grunn(), _ikke_oppfylt()], "2025-03-20", notify_employer_of_stans=True)

    info = _finn(data, milestone="aktivitetskrav", stage="info", role="HR", status="sent")
    assert [(r["at"], r["recipient"]["id"]) for r in info] == [("2025-03-06T08:00:00+01:00", "hr-1")]


# ---------------------------------------------------------------- RM-19, DM2-4


def _onsket(at: str = "2025-04-14T10:00:00+02:00", mote: int = 2) -> dict[str, Any]:
    return _sak("dialogmote_onsket", at, mote=mote, av="AT")


def test_an_early_request_gives_nav_a_task_at_once_and_a_follow_up_after_five_working_days() -> None:
    """RM-19, DM2-4: task at the request instant (RP-1); Monday 04-14 + 5 working days over Easter = 04-24."""
    data = _simuler([*_grunn(), _onsket()], "2025-04-30")

    oppgaver = _finn(data, milestone="dialogmote_2", stage="task", role="NAV", status="sent")
    assert [r["at"] for r in oppgaver][:2] == ["2025-04-14T10:00:00+02:00", "2025-04-24T08:00:00+02:00"]
    assert all(r["recipient"]["id"] == "NAV" for r in oppgaver)


def test_the_follow_up_task_is_cancelled_when_nav_calls_the_meeting() -> None:
    """RM-19: no innkalling of that mote since the request ⇒ otherwise cancelled with reason innkalt."""
    innkalt = _sak(
        "dialogmote_innkalt",
        "2025-04-16T10:00:00+02:00",
        id="M2",
        mote=2,
        tidspunkt="2025-05-14T10:00:00+02:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}, {"rolle": "NAV", "id": "NAV"}],
    )

    data = _simuler([*_grunn(), _onsket(), innkalt], "2025-04-30")

    folge = _finn(data, milestone="dialogmote_2", stage="task", dato="2025-04-24")
    assert [(r["status"], r.get("reason")) for r in folge] == [("cancelled", "innkalt")]


def test_an_early_request_for_dialogmote_3_is_a_dialogmote_3_task() -> None:
    """RM-19, DM3-1: mote 3 on request."""
    data = _simuler([*_grunn(), _onsket(mote=3)], "2025-04-30")

    oppgaver = _finn(data, milestone="dialogmote_3", stage="task", role="NAV", status="sent")
    assert _datoer(oppgaver) == ["2025-04-14", "2025-04-24"]


def test_the_follow_up_working_days_are_configurable() -> None:
    """RM-19, CFG early_request_followup_working_days: 1 ⇒ Tuesday 04-15."""
    data = _simuler([*_grunn(), _onsket()], "2025-04-30", early_request_followup_working_days=1)

    oppgaver = _finn(data, milestone="dialogmote_2", stage="task", role="NAV", status="sent")
    assert _datoer(oppgaver)[:2] == ["2025-04-14", "2025-04-15"]


# ---------------------------------------------------------------- RM-20, RM-21, CON-1, CON-3

INNKALT_AT = "2025-02-03T10:00:00+01:00"


def _mote_1(*deltakere: tuple[str, str]) -> dict[str, Any]:
    return _sak(
        "dialogmote_innkalt",
        INNKALT_AT,
        id="M1",
        mote=1,
        tidspunkt="2025-02-13T10:00:00+01:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}]
        + [{"rolle": r, "id": i} for r, i in deltakere],
    )


def _samtykke(at: str = "2025-01-31T10:00:00+01:00", rolle: str = "TV", person_id: str = "tv-1") -> dict[str, Any]:
    return _sak("samtykke_gitt", at, rolle=rolle, person_id=person_id, omfang="mote")


def test_a_called_meeting_tells_every_participant_but_the_caller_at_once() -> None:
    """RM-20: at the innkalling instant; NL calls mote 1 and gets no message."""
    data = _simuler([*_grunn(), _mote_1()], "2025-02-05")

    straks = [r for r in _finn(data, stage="meeting") if r["at"] == INNKALT_AT]
    assert [(r["recipient"]["role"], r["status"]) for r in straks] == [("AT", "sent")]


def test_a_tillitsvalgt_without_consent_gets_no_meeting_messages() -> None:
    """CON-1, RP-4 C: RM-20 and RM-21 to TV are cancelled with no_consent; RM-21 on prev_wd(02-12) = 02-12."""
    data = _simuler([*_grunn(), _mote_1(("TV", "tv-1"))], "2025-02-14")

    tv = _finn(data, stage="meeting", role="TV")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in tv] == [
        ("2025-02-03", "cancelled", "no_consent"),
        ("2025-02-12", "cancelled", "no_consent"),
    ]
    dagen_for = _finn(data, stage="meeting", dato="2025-02-12", status="sent")
    assert sorted(r["recipient"]["role"] for r in dagen_for) == ["AT", "NL"]


def test_a_tillitsvalgt_with_consent_gets_the_meeting_messages() -> None:
    """CON-1: samtykke_gitt{TV, tv-1}; RM-20 at the instant, RM-21 on 02-12."""
    data = _simuler([*_grunn(), _samtykke(), _mote_1(("TV", "tv-1"))], "2025-02-14")

    tv = _finn(data, stage="meeting", role="TV")
    assert [(r["at"][:10], r["status"], r["recipient"]["id"]) for r in tv] == [
        ("2025-02-03", "sent", "tv-1"),
        ("2025-02-12", "sent", "tv-1"),
    ]


def test_consent_for_one_person_does_not_cover_another_tillitsvalgt() -> None:
    """CON-1: consent is given for a person_id."""
    data = _simuler([*_grunn(), _samtykke(person_id="tv-2"), _mote_1(("TV", "tv-1"))], "2025-02-05")

    tv = [r for r in _finn(data, stage="meeting", role="TV") if r["at"] == INNKALT_AT]
    assert [(r["status"], r.get("reason")) for r in tv] == [("cancelled", "no_consent")]


def test_the_sykmelder_needs_consent_for_dialogmote_1() -> None:
    """CON-1, DM1-7: the sykmelder for dialogmøte 1 only with the employee's consent."""
    data = _simuler([*_grunn(), _mote_1(("SYKMELDER", "lege-1"))], "2025-02-05")

    lege = [r for r in _finn(data, stage="meeting", role="SYKMELDER") if r["at"] == INNKALT_AT]
    assert [(r["status"], r.get("reason")) for r in lege] == [("cancelled", "no_consent")]


def test_the_sykmelder_needs_no_consent_for_dialogmote_2() -> None:
    """DM2-5, RP-4 C: consent only for TV, VO, BHT, and SYKMELDER for mote 1."""
    innkalt = _sak(
        "dialogmote_innkalt",
        "2025-05-05T10:00:00+02:00",
        id="M2",
        mote=2,
        tidspunkt="2025-05-27T10:00:00+02:00",
        deltakere=[{"rolle": "NAV", "id": "NAV"}, {"rolle": "SYKMELDER", "id": "lege-1"}],
    )

    data = _simuler([*_grunn(), innkalt], "2025-05-06")

    lege = [r for r in _finn(data, stage="meeting", role="SYKMELDER") if r["at"] == "2025-05-05T10:00:00+02:00"]
    assert [(r["status"], r["recipient"]["id"]) for r in lege] == [("sent", "lege-1")]


def test_withdrawn_consent_cancels_the_pending_meeting_reminder_with_no_consent() -> None:
    """CON-3: samtykke_trukket 02-05 ⇒ RM-21 of 02-12 to TV cancelled (no_consent); nothing about the withdrawal."""
    trukket = _sak("samtykke_trukket", "2025-02-05T10:00:00+01:00", rolle="TV", person_id="tv-1")

    data = _simuler([*_grunn(), _samtykke(), _mote_1(("TV", "tv-1")), trukket], "2025-02-14")

    tv = _finn(data, role="TV")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in tv] == [
        ("2025-02-03", "sent", None),
        ("2025-02-12", "cancelled", "no_consent"),
    ]


def test_withdrawn_consent_leaves_nothing_planned_for_that_person() -> None:
    """CON-3: pending messages to that person end at once, so none is listed as planned (RP-12)."""
    trukket = _sak("samtykke_trukket", "2025-02-05T10:00:00+01:00", rolle="TV", person_id="tv-1")

    data = _simuler([*_grunn(), _samtykke(), _mote_1(("TV", "tv-1")), trukket], "2025-02-07")

    assert _finn(data, role="TV", status="planned") == []


# ---------------------------------------------------------------- RM-22, OP-5


def _mote_2_juli() -> dict[str, Any]:
    return _sak(
        "dialogmote_innkalt",
        "2025-06-02T10:00:00+02:00",
        id="M2",
        mote=2,
        tidspunkt="2025-07-01T10:00:00+02:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}, {"rolle": "NAV", "id": "NAV"}],
    )


def test_the_leader_is_reminded_to_send_the_plan_to_nav_14_and_7_days_before_dialogmote_2() -> None:
    """RM-22, OP-5: M = 07-01; prev_wd(06-17) = 06-17, prev_wd(06-24) = 06-24."""
    data = _simuler([*_grunn(date(2025, 8, 31)), _mote_2_juli()], "2025-06-25")

    rm22 = _finn(data, milestone="dialogmote_2", stage="before", role="NL", status="sent")
    assert [(r["at"][:10], r["recipient"]["id"]) for r in rm22] == [
        ("2025-06-17", "leder-A"),
        ("2025-06-24", "leder-A"),
    ]


def test_a_plan_shared_with_nav_after_the_innkalling_stops_the_plan_reminders() -> None:
    """RM-22: oppfolgingsplan_delt{nav} dated 06-20 ≥ innkalling date ⇒ 06-24 cancelled (shared)."""
    delt = _sak("oppfolgingsplan_delt", "2025-06-20T10:00:00+02:00", dato="2025-06-20", mottaker="nav")

    data = _simuler([*_grunn(date(2025, 8, 31)), _mote_2_juli(), delt], "2025-06-25")

    rm22 = _finn(data, milestone="dialogmote_2", stage="before", role="NL")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in rm22] == [
        ("2025-06-17", "sent", None),
        ("2025-06-24", "cancelled", "shared"),
    ]


def test_a_plan_shared_with_nav_before_the_innkalling_does_not_count() -> None:
    """RM-22, OP-5: the plan must be dated on or after the innkalling's date."""
    delt = _sak("oppfolgingsplan_delt", "2025-05-15T10:00:00+02:00", dato="2025-05-15", mottaker="nav")

    data = _simuler([*_grunn(date(2025, 8, 31)), delt, _mote_2_juli()], "2025-06-25")

    rm22 = _finn(data, milestone="dialogmote_2", stage="before", role="NL", status="sent")
    assert _datoer(rm22) == ["2025-06-17", "2025-06-24"]


def test_plan_reminders_stop_when_the_meeting_is_cancelled() -> None:
    """RM-22: meeting still called (reason avlyst)."""
    avlyst = steg("dialogmote_avlyst", "2025-06-20T10:00:00+02:00", id="M2")

    data = _simuler([*_grunn(date(2025, 8, 31)), _mote_2_juli(), avlyst], "2025-06-25")

    rm22 = _finn(data, milestone="dialogmote_2", stage="before", role="NL", dato="2025-06-24")
    assert [(r["status"], r.get("reason")) for r in rm22] == [("cancelled", "avlyst")]


# ---------------------------------------------------------------- RM-23, DM2-3

UNNTAK_AT = "2025-05-20T11:00:00+02:00"


def _andre_arbeidsgiver(orgnr: str, leder: str, fom: date, tom: date) -> list[dict[str, Any]]:
    return [
        steg("narmeste_leder", "2025-01-06T07:06:00+01:00", fnr=FNR, orgnr=orgnr, leder_id=leder, fom="2024-01-01"),
        sykmelding_steg(f"SM-{orgnr}", fom, tom, orgnr=orgnr, mottatt=f"{fom.isoformat()}T07:40:00+01:00"),
    ]


def test_a_nav_dm2_unntak_informs_the_employee_and_the_leader_of_each_open_case_at_once() -> None:
    """RM-23, DM2-3: ORG-2 is sick 05-01 … 05-31 (open); ORG-3 was sick 01-06 … 01-10 (closed 01-26)."""
    steps = [
        *_grunn(),
        *_andre_arbeidsgiver("ORG-2", "leder-B", date(2025, 5, 1), date(2025, 5, 31)),
        *_andre_arbeidsgiver("ORG-3", "leder-C", S, date(2025, 1, 10)),
        _sak("unntak", UNNTAK_AT, dato="2025-05-20", frist="dialogmote_2", arsak="FORVENTET_FRISKMELDING", av="NAV"),
    ]

    data = _simuler(steps, "2025-05-25")

    info = [r for r in _finn(data, milestone="dialogmote_2", stage="info") if r["at"] == UNNTAK_AT]
    assert sorted((r["recipient"]["role"], r["recipient"]["id"], r["status"]) for r in info) == [
        ("AT", FNR, "sent"),
        ("NL", "leder-A", "sent"),
        ("NL", "leder-B", "sent"),
    ]


def test_after_a_nav_dm2_unntak_the_dm2_innkalling_reminder_is_cancelled_as_exempt() -> None:
    """DM2-3, RM-17: prev_wd(S + 160 = Sunday 06-15) = 06-13, status exempt."""
    steps = [
        *_grunn(),
        _sak("unntak", UNNTAK_AT, dato="2025-05-20", frist="dialogmote_2", arsak="FORVENTET_FRISKMELDING", av="NAV"),
    ]

    data = _simuler(steps, "2025-06-20")

    rm17 = _finn(data, milestone="dialogmote_2", stage="before", role="NAV")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in rm17] == [("2025-06-13", "cancelled", "exempt")]


# ---------------------------------------------------------------- RM-25, MAXM


def test_maksdato_info_goes_to_the_employee_and_nav_28_days_before() -> None:
    """RM-25: born 1958-03-10 ⇒ maksdato 2025-06-02 (MAX-2); next_wd(06-02 − 28) = Monday 05-05."""
    fnr = syntetisk_fnr(date(1958, 3, 10), 100)

    data = _simuler(_grunn(fnr=fnr), "2025-05-10")

    info = _finn(data, milestone="maksdato", stage="info", status="sent")
    assert sorted((r["at"][:10], r["recipient"]["role"], r["recipient"]["id"]) for r in info) == [
        ("2025-05-05", "AT", fnr),
        ("2025-05-05", "NAV", "NAV"),
    ]
    assert {c["maksdato"] for c in data["cases"]} == {"2025-06-02"}


def test_turned_70_before_s_gives_a_maksdato_before_s_and_no_maksdato_info() -> None:
    """MAX-6 (maksdato is never unknown): turned 70 on 2020-06-01 ⇒ maksdato 2020-05-29, before S.

    RM-25's date next_wd(maksdato − 28) lies years before the first command, so nothing is sent.
    """
    fnr = syntetisk_fnr(date(1950, 6, 1), 100)

    data = _simuler(_grunn(fnr=fnr), "2025-02-01")

    assert _finn(data, milestone="maksdato") == []
    [sak] = data["cases"]
    assert sak["maksdato"] == "2020-05-29"
    maksdato = next(m for m in sak["milestones"] if m["kind"] == "maksdato")
    assert maksdato["due"] == "2020-05-29"


def test_the_maksdato_info_lead_time_is_configurable() -> None:
    """RM-25, CFG maksdato_info_days: 14 ⇒ next_wd(06-02 − 14 = 05-19) = 05-19."""
    fnr = syntetisk_fnr(date(1958, 3, 10), 100)

    data = _simuler(_grunn(fnr=fnr), "2025-05-20", maksdato_info_days=14)

    info = _finn(data, milestone="maksdato", stage="info", status="sent")
    assert set(_datoer(info)) == {"2025-05-19"}


# ---------------------------------------------------------------- RP-8


def test_two_rungs_on_the_same_send_date_give_one_message() -> None:
    """RP-8, RP-2: offsets 8 and 7 from D_OP = Sunday 02-02 are Saturday and Sunday, both prev_wd Friday 01-24."""
    data = _simuler(_grunn(), "2025-01-25", before_offsets_days=[8, 7, 0])

    fredag = _finn(data, milestone="oppfolgingsplan", stage="before", dato="2025-01-24", status="sent")
    assert sorted(r["recipient"]["role"] for r in fredag) == ["AT", "NL"]


def test_one_leader_for_two_employers_gets_one_motebehov_question() -> None:
    """RP-8, RM-15: the same leader id for both cases of the person tilfelle on D_MB = 04-28."""
    steps = [
        *_grunn(),
        steg(
            "narmeste_leder", "2025-01-06T07:06:00+01:00", fnr=FNR, orgnr="ORG-2", leder_id="leder-A", fom="2024-01-01"
        ),
        sykmelding_steg(
            "SM-B", date(2025, 1, 13), date(2025, 6, 30), orgnr="ORG-2", mottatt="2025-01-13T07:40:00+01:00"
        ),
    ]

    data = _simuler(steps, "2025-04-29")

    spm = [
        r
        for r in _finn(data, milestone="motebehov", stage="prompt", dato="2025-04-28", status="sent")
        if r["recipient"]["role"] in ("AT", "NL")
    ]
    assert sorted((r["recipient"]["role"], r["recipient"]["id"]) for r in spm) == [("AT", FNR), ("NL", "leder-A")]


def test_one_leader_for_two_open_cases_gets_one_dm2_unntak_message() -> None:
    """RP-8, RM-23: one message per (person tilfelle, milestone, stage, role, id, send date)."""
    steps = [
        *_grunn(),
        steg(
            "narmeste_leder", "2025-01-06T07:06:00+01:00", fnr=FNR, orgnr="ORG-2", leder_id="leder-A", fom="2024-01-01"
        ),
        sykmelding_steg(
            "SM-B", date(2025, 5, 1), date(2025, 5, 31), orgnr="ORG-2", mottatt="2025-05-01T07:40:00+02:00"
        ),
        _sak("unntak", UNNTAK_AT, dato="2025-05-20", frist="dialogmote_2", arsak="FORVENTET_FRISKMELDING", av="NAV"),
    ]

    data = _simuler(steps, "2025-05-25")

    nl = [
        r for r in _finn(data, milestone="dialogmote_2", stage="info", role="NL", status="sent") if r["at"] == UNNTAK_AT
    ]
    assert len(nl) == 1


# ---------------------------------------------------------------- RP-9


def test_a_former_leader_gets_nothing_from_the_new_leaders_fom() -> None:
    """RP-9: leader-B from Monday 01-27 (registered 01-20). OP before rungs 01-17 and 01-24 go to A, 01-31 to B."""
    ny_leder = steg(
        "narmeste_leder", "2025-01-20T10:00:00+01:00", fnr=FNR, orgnr=ORG, leder_id="leder-B", fom="2025-01-27"
    )

    data = _simuler([*_grunn(), ny_leder], "2025-02-20")

    nl = _finn(data, milestone="oppfolgingsplan", stage="before", role="NL", status="sent")
    assert [(r["at"][:10], r["recipient"]["id"]) for r in nl] == [
        ("2025-01-17", "leder-A"),
        ("2025-01-24", "leder-A"),
        ("2025-01-31", "leder-B"),
    ]
    assert all(r["at"][:10] < "2025-01-27" for r in data["reminders"] if r["recipient"]["id"] == "leder-A")


def test_two_leader_relations_with_the_same_fom_resolve_to_the_later_received() -> None:
    """RP-9: ties on fom go to the later received relation."""
    b = steg("narmeste_leder", "2025-01-20T10:00:00+01:00", fnr=FNR, orgnr=ORG, leder_id="leder-B", fom="2025-01-27")
    c = steg("narmeste_leder", "2025-01-21T10:00:00+01:00", fnr=FNR, orgnr=ORG, leder_id="leder-C", fom="2025-01-27")

    data = _simuler([*_grunn(), b, c], "2025-02-01")

    fredag = _finn(data, milestone="oppfolgingsplan", stage="before", role="NL", dato="2025-01-31")
    assert [r["recipient"]["id"] for r in fredag] == ["leder-C"]


def test_a_leader_reminder_without_any_leader_is_cancelled_with_no_recipient() -> None:
    """RP-9, RP-4 N: nothing resolves ⇒ id null, reason no_recipient."""
    steps = [sykmelding_steg("SM1", S, date(2025, 6, 30), mottatt="2025-01-06T07:30:00+01:00")]

    data = _simuler(steps, "2025-01-18")

    nl = _finn(data, milestone="oppfolgingsplan", stage="before", role="NL", dato="2025-01-17")
    assert [(r["recipient"]["id"], r["status"], r.get("reason")) for r in nl] == [(None, "cancelled", "no_recipient")]


# ---------------------------------------------------------------- RM-12, RM-14, RM-16, RM-24


def test_a_nav_assessment_before_s_plus_56_cancels_navs_aktivitetskrav_task() -> None:
    """RM-12: next_wd(S + 56) = Monday 03-03; aktivitetskrav_vurdert{OPPFYLT} on 02-28 ⇒ cancelled (vurdert)."""
    vurdert = _sak("aktivitetskrav_vurdert", "2025-02-28T10:00:00+01:00", dato="2025-02-28", utfall="OPPFYLT")

    data = _simuler([*_grunn(), vurdert], "2025-03-04")

    oppgave = _finn(data, milestone="aktivitetskrav", stage="task", role="NAV")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in oppgave] == [("2025-03-03", "cancelled", "vurdert")]


def test_the_sykmelder_prompt_goes_to_the_latest_received_100_percent_note() -> None:
    """RM-14, RP-9: next_wd(S + 42) = Monday 02-17; two notes cover it, lege-2's arrived last."""
    steps = [
        *_grunn(date(2025, 3, 31)),
        sykmelding_steg("SM2", date(2025, 2, 10), date(2025, 3, 31), sykmelder_id="lege-2"),
    ]

    data = _simuler(steps, "2025-02-18")

    spm = _finn(data, milestone="aktivitetskrav", stage="prompt", role="SYKMELDER", dato="2025-02-17")
    assert [(r["status"], r["recipient"]["id"]) for r in spm] == [("sent", "lege-2")]


def test_no_sykmelder_prompt_when_the_note_already_carries_utdypende_opplysninger() -> None:
    """RM-14: that note has no utdypende_opplysninger: true (reason utdypende); PRIV-2 keeps only the boolean."""
    steps = [
        *_grunn()[:2],
        sykmelding_steg("SM1", S, date(2025, 3, 31), mottatt="2025-01-06T07:30:00+01:00", utdypende_opplysninger=True),
    ]

    data = _simuler(steps, "2025-02-18")

    spm = _finn(data, milestone="aktivitetskrav", stage="prompt", role="SYKMELDER")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in spm] == [("2025-02-17", "cancelled", "utdypende")]


def test_no_sykmelder_prompt_at_graded_leave() -> None:
    """RM-14: fully absent at some employer (reason not_fully_absent)."""
    steps = [*_grunn()[:2], sykmelding_steg("SM1", S, date(2025, 3, 31), 60, mottatt="2025-01-06T07:30:00+01:00")]

    data = _simuler(steps, "2025-02-18")

    spm = _finn(data, milestone="aktivitetskrav", stage="prompt", role="SYKMELDER")
    assert [(r["status"], r.get("reason")) for r in spm] == [("cancelled", "not_fully_absent")]


def test_sykmelder_prompts_can_be_switched_off() -> None:
    """CFG sykmelder_prompts = false ⇒ no RM-14."""
    data = _simuler(_grunn(), "2025-02-18", sykmelder_prompts=False)

    assert _finn(data, role="SYKMELDER") == []


def test_navs_dm2_task_is_cancelled_when_a_mote_2_is_already_called() -> None:
    """RM-16: next_wd(S_p + 119) = Monday 05-05; an active mote 2 innkalling (reason innkalt)."""
    innkalt = _sak(
        "dialogmote_innkalt",
        "2025-04-22T10:00:00+02:00",
        id="M2",
        mote=2,
        tidspunkt="2025-05-20T10:00:00+02:00",
        deltakere=[{"rolle": "NAV", "id": "NAV"}, {"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    )

    data = _simuler([*_grunn(), innkalt], "2025-05-06")

    oppgave = _finn(data, milestone="dialogmote_2", stage="task", role="NAV", dato="2025-05-05")
    assert [(r["status"], r.get("reason")) for r in oppgave] == [("cancelled", "innkalt")]


def _born_1958() -> list[dict[str, Any]]:
    return _grunn(fnr=syntetisk_fnr(date(1958, 3, 10), 100))


def test_the_dialogmote_3_point_prompts_employee_leader_and_nav() -> None:
    """RM-24, DM3-1: maksdato 2025-06-02 ⇒ D_DM3 = 06-02 − 91 = Monday 03-03."""
    data = _simuler(_born_1958(), "2025-03-04")

    info = _finn(data, milestone="dialogmote_3", stage="info", status="sent")
    assert sorted((r["at"][:10], r["recipient"]["role"]) for r in info) == [
        ("2025-03-03", "AT"),
        ("2025-03-03", "NAV"),
        ("2025-03-03", "NL"),
    ]


def test_the_dialogmote_3_point_is_silent_when_a_mote_3_is_already_called() -> None:
    """RM-24: no mote 3 meeting called or held (reason innkalt)."""
    innkalt = steg(
        "dialogmote_innkalt",
        "2025-02-20T10:00:00+01:00",
        id="M3",
        fnr=_born_1958()[1]["fnr"],
        orgnr=ORG,
        mote=3,
        tidspunkt="2025-03-20T10:00:00+01:00",
        deltakere=[{"rolle": "NAV", "id": "NAV"}, {"rolle": "NL", "id": "leder-A"}],
    )

    data = _simuler([*_born_1958(), innkalt], "2025-03-04")

    info = _finn(data, milestone="dialogmote_3", stage="info", dato="2025-03-03")
    assert {(r["status"], r.get("reason")) for r in info} == {("cancelled", "innkalt")}
    assert len(info) == 3


# ---------------------------------------------------------------- CFG switches


def test_without_escalation_hr_gets_nothing() -> None:
    """CFG escalation = false ⇒ no RM-3 (the OP overdue reminder of 02-03 is still sent)."""
    data = _simuler(_grunn(date(2025, 3, 31)), "2025-02-12", escalation=False)

    assert _datoer(_finn(data, milestone="oppfolgingsplan", stage="overdue", status="sent")) == ["2025-02-03"]
    assert _finn(data, role="HR") == []


def test_with_escalation_hr_hears_seven_days_after_the_overdue_reminder() -> None:
    """RP-7, RM-3: next_wd(02-03 + 7) = Monday 02-10."""
    data = _simuler(_grunn(date(2025, 3, 31)), "2025-02-12")

    eskalering = _finn(data, milestone="oppfolgingsplan", stage="escalation", role="HR", status="sent")
    assert [(r["at"][:10], r["recipient"]["id"]) for r in eskalering] == [("2025-02-10", "hr-1")]


def test_the_graded_dm1_prompt_can_be_switched_off() -> None:
    """CFG dm1_graded_prompt = false ⇒ no RM-6 (graded from Monday 02-03, D − 14 = 03-09 → 03-07)."""
    steps = [*_grunn()[:2], sykmelding_steg("SM1", date(2025, 2, 3), date(2025, 6, 30), 50)]

    med = _simuler(steps, "2025-03-10")
    uten = _simuler(steps, "2025-03-10", dm1_graded_prompt=False)

    assert len(_finn(med, milestone="dialogmote_1", stage="prompt", dato="2025-03-07", status="sent")) == 2
    assert _finn(uten, milestone="dialogmote_1", stage="prompt") == []


# ---------------------------------------------------------------- T-8, RP-3, RP-12


def test_steps_are_replayed_in_at_order_not_file_order() -> None:
    """T-8: the plan listed first but received after the sick note attaches to the case (no VAL-8)."""
    plan = _sak("oppfolgingsplan_ferdig", "2025-01-29T10:00:00+01:00", dato="2025-01-29")

    data = _simuler([plan, *_grunn()], "2025-02-05")

    assert data["rejected"] == []
    op = next(m for m in data["cases"][0]["milestones"] if m["kind"] == "oppfolgingsplan")
    assert (op["status"], op["met_on"]) == ("met", "2025-01-29")


def test_a_slot_at_the_same_instant_as_a_command_runs_first() -> None:
    """T-8: the plan at 01-31 08:00 comes after that slot, so the D reminder (prev_wd(02-02) = 01-31) is sent."""
    plan = _sak("oppfolgingsplan_ferdig", "2025-01-31T08:00:00+01:00", dato="2025-01-31")

    data = _simuler([*_grunn(), plan], "2025-02-05")

    fredag = _finn(data, milestone="oppfolgingsplan", stage="before", dato="2025-01-31")
    assert {r["status"] for r in fredag} == {"sent"}


def test_rungs_whose_slot_passed_before_the_case_was_known_are_never_considered() -> None:
    """RP-3: the note for S = 01-06 arrives on 01-28, so the 01-17 and 01-24 OP rungs are not listed at all."""
    steps = [
        steg("narmeste_leder", "2025-01-06T07:05:00+01:00", fnr=FNR, orgnr=ORG, leder_id="leder-A", fom="2024-01-01"),
        sykmelding_steg("SM1", S, date(2025, 3, 31), mottatt="2025-01-28T09:00:00+01:00"),
    ]

    data = _simuler(steps, "2025-02-01")

    op = _finn(data, milestone="oppfolgingsplan", stage="before", role="NL")
    assert [(r["at"][:10], r["status"]) for r in op] == [("2025-01-31", "sent")]


def test_rungs_after_until_are_listed_as_planned() -> None:
    """RP-12: rungs after until of a pending milestone of an open case, at their slot."""
    data = _simuler(_grunn(), "2025-01-20")

    planlagt = _finn(data, milestone="oppfolgingsplan", stage="before", role="NL", status="planned")
    assert [r["at"] for r in planlagt] == ["2025-01-24T08:00:00+01:00", "2025-01-31T08:00:00+01:00"]


def test_rungs_of_a_met_milestone_are_not_planned() -> None:
    """RP-12: only pending or overdue milestones."""
    plan = _sak("oppfolgingsplan_ferdig", "2025-01-15T10:00:00+01:00", dato="2025-01-15")

    data = _simuler([*_grunn(), plan], "2025-01-20")

    assert _finn(data, milestone="oppfolgingsplan", stage="before", status="planned") == []


# ---------------------------------------------------------------- DM1-5, RM-5, RM-7


def _mote_1_innkalt_0205() -> dict[str, Any]:
    return _sak(
        "dialogmote_innkalt",
        "2025-02-05T10:00:00+01:00",
        id="M1",
        mote=1,
        tidspunkt="2025-03-10T10:00:00+01:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    )


def test_an_active_innkalling_stops_the_dm1_ladder_and_avlyst_restarts_it() -> None:
    """DM1-5, RM-5: D_DM1 = Sunday 02-23, rungs 02-07, 02-14, 02-21; called 02-05, avlyst 02-17."""
    avlyst = steg("dialogmote_avlyst", "2025-02-17T10:00:00+01:00", id="M1")

    data = _simuler([*_grunn(), _mote_1_innkalt_0205(), avlyst], "2025-02-22")

    rm5 = _finn(data, milestone="dialogmote_1", stage="before", role="NL")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in rm5] == [
        ("2025-02-07", "cancelled", "innkalt"),
        ("2025-02-14", "cancelled", "innkalt"),
        ("2025-02-21", "sent", None),
    ]


def test_a_meeting_cancelled_after_d_dm1_gives_one_overdue_reminder_at_the_next_slot() -> None:
    """DM1-5, RP-6, RM-7: regular overdue slot 02-24 cancelled (innkalt); avlyst Monday 03-03 10:00 ⇒ sent 03-04."""
    avlyst = steg("dialogmote_avlyst", "2025-03-03T10:00:00+01:00", id="M1")

    data = _simuler([*_grunn(), _mote_1_innkalt_0205(), avlyst], "2025-03-10")

    rm7 = _finn(data, milestone="dialogmote_1", stage="overdue", role="NL")
    assert [(r["at"][:10], r["status"], r.get("reason")) for r in rm7] == [
        ("2025-02-24", "cancelled", "innkalt"),
        ("2025-03-04", "sent", None),
    ]


def test_the_plan_to_nav_reminders_also_precede_a_dialogmote_3() -> None:
    """DM3-2, RM-22: as OP-5 for a mote 3 meeting on 07-01 ⇒ 06-17 and 06-24."""
    innkalt = _sak(
        "dialogmote_innkalt",
        "2025-06-02T10:00:00+02:00",
        id="M3",
        mote=3,
        tidspunkt="2025-07-01T10:00:00+02:00",
        deltakere=[{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}, {"rolle": "NAV", "id": "NAV"}],
    )

    data = _simuler([*_grunn(date(2025, 8, 31)), innkalt], "2025-06-25")

    rm22 = _finn(data, milestone="dialogmote_3", stage="before", role="NL", status="sent")
    assert _datoer(rm22) == ["2025-06-17", "2025-06-24"]


def test_nav_gets_one_overdue_task_when_dm2_is_not_held_by_its_due_date() -> None:
    """RM-18, DM2-1, RP-6: D_DM2 = S + 181 = Sunday 07-06 ⇒ first slot after D is Monday 07-07, to NAV."""
    data = _simuler(_grunn(date(2025, 8, 31)), "2025-07-10")

    forfalt = _finn(data, milestone="dialogmote_2", stage="overdue")
    assert [(r["at"][:10], r["recipient"]["role"], r["status"]) for r in forfalt] == [("2025-07-07", "NAV", "sent")]
