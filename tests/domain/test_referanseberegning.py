"""The fast domain computation equals a deliberately simple day-by-day reference (rules.md TF-1 … TF-8, MAX-*, REQ-*).

``domain.tilfelle`` splits tilfeller from periods and replays case ids on ``(S, end)`` spans,
``domain.grunnlag`` answers from indexes and keeps its memo outside the aggregate, and
``domain.maksdato`` walks break days as runs. The reference below does none of that: it builds a
set of dates per employer one day at a time, splits tilfeller by scanning sorted days, replays
TF-8 from scratch after every command, answers every query by a linear scan and walks maksdato
one calendar day at a time. On random stories (several employers, gaps around 15/16 days,
egenmelding, graded periods, reisetilskudd, annulments, arbeid gjenopptatt) both must agree.
"""

from __future__ import annotations

import copy
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from eventsourcing.domain import Snapshot
from factories import STROM, kl, kommando, syntetisk_fnr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.grunnlag import Grunnlag
from domain.identer import bursdag, fodselsdato
from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando
from domain.maksdato import Status, Telling, _gaa_tilfelle, tell
from domain.maksdato import maksdato as maksdato_fra_status
from domain.milepeler import KINDS, Vurdering, milepel, status_pa, statusforlop
from domain.oppbevaring import GRUNN_ANMODNING
from domain.sykefravaer import Sykefravaer
from domain.tilfelle import Tilfelle

EN_DAG = timedelta(days=1)
START = date(2025, 1, 6)
ORGS = ("ORG-1", "ORG-2", "ORG-3")
PERSONER = ("PERSON-1", syntetisk_fnr(date(1958, 3, 10), 100), syntetisk_fnr(date(1955, 6, 1), 100))
INN = Innstillinger()
EKSEMPLER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Dag = tuple[int, bool, str | None]  # (arrival number, helt borte, sykmelding id)


# ---------------------------------------------------------------- the reference, day by day


def ref_sykedager(fakta: Sequence[Kommando]) -> dict[str, dict[date, list[Dag]]]:
    """TF-1, TF-5, TF-6, E-2 one day at a time."""
    annullert = {k["id"] for k in fakta if k.type == "sykmelding_annullert"}
    ut: dict[str, dict[date, list[Dag]]] = {}
    for nr, k in enumerate(fakta):
        if k.type == "egenmelding":
            perioder = [(k["fom"], k["tom"], True, None)]
        elif k.type == "sykmelding" and k["id"] not in annullert:
            perioder = [
                (p.fom, p.tom, p.grad == 100, k["id"]) for p in k["perioder"] if not (p.reisetilskudd and p.grad == 100)
            ]
        else:
            continue
        for fom, tom, helt, sm_id in perioder:
            d = fom
            while d <= tom:
                tilbake = any(
                    g.type == "arbeid_gjenopptatt" and g.orgnr == k.orgnr and gnr > nr and g["dato"] <= d
                    for gnr, g in enumerate(fakta)
                )
                if not tilbake:
                    ut.setdefault(k.orgnr, {}).setdefault(d, []).append((nr, helt, sm_id))
                d += EN_DAG
    return ut


def ref_tilfeller(dager: set[date]) -> list[tuple[date, ...]]:
    """TF-2 / TF-3: a new tilfelle after 16 or more days without sickness."""
    ut: list[list[date]] = []
    for d in sorted(dager):
        if ut and (d - ut[-1][-1]).days - 1 <= 15:
            ut[-1].append(d)
        else:
            ut.append([d])
    return [tuple(t) for t in ut]


def ref_saker(fakta: Sequence[Kommando], strom_id: uuid.UUID) -> list[tuple[str, str, tuple[date, ...]]]:
    """TF-8: after every sick-day command, all sick days again, from scratch."""
    saker: dict[str, list[tuple[str, int, tuple[date, ...]]]] = {}
    teller = 0
    for n, k in enumerate(fakta):
        if k.type not in ("sykmelding", "egenmelding", "sykmelding_annullert", "arbeid_gjenopptatt"):
            continue
        per_org = ref_sykedager(fakta[: n + 1])
        berorte = {k.orgnr} if "orgnr" in k.felter else set(per_org) | set(saker)
        for org in sorted(berorte):
            gamle = saker.get(org, [])
            tatt: set[str] = set()
            nye = []
            for t in ref_tilfeller(set(per_org.get(org, {}))):
                inni = [g for g in gamle if t[0] <= g[2][0] <= t[-1] and g[0] not in tatt]
                over = [g for g in gamle if g[0] not in tatt and g[2][0] <= t[-1] and t[0] <= g[2][-1]]
                kandidater = inni or over
                if kandidater:
                    eldst = min(kandidater, key=lambda g: g[1])
                    tatt.add(eldst[0])
                    nye.append((eldst[0], eldst[1], t))
                else:
                    teller += 1
                    nye.append((str(uuid.uuid5(strom_id, f"sak/{teller}")), 10**6 + teller, t))
            saker[org] = nye
    return [(i, org, t) for org, liste in saker.items() for (i, _, t) in liste]


