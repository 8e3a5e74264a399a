"""Maksdato and requalification across tilfeller (rules.md MAX-1 … MAX-7, REQ-1, REQ-2).

One walk over the person's calendar days in date order, from the first known sick day, across
person tilfeller (MAX-3, REQ-2), as NAV's sykepenger engine counts:

- a paid day (MAX-1) is a sick Monday–Friday (holidays included) after the first 16 sick days of
  its person tilfelle, while the quota is not used up, before the 70th birthday;
- a *break day* (REQ-1) is a day without sickness at any employer (TF-1: reisetilskudd-only
  periods are no sickness) or an arbeidsgiverperiode day; a sick weekend after the
  arbeidsgiverperiode is neither paid nor a break day;
- the 26-week run (REQ-1 a) starts on the first break day after the last counted paid day and
  counts every calendar day until the next paid day; on the day it reaches 182 the count resets.
  After maksdato (REQ-1 b) it starts the day after and counts every day; the reset comes on the
  first break day at which it is at least 182;
- the three-year window (MAX-3) moves only at a paid day that ends a break run;
- from the 70th birthday on the walk stops (MAX-6), so maksdato is never unknown.

Gaps between person tilfeller hold only break days and are skipped as one interval. Weekday
addition skips Saturdays and Sundays only, never holidays (MAX-4).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from domain.identer import bursdag
from domain.kalender import siste_ukedag_til_og_med, ukedag_pluss
from domain.tilfelle import AGP_DAGER, Tilfelle

KVOTE: Final = 248  # MAX-2: paid days
KVOTE_OVER_67: Final = 60  # MAX-2: paid days dated after the 67th birthday
NY_RETT_ETTER_OPPHOLD: Final = 182  # REQ-1: the 26-week run (181 are not enough)
TELLEVINDU_AAR: Final = 3  # MAX-3: the three-year window
EN_DAG: Final = timedelta(days=1)


def minus_aar(d: date, aar: int) -> date:
    """``d`` minus whole years; 29 February gives 28 February (MAX-3)."""
    try:
        return d.replace(year=d.year - aar)
    except ValueError:
        return date(d.year - aar, 2, 28)


@dataclass
class Telling:
    """The walk's state at the end of some day (MAX-3, REQ-1)."""

    fyller67: date | None = None
    talte: deque[tuple[date, bool]] = field(default_factory=deque)  # (paid day, after the 67th birthday)
    brukt67: int = 0
    brukt_opp: date | None = None  # MAX-3: the paid day that used the quota up (maksdato)
    opphold: int | None = None  # REQ-1: length of the current run; None while no run is kept

    @property
    def brukt(self) -> int:
        """``used``: paid days counted since the last reset and still inside the window (MAX-3)."""
        return len(self.talte)

    def nullstill(self) -> None:
        """REQ-1: a new quota, counted from the next paid day; no run until then."""
        self.talte.clear()
        self.brukt67 = 0
        self.brukt_opp = None
        self.opphold = None

    def _tell_opphold(self, dager: int, pausedag: bool) -> None:
        if self.opphold is None:
            if not pausedag or not self.talte:
                return  # REQ-1: the run starts on a break day after a counted paid day
            self.opphold = 0
        self.opphold += dager
        if self.opphold >= NY_RETT_ETTER_OPPHOLD and (pausedag or self.brukt_opp is None):
            self.nullstill()  # REQ-1 a: on day 182; REQ-1 b: on the first break day at or after it

    def pausedager(self, antall: int = 1) -> None:
        """``antall`` consecutive break days (REQ-1): no sickness, or arbeidsgiverperiode days."""
        self._tell_opphold(antall, pausedag=True)

    def sykehelg(self) -> None:
        """A sick Saturday or Sunday after the arbeidsgiverperiode: counts only inside a run."""
        if self.opphold is not None:
            self._tell_opphold(1, pausedag=False)

    def syk_ukedag(self, d: date) -> None:
        """A sick Monday–Friday after the arbeidsgiverperiode: paid (MAX-1) or refused (MAX-3)."""
        if self.brukt_opp is not None:
            self._tell_opphold(1, pausedag=False)  # refused; REQ-1 b counts it toward the run
            return
        if self.opphold is not None:  # MAX-3: this paid day ends a break run and moves the window
            grense = minus_aar(d, TELLEVINDU_AAR)
            while self.talte and self.talte[0][0] < grense:
                self.brukt67 -= self.talte.popleft()[1]
        over67 = self.fyller67 is not None and d > self.fyller67
        self.talte.append((d, over67))
        self.brukt67 += over67
        self.opphold = None
        if self.brukt >= KVOTE or self.brukt67 >= KVOTE_OVER_67:
            self.brukt_opp = d
            self.opphold = 0  # REQ-1 b: the run starts the day after


