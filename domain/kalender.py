"""Oslo calendar dates, working days and reminder slots (rules.md T-1 … T-6, RP-1, RP-2).

Dates are ``datetime.date`` values in Europe/Oslo. Date arithmetic is calendar arithmetic
(T-2): nothing here adds 24-hour durations to instants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
EN_DAG = timedelta(days=1)


def oslo_dato(instant: datetime) -> date:
    """The Oslo calendar date of an instant with offset (T-1)."""
    if instant.tzinfo is None:
        raise ValueError("instant without offset")
    return instant.astimezone(OSLO).date()


@lru_cache(maxsize=64)
def _helligdager(aar: int) -> frozenset[date]:
    # include_sundays=False: otherwise every Sunday is listed as a holiday (T-5).
    return frozenset(holidays.country_holidays("NO", years=aar, include_sundays=False))


def er_helligdag(d: date) -> bool:
    """Norwegian public holiday (T-5, T-6)."""
    return d in _helligdager(d.year)


def ukedag_pluss(d: date, n: int) -> date:
    """``d ⊕ n``: the n-th Monday–Friday date after d; holidays are not skipped (MAX-4)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return d
    uker, rest = divmod(n, 5)
    # The weekdays after a Saturday or Sunday are those after the Friday before it; whole weeks
    # are only exact from a weekday (Saturday ⊕ 5 is Friday, not the next Saturday).
    x = siste_ukedag_til_og_med(d) + timedelta(weeks=uker)
    while rest:
        x += EN_DAG
        if x.weekday() < 5:
            rest -= 1
    return x


def siste_ukedag_til_og_med(d: date) -> date:
    """Latest Monday–Friday date ≤ d (MAX-4 ``base``)."""
    while d.weekday() >= 5:
        d -= EN_DAG
    return d


@dataclass(frozen=True)
class Arbeidskalender:
    """Working days: Monday–Friday, not a public holiday, not a configured closure day (T-5)."""

    stengte_dager: frozenset[date] = field(default_factory=frozenset)
    sendetid: time = time(8, 0)

    @classmethod
    def med(cls, stengte_dager: Iterable[date] = (), sendetid: time = time(8, 0)) -> Arbeidskalender:
        return cls(frozenset(stengte_dager), sendetid)

    def er_arbeidsdag(self, d: date) -> bool:
        return d.weekday() < 5 and not er_helligdag(d) and d not in self.stengte_dager

    def forrige_arbeidsdag(self, d: date) -> date:
        """``prev_wd(d)``: latest working day ≤ d (RP-2)."""
        while not self.er_arbeidsdag(d):
            d -= EN_DAG
        return d

    def neste_arbeidsdag(self, d: date) -> date:
        """``next_wd(d)``: earliest working day ≥ d (RP-2)."""
        while not self.er_arbeidsdag(d):
            d += EN_DAG
        return d

    def arbeidsdager_etter(self, d: date, n: int) -> date:
        """The n-th working day after d (RM-19 follow-up)."""
        while n > 0:
            d += EN_DAG
            if self.er_arbeidsdag(d):
                n -= 1
        return d

    def slot(self, d: date) -> datetime:
        """The reminder slot of working day d: send time Oslo wall clock, with its offset (RP-1)."""
        return datetime.combine(d, self.sendetid, tzinfo=OSLO)

    def neste_slot_etter(self, t: datetime) -> datetime:
        """The first slot strictly after ``t`` (RP-1)."""
        d = oslo_dato(t)
        while not (self.er_arbeidsdag(d) and self.slot(d) > t):
            d += EN_DAG
        return self.slot(d)

    def slots_mellom(self, fra: datetime, til: datetime) -> list[datetime]:
        """Slots s with ``fra < s <= til``, in order (T-8)."""
        d = oslo_dato(fra)
        slutt = oslo_dato(til)
        ut: list[datetime] = []
        while d <= slutt:
            if self.er_arbeidsdag(d):
                s = self.slot(d)
                if fra < s <= til:
                    ut.append(s)
            d += EN_DAG
        return ut