def ref_maksdatoer(person_tilfeller: list[tuple[date, ...]], fodt: date | None) -> list[tuple[Status, date]]:
    """MAX-3 … MAX-6, REQ-1, REQ-2: every calendar day from the first sick day, one at a time."""
    fyller70 = bursdag(fodt, 70) if fodt else None
    telling = Telling(fyller67=bursdag(fodt, 67) if fodt else None)
    syke = {d for t in person_tilfeller for d in t}
    agp = {d for t in person_tilfeller for d in t[:16]}
    ut = []
    d = person_tilfeller[0][0]
    for t in person_tilfeller:
        while d <= t[-1] and (fyller70 is None or d < fyller70):
            if d not in syke or d in agp:
                telling.pausedager()
            elif d.weekday() >= 5:
                telling.sykehelg()
            else:
                telling.syk_ukedag(d)
            d += EN_DAG
        d = max(d, t[-1] + EN_DAG)
        status = Status(telling.brukt, telling.brukt67, telling.brukt_opp)
        ut.append((status, maksdato_fra_status(Tilfelle(t), status, fodt)))
    return ut


def ref_narmeste_leder(fakta: Sequence[Kommando], orgnr: str, d: date) -> str | None:
    kandidater = [
        (k["fom"], nr, k["leder_id"])
        for nr, k in enumerate(fakta)
        if k.type == "narmeste_leder" and k.orgnr == orgnr and k["fom"] <= d
    ]
    return max(kandidater)[2] if kandidater else None


# ---------------------------------------------------------------- random stories


@dataclass(frozen=True)
class Historie:
    fnr: str
    fakta: tuple[Kommando, ...]


LENGDE = st.one_of(st.integers(0, 45), st.integers(0, 45), st.integers(100, 170))  # two long notes pass 248 days
GAP = st.one_of(st.sampled_from([-12, -1, 0, 1, 14, 15, 16, 17, 18]), st.integers(-30, 60), st.just(200))


@st.composite
def historier(draw: st.DrawFn) -> Historie:
    fnr = draw(st.sampled_from(PERSONER))
    fakta: list[Kommando] = []
    sykmeldinger: list[str] = []
    markor = START
    at = kl(START)
    for i in range(draw(st.integers(1, 9))):
        # Received around the story's current date, in order, so every date lies in VAL-10's window.
        at = max(at + timedelta(hours=1), kl(markor))
        org = draw(st.sampled_from(ORGS))
        art = draw(st.sampled_from(["sykmelding"] * 4 + ["egenmelding", "annullering", "gjenopptatt", "leder"]))
        fom = markor + timedelta(days=draw(GAP))
        if art == "sykmelding":
            perioder = []
            for j in range(draw(st.integers(1, 2))):
                if j:
                    fom = perioder[-1]["tom"] + timedelta(days=draw(st.sampled_from([1, 2, 16, 17])))
                tom = fom + timedelta(days=draw(LENGDE))
                grad = draw(st.sampled_from([100, 100, 80, 50, 20]))
                perioder.append({"fom": fom, "tom": tom, "grad": grad, "reisetilskudd": draw(st.booleans())})
            sm = f"SM{i}"
            sykmeldinger.append(sm)
            fakta.append(
                kommando("sykmelding", at, id=sm, fnr=fnr, orgnr=org, sykmelder_id="lege-1", perioder=perioder)
            )
            markor = perioder[-1]["tom"]
        elif art == "egenmelding":
            tom = fom + timedelta(days=draw(st.integers(0, 2)))
            fakta.append(kommando("egenmelding", at, id=f"EM{i}", fnr=fnr, orgnr=org, fom=fom, tom=tom))
            markor = tom
        elif art == "annullering" and sykmeldinger:
            fakta.append(kommando("sykmelding_annullert", at, id=draw(st.sampled_from(sykmeldinger))))
        elif art == "gjenopptatt":
            dato = markor + timedelta(days=draw(st.integers(-30, 5)))
            fakta.append(kommando("arbeid_gjenopptatt", at, fnr=fnr, orgnr=org, dato=dato))
        elif art == "leder":
            fakta.append(kommando("narmeste_leder", at, fnr=fnr, orgnr=org, leder_id=f"L{i}", fom=fom))
    return Historie(fnr, tuple(fakta))


