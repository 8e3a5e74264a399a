"""Identity numbers: fødselsnummer / D-nummer and organisasjonsnummer (rules.md VAL-3, BD-1).

Only the mod-11 check digits are validated, so D-nummer and synthetic test numbers (month +40
or +80) pass. python-stdnum's ``no.fodselsnummer`` also validates the date part and would refuse
those, which is why this small module exists.
"""

from __future__ import annotations

from datetime import date

_FNR_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORGNR = (3, 2, 7, 6, 5, 4, 3, 2)


def _kontrollsiffer(siffer: str, vekter: tuple[int, ...]) -> int | None:
    rest = sum(int(s) * v for s, v in zip(siffer, vekter, strict=True)) % 11
    k = 11 - rest
    if k == 11:
        return 0
    if k == 10:
        return None
    return k


def gyldig_fnr(fnr: str) -> bool:
    """11 digits with valid check digits k1 and k2 (VAL-3)."""
    if len(fnr) != 11 or not fnr.isascii() or not fnr.isdigit():
        return False
    k1 = _kontrollsiffer(fnr[:9], _FNR_K1)
    if k1 is None or k1 != int(fnr[9]):
        return False
    k2 = _kontrollsiffer(fnr[:10], _FNR_K2)
    return k2 is not None and k2 == int(fnr[10])


def gyldig_orgnr(orgnr: str) -> bool:
    """9 digits with a valid mod-11 check digit (VAL-3)."""
    if len(orgnr) != 9 or not orgnr.isascii() or not orgnr.isdigit():
        return False
    k = _kontrollsiffer(orgnr[:8], _ORGNR)
    return k is not None and k == int(orgnr[8])


def fodselsdato(fnr: str) -> date | None:
    """Birth date from a valid fødselsnummer, D-nummer or synthetic number (BD-1).

    Returns None for labels and numbers whose century cannot be told.
    """
    if not gyldig_fnr(fnr):
        return None
    dag, mnd, aa = int(fnr[0:2]), int(fnr[2:4]), int(fnr[4:6])
    individ = int(fnr[6:9])
    if dag > 40:
        dag -= 40  # D-nummer
    if mnd > 80:
        mnd -= 80  # Skatteetaten synthetic
    elif mnd > 40:
        mnd -= 40  # NAV synthetic
    if individ <= 499:
        aar = 1900 + aa
    elif individ <= 749 and aa >= 54:
        aar = 1800 + aa
    elif individ >= 500 and aa <= 39:
        aar = 2000 + aa
    elif individ >= 900 and aa >= 40:
        aar = 1900 + aa
    else:
        return None
    try:
        return date(aar, mnd, dag)
    except ValueError:
        return None


def bursdag(fodt: date, alder: int) -> date:
    """The date someone born on ``fodt`` turns ``alder`` (29 February → 1 March)."""
    try:
        return fodt.replace(year=fodt.year + alder)
    except ValueError:
        return date(fodt.year + alder, 3, 1)
