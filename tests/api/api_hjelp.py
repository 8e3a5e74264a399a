"""Builders for the API tests: a real app on a real database, tokens, and one story told through the API.

Identity numbers are synthetic (Skatteetaten, month + 80) with valid check digits (VAL-3). Dates are
fixed; the API's clock is a settable object, never the machine's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hjelp import Klokke, kl_iso, ny_postgres_schema

from domain.kalender import OSLO
from service.background import Background
from service.bootstrap import Core, build_core
from service.devtools.seed import syntetisk_fnr, syntetisk_orgnr
from service.http import lag_api
from service.settings import Settings
from service.usecases.auth import lag_token


def _fnr(individ: int) -> str:
    fnr = syntetisk_fnr(date(1985, 3, 14), individ)
    assert fnr is not None
    return fnr


FNR = _fnr(100)  # the arbeidstaker of the story
FNR_UTEN_SAK = _fnr(101)  # a person with no case
LEDER_FNR = _fnr(103)  # a leader whose id is a fødselsnummer (PRIV-3)
ORG1 = syntetisk_orgnr(1) or ""
ORG2 = syntetisk_orgnr(2) or ""
SLUTT_KLOKKE = datetime(2025, 3, 3, 10, 0, tzinfo=OSLO)


kl = kl_iso  # the API reads ISO text


@dataclass
class Miljo:
    klient: TestClient
    kjerne: Core
    klokke: Klokke
    settings: Settings
    posisjon: int = 0
    saker: dict[str, str] = field(default_factory=dict)

    def hoder(self, sub: str, rolle: str, **ekstra: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + lag_token(self.settings.jwt_key.get_secret_value(), sub, rolle), **ekstra}

    def send(self, kommando: Any, sub: str = "integrasjon-1", rolle: str = "SYSTEM") -> Any:
        return self.klient.post("/api/v1/hendelser", json=kommando, headers=self.hoder(sub, rolle))

    def lagre(self, kommando: dict[str, Any]) -> dict[str, Any]:
        r = self.send(kommando)
        assert r.status_code == 201, r.text
        svar: dict[str, Any] = r.json()
        self.posisjon = max(self.posisjon, svar["position"])
        return svar

    def les(
        self,
        sti: str,
        sub: str,
        rolle: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """A read that must see every write so far (read-your-writes through ``min_position``)."""
        p = {"min_position": self.posisjon, **(params or {})}
        return self.klient.get(sti, params=p, headers={**self.hoder(sub, rolle), **(headers or {})})


def postgres_schema() -> AbstractContextManager[str]:
    """A fresh PostgreSQL schema, already migrated, for a module-scoped fixture."""
    return ny_postgres_schema(migrert=True)


@contextmanager
def miljo(
    database_url: str,
    data_dir: Path,
    klokke: datetime = SLUTT_KLOKKE,
    bakgrunn: Background | None = None,
    **innstillinger: Any,
) -> Iterator[Miljo]:
    settings = Settings(database_url=database_url, data_dir=data_dir, **innstillinger)
    kjerne = build_core(settings)
    k = Klokke(klokke)
    try:
        with TestClient(lag_api(kjerne, bakgrunn, k, settings)) as klient:
            yield Miljo(klient, kjerne, k, settings)
    finally:
        kjerne.close()


def fortelling(m: Miljo) -> None:
    """One person sick at two employers; leader, consents, a dialogmøte 1, a plan, a NAV exemption.

    ``m.saker`` gets ``ORG1`` and ``ORG2``: the case ids at each employer.
    """
    m.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))})
    m.lagre({"type": "virksomhet", "orgnr": ORG2, "hr_id": "hr-2", "at": kl(date(2025, 1, 2))})
    nl = {"type": "narmeste_leder", "fnr": FNR, "fom": "2025-01-01"}
    m.lagre(nl | {"orgnr": ORG1, "leder_id": "leder-A", "at": kl(date(2025, 1, 6), "07:30")})
    m.lagre(nl | {"orgnr": ORG2, "leder_id": "leder-Z", "at": kl(date(2025, 1, 6), "07:31")})
    s1 = m.lagre(
        {
            "type": "sykmelding",
            "id": "SM1",
            "fnr": FNR,
            "orgnr": ORG1,
            "sykmelder_id": "lege-1",
            "medisinske_grunner": True,
            "perioder": [{"fom": "2025-01-06", "tom": "2025-03-28", "grad": 100}],
            "at": kl(date(2025, 1, 6), "07:45"),
        }
    )
    s2 = m.lagre(
        {
            "type": "sykmelding",
            "id": "SM2",
            "fnr": FNR,
            "orgnr": ORG2,
            "sykmelder_id": "lege-2",
            "perioder": [{"fom": "2025-01-06", "tom": "2025-02-14", "grad": 100}],
            "at": kl(date(2025, 1, 6), "07:50"),
        }
    )
    m.saker = {"ORG1": s1["case_id"], "ORG2": s2["case_id"]}
    sak = {"fnr": FNR, "orgnr": ORG1}
    m.lagre(
        sak
        | {"type": "samtykke_gitt", "rolle": "TV", "person_id": "tv-1", "omfang": "mote", "at": kl(date(2025, 1, 10))}
    )
    m.lagre(
        sak
        | {
            "type": "samtykke_gitt",
            "rolle": "BHT",
            "person_id": "bht-1",
            "omfang": "mote_og_plan",
            "at": kl(date(2025, 1, 10), "09:05"),
        }
    )
    m.lagre(
        sak
        | {
            "type": "dialogmote_innkalt",
            "id": "M1",
            "mote": 1,
            "tidspunkt": "2025-02-12T10:00:00+01:00",
            "deltakere": [
                {"rolle": "NL", "id": "leder-A"},
                {"rolle": "AT", "id": FNR},
                {"rolle": "TV", "id": "tv-1"},
                {"rolle": "BHT", "id": "bht-1"},
                {"rolle": "SYKMELDER", "id": "lege-1"},
            ],
            "at": kl(date(2025, 1, 27)),
        }
    )
    m.lagre(sak | {"type": "oppfolgingsplan_ferdig", "dato": "2025-01-29", "at": kl(date(2025, 1, 29))})
    m.lagre(
        sak
        | {"type": "oppfolgingsplan_delt", "dato": "2025-01-30", "mottaker": "sykmelder", "at": kl(date(2025, 1, 30))}
    )
    m.lagre(
        sak
        | {
            "type": "unntak",
            "dato": "2025-02-20",
            "frist": "aktivitetskrav",
            "arsak": "MEDISINSKE_GRUNNER",
            "av": "NAV",
            "at": kl(date(2025, 2, 20)),
        }
    )
    m.lagre(
        sak | {"type": "aktivitetskrav_vurdert", "dato": "2025-02-21", "utfall": "UNNTAK", "at": kl(date(2025, 2, 21))}
    )