def _datoer(g: Grunnlag) -> list[date]:
    alle = [d for sd in g.sykedager.values() for d in sd.dager]
    if not alle:
        return [START]
    fra, til = min(alle) - timedelta(days=3), max(alle) + timedelta(days=20)
    return [fra + timedelta(days=i) for i in range((til - fra).days + 1)]


# ---------------------------------------------------------------- the properties


@EKSEMPLER
@given(h=historier())
def test_sick_days_tilfeller_and_case_ids_equal_the_day_by_day_reference(h: Historie) -> None:
    """TF-1, TF-2, TF-3, TF-5, TF-6, TF-8, E-2 on the fast path against the reference."""
    g = Grunnlag.bygg(STROM, h.fakta, INN)
    ref = ref_sykedager(h.fakta)

    assert {
        org: {d: [(x.dokument_nr, x.helt_borte, x.sykmelding_id) for x in dek] for d, dek in sd.dager.items()}
        for org, sd in g.sykedager.items()
    } == ref
    ref_person = ref_tilfeller({d for dager in ref.values() for d in dager})
    assert [t.dager for t in g.person_tilfeller] == ref_person
    ref_liste = sorted(ref_saker(h.fakta, STROM), key=lambda x: (x[2][0], x[1]))
    assert [(s.case_id, s.orgnr, s.tilfelle.dager) for s in g.saker] == ref_liste
    for s in g.saker:
        assert s.person_tilfelle.dager == next(t for t in ref_person if t[0] <= s.tilfelle.start <= t[-1])


@EKSEMPLER
@given(h=historier())
def test_day_queries_and_case_lookups_equal_linear_scans(h: Historie) -> None:
    """RP-4 A, RP-9, RM-14, AK-2 a, TF-7 and TF-9 lookups against linear scans of the reference."""
    g = Grunnlag.bygg(STROM, h.fakta, INN)
    ref = ref_sykedager(h.fakta)
    ref_liste = ref_saker(h.fakta, STROM)
    for d in _datoer(g):
        for org in (*ORGS, None):
            dager = [ref.get(org, {}).get(d, [])] if org else [x.get(d, []) for x in ref.values()]
            dek = [x for liste in dager for x in liste]
            assert g.syk(org, d) == bool(dek)
            assert g.helt_borte(org, d) == any(x[1] for x in dek)
            for helt in (False, True):
                nr = sorted({x[0] for x in dek if x[2] is not None and (x[1] or not helt)})
                assert g.sykmeldinger_som_dekker(org, d, helt=helt) == [h.fakta[n] for n in nr]
            if org is None:
                continue
            vindu = [(t[0], i) for (i, o, t) in ref_liste if o == org and t[0] <= d <= t[-1] + timedelta(days=16)]
            funnet = g.finn_sak(org, d)
            assert (funnet.case_id if funnet else None) == (min(vindu)[1] if vindu else None)
            assert g.narmeste_leder(org, d) == ref_narmeste_leder(h.fakta, org, d)
    for i, org, t in ref_liste:
        s = g.sak(i)
        assert s is not None
        assert (s.orgnr, s.tilfelle.dager) == (org, t)
    for pt in g.person_tilfeller:
        assert g.saker_i(pt) == [s for s in g.saker if s.person_tilfelle.dager == pt.dager]


@EKSEMPLER
@given(h=historier())
def test_maksdato_equals_a_walk_of_every_calendar_day(h: Historie) -> None:
    """MAX-3 … MAX-6, REQ-1, REQ-2: the run-wise walk equals one day at a time."""
    g = Grunnlag.bygg(STROM, h.fakta, INN)
    tilfeller = ref_tilfeller({d for dager in ref_sykedager(h.fakta).values() for d in dager})
    fodt = fodselsdato(h.fnr) if h.fnr != "PERSON-1" else None
    forventet = ref_maksdatoer(tilfeller, fodt) if tilfeller else []
    assert (
        list(zip(tell(g.person_tilfeller, fodt), [g.maksdato(pt) for pt in g.person_tilfeller], strict=True))
        == forventet
    )


@EKSEMPLER
@given(h=historier(), dag=st.integers(-5, 400))
def test_status_course_equals_evaluating_the_day_itself(h: Historie, dag: int) -> None:
    """MS-3: the stored course (one ``frist`` per milestone) gives the status computed on that day."""
    g = Grunnlag.bygg(STROM, h.fakta, INN)
    for s in g.saker:
        d = s.tilfelle.start + timedelta(days=dag)
        for kind in KINDS:
            assert status_pa(statusforlop(kind, g, s), d) == milepel(
                kind, g, s, Vurdering(max(d, s.tilfelle.start), False)
            )


