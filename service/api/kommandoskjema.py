"""The command vocabulary as OpenAPI schemas, generated from the domain's own ``SKJEMA``.

The document therefore cannot drift from what the API accepts; the domain stays the only validator
(``les_kommando``). Identity numbers are shown by shape only: their check digits (VAL-3) and the case
windows (VAL-8) are beyond a schema.
"""

from __future__ import annotations

import inspect
from typing import Any

from domain.kommandoer import MAKS_GRAD, MIN_GRAD, SAKSBUNDNE, SKJEMA
from domain.validering import ID, ID_FELT, MAKS_EPOST, MAKS_NAVN
from service.api.schemas import CASE_EKSEMPEL, FNR_EKSEMPEL, ORGNR_EKSEMPEL

ID_SKJEMA: dict[str, Any] = {
    "type": "string",
    "pattern": f"^{ID.pattern}$",
    "maxLength": 64,
    "description": "an id: 1–64 characters of A–Z a–z 0–9 . _ : - (VAL-11)",
}
NAVN_SKJEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAKS_NAVN,
    "description": "a name: printable text (VAL-11); personal data, stored encrypted (PRIV-4)",
}


def _felt_skjema(typ: str, navn: str, leser: Any) -> dict[str, Any]:
    if navn in ID_FELT:
        return {**ID_SKJEMA, "type": ["string", "null"]} if navn == "veileder_id" else dict(ID_SKJEMA)
    if navn in ("navn", "leder_navn"):
        return dict(NAVN_SKJEMA)
    if navn == "leder_epost":
        return {"type": "string", "format": "email", "maxLength": MAKS_EPOST, "description": "VAL-11; PRIV-4"}
    if navn == "enhet":
        return {"type": "string", "pattern": "^[0-9]{4}$", "description": "NAV office number (VAL-11, ACC-8)"}
    if navn == "fnr":
        return {"type": "string", "pattern": "^[0-9]{11}$", "description": "fødselsnummer or D-nummer (VAL-3)"}
    if navn == "orgnr":
        return {"type": "string", "pattern": "^[0-9]{9}$", "description": "organisasjonsnummer (VAL-3)"}
    qual = getattr(leser, "__qualname__", "")
    if qual.startswith("_enum."):
        lovlige = inspect.getclosurevars(leser).nonlocals["lovlige"]
        return {"enum": list(lovlige)}
    enkle: dict[str, dict[str, Any]] = {
        "_str": {"type": "string", "minLength": 1},
        "_bool": {"type": "boolean"},
        "_int": {"type": "integer"},
        "_dato": {"type": "string", "format": "date"},
        "les_instant": {"type": "string", "format": "date-time"},
    }
    if qual in enkle:
        return dict(enkle[qual])
    if qual == "_perioder":
        return {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "fom": {"type": "string", "format": "date"},
                    "tom": {"type": "string", "format": "date"},
                    "grad": {"type": "integer", "minimum": MIN_GRAD, "maximum": MAKS_GRAD},
                    "reisetilskudd": {"type": "boolean"},
                },
                "required": ["fom", "tom", "grad"],
                "additionalProperties": False,
            },
        }
    if qual == "_deltakere":
        return {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "rolle": {"enum": ["NL", "AT", "SYKMELDER", "NAV", "TV", "VO", "BHT", "HR"]},
                    "id": dict(ID_SKJEMA),
                },
                "required": ["rolle", "id"],
                "additionalProperties": False,
            },
        }
    raise LookupError(f"no schema for the reader of {typ}.{navn} ({qual})")


def kommando_skjemaer() -> dict[str, dict[str, Any]]:
    """One schema per command type (scenarios.md), named ``Kommando_<type>``."""
    ut: dict[str, dict[str, Any]] = {}
    for typ, felter in SKJEMA.items():
        egenskaper: dict[str, Any] = {
            "type": {"type": "string", "enum": [typ]},
            "at": {
                "type": "string",
                "format": "date-time",
                "description": "receipt instant with offset; absent: the server's clock; at most 5 minutes ahead",
            },
        }
        pakrevd = ["type"]
        for navn, (kreves, leser) in felter.items():
            egenskaper[navn] = _felt_skjema(typ, navn, leser)
            if kreves:
                pakrevd.append(navn)
        skjema: dict[str, Any] = {
            "type": "object",
            "title": typ,
            "properties": egenskaper,
            "additionalProperties": False,
        }
        if typ in SAKSBUNDNE:
            egenskaper["case_id"] = {
                "type": "string",
                "minLength": 1,
                "description": "names the case instead of fnr + orgnr",
            }
            skjema["required"] = [p for p in pakrevd if p not in ("fnr", "orgnr")]
            skjema["oneOf"] = [
                {"required": ["fnr", "orgnr"], "not": {"required": ["case_id"]}},
                {"required": ["case_id"], "not": {"anyOf": [{"required": ["fnr"]}, {"required": ["orgnr"]}]}},
            ]
        else:
            skjema["required"] = pakrevd
        ut[f"Kommando_{typ}"] = skjema
    return ut


def kommando_body_skjema() -> dict[str, Any]:
    navn = [f"Kommando_{t}" for t in SKJEMA]
    return {
        "oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in navn],
        "discriminator": {"propertyName": "type", "mapping": {t: f"#/components/schemas/Kommando_{t}" for t in SKJEMA}},
    }


KOMMANDO_EKSEMPLER: dict[str, dict[str, Any]] = {
    "sykmelding": {
        "summary": "A 100 % sick note",
        "value": {
            "type": "sykmelding",
            "at": "2025-01-06T07:45:00+01:00",
            "id": "SM1",
            "fnr": FNR_EKSEMPEL,
            "orgnr": ORGNR_EKSEMPEL,
            "sykmelder_id": "lege-1",
            "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
        },
    },
    "narmeste_leder": {
        "summary": "The nærmeste leder from a date",
        "value": {
            "type": "narmeste_leder",
            "fnr": FNR_EKSEMPEL,
            "orgnr": ORGNR_EKSEMPEL,
            "leder_id": "leder-A",
            "fom": "2025-01-01",
            "leder_navn": "Kari Nordmann",
            "leder_epost": "kari.nordmann@example.com",
        },
    },
    "nav_enhet": {
        "summary": "NAV assigns the person to an office and a veileder",
        "value": {"type": "nav_enhet", "fnr": FNR_EKSEMPEL, "enhet": "0314", "veileder_id": "Z990001"},
    },
    "oppfolgingsplan_ferdig": {
        "summary": "A plan, naming the case by case_id",
        "value": {"type": "oppfolgingsplan_ferdig", "case_id": CASE_EKSEMPEL, "dato": "2025-01-29"},
    },
}
