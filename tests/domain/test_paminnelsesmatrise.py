"""The reminder matrix (rules.md §6.3, RM-1 … RM-25) asked directly of the engine, with no database.

Each row builds one person's commands in memory, takes what is known at the slot of the row's send
date and asks ``Paminnelsesmotor`` what it decides there (``vurder_slot``), or, for the immediate rows
(RM-19 first task, RM-20, RM-23), what a command's instant gives (``umiddelbare``). The end-to-end
layer through ``simulate`` is ``tests/test_scenarios_rules.py``.

The story unless a row says otherwise: a 100 % sykmelding from Monday 2025-01-06 (S) to 2025-06-30,
leader ``leder-A``, HR ``hr-1``. D_OP = S + 27 = Sun 02-02, D_DM1 = S + 48 = Sun 02-23,
D_AK = S + 55 = Sun 03-02.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from factories import grunnlag, kl, kommando, sykmelding

from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando
from domain.paminnelser import SENDT, Beslutning, Historikk, Paminnelsesmotor, Trinn

FNR = "PERSON-1"
ORG = "ORG-1"
S = date(2025, 1, 6)
LANG = date(2025, 12, 31)  # long enough for the person-level rows


def _sak(typ: str, at: date | datetime, **felter: Any) -> Kommando:
    return kommando(typ, at, fnr=FNR, orgnr=ORG, **felter)


def _historie(tom: date = date(2025, 6, 30), grad: int = 100) -> list[Kommando]:
    return [
        _sak("narmeste_leder", kl(S, "07:05"), leder_id="leder-A", fom="2024-01-01"),
        sykmelding("SM1", S, tom, grad, fnr=FNR, orgnr=ORG, mottatt=kl(S, "07:30")),
    ]


def _innkalt(at: datetime, mote: int, tidspunkt: str, *deltakere: tuple[str, str]) -> Kommando:
    return _sak(
        "dialogmote_innkalt",
        at,
        id=f"M{mote}",
        mote=mote,
        tidspunkt=tidspunkt,
        deltakere=[{"rolle": r, "id": i} for r, i in deltakere],
    )


def _sendt(case_id: str, regel: str, milepel: str, stage: str, d: date) -> Beslutning:
    """An earlier sent decision of the case, for the rows that depend on one (RM-3, RM-8: RP-7)."""
    t = Trinn(regel, case_id, case_id, milepel, stage, "NL", d)
    return Beslutning(t, kl(d, "08:00"), "leder-A", SENDT)


@dataclass(frozen=True)
class Rad:
    """One matrix row: the story, the date asked about, and what the engine must decide there."""

    regel: str
    kommandoer: list[Kommando]
    dato: date
    forventet: set[tuple[str, str, str, str | None, str | None]]  # (role, stage, status, reason, recipient)
    innstillinger: Innstillinger = field(default_factory=Innstillinger)
    tidligere: tuple[tuple[str, str, str, date], ...] = ()  # earlier sent (rule, milestone, stage, date)
    straks: Kommando | None = None  # an immediate row: the decisions of this command's instant


def _beslutninger(rad: Rad) -> set[tuple[str, str, str, str | None, str | None]]:
    inn = rad.innstillinger
    naa = rad.straks.at if rad.straks is not None else inn.kalender.slot(rad.dato)
    g = grunnlag(*[k for k in rad.kommandoer if k.at <= naa], innstillinger=inn)
    historikk = Historikk()
    for regel, milepel, stage, d in rad.tidligere:
        historikk.registrer(_sendt(g.saker[0].case_id, regel, milepel, stage, d))
    motor = Paminnelsesmotor(g, historikk, {ORG: "hr-1"}.get)
    beslutninger = motor.umiddelbare(rad.straks) if rad.straks is not None else motor.vurder_slot(naa)
    return {
        (b.trinn.rolle, b.trinn.stage, b.status, b.reason, b.mottaker_id)
        for b in beslutninger
        if b.trinn.regel == rad.regel
    }


def _mote_1_innkalt() -> Kommando:
    return _innkalt(kl(date(2025, 2, 3), "10:00"), 1, "2025-02-20T10:00:00+01:00", ("NL", "leder-A"), ("AT", FNR))


def _mote_2_innkalt(at: date = date(2025, 5, 5)) -> Kommando:
    return _innkalt(kl(at, "10:00"), 2, "2025-06-02T10:00:00+02:00", ("NAV", "NAV"), ("NL", "leder-A"))


RADER = [
    # RM-1: prev_wd(D_OP − 14) = Fri 01-17, to NL and AT.
    Rad(
        "RM-1",
        _historie(),
        date(2025, 1, 17),
        {("NL", "before", "sent", None, "leder-A"), ("AT", "before", "sent", None, FNR)},
    ),
    # RM-1 R: a case that ends before D_OP is not reminded (not_reaching_deadline).
    Rad(
        "RM-1",
        _historie(tom=date(2025, 1, 31)),
        date(2025, 1, 17),
        {
            ("NL", "before", "cancelled", "not_reaching_deadline", "leder-A"),
            ("AT", "before", "cancelled", "not_reaching_deadline", FNR),
        },
    ),
    # RM-2: first slot after D_OP: Mon 02-03.
    Rad("RM-2", _historie(), date(2025, 2, 3), {("NL", "overdue", "sent", None, "leder-A")}),
    # RM-2 U: a plan agreed on 01-30 makes the milestone met.
    Rad(
        "RM-2",
        [*_historie(), _sak("oppfolgingsplan_ferdig", date(2025, 1, 30), dato="2025-01-30")],
        date(2025, 2, 3),
        {("NL", "overdue", "cancelled", "met", "leder-A")},
    ),
    # RM-3: RP-7, next_wd(overdue sent 02-03 + 7) = Mon 02-10, to HR.
    Rad(
        "RM-3",
        _historie(),
        date(2025, 2, 10),
        {("HR", "escalation", "sent", None, "hr-1")},
        tidligere=(("RM-2", "oppfolgingsplan", "overdue", date(2025, 2, 3)),),
    ),
    # RM-4: next_wd(plan dato 01-20 + 1) = Tue 01-21.
    Rad(
        "RM-4",
        [*_historie(), _sak("oppfolgingsplan_ferdig", date(2025, 1, 20), dato="2025-01-20")],
        date(2025, 1, 21),
        {("NL", "info", "sent", None, "leder-A")},
    ),
    # RM-4: the plan already shared with the sykmelder (shared).
    Rad(
        "RM-4",
        [
            *_historie(),
            _sak("oppfolgingsplan_ferdig", date(2025, 1, 20), dato="2025-01-20"),
            _sak("oppfolgingsplan_delt", kl(date(2025, 1, 20), "10:00"), dato="2025-01-20", mottaker="sykmelder"),
        ],
        date(2025, 1, 21),
        {("NL", "info", "cancelled", "shared", "leder-A")},
    ),
    # RM-5: prev_wd(D_DM1 − 14) = Fri 02-07; a 100 % leave makes DM1 mandatory.
    Rad("RM-5", _historie(), date(2025, 2, 7), {("NL", "before", "sent", None, "leder-A")}),
    # RM-5: an active innkalling (innkalt).
    Rad(
        "RM-5",
        [*_historie(), _mote_1_innkalt()],
        date(2025, 2, 7),
        {("NL", "before", "cancelled", "innkalt", "leder-A")},
    ),
    # RM-6: same send date; mandatory on the send date (mandatory).
    Rad(
        "RM-6",
        _historie(),
        date(2025, 2, 7),
        {("NL", "prompt", "cancelled", "mandatory", "leder-A"), ("AT", "prompt", "cancelled", "mandatory", FNR)},
    ),
    # RM-7: first slot after D_DM1: Mon 02-24.
    Rad("RM-7", _historie(), date(2025, 2, 24), {("NL", "overdue", "sent", None, "leder-A")}),
    # RM-8: next_wd(02-24 + 7) = Mon 03-03, to HR.
    Rad(
        "RM-8",
        _historie(),
        date(2025, 3, 3),
        {("HR", "escalation", "sent", None, "hr-1")},
        tidligere=(("RM-7", "dialogmote_1", "overdue", date(2025, 2, 24)),),
    ),
    # RM-9: UTSATT_ALVORLIG_SYKDOM dated u = 02-10: next_wd(u + 28) = Mon 03-10.
    Rad(
        "RM-9",
        [
            *_historie(),
            _sak(
                "unntak",
                kl(date(2025, 2, 10), "10:00"),
                dato="2025-02-10",
                frist="dialogmote_1",
                arsak="UTSATT_ALVORLIG_SYKDOM",
                av="NL",
            ),
        ],
        date(2025, 3, 10),
        {("NL", "prompt", "sent", None, "leder-A")},
    ),
    # RM-10: a sick note received Tue 02-25 10:00 moves the end known at a TUT unntak: slot Wed 02-26.
    Rad(
        "RM-10",
        [
            *_historie(tom=date(2025, 2, 28)),
            _sak(
                "unntak",
                kl(date(2025, 1, 20), "10:00"),
                dato="2025-01-20",
                frist="oppfolgingsplan",
                arsak="TILBAKE_UTEN_TILRETTELEGGING",
                av="NL",
            ),
            sykmelding(
                "SM2", date(2025, 3, 1), date(2025, 3, 31), fnr=FNR, orgnr=ORG, mottatt=kl(date(2025, 2, 25), "10:00")
            ),
        ],
        date(2025, 2, 26),
        {("NL", "prompt", "sent", None, "leder-A")},
    ),
    # RM-11: prev_wd(D_AK − 14) = Fri 02-14, to NL and AT.
    Rad(
        "RM-11",
        _historie(),
        date(2025, 2, 14),
        {("NL", "before", "sent", None, "leder-A"), ("AT", "before", "sent", None, FNR)},
    ),
    # RM-11: graded on D_AK: not fully absent (activity).
    Rad(
        "RM-11",
        _historie(grad=50),
        date(2025, 2, 14),
        {("NL", "before", "cancelled", "activity", "leder-A"), ("AT", "before", "cancelled", "activity", FNR)},
    ),
    # RM-12: next_wd(S + 56) = Mon 03-03, a NAV task.
    Rad("RM-12", _historie(), date(2025, 3, 3), {("NAV", "task", "sent", None, "NAV")}),
    # RM-13: IKKE_OPPFYLT recorded Wed 03-05 10:00 ⇒ first slot after: Thu 03-06, to HR.
    Rad(
        "RM-13",
        [
            *_historie(),
            _sak("aktivitetskrav_vurdert", kl(date(2025, 3, 5), "10:00"), dato="2025-03-05", utfall="IKKE_OPPFYLT"),
        ],
        date(2025, 3, 6),
        {("HR", "info", "sent", None, "hr-1")},
        innstillinger=Innstillinger(notify_employer_of_stans=True),
    ),
    # RM-14: next_wd(S_p + 42) = Mon 02-17, to the sykmelder of the covering 100 % note.
    Rad("RM-14", _historie(), date(2025, 2, 17), {("SYKMELDER", "prompt", "sent", None, "lege-1")}),
    # RM-14: graded leave: not fully absent anywhere (not_fully_absent).
    Rad(
        "RM-14",
        _historie(grad=50),
        date(2025, 2, 17),
        {("SYKMELDER", "prompt", "cancelled", "not_fully_absent", None)},
    ),
    # RM-15: next_wd(D_MB), D_MB = S + 112 = Mon 04-28, to AT and the NL of the case.
    Rad(
        "RM-15",
        _historie(),
        date(2025, 4, 28),
        {("AT", "prompt", "sent", None, FNR), ("NL", "prompt", "sent", None, "leder-A")},
    ),
    # RM-16: next_wd(S_p + 119) = Mon 05-05, a NAV task.
    Rad("RM-16", _historie(), date(2025, 5, 5), {("NAV", "task", "sent", None, "NAV")}),
    # RM-16: an active mote 2 innkalling (innkalt).
    Rad(
        "RM-16",
        [*_historie(), _mote_2_innkalt(date(2025, 5, 2))],
        date(2025, 5, 5),
        {("NAV", "task", "cancelled", "innkalt", "NAV")},
    ),
    # RM-17: prev_wd(S_p + 160 = Sun 06-15) = Fri 06-13, to NAV.
    Rad("RM-17", _historie(LANG), date(2025, 6, 13), {("NAV", "before", "sent", None, "NAV")}),
    # RM-17: an active mote 2 innkalling (innkalt).
    Rad(
        "RM-17",
        [*_historie(LANG), _mote_2_innkalt()],
        date(2025, 6, 13),
        {("NAV", "before", "cancelled", "innkalt", "NAV")},
    ),
    # RM-18: D_DM2 = S_p + 181 = Sun 07-06 ⇒ first slot after: Mon 07-07.
    Rad("RM-18", _historie(LANG), date(2025, 7, 7), {("NAV", "overdue", "sent", None, "NAV")}),
    # RM-19 follow-up: request Mon 03-03 10:00 ⇒ 5th working day after 03-03: Mon 03-10.
    Rad(
        "RM-19",
        [*_historie(), _sak("dialogmote_onsket", kl(date(2025, 3, 3), "10:00"), mote=2, av="NL")],
        date(2025, 3, 10),
        {("NAV", "task", "sent", None, "NAV")},
    ),
    # RM-19 first task: at the request's instant.
    Rad(
        "RM-19",
        [*_historie(), _sak("dialogmote_onsket", kl(date(2025, 3, 3), "10:00"), mote=2, av="NL")],
        date(2025, 3, 3),
        {("NAV", "task", "sent", None, "NAV")},
        straks=_sak("dialogmote_onsket", kl(date(2025, 3, 3), "10:00"), mote=2, av="NL"),
    ),
    # RM-20: at the innkalling's instant, to every participant except the caller (NL for mote 1).
    Rad(
        "RM-20",
        [*_historie(), _mote_1_innkalt()],
        date(2025, 2, 3),
        {("AT", "meeting", "sent", None, FNR)},
        straks=_mote_1_innkalt(),
    ),
    # RM-21: prev_wd(M − 1) with M = Thu 02-20 ⇒ Wed 02-19, to each participant.
    Rad(
        "RM-21",
        [*_historie(), _mote_1_innkalt()],
        date(2025, 2, 19),
        {("NL", "meeting", "sent", None, "leder-A"), ("AT", "meeting", "sent", None, FNR)},
    ),
    # RM-21: the meeting was cancelled (avlyst).
    Rad(
        "RM-21",
        [*_historie(), _mote_1_innkalt(), kommando("dialogmote_avlyst", kl(date(2025, 2, 10), "10:00"), id="M1")],
        date(2025, 2, 19),
        {("NL", "meeting", "cancelled", "avlyst", "leder-A"), ("AT", "meeting", "cancelled", "avlyst", FNR)},
    ),
    # RM-22: mote 2 at M = Mon 06-02 ⇒ prev_wd(M − 14) = Mon 05-19, to NL.
    Rad(
        "RM-22",
        [*_historie(), _mote_2_innkalt()],
        date(2025, 5, 19),
        {("NL", "before", "sent", None, "leder-A")},
    ),
    # RM-23: at NAV's unntak{dialogmote_2} instant, to AT and the NL of each open case.
    Rad(
        "RM-23",
        _historie(),
        date(2025, 5, 5),
        {("AT", "info", "sent", None, FNR), ("NL", "info", "sent", None, "leder-A")},
        straks=_sak(
            "unntak",
            kl(date(2025, 5, 5), "10:00"),
            dato="2025-05-05",
            frist="dialogmote_2",
            arsak="MEDISINSKE_GRUNNER",
            av="NAV",
        ),
    ),
]


def _id(rad: Rad) -> str:
    return f"{rad.regel}-{rad.dato.isoformat()}"


@pytest.mark.parametrize("rad", RADER, ids=[_id(r) for r in RADER])
def test_the_engine_decides_the_matrix_row_on_its_send_date(rad: Rad) -> None:
    """rules.md §6.3: recipient, stage, status and reason of the row's rungs at the slot of ``dato``."""
    assert _beslutninger(rad) == rad.forventet