def ref_gaa_tilfelle(telling: Telling, t: tuple[date, ...], stopp: date | None) -> None:
    """One person tilfelle ``S … end`` one calendar day at a time, stopping before ``stopp``."""
    syke, agp_tom = set(t), t[min(16, len(t)) - 1]
    d = t[0]
    while d <= t[-1] and (stopp is None or d < stopp):
        if d not in syke or d <= agp_tom:
            telling.pausedager()
        elif d.weekday() >= 5:
            telling.sykehelg()
        else:
            telling.syk_ukedag(d)
        d += EN_DAG


@st.composite
def tellinger(draw: st.DrawFn, start: date) -> Telling:
    """A walk's state before a tilfelle: near the quota, maybe used up, maybe inside a run."""
    brukt = draw(st.integers(0, 247))
    talte = deque((start - timedelta(days=2 * brukt - 2 * i), draw(st.booleans())) for i in range(brukt))
    opphold = draw(st.one_of(st.none(), st.integers(0, 181))) if talte else None
    brukt_opp = talte[-1][0] if talte and opphold is not None and draw(st.booleans()) else None
    return Telling(
        fyller67=start - timedelta(days=400),
        talte=talte,
        brukt67=sum(x[1] for x in talte) % 60,
        brukt_opp=brukt_opp,
        opphold=opphold,
    )


@EKSEMPLER
@given(
    runs=st.lists(st.tuples(st.integers(1, 40), st.integers(1, 15)), min_size=1, max_size=12),
    data=st.data(),
    stopp=st.one_of(st.none(), st.integers(-2, 600)),
)
def test_walk_of_one_tilfelle_by_runs_leaves_the_same_state_as_day_by_day(
    runs: list[tuple[int, int]], data: st.DataObject, stopp: int | None
) -> None:
    """MAX-3, REQ-1, MAX-6: break days counted as runs leave the walk exactly as one at a time."""
    dager, n = [], 0
    for syk, uten in runs:  # sick runs with gaps of at most 15 days: one tilfelle
        dager += [START + timedelta(days=n + i) for i in range(syk)]
        n += syk + uten
    t = tuple(dager)
    stoppdato = None if stopp is None else START + timedelta(days=stopp)
    rask = data.draw(tellinger(START))
    treg = copy.deepcopy(rask)
    _gaa_tilfelle(rask, Tilfelle(t), stoppdato)
    ref_gaa_tilfelle(treg, t, stoppdato)
    assert vars(rask) == vars(treg)


# ---------------------------------------------------------------- the memo beside the aggregate


def _person(fakta: Sequence[Kommando]) -> Sykefravaer:
    p = Sykefravaer(strom_id=STROM, timestamp=kl(START))
    for k in fakta:
        p.motta(k, INN)
    return p


SYK = (
    kommando("narmeste_leder", kl(START), fnr="PERSON-1", orgnr="ORG-1", leder_id="L1", fom=START),
    kommando(
        "sykmelding",
        kl(START),
        id="SM1",
        fnr="PERSON-1",
        orgnr="ORG-1",
        sykmelder_id="lege-1",
        perioder=[{"fom": START, "tom": START + timedelta(days=40), "grad": 100}],
    ),
)


def test_grunnlag_memo_is_no_part_of_the_aggregate_state() -> None:
    """Snapshots, ``==`` and the repository's deep copies see only the person's events, never a memo."""
    p = _person(SYK)
    g = p.grunnlag(INN)

    assert g.saker
    typer = {type(x) for v in vars(p).values() for x in (v if isinstance(v, tuple) else (v,))}
    assert Grunnlag not in typer
    tilstand = Snapshot.take(p).state
    assert not any(isinstance(v, Grunnlag | tuple) for v in tilstand.values())
    kopi = copy.deepcopy(p)
    assert kopi == p
    assert kopi.grunnlag(INN) is not g
    assert kopi.grunnlag(INN) == g


def test_grunnlag_is_computed_once_per_set_of_commands_and_settings() -> None:
    """The latest knowledge is built once; a new command or other settings give a fresh, equal-to-built one."""
    p = _person(SYK[:1])
    forste = p.grunnlag(INN)
    assert p.grunnlag(INN) is forste
    p.motta(SYK[1], INN)
    andre = p.grunnlag(INN)
    assert andre is not forste
    assert andre == Grunnlag.bygg(STROM, SYK, INN)
    assert andre.saker
    assert p.grunnlag(INN) is andre
    andre_innstillinger = Innstillinger(egenmelding_max_days=5)
    assert p.grunnlag(andre_innstillinger).innstillinger == andre_innstillinger
    assert p.grunnlag(INN) == andre


def test_erasure_drops_the_memo() -> None:
    p = _person(SYK)
    assert p.grunnlag(INN).saker
    assert p.slett(GRUNN_ANMODNING, INN, kl(START + timedelta(days=60)))
    assert p.grunnlag(INN).saker == []
