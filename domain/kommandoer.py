"""The command vocabulary of scenarios.md, parsed from JSON-like dicts; the rules are in ``domain.validering``.

Two kinds of refusal (VAL-9):
- ``UgyldigKommandoError``: the command cannot be read (unknown ``type``, a required field missing
  or of the wrong JSON type, a malformed date, an ``at`` without offset). Simulate exits 2.
- ``ValideringsFeil``: a readable command that breaks a rule (grade 15, an unknown field such as a
  diagnosis, a bad check digit). It is refused, nothing is stored, and a simulation goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from domain.errors import UgyldigKommandoError, ValideringsFeil
from domain.validering import MAKS_GRAD as MAKS_GRAD  # re-exported: the vocabulary's limits
from domain.validering import MIN_GRAD as MIN_GRAD
from domain.validering import UNNTAK_TABELL as UNNTAK_TABELL
from domain.validering import sjekk_tekst, valider

FRISTER: Final = ("oppfolgingsplan", "dialogmote_1", "aktivitetskrav", "dialogmote_2")


@dataclass(frozen=True)
class Periode:
    fom: date
    tom: date
    grad: int
    reisetilskudd: bool = False


@dataclass(frozen=True)
class Deltaker:
    rolle: str
    id: str


@dataclass(frozen=True)
class Kommando:
    """One accepted-for-reading command: its ``type``, its receipt instant and its fields."""

    type: str
    at: datetime
    felter: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.felter[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.felter.get(key, default)

    @property
    def fnr(self) -> str:
        return str(self.felter["fnr"])

    @property
    def orgnr(self) -> str:
        return str(self.felter["orgnr"])


# ---------------------------------------------------------------- field readers


def _str(v: Any, felt: str) -> str:
    if not isinstance(v, str) or not v:
        raise UgyldigKommandoError(felt, "expected a non-empty string")
    return v


def _str_eller_null(v: Any, felt: str) -> str | None:
    """A string, or ``null`` where null has a meaning (``nav_enhet.veileder_id``: unassigned)."""
    return None if v is None else _str(v, felt)


def _bool(v: Any, felt: str) -> bool:
    if not isinstance(v, bool):
        raise UgyldigKommandoError(felt, "expected true or false")
    return v


def _int(v: Any, felt: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise UgyldigKommandoError(felt, "expected an integer")
    return int(v)


def _dato(v: Any, felt: str) -> date:
    if not isinstance(v, str) or len(v) != 10:
        raise UgyldigKommandoError(felt, "expected a date YYYY-MM-DD")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise UgyldigKommandoError(felt, "expected a date YYYY-MM-DD") from None


def les_instant(v: Any, felt: str) -> datetime:
    """An ISO 8601 instant that must carry an offset (T-1)."""
    if not isinstance(v, str):
        raise UgyldigKommandoError(felt, "expected an ISO 8601 instant with offset")
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        raise UgyldigKommandoError(felt, "expected an ISO 8601 instant with offset") from None
    if t.tzinfo is None or t.utcoffset() is None:
        raise UgyldigKommandoError(felt, "instant has no offset")
    return t


def _enum(*lovlige: Any) -> Callable[[Any, str], Any]:
    def les(v: Any, felt: str) -> Any:
        if isinstance(v, bool) or v not in lovlige:
            raise UgyldigKommandoError(felt, f"expected one of {', '.join(map(str, lovlige))}")
        return v

    return les


def _perioder(v: Any, felt: str) -> tuple[Periode, ...]:
    if not isinstance(v, list):
        raise UgyldigKommandoError(felt, "expected a list of periods")
    ut = []
    for i, p in enumerate(v):
        f = f"{felt}[{i}]"
        if not isinstance(p, dict):
            raise UgyldigKommandoError(f, "expected an object")
        ukjent = set(p) - {"fom", "tom", "grad", "reisetilskudd"}
        if ukjent:
            raise ValideringsFeil("VAL-2", f"{f}.{sorted(ukjent)[0]}", "field not allowed")
        for k in ("fom", "tom", "grad"):
            if k not in p:
                raise UgyldigKommandoError(f"{f}.{k}", "required field missing")
        ut.append(
            Periode(
                fom=_dato(p["fom"], f"{f}.fom"),
                tom=_dato(p["tom"], f"{f}.tom"),
                grad=_int(p["grad"], f"{f}.grad"),
                reisetilskudd=_bool(p.get("reisetilskudd", False), f"{f}.reisetilskudd"),
            )
        )
    return tuple(ut)


def _deltakere(v: Any, felt: str) -> tuple[Deltaker, ...]:
    if not isinstance(v, list):
        raise UgyldigKommandoError(felt, "expected a list of participants")
    ut = []
    for i, d in enumerate(v):
        f = f"{felt}[{i}]"
        if not isinstance(d, dict):
            raise UgyldigKommandoError(f, "expected an object")
        ukjent = set(d) - {"rolle", "id"}
        if ukjent:
            raise ValideringsFeil("VAL-2", f"{f}.{sorted(ukjent)[0]}", "field not allowed")
        for k in ("rolle", "id"):
            if k not in d:
                raise UgyldigKommandoError(f"{f}.{k}", "required field missing")
        rolle = _enum("NL", "AT", "SYKMELDER", "NAV", "TV", "VO", "BHT", "HR")(d["rolle"], f"{f}.rolle")
        ut.append(Deltaker(rolle=rolle, id=_str(d["id"], f"{f}.id")))
    return tuple(ut)


Leser = Callable[[Any, str], Any]
_R, _O = True, False  # required / optional

SKJEMA: Final[dict[str, dict[str, tuple[bool, Leser]]]] = {
    "virksomhet": {"orgnr": (_R, _str), "hr_id": (_R, _str), "navn": (_O, _str)},
    "narmeste_leder": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "leder_id": (_R, _str),
        "fom": (_R, _dato),
        "leder_navn": (_O, _str),
        "leder_epost": (_O, _str),
    },
    "egenmelding": {"id": (_R, _str), "fnr": (_R, _str), "orgnr": (_R, _str), "fom": (_R, _dato), "tom": (_R, _dato)},
    "sykmelding": {
        "id": (_R, _str),
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "sykmelder_id": (_O, _str),
        "perioder": (_R, _perioder),
        "medisinske_grunner": (_O, _bool),
        "utdypende_opplysninger": (_O, _bool),
    },
    "sykmelding_annullert": {"id": (_R, _str)},
    "arbeid_gjenopptatt": {"fnr": (_R, _str), "orgnr": (_R, _str), "dato": (_R, _dato)},
    "oppfolgingsplan_ferdig": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "dato": (_R, _dato),
        "aktivitet_umulig": (_O, _bool),
    },
    "oppfolgingsplan_delt": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "dato": (_R, _dato),
        "mottaker": (_R, _enum("sykmelder", "nav")),
    },
    "unntak": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "dato": (_R, _dato),
        "frist": (_R, _str),
        "arsak": (_R, _str),
        "av": (_R, _enum("NL", "NAV")),
    },
    "unntak_trukket": {"fnr": (_R, _str), "orgnr": (_R, _str), "dato": (_R, _dato), "frist": (_R, _str)},
    "dialogmote_innkalt": {
        "id": (_R, _str),
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "mote": (_R, _enum(1, 2, 3)),
        "tidspunkt": (_R, les_instant),
        "deltakere": (_R, _deltakere),
    },
    "dialogmote_avholdt": {"id": (_R, _str), "dato": (_R, _dato)},
    "dialogmote_avlyst": {"id": (_R, _str)},
    "dialogmote_svar": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "part": (_R, _enum("NL", "AT", "SYKMELDER")),
        "hensiktsmessig": (_R, _bool),
    },
    "dialogmote_onsket": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "mote": (_R, _enum(2, 3)),
        "av": (_R, _enum("NL", "AT", "SYKMELDER")),
    },
    "aktivitetskrav_vurdert": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "dato": (_R, _dato),
        "utfall": (_R, _enum("OPPFYLT", "UNNTAK", "IKKE_OPPFYLT", "AVVENT")),
    },
    "samtykke_gitt": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "rolle": (_R, _enum("TV", "VO", "BHT", "SYKMELDER")),
        "person_id": (_R, _str),
        "omfang": (_R, _enum("mote", "mote_og_plan")),
    },
    "samtykke_trukket": {
        "fnr": (_R, _str),
        "orgnr": (_R, _str),
        "rolle": (_R, _enum("TV", "VO", "BHT", "SYKMELDER")),
        "person_id": (_R, _str),
    },
    "person": {"fnr": (_R, _str), "navn": (_R, _str)},
    "nav_enhet": {"fnr": (_R, _str), "enhet": (_R, _str), "veileder_id": (_O, _str_eller_null)},
}

# Commands that name a case and attach to its window (TF-7, VAL-8).
SAKSBUNDNE: Final = frozenset(
    {
        "arbeid_gjenopptatt",
        "oppfolgingsplan_ferdig",
        "oppfolgingsplan_delt",
        "unntak",
        "unntak_trukket",
        "dialogmote_innkalt",
        "dialogmote_svar",
        "dialogmote_onsket",
        "aktivitetskrav_vurdert",
        "samtykke_gitt",
        "samtykke_trukket",
    }
)


def les_kommando(
    data: Any, *, at: datetime | None = None, egenmelding_maks_dager: int = 3, valider_identer: bool = False
) -> Kommando:
    """Read and validate one command (VAL-1 … VAL-3, VAL-6 table, VAL-7, VAL-10 … VAL-12 against ``at``).

    ``at`` comes from the data (scenario step) unless given (the API's receipt instant).
    Raises ``UgyldigKommandoError`` for unreadable input and ``ValideringsFeil`` for refusals.
    """
    if not isinstance(data, dict):
        raise UgyldigKommandoError("$", "expected an object")
    sjekk_tekst(data)  # VAL-11: before any string is read, compared, stored or echoed
    if "type" not in data:
        raise UgyldigKommandoError("type", "required field missing")
    typ = data["type"]
    if not isinstance(typ, str) or typ not in SKJEMA:
        raise UgyldigKommandoError("type", f"unknown command type {typ!r}")
    if at is None:
        if "at" not in data:
            raise UgyldigKommandoError("at", "required field missing")
        at = les_instant(data["at"], "at")
    elif at.tzinfo is None:
        raise UgyldigKommandoError("at", "instant has no offset")
    skjema = SKJEMA[typ]
    # Readability first: a missing required field or a wrong JSON type makes the command unreadable.
    felter: dict[str, Any] = {}
    for navn, (pakrevd, leser) in skjema.items():
        if navn in data:
            felter[navn] = leser(data[navn], navn)
        elif pakrevd:
            raise UgyldigKommandoError(navn, "required field missing")
    ukjent = sorted(set(data) - set(skjema) - {"type", "at"})
    if ukjent:
        # VAL-2 / PRIV-1: this is how a diagnosis or a medical text is kept out.
        raise ValideringsFeil("VAL-2", ukjent[0], f"field not allowed for {typ}")
    k = Kommando(type=typ, at=at, felter=felter)
    valider(k, egenmelding_maks_dager=egenmelding_maks_dager, valider_identer=valider_identer)
    return k