@pytest.mark.parametrize("regel", ["RM-24", "RM-25"])
def test_the_person_level_info_rows_go_out_on_their_send_date(regel: str) -> None:
    """RM-24: next_wd(D_DM3) to AT, NL and NAV; RM-25: next_wd(maksdato − 28) to AT and NAV.

    D_DM3 and maksdato come from the milestone computation (tested in test_milepeler and
    test_maksdato); the row's send-date formula and recipients are what is checked here.
    """
    from domain.milepeler import frist

    inn = Innstillinger()
    kal = inn.kalender
    kommandoer = _historie(LANG)
    g = grunnlag(*kommandoer, innstillinger=inn)
    s = g.saker[0]
    if regel == "RM-24":
        due = frist("dialogmote_3", s, g)
        assert due is not None
        dato = kal.neste_arbeidsdag(due)
        forventet = {
            ("AT", "info", "sent", None, FNR),
            ("NL", "info", "sent", None, "leder-A"),
            ("NAV", "info", "sent", None, "NAV"),
        }
    else:
        md = g.maksdato(s.person_tilfelle)
        assert md is not None
        dato = kal.neste_arbeidsdag(md - timedelta(days=inn.maksdato_info_days))
        forventet = {("AT", "info", "sent", None, FNR), ("NAV", "info", "sent", None, "NAV")}

    assert _beslutninger(Rad(regel, kommandoer, dato, forventet)) == forventet


def test_the_table_covers_every_scheduled_row_of_the_matrix() -> None:
    """§6.3: every row but the immediate RM-20 and RM-23 has its conditions in ``domain.vilkar``."""
    from domain.vilkar import VILKAR

    assert set(VILKAR) == {f"RM-{n}" for n in range(1, 26)} - {"RM-20", "RM-23"}
