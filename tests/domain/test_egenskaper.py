"""Property tests of the timeline rules (rules.md T-7, TF-2, TF-3, AGP-1, RP-1, RP-12).

The properties are checked on generated sick notes and small generated scenarios:

- T-7: the arrival order of sick notes does not change any derived value once all have arrived;
- TF-2 / TF-3: two notes form one tilfelle iff at most 15 non-sick days lie between them, and
  ``del_i_tilfeller`` splits exactly at gaps of 16 or more non-sick days;
- RP-1: every scheduled reminder is at 08:00 Oslo wall-clock time on a working day; immediate
  messages carry the instant of the command that caused them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.grunnlag import Grunnlag
from domain.identer import fodselsdato, gyldig_fnr
from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando, les_kommando
from domain.milepeler import Vurdering, milepeler
from domain.tilfelle import del_i_tilfeller
from service.devtools.simulate import simuler

OSLO = ZoneInfo("Europe/Oslo")
INN = Innstillinger()
STROM = uuid.UUID("00000000-0000-4000-8000-000000000001")
EN_DAG = timedelta(days=1)
MOTTATT_FRA = datetime(2024, 12, 31, 9, 0, tzinfo=OSLO)  # every note is known before any date it covers
ETTERPA_FRA = datetime(2027, 1, 4, 9, 0, tzinfo=OSLO)  # other facts after every date they name (VAL-12)

RASKT = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIMULERING = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fnr(fodt: date) -> str:
    """A valid fødselsnummer (mod 11) for someone born in the 1900s on ``fodt``."""
    for individ in range(100, 500):
        for k in range(100):
            fnr = f"{fodt:%d%m%y}{individ:03d}{k:02d}"
            if gyldig_fnr(fnr):
                assert fodselsdato(fnr) == fodt
                return fnr
    raise AssertionError(f"no fødselsnummer for {fodt}")


# A label (no birth date), someone turning 67 in 2025, someone turning 70 in 2026, someone young.
PERSONER = ("PERSON-1", _fnr(date(1958, 6, 15)), _fnr(date(1956, 3, 1)), _fnr(date(1990, 10, 20)))


# ---------------------------------------------------------------- generated sick notes


@dataclass(frozen=True)
class Notat:
    """One egenmelding or sykmelding as generated data."""

    id: str
    type: str
    orgnr: str
    fom: date
    tom: date
    grad: int = 100
    reisetilskudd: bool = False
    delt_pa: date | None = None  # a second period with grade 100 from this date
    medisinske_grunner: bool = False

    def data(self, fnr: str) -> dict[str, Any]:
        if self.type == "egenmelding":
            return {
                "type": "egenmelding",
                "id": self.id,
                "fnr": fnr,
                "orgnr": self.orgnr,
                "fom": self.fom.isoformat(),
                "tom": self.tom.isoformat(),
            }
        if self.delt_pa is None:
            perioder = [self._periode(self.fom, self.tom, self.grad)]
        else:
            perioder = [
                self._periode(self.fom, self.delt_pa - EN_DAG, self.grad),
                self._periode(self.delt_pa, self.tom, 100),
            ]
        d: dict[str, Any] = {
            "type": "sykmelding",
            "id": self.id,
            "fnr": fnr,
            "orgnr": self.orgnr,
            "sykmelder_id": "lege-1",
            "perioder": perioder,
        }
        if self.medisinske_grunner:
            d["medisinske_grunner"] = True
        return d

    def _periode(self, fom: date, tom: date, grad: int) -> dict[str, Any]:
        p: dict[str, Any] = {"fom": fom.isoformat(), "tom": tom.isoformat(), "grad": grad}
        if self.reisetilskudd:
            p["reisetilskudd"] = True
        return p

    def dager(self) -> list[date]:
        return [self.fom + timedelta(days=i) for i in range((self.tom - self.fom).days + 1)]


GRADER = st.one_of(st.just(100), st.integers(20, 100))


@st.composite
def notater(draw: st.DrawFn, nr: int, fom: date, orgnr: str, *, type: str | None = None) -> Notat:
    """A valid note starting on ``fom``: egenmelding 1-3 days, sykmelding 1-120 days (VAL-1, E-1)."""
    typ = type or draw(st.sampled_from(["sykmelding", "sykmelding", "egenmelding"]))
    if typ == "egenmelding":
        return Notat(f"EM{nr}", typ, orgnr, fom, fom + timedelta(days=draw(st.integers(0, 2))))
    lengde = draw(st.integers(1, 120))
    tom = fom + timedelta(days=lengde - 1)
    delt = draw(st.one_of(st.none(), st.integers(1, lengde - 1))) if lengde > 1 else None
    return Notat(
        f"SM{nr}",
        typ,
        orgnr,
        fom,
        tom,
        grad=draw(GRADER),
        reisetilskudd=draw(st.booleans()) and draw(st.booleans()),
        delt_pa=None if delt is None else fom + timedelta(days=delt),
        medisinske_grunner=draw(st.booleans()) and draw(st.booleans()),
    )


@st.composite
def sykefravaer(draw: st.DrawFn, spredning: int = 150) -> tuple[str, list[Notat]]:
    """1-5 notes for one person at one or two employers, all dated in 2025-2026, close together."""
    fnr = draw(st.sampled_from(PERSONER))
    orgs = draw(st.sampled_from([("ORG-1",), ("ORG-1", "ORG-2")]))
    start = draw(st.dates(date(2025, 1, 1), date(2026, 4, 1)))
    antall = draw(st.integers(1, 5))
    ut = []
    for nr in range(antall):
        fom = start + timedelta(days=draw(st.integers(0, spredning)))
        notat = draw(notater(nr, fom, draw(st.sampled_from(orgs))))
        # TF-1: a reisetilskudd-only note covers no sick day; the first note always gives a case.
        ut.append(replace(notat, reisetilskudd=False) if nr == 0 else notat)
    assert all(date(2025, 1, 1) <= n.fom <= n.tom <= date(2026, 12, 31) for n in ut)
    return fnr, ut


def kommandoer(fnr: str, ordnet: list[Notat], etterpa: Sequence[dict[str, Any]] = ()) -> list[Kommando]:
    """Commands in arrival order: the notes in the given order, then the other facts."""
    ut = []
    for i, data in enumerate(n.data(fnr) for n in ordnet):
        ut.append(les_kommando({**data, "at": (MOTTATT_FRA + timedelta(minutes=i)).isoformat()}))
    for i, data in enumerate(etterpa):
        ut.append(les_kommando({**data, "at": (ETTERPA_FRA + timedelta(minutes=i)).isoformat()}))
    return ut


def utledet(g: Grunnlag, idag: date) -> dict[str, Any]:
    """Every derived value that must not depend on arrival order (T-7), without case ids."""
    ved_slutt, pa_slot = Vurdering(idag, slot=False), Vurdering(idag, slot=True)
    saker = sorted(
        (
            s.orgnr,
            s.tilfelle.start,
            s.tilfelle.slutt,
            s.tilfelle.arbeidsgiverperiode_tom,
            (s.person_tilfelle.start, s.person_tilfelle.slutt),
            g.maksdato(s.person_tilfelle),
            tuple((m.kind, m.due, m.status.value, m.met_on) for m in milepeler(g, s, ved_slutt)),
            tuple((m.kind, m.due, m.status.value, m.met_on) for m in milepeler(g, s, pa_slot)),
        )
        for s in g.saker
    )
    return {
        "saker": saker,
        "person_tilfeller": [(pt.start, pt.slutt, g.maksdato(pt)) for pt in g.person_tilfeller],
        "sykedager": {org: {d: sd.helt_borte(d) for d in sd.dager} for org, sd in g.sykedager.items()},
    }


# ---------------------------------------------------------------- T-7 order independence


@RASKT
@given(
    fravaer=sykefravaer(),
    data=st.data(),
    idag=st.dates(date(2025, 1, 1), date(2027, 6, 30)),
)
def test_arrival_order_of_sick_notes_does_not_change_derived_values(
    fravaer: tuple[str, list[Notat]], data: st.DataObject, idag: date
) -> None:
    fnr, notes = fravaer
    annen = data.draw(st.permutations(notes), label="other arrival order")
    forste = notes[0]
    # Facts that attach to cases arrive after every note, in the same order both times.
    etterpa: list[dict[str, Any]] = [
        {"type": "narmeste_leder", "fnr": fnr, "orgnr": "ORG-1", "leder_id": "leder-A", "fom": "2024-01-01"}
    ]
    if data.draw(st.booleans(), label="oppfolgingsplan_ferdig"):
        dato = forste.fom + timedelta(days=data.draw(st.integers(0, 40), label="plan day"))
        etterpa.append({"type": "oppfolgingsplan_ferdig", "fnr": fnr, "orgnr": forste.orgnr, "dato": dato.isoformat()})
    if data.draw(st.booleans(), label="dialogmote_svar"):
        etterpa.append(
            {
                "type": "dialogmote_svar",
                "fnr": fnr,
                "orgnr": forste.orgnr,
                "part": "NL",
                "hensiktsmessig": data.draw(st.booleans(), label="hensiktsmessig"),
            }
        )

    resultater = [
        utledet(Grunnlag.bygg(STROM, kommandoer(fnr, rekkefolge, etterpa), INN), idag)
        for rekkefolge in (notes, annen, list(reversed(notes)))
    ]

    assert resultater[0]["saker"], "every generated story has at least one case"
    assert resultater[1] == resultater[0]
    assert resultater[2] == resultater[0]


def test_the_order_check_sees_an_order_dependent_fact() -> None:
    """TF-5 is order-dependent by design; ``utledet`` must notice the difference (non-vacuity)."""
    note = Notat("SM1", "sykmelding", "ORG-1", date(2025, 3, 3), date(2025, 3, 31))
    tilbake = {"type": "arbeid_gjenopptatt", "fnr": "PERSON-1", "orgnr": "ORG-1", "dato": "2025-03-17"}
    for_notatet = [
        les_kommando({**tilbake, "at": MOTTATT_FRA.isoformat()}),
        les_kommando({**note.data("PERSON-1"), "at": (MOTTATT_FRA + EN_DAG).isoformat()}),
    ]
    etter_notatet = kommandoer("PERSON-1", [note], [tilbake])

    a = utledet(Grunnlag.bygg(STROM, for_notatet, INN), date(2025, 6, 1))
    b = utledet(Grunnlag.bygg(STROM, etter_notatet, INN), date(2025, 6, 1))

    assert a["saker"][0][2] == date(2025, 3, 31)
    assert b["saker"][0][2] == date(2025, 3, 16)
    assert a != b


@SIMULERING
@given(fravaer=sykefravaer(spredning=40), data=st.data())
def test_cases_at_until_do_not_depend_on_when_and_in_which_order_notes_arrived(
    fravaer: tuple[str, list[Notat]], data: st.DataObject
) -> None:
    """T-7 end to end: the final cases of ``simulate`` are a function of the commands known at the end.

    The notes are sent once in one order before everything, and once in another order at
    generated moments within the story (reminders run in between). Case ids are not compared.
    """
    fnr, notes = fravaer
    siste = max(n.tom for n in notes)
    until = siste + timedelta(days=20)
    annen = data.draw(st.permutations(notes), label="other arrival order")
    forst = datetime.combine(min(n.fom for n in notes) - timedelta(days=11), time(7, 0), OSLO)
    tidlig = [{**n.data(fnr), "at": (forst + timedelta(minutes=i)).isoformat()} for i, n in enumerate(reversed(notes))]
    sent = []
    for n in annen:
        dag = n.fom + timedelta(days=data.draw(st.integers(-10, 10), label="received relative to fom"))
        at = datetime.combine(dag, time(data.draw(st.integers(0, 23), label="hour")), OSLO)
        sent.append({**n.data(fnr), "at": at.isoformat()})
    leder = {
        "at": (forst - timedelta(minutes=1)).isoformat(),
        "type": "narmeste_leder",
        "fnr": fnr,
        "orgnr": "ORG-1",
        "leder_id": "leder-A",
        "fom": "2024-01-01",
    }

    def saker(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        res = simuler({"until": until.isoformat(), "steps": [leder, *steps]}).data
        assert res["rejected"] == []
        return [{k: v for k, v in c.items() if k != "case_id"} for c in res["cases"]]

    a, b = saker(tidlig), saker(sent)
    assert a, "every generated story has at least one case"
    assert b == a


# ---------------------------------------------------------------- TF-2 / TF-3 gap rule


@RASKT
@given(
    data=st.data(),
    fom1=st.dates(date(2025, 1, 1), date(2026, 4, 1)),  # both notes end by 2026-12-31 (VAL-10)
    gap=st.integers(0, 40),
    annen_virksomhet=st.booleans(),
    forst_den_andre=st.booleans(),
)
def test_two_notes_form_one_tilfelle_iff_at_most_15_non_sick_days_between(
    data: st.DataObject, fom1: date, gap: int, annen_virksomhet: bool, forst_den_andre: bool
) -> None:
    # TF-1: no reisetilskudd-only note here, so every day of both notes is a sick day.
    a = replace(data.draw(notater(1, fom1, "ORG-1"), label="first note"), reisetilskudd=False)
    fom2 = a.tom + timedelta(days=gap + 1)  # exactly `gap` non-sick calendar days between them
    b = replace(
        data.draw(notater(2, fom2, "ORG-2" if annen_virksomhet else "ORG-1"), label="second note"), reisetilskudd=False
    )
    assert (b.fom - a.tom).days - 1 == gap

    g = Grunnlag.bygg(STROM, kommandoer("PERSON-1", [b, a] if forst_den_andre else [a, b]), INN)

    samme = gap <= 15
    # TF-3: the person tilfelle joins across employers by the same rule.
    forventet_person = [(a.fom, b.tom)] if samme else [(a.fom, a.tom), (b.fom, b.tom)]
    assert [(pt.start, pt.slutt) for pt in g.person_tilfeller] == forventet_person
    if annen_virksomhet:
        # TF-2: a case is per employer; each employer has its own tilfelle, S and AGP.
        assert sorted((s.orgnr, s.tilfelle.start, s.tilfelle.slutt) for s in g.saker) == [
            ("ORG-1", a.fom, a.tom),
            ("ORG-2", b.fom, b.tom),
        ]
        assert len({s.person_tilfelle for s in g.saker}) == (1 if samme else 2)
        return
    assert [(s.tilfelle.start, s.tilfelle.slutt) for s in g.saker] == forventet_person
    if samme:
        (sak,) = g.saker
        # AGP-1 / AGP-2: the 16th documented sick day, counted across the gap; days in the gap do not count.
        dager = a.dager() + b.dager()
        assert sak.tilfelle.arbeidsgiverperiode_tom == (dager[15] if len(dager) >= 16 else b.tom)
        # TF-4: closed_on = end + 16 lies after the second note's start only when they merge.
        assert sak.tilfelle.lukkes == b.tom + timedelta(days=16)
    else:
        forste, andre = g.saker
        assert forste.tilfelle.lukkes < andre.tilfelle.start
        assert forste.case_id != andre.case_id


@st.composite
def sykedatoer(draw: st.DrawFn) -> list[date]:
    """Dates with many gaps near the 15/16 boundary, some duplicates, in any order."""
    start = draw(st.dates(date(2025, 1, 1), date(2026, 6, 30)))
    steg = draw(st.lists(st.one_of(st.integers(1, 3), st.integers(14, 19), st.integers(0, 60)), max_size=60))
    dager = [start]
    for s in steg:
        dager.append(dager[-1] + timedelta(days=s))
    return draw(st.permutations(dager))


@RASKT
@given(dager=st.one_of(sykedatoer(), st.lists(st.dates(date(2025, 1, 1), date(2026, 12, 31)), max_size=40)))
def test_del_i_tilfeller_splits_exactly_at_16_non_sick_days(dager: list[date]) -> None:
    tilfeller = del_i_tilfeller(dager)

    # A partition of the distinct sick days, in date order.
    assert [d for t in tilfeller for d in t.dager] == sorted(set(dager))
    for t in tilfeller:
        assert t.dager, "no empty tilfelle"
        assert t.start == t.dager[0]
        assert t.slutt == t.dager[-1]
        for x, y in pairwise(t.dager):
            assert 0 <= (y - x).days - 1 <= 15, f"gap of {(y - x).days - 1} non-sick days inside a tilfelle"
    for forrige, neste in pairwise(tilfeller):
        assert (neste.start - forrige.slutt).days - 1 >= 16, "tilfeller closer than 16 non-sick days"
        assert forrige.lukkes < neste.start


# ---------------------------------------------------------------- RP-1 slots

UMIDDELBARE = frozenset({"RM-19", "RM-20", "RM-23"})


def _arbeidsdag(d: date, stengt: frozenset[date]) -> bool:
    """T-5, independently of ``domain.kalender``."""
    helligdager = holidays.country_holidays("NO", years=d.year, include_sundays=False)
    return d.weekday() < 5 and d not in helligdager and d not in stengt


def _instant(dag: date, draw: st.DrawFn, label: str) -> str:
    """An instant on an Oslo date at any hour, written with its Oslo offset or in UTC."""
    t = datetime.combine(
        dag,
        time(draw(st.integers(0, 23), label=f"{label} hour"), draw(st.integers(0, 59), label=f"{label} minute")),
        OSLO,
    )
    return (t.astimezone(UTC) if draw(st.booleans(), label=f"{label} in UTC") else t).isoformat()


@st.composite
def scenarioer(draw: st.DrawFn) -> dict[str, Any]:
    """A small story: a leader, 1-3 sick notes, optional plan, meeting, meeting request, NAV exemption."""
    fnr = "PERSON-1"
    s = draw(st.dates(date(2025, 1, 1), date(2026, 9, 30)), label="S")
    steps: list[dict[str, Any]] = [
        {
            "at": _instant(s - timedelta(days=3), draw, "virksomhet"),
            "type": "virksomhet",
            "orgnr": "ORG-1",
            "hr_id": "hr-1",
        },
        {
            "at": _instant(s - timedelta(days=3), draw, "leder"),
            "type": "narmeste_leder",
            "fnr": fnr,
            "orgnr": "ORG-1",
            "leder_id": "leder-A",
            "fom": (s - timedelta(days=30)).isoformat(),
        },
    ]
    notes = []
    for nr in range(draw(st.integers(1, 3), label="notes")):
        fom = s if nr == 0 else s + timedelta(days=draw(st.integers(0, 60), label="fom"))
        n = draw(notater(nr, fom, "ORG-1", type="sykmelding"), label="note")
        if nr == 0:  # TF-1: a reisetilskudd-only first note would give no case at all
            n = replace(n, reisetilskudd=False)
        notes.append(n)
        mottatt = fom + timedelta(days=draw(st.integers(0, 3), label="received after fom"))
        steps.append({**n.data(fnr), "at": _instant(mottatt, draw, f"note {nr}")})
    if draw(st.booleans(), label="plan"):
        dato = s + timedelta(days=draw(st.integers(0, 40), label="plan day"))
        steps.append(
            {
                "at": _instant(dato, draw, "plan"),
                "type": "oppfolgingsplan_ferdig",
                "fnr": fnr,
                "orgnr": "ORG-1",
                "dato": dato.isoformat(),
            }
        )
    if draw(st.booleans(), label="meeting"):
        innkalt = s + timedelta(days=draw(st.integers(4, 30), label="called on"))
        mote = innkalt + timedelta(days=draw(st.integers(3, 30), label="meeting after"))
        steps.append(
            {
                "at": _instant(innkalt, draw, "innkalt"),
                "type": "dialogmote_innkalt",
                "id": "M1",
                "fnr": fnr,
                "orgnr": "ORG-1",
                "mote": 1,
                "tidspunkt": datetime.combine(mote, time(10, 0), OSLO).isoformat(),
                "deltakere": [{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": fnr}],
            }
        )
    if draw(st.booleans(), label="onsket"):
        dag = s + timedelta(days=draw(st.integers(1, 60), label="onsket day"))
        steps.append(
            {
                "at": _instant(dag, draw, "onsket"),
                "type": "dialogmote_onsket",
                "fnr": fnr,
                "orgnr": "ORG-1",
                "mote": draw(st.sampled_from([2, 3]), label="mote"),
                "av": "AT",
            }
        )
    if draw(st.booleans(), label="nav unntak"):
        dag = s + timedelta(days=draw(st.integers(1, 60), label="unntak day"))
        steps.append(
            {
                "at": _instant(dag, draw, "unntak"),
                "type": "unntak",
                "fnr": fnr,
                "orgnr": "ORG-1",
                "dato": dag.isoformat(),
                "frist": "dialogmote_2",
                "arsak": "MEDISINSKE_GRUNNER",
                "av": "NAV",
            }
        )
    siste = max(max(n.tom for n in notes), s + timedelta(days=30))
    until = min(siste + timedelta(days=draw(st.integers(0, 40), label="until after")), s + timedelta(days=180))
    stengt = draw(
        st.lists(st.integers(0, 180).map(lambda k: s + timedelta(days=k)), max_size=3, unique=True),
        label="closure days",
    )
    if draw(st.booleans(), label="24 Dec closed"):
        stengt.append(date(s.year, 12, 24))
    return {
        "until": until.isoformat(),
        "config": {"closure_days": sorted(d.isoformat() for d in stengt)},
        "steps": steps,
    }


@SIMULERING
@given(scenario=scenarioer())
def test_scheduled_reminders_go_at_0800_oslo_on_working_days(scenario: dict[str, Any]) -> None:
    res = simuler(scenario).data
    stengt = frozenset(date.fromisoformat(d) for d in scenario["config"]["closure_days"])
    kommando_instanter = {datetime.fromisoformat(st_["at"]) for st_ in scenario["steps"]}
    until = date.fromisoformat(scenario["until"])

    slot_paminnelser = 0
    for r in res["reminders"]:
        at = datetime.fromisoformat(r["at"])
        assert at.utcoffset() is not None, r
        if r["rule"] in UMIDDELBARE and at in kommando_instanter:
            continue  # RP-1: an immediate message carries its command's instant, any day
        assert r["rule"] not in {"RM-20", "RM-23"}, f"immediate message not at a command instant: {r}"
        slot_paminnelser += 1
        oslo = at.astimezone(OSLO)
        # Written as Oslo wall-clock time with Oslo's offset of that day.
        assert (at.hour, at.minute, at.second, at.microsecond) == (8, 0, 0, 0), r
        assert at.utcoffset() == oslo.utcoffset(), r
        assert _arbeidsdag(oslo.date(), stengt), f"reminder on a non-working day {oslo.date():%A}: {r}"
        sommertid = oslo.dst() != timedelta(0)
        assert at.astimezone(UTC).hour == (6 if sommertid else 7), r
        # RP-12: decided rungs lie up to `until`, planned ones after it.
        if r["status"] == "planned":
            assert oslo.date() > until, r
        else:
            assert r["status"] in {"sent", "cancelled"}, r
            assert oslo.date() <= until, r
    # The first note is received by S+3 and the case is open at prev_wd(S+13): its RM-1 rungs are decided.
    assert slot_paminnelser > 0


def test_holiday_oracle_matches_t6() -> None:
    """The oracle of the slot property yields the movable holidays of T-6 and no Sundays."""
    no = holidays.country_holidays("NO", years=[2025, 2026, 2027], include_sundays=False)
    for d in [
        "2025-04-17",
        "2025-04-18",
        "2025-04-21",
        "2025-05-29",
        "2025-06-09",
        "2026-04-02",
        "2026-04-03",
        "2026-04-06",
        "2026-05-14",
        "2026-05-25",
        "2027-03-25",
        "2027-03-26",
        "2027-03-29",
        "2027-05-06",
        "2027-05-17",
        "2025-12-25",
        "2025-12-26",
        "2026-01-01",
        "2026-05-01",
    ]:
        assert date.fromisoformat(d) in no, d
    assert date(2025, 12, 24) not in no
    assert date(2025, 12, 31) not in no
    assert date(2025, 3, 9) not in no  # an ordinary Sunday
