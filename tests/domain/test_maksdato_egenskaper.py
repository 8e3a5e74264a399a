"""Property tests of maksdato and requalification on generated stories (rules.md TF-1, MAX-3 … MAX-6, REQ-1, REQ-2).

- REQ-1 a / b: a run of 181 never resets and one of 182 always does (before maksdato on a break
  day; after maksdato on the first break day at or after day 182);
- TF-1: turning a 100 % period into reisetilskudd never makes a tilfelle longer;
- MAX-5: one uninterrupted 100 % leave from S has maksdato on the 248th weekday from S + 16;
- the computation equals ``plain_maksdato`` below, a slow day-by-day walk written from the rule
  text, on stories of up to four tilfeller.

More break days can give a later maksdato (splitting a tilfelle starts a new arbeidsgiverperiode),
so no monotonicity is asserted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from factories import grunnlag, kommando, syntetisk_fnr
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from domain.grunnlag import Grunnlag
from domain.identer import bursdag

EN_DAG = timedelta(days=1)
RASKT = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A label (no birth date); 70 in 2020; 67 in 2020 and 70 in 2023; someone young.
PERSONER = (
    "PERSON-1",
    syntetisk_fnr(date(1950, 5, 20), 100),
    syntetisk_fnr(date(1953, 11, 3), 100),
    syntetisk_fnr(date(1985, 2, 28), 100),
)


@dataclass(frozen=True)
class Periode:
    """One generated sick-note period (one note each, so no note spans more than 365 days)."""

    orgnr: str
    fom: date
    tom: date
    grad: int = 100
    reisetilskudd: bool = False


def bygg(fnr: str, perioder: list[Periode]) -> Grunnlag:
    return grunnlag(
        *(
            kommando(
                "sykmelding",
                p.fom,
                id=f"SM{i}",
                fnr=fnr,
                orgnr=p.orgnr,
                sykmelder_id="lege-1",
                perioder=[{"fom": p.fom, "tom": p.tom, "grad": p.grad, "reisetilskudd": p.reisetilskudd}],
            )
            for i, p in enumerate(perioder)
        )
    )


# ---------------------------------------------------------------- the plain walk, from the rule text


def pluss_ukedager(d: date, n: int) -> date:
    """``d ⊕ n``: the n-th Monday–Friday after d (MAX-4: no holidays skipped)."""
    while n > 0:
        d += EN_DAG
        n -= d.weekday() < 5
    return d


def siste_ukedag(d: date) -> date:
    while d.weekday() >= 5:
        d -= EN_DAG
    return d


def tre_aar_for(d: date) -> date:
    return date(d.year - 3, 2, 28) if (d.month, d.day) == (2, 29) else d.replace(year=d.year - 3)


def plain_maksdato(perioder: list[Periode], fodt: date | None) -> list[tuple[date, date, date]]:
    """(S, end, maksdato) of each person tilfelle, one full day-by-day walk per tilfelle."""
    syk = {  # TF-1, TF-3: reisetilskudd with grad 100 is no sickness
        p.fom + timedelta(days=i)
        for p in perioder
        if not (p.reisetilskudd and p.grad == 100)
        for i in range((p.tom - p.fom).days + 1)
    }
    tilfeller: list[list[date]] = []
    for d in sorted(syk):  # TF-2: 16 days without sickness split
        if tilfeller and (d - tilfeller[-1][-1]).days - 1 <= 15:
            tilfeller[-1].append(d)
        else:
            tilfeller.append([d])
    agp = {d for t in tilfeller for d in t[:16]}  # AGP-1, AGP-3
    b67 = bursdag(fodt, 67) if fodt else None
    b70 = bursdag(fodt, 70) if fodt else None
    ut = []
    for t in tilfeller:
        talte: list[date] = []  # counted paid days since the last reset
        brukt_opp: date | None = None
        run: int | None = None
        d = tilfeller[0][0]
        while d <= t[-1]:
            if b70 is not None and d >= b70:
                break  # MAX-6: the walk stops
            pause = d not in syk or d in agp  # REQ-1: break day
            if brukt_opp is None:
                if not pause and d.weekday() < 5:  # MAX-1: paid day
                    if run is not None:  # MAX-3: it ends a break run, so the window moves
                        talte = [x for x in talte if x >= tre_aar_for(d)]
                    talte.append(d)
                    run = None
                    if len(talte) == 248 or len([x for x in talte if b67 and x > b67]) == 60:
                        brukt_opp, run = d, 0
                else:
                    if run is None and pause and talte:
                        run = 0  # REQ-1 a: the run starts on a break day after a counted paid day
                    if run is not None:
                        run += 1
                        if run == 182:
                            talte, run = [], None
            else:
                run = (run or 0) + 1  # REQ-1 b: every day from x + 1
                if pause and run >= 182:
                    talte, brukt_opp, run = [], None, None
            d += EN_DAG
        if brukt_opp is not None:
            ut.append((t[0], t[-1], brukt_opp))
            continue
        a = t[15] if len(t) >= 16 else t[-1] + timedelta(days=16 - len(t))
        base = siste_ukedag(max(t[-1], a))
        ordinaer = pluss_ukedager(base, 248 - len(talte))
        if b67 is None or b70 is None:
            ut.append((t[0], t[-1], ordinaer))
            continue
        lim = pluss_ukedager(max(base, siste_ukedag(b67)), 60 - len([x for x in talte if x > b67]))
        siste70 = siste_ukedag(b70 - EN_DAG)
        ut.append((t[0], t[-1], ordinaer if ordinaer <= lim else (lim if lim <= siste70 else siste70)))
    return ut


def produkt(g: Grunnlag) -> list[tuple[date, date, date | None]]:
    return [(pt.start, pt.slutt, g.maksdato(pt)) for pt in g.person_tilfeller]


# ---------------------------------------------------------------- generated stories


@st.composite
def historier(draw: st.DrawFn) -> tuple[str, list[Periode]]:
    """1-4 sick spells (gaps of 16+ days between them), 2015-2026. A spell is 1-4 periods, or an
    intermittent one: short sick periods with short breaks for up to four years, so the three-year
    window (MAX-3) moves while the count neither resets nor runs out."""
    fnr = draw(st.sampled_from(PERSONER))
    d = draw(st.dates(date(2015, 1, 1), date(2022, 12, 31)))
    ut: list[Periode] = []
    for nr in range(draw(st.integers(1, 4))):
        if nr:
            d += timedelta(days=draw(st.one_of(st.integers(16, 40), st.integers(160, 200), st.integers(16, 900))))
        intermitterende = draw(st.integers(0, 3)) == 0
        for _ in range(draw(st.integers(40, 70) if intermitterende else st.integers(1, 4))):
            if intermitterende:
                lengde, pause = draw(st.integers(2, 9)), draw(st.integers(8, 15))
            else:
                lengde = draw(st.one_of(st.integers(1, 30), st.integers(100, 250)))
                pause = draw(st.one_of(st.just(0), st.integers(1, 15)))
            grad = draw(st.one_of(st.just(100), st.integers(20, 99)))
            reise = not intermitterende and draw(st.integers(0, 5)) == 0
            ut.append(
                Periode(draw(st.sampled_from(["ORG-1", "ORG-2"])), d, d + timedelta(days=lengde - 1), grad, reise)
            )
            d += timedelta(days=lengde + pause)
    return fnr, ut


@RASKT
@given(historie=historier())
def test_maksdato_equals_a_plain_day_by_day_walk_from_the_rule_text(historie: tuple[str, list[Periode]]) -> None:
    """MAX-1 … MAX-6, REQ-1, REQ-2, TF-1: the product equals ``plain_maksdato`` on every person tilfelle."""
    fnr, perioder = historie
    g = bygg(fnr, perioder)
    assume(len(g.person_tilfeller) <= 4)

    assert produkt(g) == plain_maksdato(perioder, g.fodt)


def test_the_plain_walk_agrees_with_the_rule_examples() -> None:
    """The oracle itself: REQ-2's 166 + 16 example resets, MAX-6's 1948 example gives 2018-01-09."""
    forste = Periode("ORG-1", date(2024, 1, 1), date(2024, 3, 29))
    andre = Periode("ORG-1", date(2024, 9, 12), date(2024, 9, 27))
    assert plain_maksdato([forste, andre], None)[1][2] == pluss_ukedager(date(2024, 9, 27), 248)
    sent = Periode("ORG-1", date(2018, 3, 1), date(2018, 3, 31))
    assert plain_maksdato([sent], date(1948, 1, 10)) == [(sent.fom, sent.tom, date(2018, 1, 9))]


@RASKT
@given(
    s=st.dates(date(2015, 1, 1), date(2025, 12, 31)),
    lengde=st.integers(20, 300),
    run=st.integers(32, 260),
    agp=st.integers(1, 16),
    reise_i_gapet=st.booleans(),
)
@example(s=date(2024, 1, 1), lengde=89, run=181, agp=16, reise_i_gapet=False)
@example(s=date(2024, 1, 1), lengde=89, run=182, agp=16, reise_i_gapet=True)
def test_a_run_of_181_never_resets_and_182_always_does_before_maksdato(
    s: date, lengde: int, run: int, agp: int, reise_i_gapet: bool
) -> None:
    """REQ-1 a, REQ-2: after a first tilfelle, ``run`` days = days without sickness + a new tilfelle
    of ``agp`` arbeidsgiverperiode days (all break days). The count resets iff run ≥ 182."""
    slutt = s + timedelta(days=lengde - 1)
    gap = max(run - agp, 16)
    agp = run - gap
    start2 = slutt + timedelta(days=gap + 1)
    perioder = [Periode("ORG-1", s, slutt), Periode("ORG-1", start2, start2 + timedelta(days=agp - 1))]
    if reise_i_gapet:  # TF-1: reisetilskudd-only days are days without sickness
        perioder.append(Periode("ORG-2", slutt + timedelta(days=3), slutt + timedelta(days=12), 100, True))
    brukt = sum(1 for i in range(16, lengde) if (s + timedelta(days=i)).weekday() < 5)
    base = siste_ukedag(start2 + timedelta(days=15))

    g = bygg("PERSON-1", perioder)

    assert len(g.person_tilfeller) == 2
    forventet = pluss_ukedager(base, 248 if gap + agp >= 182 else 248 - brukt)
    assert g.maksdato(g.person_tilfeller[1]) == forventet


def _nr_ukedag_fra(d: date, n: int) -> date:
    """The n-th Monday–Friday on or after d."""
    while d.weekday() >= 5:
        d += EN_DAG
    return pluss_ukedager(d, n - 1)


@RASKT
@given(
    s=st.dates(date(2015, 1, 1), date(2025, 12, 31)),
    k=st.integers(0, 260),
    h=st.integers(1, 15),
)
@example(s=date(2025, 1, 6), k=181, h=1)
@example(s=date(2025, 1, 6), k=180, h=1)
def test_after_maksdato_the_reset_comes_on_the_first_break_day_at_or_after_day_182(s: date, k: int, h: int) -> None:
    """REQ-1 b: quota used up on x; refused sick days to x + k, then h days without sickness (days
    x+k+1 … x+k+h), then sick 30 more days in the same tilfelle. Reset iff k + h ≥ 182."""
    x = _nr_ukedag_fra(s + timedelta(days=16), 248)
    perioder, d = [], s
    while d <= x + timedelta(days=k):
        tom = min(d + timedelta(days=199), x + timedelta(days=k))
        perioder.append(Periode("ORG-1", d, tom))
        d = tom + EN_DAG
    igjen = x + timedelta(days=k + h + 1)
    perioder.append(Periode("ORG-1", igjen, igjen + timedelta(days=29)))
    betalte = sum(1 for i in range(30) if (igjen + timedelta(days=i)).weekday() < 5)

    g = bygg("PERSON-1", perioder)

    (pt,) = g.person_tilfeller
    if k + h >= 182:
        assert g.maksdato(pt) == pluss_ukedager(siste_ukedag(pt.slutt), 248 - betalte)
    else:
        assert g.maksdato(pt) == x


@RASKT
@given(
    s=st.dates(date(2015, 1, 1), date(2026, 12, 31)),
    lengde=st.integers(1, 600),
    fnr=st.sampled_from(["PERSON-1", syntetisk_fnr(date(1975, 7, 1), 100), syntetisk_fnr(date(1999, 1, 31), 200)]),
)
def test_one_uninterrupted_full_leave_has_maksdato_on_the_248th_weekday_from_s_plus_16(
    s: date, lengde: int, fnr: str
) -> None:
    """MAX-5 (no 67th or 70th birthday within reach)."""
    perioder, d, slutt = [], s, s + timedelta(days=lengde - 1)
    while d <= slutt:
        tom = min(d + timedelta(days=199), slutt)
        perioder.append(Periode("ORG-1", d, tom))
        d = tom + EN_DAG

    g = bygg(fnr, perioder)

    (pt,) = g.person_tilfeller
    assert g.maksdato(pt) == _nr_ukedag_fra(s + timedelta(days=16), 248)


@RASKT
@given(historie=historier(), data=st.data())
def test_turning_a_full_period_into_reisetilskudd_never_makes_a_tilfelle_longer(
    historie: tuple[str, list[Periode]], data: st.DataObject
) -> None:
    """TF-1: every tilfelle after the change lies inside a tilfelle from before (person and case level)."""
    fnr, perioder = historie
    hele = [i for i, p in enumerate(perioder) if p.grad == 100 and not p.reisetilskudd]
    if not hele:
        perioder = [replace(perioder[0], grad=100, reisetilskudd=False), *perioder[1:]]
        hele = [0]
    i = data.draw(st.sampled_from(hele), label="period turned into reisetilskudd")
    endret = [replace(p, reisetilskudd=True) if j == i else p for j, p in enumerate(perioder)]

    for_, etter = bygg(fnr, perioder), bygg(fnr, endret)

    gamle = [(t.start, t.slutt) for t in for_.person_tilfeller]
    for t in etter.person_tilfeller:
        assert any(a <= t.start and t.slutt <= b for a, b in gamle)
    gamle_saker = [(s.orgnr, s.tilfelle.start, s.tilfelle.slutt) for s in for_.saker]
    for s in etter.saker:
        assert any(o == s.orgnr and a <= s.tilfelle.start and s.tilfelle.slutt <= b for o, a, b in gamle_saker)
    assert sum(len(t.dager) for t in etter.person_tilfeller) <= sum(len(t.dager) for t in for_.person_tilfeller)
