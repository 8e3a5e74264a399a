"""Backoff with full jitter: bounds, growth, cap and argument checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.backoff import gi_opp, neste_forsok

BASIS = timedelta(seconds=30)
TAK = timedelta(hours=1)


def test_first_retry_window_is_the_basis() -> None:
    assert neste_forsok(1, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.75) == timedelta(seconds=22.5)
    assert neste_forsok(1, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.5) == timedelta(seconds=15)


def test_window_doubles_with_each_failed_attempt() -> None:
    vinduer = [neste_forsok(n, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.5) for n in (1, 2, 3, 4)]

    assert vinduer == [timedelta(seconds=15), timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]


def test_window_is_capped_by_tak() -> None:
    assert neste_forsok(20, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.5) == timedelta(minutes=30)


def test_huge_attempt_numbers_do_not_overflow() -> None:
    assert neste_forsok(10_000, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.5) == timedelta(minutes=30)


def test_full_jitter_can_retry_at_once() -> None:
    assert neste_forsok(5, basis=BASIS, tak=TAK, tilfeldig=lambda: 0.0) == timedelta(0)


@given(
    forsok=st.integers(min_value=1, max_value=200),
    trekk=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    basis_s=st.integers(min_value=1, max_value=600),
    tak_faktor=st.integers(min_value=1, max_value=1000),
)
def test_wait_stays_within_zero_and_the_capped_window(forsok: int, trekk: float, basis_s: int, tak_faktor: int) -> None:
    basis = timedelta(seconds=basis_s)
    tak = basis * tak_faktor

    vent = neste_forsok(forsok, basis=basis, tak=tak, tilfeldig=lambda: trekk)

    assert timedelta(0) <= vent <= min(tak, basis * 2 ** min(forsok - 1, 20))


@given(forsok=st.integers(min_value=1, max_value=50), trekk=st.floats(min_value=0.0, max_value=0.99))
def test_wait_never_shrinks_for_the_same_draw(forsok: int, trekk: float) -> None:
    denne = neste_forsok(forsok, basis=BASIS, tak=TAK, tilfeldig=lambda: trekk)
    neste = neste_forsok(forsok + 1, basis=BASIS, tak=TAK, tilfeldig=lambda: trekk)

    assert neste >= denne


@pytest.mark.parametrize(
    ("forsok", "basis", "tak", "trekk"),
    [
        (0, BASIS, TAK, 0.5),
        (1, timedelta(0), TAK, 0.5),
        (1, BASIS, timedelta(seconds=1), 0.5),
        (1, BASIS, TAK, 1.0),
        (1, BASIS, TAK, -0.1),
    ],
)
def test_bad_arguments_are_refused(forsok: int, basis: timedelta, tak: timedelta, trekk: float) -> None:
    with pytest.raises(ValueError, match=r"må|kan ikke"):
        neste_forsok(forsok, basis=basis, tak=tak, tilfeldig=lambda: trekk)


def test_gi_opp_after_the_last_allowed_attempt() -> None:
    assert [gi_opp(n, 3) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_gi_opp_refuses_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="maks_forsok"):
        gi_opp(1, 0)
