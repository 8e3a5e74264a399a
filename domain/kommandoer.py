"""The command vocabulary of scenarios.md, parsed from JSON-like dicts (VAL-1 … VAL-3, VAL-7).

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
from itertools import pairwise
from typing import Any, Final

from domain.errors import UgyldigKommandoError, ValideringsFeil
from domain.identer import gyldig_fnr, gyldig_orgnr

MIN_GRAD: Final = 20  # VAL-1
MAKS_GRAD: Final = 100  # VAL-1
MAKS_SYKMELDING_DAGER: Final = 365  # VAL-1: a note spans at most 365 days

FRISTER: Final = ("oppfolgingsplan", "dialogmote_1", "aktivitetskrav", "dialogmote_2")

# MS-5: frist -> (who registers it, allowed arsak codes)
UNNTAK_TABELL: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "oppfolgingsplan": (
        "NL",
        frozenset({"TILBAKE_UTEN_TILRETTELEGGING", "ALVORLIG_SYKDOM", "GRADERT_DIALOG_FUNGERER"}),
    ),
    "dialogmote_1": (
        "NL",
        frozenset(
            {
                "TILBAKE_UTEN_TILRETTELEGGING",
                "TILRETTELEGGING_FUNGERER",
                "ALVORLIG_SYKDOM",
                "UTSATT_ALVORLIG_SYKDOM",
            }
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
    "virksomhet": {"orgnr": (_R, _str), "hr_id": (_R, _str)},
    "narmeste_leder": {"fnr": (_R, _str), "orgnr": (_R, _str), "leder_id": (_R, _str), "fom": (_R, _dato)},
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
    """Read and validate one command (VAL-1, VAL-2, VAL-3, VAL-6 table, VAL-7).

    ``at`` comes from the data (scenario step) unless given (the API's receipt instant).
    Raises ``UgyldigKommandoError`` for unreadable input and ``ValideringsFeil`` for refusals.
    """
    if not isinstance(data, dict):
        raise UgyldigKommandoError("$", "expected an object")
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
    _valider(k, egenmelding_maks_dager=egenmelding_maks_dager, valider_identer=valider_identer)
    return k


def _valider(k: Kommando, *, egenmelding_maks_dager: int, valider_identer: bool) -> None:
    if valider_identer:
        if "fnr" in k.felter and not gyldig_fnr(k.fnr):
            raise ValideringsFeil("VAL-3", "fnr", "invalid fødselsnummer or D-nummer")
        if "orgnr" in k.felter and not gyldig_orgnr(k.orgnr):
            raise ValideringsFeil("VAL-3", "orgnr", "invalid organisasjonsnummer")
    if k.type == "sykmelding":
        _valider_sykmelding(k["perioder"])
    elif k.type == "egenmelding":
        if k["fom"] > k["tom"]:
            raise ValideringsFeil("E-1", "tom", "tom before fom")
        if (k["tom"] - k["fom"]).days + 1 > egenmelding_maks_dager:
            raise ValideringsFeil("VAL-7", "tom", f"egenmelding longer than {egenmelding_maks_dager} days")
    elif k.type in ("unntak", "unntak_trukket"):
        if k["frist"] not in UNNTAK_TABELL:
            raise ValideringsFeil("VAL-6", "frist", "unknown frist")
        if k.type == "unntak":
            av, koder = UNNTAK_TABELL[k["frist"]]
            if k["av"] != av:
                raise ValideringsFeil("VAL-6", "av", f"{k['frist']} exemptions are registered by {av}")
            if k["arsak"] not in koder:
                raise ValideringsFeil("VAL-6", "arsak", f"arsak not allowed for {k['frist']}")


def _valider_sykmelding(perioder: tuple[Periode, ...]) -> None:
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
