"""Retry timing for reminders whose delivery failed with a temporary error.

Exponential backoff with "full jitter": the wait before the next attempt is drawn uniformly
between zero and ``min(tak, basis * 2 ** (forsok - 1))``. The jitter spreads retries from many
processes so a receiver that comes back up is not hit by all of them at once. The random
source is a parameter, so the function stays pure and tests can pin it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_MIKROSEKUND = timedelta(microseconds=1)
_MAKS_EKSPONENT = 64
"""2**64 times any positive basis is far above any sensible cap, so larger exponents change nothing."""


def neste_forsok(forsok: int, *, basis: timedelta, tak: timedelta, tilfeldig: Callable[[], float]) -> timedelta:
    """Wait before the next attempt, after ``forsok`` failed attempts (1 after the first failure).

    ``tilfeldig`` returns a float in [0, 1), like ``random.random``. The result lies in
    ``[0, min(tak, basis * 2 ** (forsok - 1))]``.
    """
    if forsok < 1:
        raise ValueError(f"forsok må være minst 1, fikk {forsok}")
    if basis <= timedelta(0):
        raise ValueError("basis må være positiv")
    if tak < basis:
        raise ValueError("tak kan ikke være mindre enn basis")
    trekk = tilfeldig()
    if not 0.0 <= trekk < 1.0:
        raise ValueError(f"tilfeldig() må gi et tall i [0, 1), ga {trekk}")

    eksponent = min(forsok - 1, _MAKS_EKSPONENT)
    # Integer microseconds: timedelta * 2**n overflows long before Python ints do.
    vindu = min(tak // _MIKROSEKUND, (basis // _MIKROSEKUND) << eksponent)
    return timedelta(microseconds=int(trekk * vindu))


def gi_opp(forsok: int, maks_forsok: int) -> bool:
    """True when ``forsok`` attempts have been made and no more are allowed."""
    if maks_forsok < 1:
        raise ValueError(f"maks_forsok må være minst 1, fikk {maks_forsok}")
    return forsok >= maks_forsok
