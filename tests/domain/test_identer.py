"""Fødselsnummer, D-nummer and organisasjonsnummer check digits, birth dates (rules.md VAL-3, BD-1).

Worked example for 010190 124 (VAL-3):
k1: 0·3 + 1·7 + 0·6 + 1·1 + 9·8 + 0·9 + 1·4 + 2·5 + 4·2 = 102; 102 mod 11 = 3; k1 = 11 − 3 = 8.
k2: 0·5 + 1·4 + 0·3 + 1·2 + 9·7 + 0·6 + 1·5 + 2·4 + 4·3 + 8·2 = 110; 110 mod 11 = 0; 11 → 0.
So 01019012480 is valid. With individnummer 123 the k1 sum is 100, 100 mod 11 = 1, k1 = 10: invalid.
"""

from __future__ import annotations

from datetime import date

import pytest
from factories import syntetisk_fnr

from domain.identer import fodselsdato, gyldig_fnr, gyldig_orgnr

GYLDIG = "01019012480"


def test_a_fodselsnummer_with_correct_k1_and_k2_is_valid() -> None:
    """VAL-3."""
    assert gyldig_fnr(GYLDIG)


def test_a_wrong_first_check_digit_is_invalid() -> None:
    """VAL-3: k1 must be 8."""
    assert not gyldig_fnr("01019012470")


def test_a_wrong_second_check_digit_is_invalid() -> None:
    """VAL-3: k2 must be 0."""
    assert not gyldig_fnr("01019012481")


@pytest.mark.parametrize("kontroll", ["00", "01", "10", "99"])
def test_a_number_whose_k1_would_be_10_is_never_valid(kontroll: str) -> None:
    """VAL-3: k = 10 → invalid, whatever the last two digits are (010190 123: k1 sum 100)."""
    assert not gyldig_fnr("010190123" + kontroll)


def test_a_d_nummer_passes_the_check_digit_test() -> None:
    """VAL-3: D-nummer (day + 40). 410190 124: k1 = 7, k2 = 4."""
    assert gyldig_fnr("41019012474")


def test_a_nav_synthetic_number_with_month_plus_40_passes() -> None:
    """VAL-3: 014190 124: k1 sum 126 → 6, k2 sum 118 → 3."""
    assert gyldig_fnr("01419012463")


def test_a_skatteetaten_synthetic_number_with_month_plus_80_passes() -> None:
    """VAL-3: 018190 124: k1 sum 150 → 4, k2 sum 126 → 6."""
    assert gyldig_fnr("01819012446")


@pytest.mark.parametrize("fnr", ["0101901248", "010190124800", "0101901248a", "PERSON-1", ""])
def test_anything_but_eleven_digits_is_not_a_fodselsnummer(fnr: str) -> None:
    """VAL-3: 11 digits."""
    assert not gyldig_fnr(fnr)


def test_an_organisasjonsnummer_with_the_right_check_digit_is_valid() -> None:
    """VAL-3: 97476067: 27 + 14 + 28 + 42 + 30 + 0 + 18 + 14 = 173; 173 mod 11 = 8; k = 3."""
    assert gyldig_orgnr("974760673")


@pytest.mark.parametrize("orgnr", ["974760674", "97476067", "9747606730", "ORG-1"])
def test_a_wrong_or_malformed_organisasjonsnummer_is_invalid(orgnr: str) -> None:
    """VAL-3."""
    assert not gyldig_orgnr(orgnr)


def test_birth_date_of_an_ordinary_fodselsnummer_with_individnummer_below_500_is_19yy() -> None:
    """BD-1: III 000–499 → 19YY."""
    assert fodselsdato(GYLDIG) == date(1990, 1, 1)


@pytest.mark.parametrize("fnr", ["41019012474", "01419012463", "01819012446"])
def test_d_nummer_and_synthetic_numbers_give_the_real_birth_date(fnr: str) -> None:
    """BD-1: day − 40 for D-nummer, month − 40 or − 80 for synthetic numbers."""
    assert fodselsdato(fnr) == date(1990, 1, 1)


@pytest.mark.parametrize(
    ("fodt", "individ", "forventet"),
    [
        (date(1960, 5, 17), 600, date(1860, 5, 17)),  # 500–749 with YY ≥ 54 → 18YY
        (date(1954, 5, 17), 520, date(1854, 5, 17)),  # boundary YY = 54
        (date(2010, 5, 17), 550, date(2010, 5, 17)),  # 500–999 with YY ≤ 39 → 20YY
        (date(2039, 5, 17), 950, date(2039, 5, 17)),  # boundary YY = 39
        (date(1945, 5, 17), 950, date(1945, 5, 17)),  # 900–999 with YY ≥ 40 → 19YY
        (date(1999, 5, 17), 100, date(1999, 5, 17)),  # 000–499 → 19YY
    ],
)
def test_the_century_comes_from_the_individnummer(fodt: date, individ: int, forventet: date) -> None:
    """BD-1."""
    fnr = syntetisk_fnr(fodt, individ)

    assert fodselsdato(fnr) == forventet


@pytest.mark.parametrize(
    ("fodt", "individ"),
    [
        (date(1945, 5, 17), 800),  # 750–899 with YY ≥ 40
        (date(1950, 5, 17), 600),  # 500–749 with 40 ≤ YY ≤ 53
    ],
)
def test_a_number_whose_century_cannot_be_told_has_an_unknown_birth_date(fodt: date, individ: int) -> None:
    """BD-1: otherwise the birth date is unknown (only the 248-day rule applies)."""
    fnr = syntetisk_fnr(fodt, individ)

    assert fodselsdato(fnr) is None


def test_labels_and_numbers_with_bad_check_digits_have_no_birth_date() -> None:
    """BD-1: only valid 11-digit numbers give a birth date."""
    assert fodselsdato("PERSON-1") is None
    assert fodselsdato("01019012481") is None