@dataclass(frozen=True)
class Status:
    """What MAX-4 needs of the walk at a tilfelle's end."""

    brukt: int
    brukt67: int
    brukt_opp: date | None


def _gaa_tilfelle(telling: Telling, t: Tilfelle, stopp: date | None) -> None:
    """Walk one person tilfelle's days ``S … end``, stopping before ``stopp`` (MAX-6).

    Break days (the arbeidsgiverperiode, non-sick days between sick days) are counted as runs;
    a run of break days counts as the same days one by one (``Telling.pausedager``).
    """
    slutt = t.slutt if stopp is None else min(t.slutt, stopp - EN_DAG)
    if slutt < t.start:
        return
    i_agp = min(AGP_DAGER, len(t.dager))
    agp_tom = t.dager[i_agp - 1]  # AGP-3: the person arbeidsgiverperiode; every day up to it is a break day
    forrige = min(agp_tom, slutt)
    telling.pausedager((forrige - t.start).days + 1)
    for d in t.dager[i_agp:]:
        if d > slutt:
            break
        mellom = (d - forrige).days - 1
        if mellom:
            telling.pausedager(mellom)  # REQ-1: days without sickness
        if d.weekday() >= 5:
            telling.sykehelg()
        else:
            telling.syk_ukedag(d)
        forrige = d
    if slutt > forrige:
        telling.pausedager((slutt - forrige).days)


def tell(person_tilfeller: Sequence[Tilfelle], fodt: date | None) -> list[Status]:
    """MAX-3, REQ-1, REQ-2, MAX-6: the counts at the end of each person tilfelle, in one walk.

    ``person_tilfeller`` in date order (TF-3). The count at a tilfelle's end covers every earlier
    tilfelle and the days between; from the 70th birthday on nothing more is counted.
    """
    fyller70 = bursdag(fodt, 70) if fodt else None
    telling = Telling(fyller67=bursdag(fodt, 67) if fodt else None)
    ut: list[Status] = []
    forrige_slutt: date | None = None
    for t in person_tilfeller:
        if forrige_slutt is not None:
            gap_slutt = t.start - EN_DAG if fyller70 is None else min(t.start, fyller70) - EN_DAG
            if gap_slutt > forrige_slutt:  # REQ-2: the days between tilfeller are break days
                telling.pausedager((gap_slutt - forrige_slutt).days)
        if fyller70 is None or t.start < fyller70:
            _gaa_tilfelle(telling, t, fyller70)
        forrige_slutt = t.slutt if fyller70 is None else min(t.slutt, fyller70 - EN_DAG)
        ut.append(Status(telling.brukt, telling.brukt67, telling.brukt_opp))
    return ut


def maksdato(t: Tilfelle, status: Status, fodt: date | None) -> date:
    """MAX-4 for person tilfelle ``t`` from the counts at its end (MAX-6: never unknown)."""
    if status.brukt_opp is not None:
        return status.brukt_opp
    kjente = len(t.dager)
    a = t.dager[AGP_DAGER - 1] if kjente >= AGP_DAGER else t.slutt + timedelta(days=AGP_DAGER - kjente)
    base = siste_ukedag_til_og_med(max(t.slutt, a))
    ordinaer = ukedag_pluss(base, KVOTE - status.brukt)
    if fodt is None:
        return ordinaer
    grense67 = ukedag_pluss(max(base, siste_ukedag_til_og_med(bursdag(fodt, 67))), KVOTE_OVER_67 - status.brukt67)
    siste70 = siste_ukedag_til_og_med(bursdag(fodt, 70) - EN_DAG)
    if ordinaer <= grense67:
        return ordinaer
    return grense67 if grense67 <= siste70 else siste70


def beregn_maksdatoer(person_tilfeller: Sequence[Tilfelle], fodt: date | None) -> list[date]:
    """Maksdato of every person tilfelle (MAX-4, MAX-7), in the order given (TF-3: date order)."""
    return [maksdato(t, s, fodt) for t, s in zip(person_tilfeller, tell(person_tilfeller, fodt), strict=True)]
