"""Builders for rule tests: scenario steps, parsed commands, a person's Grunnlag, synthetic fnr.

Everything takes fixed dates; nothing reads the clock. Instants are Europe/Oslo wall-clock times.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from hjelp import kl

from domain.grunnlag import Grunnlag
from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando, les_kommando

STROM = uuid.UUID("00000000-0000-4000-8000-000000000001")
FNR = "PERSON-1"
ORG = "ORG-1"


def som_json(v: Any) -> Any:
    """Dates and instants as ISO strings, recursively (the JSON form of a step)."""
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [som_json(x) for x in v]
    if isinstance(v, dict):
        return {k: som_json(x) for k, x in v.items()}
    return v


def steg(typ: str, at: date | datetime | str, **felter: Any) -> dict[str, Any]:
    """One scenario step as JSON data; a date ``at`` means 09:00 Oslo time that day."""
    if isinstance(at, datetime):
        at_tekst = at.isoformat()
    elif isinstance(at, date):
        at_tekst = kl(at).isoformat()
    else:
        at_tekst = at
    return {"at": at_tekst, "type": typ, **som_json(felter)}


def periode(fom: date, tom: date, grad: int = 100, **ekstra: Any) -> dict[str, Any]:
    return {"fom": fom, "tom": tom, "grad": grad, **ekstra}


def sykmelding_steg(
    id: str,
    fom: date,
    tom: date,
    grad: int = 100,
    *,
    mottatt: date | datetime | str | None = None,
    fnr: str = FNR,
    orgnr: str = ORG,
    sykmelder_id: str = "lege-1",
    **ekstra: Any,
) -> dict[str, Any]:
    """A one-period sykmelding received (by default) at 09:00 on its fom."""
    return steg(
        "sykmelding",
        mottatt or fom,
        id=id,
        fnr=fnr,
        orgnr=orgnr,
        sykmelder_id=sykmelder_id,
        perioder=[periode(fom, tom, grad)],
        **ekstra,
    )


def kommando(typ: str, at: date | datetime | str, **felter: Any) -> Kommando:
    return les_kommando(steg(typ, at, **felter))


def sykmelding(id: str, fom: date, tom: date, grad: int = 100, **kwargs: Any) -> Kommando:
    return les_kommando(sykmelding_steg(id, fom, tom, grad, **kwargs))


def egenmelding(
    id: str, fom: date, tom: date, *, mottatt: date | datetime | None = None, orgnr: str = ORG, fnr: str = FNR
) -> Kommando:
    return les_kommando(steg("egenmelding", mottatt or fom, id=id, fnr=fnr, orgnr=orgnr, fom=fom, tom=tom))


def grunnlag(*kommandoer: Kommando, innstillinger: Innstillinger | None = None) -> Grunnlag:
    """The Grunnlag of one person from commands given in arrival order."""
    return Grunnlag.bygg(STROM, kommandoer, innstillinger or Innstillinger())


def dager(fom: date, tom: date) -> list[date]:
    return [fom + timedelta(days=i) for i in range((tom - fom).days + 1)]


# ---------------------------------------------------------------- fødselsnummer (VAL-3, BD-1)

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(siffer: str, vekter: tuple[int, ...]) -> int | None:
    k = 11 - sum(int(s) * v for s, v in zip(siffer, vekter, strict=True)) % 11
    return {11: 0, 10: None}.get(k, k)


def med_kontrollsiffer(ni: str) -> str | None:
    """VAL-3 check digits written out from the rule text; None when k1 or k2 would be 10."""
    k1 = _mod11(ni, _K1)
    if k1 is None:
        return None
    k2 = _mod11(ni + str(k1), _K2)
    return None if k2 is None else f"{ni}{k1}{k2}"


def syntetisk_fnr(fodt: date, individ: int, *, d_nummer: bool = False, maaned_pluss: int = 0) -> str:
    """A check-digit-valid number for a birth date, starting at ``individ`` and skipping k = 10."""
    dag = fodt.day + (40 if d_nummer else 0)
    for i in range(individ, individ + 50):
        fnr = med_kontrollsiffer(f"{dag:02d}{fodt.month + maaned_pluss:02d}{fodt.year % 100:02d}{i:03d}")
        if fnr is not None:
            return fnr
    raise ValueError("no valid number near that individnummer")
