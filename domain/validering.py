"""The rules a readable command must pass before anything is stored (rules.md §8, VAL-1 … VAL-12).

``domain.kommandoer`` reads a command; ``valider`` then checks it against its own ``at`` only: no
stored state is needed here. The checks that need the person's stream (VAL-4, VAL-5, VAL-8 and the
case-start part of VAL-12) live in ``domain.sykefravaer``.

The order matters for safety, not only for which rule is named: the text of every string is checked
first (``sjekk_tekst``: no control characters, no lone surrogates, which could not even be stored),
then identity numbers (VAL-3) and ids (VAL-11), then every date against ``at`` (VAL-10), so that a
date such as 9999-12-31 never reaches the date arithmetic of the rules after it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Final

from email_validator import EmailNotValidError, validate_email

from domain.errors import ValideringsFeil
from domain.identer import gyldig_fnr, gyldig_orgnr
from domain.kalender import oslo_dato

if TYPE_CHECKING:
    from domain.kommandoer import Kommando

MIN_GRAD: Final = 20  # VAL-1
MAKS_GRAD: Final = 100  # VAL-1
MAKS_SYKMELDING_DAGER: Final = 365  # VAL-1: a note spans at most 365 days

AR_FOR_AT: Final = 5  # VAL-10: dates at most 5 years before the command's `at`
AR_ETTER_AT: Final = 2  # VAL-10: … and at most 2 years after it
TIDLIGSTE_LEDER_FOM: Final = date(1970, 1, 1)  # VAL-10: a leader relation may be old
TIDLIGSTE_AT: Final = date(2000, 1, 1)  # VAL-10: `at` itself (Oslo date)
SENESTE_AT: Final = date(2099, 12, 31)
AR_MOTE_ETTER_AT: Final = 1  # VAL-12: a meeting is called at most one year ahead

ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # VAL-11
ID_FELT: Final = ("id", "leder_id", "sykmelder_id", "hr_id", "person_id", "veileder_id")  # VAL-11
ENHET: Final = re.compile(r"[0-9]{4}")  # VAL-11: a NAV office number
NAVN_FELT: Final = ("navn", "leder_navn")  # VAL-11, PRIV-4
MAKS_NAVN: Final = 200  # VAL-11
MAKS_EPOST: Final = 254  # VAL-11 (RFC 5321 path limit)

# MS-5: frist -> (who registers it, allowed arsak codes)
UNNTAK_TABELL: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "oppfolgingsplan": (
        "NL",
        frozenset({"TILBAKE_UTEN_TILRETTELEGGING", "ALVORLIG_SYKDOM", "GRADERT_DIALOG_FUNGERER"}),
    ),
    "dialogmote_1": (
        "NL",
        frozenset(
            {"TILBAKE_UTEN_TILRETTELEGGING", "TILRETTELEGGING_FUNGERER", "ALVORLIG_SYKDOM", "UTSATT_ALVORLIG_SYKDOM"}
        ),
    ),
    "aktivitetskrav": ("NAV", frozenset({"MEDISINSKE_GRUNNER", "TILRETTELEGGING_IKKE_MULIG"})),
    "dialogmote_2": (
        "NAV",
        frozenset(
            {
                "MEDISINSKE_GRUNNER",
                "INNLEGGELSE_INSTITUSJON",
                "FORVENTET_FRISKMELDING",
                "DOKUMENTERT_TILTAK_FRISKMELDING",
            }
        ),
    ),
}


# ---------------------------------------------------------------- text (VAL-11)


def _ulovlig_tegn(tekst: str) -> bool:
    """A control character (Cc) or a lone surrogate (Cs): never part of an id, a name or a date."""
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in tekst)


def sjekk_tekst(data: Any, sti: str = "$") -> None:
    """VAL-11: no string anywhere in a body, key or value, holds a control character or a lone
    surrogate. Such a string cannot be stored as UTF-8 or shown safely; the field is named by its
    path, never by echoing the string."""
    if isinstance(data, str):
        if _ulovlig_tegn(data):
            raise ValideringsFeil("VAL-11", sti, "control characters and lone surrogates are not allowed")
    elif isinstance(data, Mapping):
        for navn, verdi in data.items():
            if isinstance(navn, str) and _ulovlig_tegn(navn):
                raise ValideringsFeil("VAL-11", sti, "a field name holds control characters or lone surrogates")
            sjekk_tekst(verdi, str(navn) if sti == "$" else f"{sti}.{navn}")
    elif isinstance(data, list | tuple):
        for i, verdi in enumerate(data):
            sjekk_tekst(verdi, f"{sti}[{i}]" if sti != "$" else f"[{i}]")


def gyldig_id(verdi: str) -> bool:
    """VAL-11: 1–64 characters from ``A–Z a–z 0–9 . _ : -``; ids carry no free text (PRIV-1)."""
    return ID.fullmatch(verdi) is not None


def gyldig_navn(verdi: str) -> bool:
    """VAL-11: 1–200 characters of printable text, not only spaces."""
    return 0 < len(verdi) <= MAKS_NAVN and verdi.isprintable() and bool(verdi.strip())


def gyldig_epost(verdi: str) -> bool:
    """VAL-11: an e-mail address of at most 254 characters (syntax only; nothing is looked up)."""
    if len(verdi) > MAKS_EPOST:
        return False
    try:
        validate_email(verdi, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def _sjekk_identer(k: Kommando) -> None:
    for felt in ID_FELT:
        verdi = k.get(felt)
        if verdi is not None and not gyldig_id(verdi):
            raise ValideringsFeil("VAL-11", felt, "an id is 1–64 characters of A–Z a–z 0–9 . _ : -")
    for i, d in enumerate(k.get("deltakere") or ()):
        if not gyldig_id(d.id):
            raise ValideringsFeil("VAL-11", f"deltakere[{i}].id", "an id is 1–64 characters of A–Z a–z 0–9 . _ : -")
    if "enhet" in k.felter and ENHET.fullmatch(k["enhet"]) is None:
        raise ValideringsFeil("VAL-11", "enhet", "a NAV office number is 4 digits")
    for felt in NAVN_FELT:
        if felt in k.felter and not gyldig_navn(k[felt]):
            raise ValideringsFeil("VAL-11", felt, f"a name is 1–{MAKS_NAVN} printable characters")
    if "leder_epost" in k.felter and not gyldig_epost(k["leder_epost"]):
        raise ValideringsFeil("VAL-11", "leder_epost", f"expected an e-mail address of at most {MAKS_EPOST} characters")


# ---------------------------------------------------------------- dates (VAL-10)


def flytt_ar(d: date, ar: int) -> date:
    """Calendar years; 29 February becomes 28 February in a year without it."""
    aar = d.year + ar
    return d.replace(year=aar, day=min(d.day, calendar.monthrange(aar, d.month)[1]))


def trygg_oslo_dato(t: datetime, fra: date, til: date) -> date | None:
    """The Oslo date of an instant when it can lie within ``[fra, til]``; None when it cannot.

    The year as written is checked first: converting 9999-12-31T23:59:59-14:00 to Oslo time would
    overflow (``OverflowError``) before any comparison could refuse it."""
    if not fra.year - 1 <= t.year <= til.year + 1:
        return None
    return oslo_dato(t)


def i_tidsrom(t: datetime) -> bool:
    """VAL-10: an instant whose Oslo date lies in 2000-01-01 … 2099-12-31 (``at``, and ``as_of`` on reads)."""
    d = trygg_oslo_dato(t, TIDLIGSTE_AT, SENESTE_AT)
    return d is not None and TIDLIGSTE_AT <= d <= SENESTE_AT


def _datoer(k: Kommando) -> list[tuple[str, date | datetime]]:
    """Every date and instant of a command, with its field path."""
    ut: list[tuple[str, date | datetime]] = []
    for navn, verdi in k.felter.items():
        if isinstance(verdi, date):  # datetime too
            ut.append((navn, verdi))
        elif navn == "perioder":
            for i, p in enumerate(verdi):
                ut += [(f"perioder[{i}].fom", p.fom), (f"perioder[{i}].tom", p.tom)]
    return ut


def _sjekk_tidsrom(k: Kommando) -> date:
    """VAL-10; returns the Oslo date of ``at``."""
    if not i_tidsrom(k.at):
        raise ValideringsFeil("VAL-10", "at", "at must lie in 2000-01-01 … 2099-12-31")
    idag = oslo_dato(k.at)
    til = flytt_ar(idag, AR_ETTER_AT)
    for felt, verdi in _datoer(k):
        fra = TIDLIGSTE_LEDER_FOM if (k.type, felt) == ("narmeste_leder", "fom") else flytt_ar(idag, -AR_FOR_AT)
        d = trygg_oslo_dato(verdi, fra, til) if isinstance(verdi, datetime) else verdi
        if d is None or not fra <= d <= til:
            raise ValideringsFeil("VAL-10", felt, f"must lie in {fra.isoformat()} … {til.isoformat()} (around at)")
    return idag


def _sjekk_mot_at(k: Kommando, idag: date) -> None:
    """VAL-12, the parts that need only ``at``: nothing held or agreed after the command arrives, and a
    meeting called at most a year ahead. The case-start part is in ``domain.sykefravaer``."""
    if k.type in ("dialogmote_avholdt", "oppfolgingsplan_ferdig", "oppfolgingsplan_delt") and k["dato"] > idag:
        raise ValideringsFeil("VAL-12", "dato", "dato lies after the day the command arrives")
    if k.type == "dialogmote_innkalt" and oslo_dato(k["tidspunkt"]) > flytt_ar(idag, AR_MOTE_ETTER_AT):
        raise ValideringsFeil("VAL-12", "tidspunkt", "a meeting is called at most one year ahead")


# ---------------------------------------------------------------- all rules of one command


def valider(k: Kommando, *, egenmelding_maks_dager: int, valider_identer: bool) -> None:
    """VAL-1, VAL-3, VAL-6 (table), VAL-7, VAL-10, VAL-11, VAL-12 (against ``at``); E-1."""
    if valider_identer:
        if "fnr" in k.felter and not gyldig_fnr(k.fnr):
            raise ValideringsFeil("VAL-3", "fnr", "invalid fødselsnummer or D-nummer")
        if "orgnr" in k.felter and not gyldig_orgnr(k.orgnr):
            raise ValideringsFeil("VAL-3", "orgnr", "invalid organisasjonsnummer")
    _sjekk_identer(k)
    idag = _sjekk_tidsrom(k)
    if k.type == "sykmelding":
        _valider_sykmelding(k["perioder"])
    elif k.type == "egenmelding":
        if k["fom"] > k["tom"]:
            raise ValideringsFeil("E-1", "tom", "tom before fom")
        if (k["tom"] - k["fom"]).days + 1 > egenmelding_maks_dager:
            raise ValideringsFeil("VAL-7", "tom", f"egenmelding longer than {egenmelding_maks_dager} days")
    elif k.type in ("unntak", "unntak_trukket"):
        _valider_unntak(k)
    _sjekk_mot_at(k, idag)


def _valider_unntak(k: Kommando) -> None:
    if k["frist"] not in UNNTAK_TABELL:
        raise ValideringsFeil("VAL-6", "frist", "unknown frist")
    if k.type == "unntak":
        av, koder = UNNTAK_TABELL[k["frist"]]
        if k["av"] != av:
            raise ValideringsFeil("VAL-6", "av", f"{k['frist']} exemptions are registered by {av}")
        if k["arsak"] not in koder:
            raise ValideringsFeil("VAL-6", "arsak", f"arsak not allowed for {k['frist']}")


def _valider_sykmelding(perioder: Any) -> None:
    if not perioder:
        raise ValideringsFeil("VAL-1", "perioder", "at least one periode")
    for i, p in enumerate(perioder):
        if p.fom > p.tom:
            raise ValideringsFeil("VAL-1", f"perioder[{i}].tom", "tom before fom")
        if not MIN_GRAD <= p.grad <= MAKS_GRAD:
            raise ValideringsFeil("VAL-1", f"perioder[{i}].grad", "grad must be 20..100")
    ordnet = sorted(enumerate(perioder), key=lambda ip: ip[1].fom)
    for (_, a), (j, b) in pairwise(ordnet):
        if b.fom <= a.tom:
            raise ValideringsFeil("VAL-1", f"perioder[{j}].fom", "periods of one note overlap")
    fom = min(p.fom for p in perioder)
    tom = max(p.tom for p in perioder)
    if (tom - fom).days + 1 > MAKS_SYKMELDING_DAGER:
        raise ValideringsFeil("VAL-1", "perioder", "a sick note spans at most 365 days")
