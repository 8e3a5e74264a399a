"""Each role against each endpoint, allowed and refused (ACC-1 … ACC-7, CON-1), on SQLite and PostgreSQL.

The story (``api_hjelp.fortelling``): one arbeidstaker sick at ORG1 (leader leder-A, HR hr-1, sykmelder
lege-1, consent for TV tv-1 and BHT bht-1) and at ORG2 (leader leder-Z, HR hr-2). Read on 2025-03-03.
"""

from __future__ import annotations

from typing import Any

import pytest

from .api_hjelp import FNR, FNR_UTEN_SAK, ORG1, Miljo

ENDEPUNKTER = ("sak", "tidslinje", "historikk", "lesninger", "liste", "innboks", "mine_lesninger", "skriv")

# role, subject, expected status per endpoint, the cases a 200 list holds (ORG1/ORG2), list params
MATRISE: list[tuple[str, str, tuple[int, ...], set[str], dict[str, str]]] = [
    ("AT", FNR, (200, 200, 200, 200, 200, 200, 200, 403), {"ORG1", "ORG2"}, {}),  # ACC-5
    ("AT", FNR_UTEN_SAK, (404, 404, 404, 404, 200, 200, 200, 403), set(), {}),
    ("NL", "leder-A", (200, 200, 404, 404, 200, 200, 403, 403), {"ORG1"}, {}),  # ACC-2
    ("NL", "leder-Z", (404, 404, 404, 404, 200, 200, 403, 403), {"ORG2"}, {}),  # ACC-3: not ORG1's case
    ("NL", "leder-X", (404, 404, 404, 404, 200, 200, 403, 403), set(), {}),
    ("HR", "hr-1", (200, 200, 404, 404, 200, 200, 403, 403), {"ORG1"}, {"orgnr": ORG1}),  # ACC-4
    ("HR", "hr-2", (404, 404, 404, 404, 200, 200, 403, 403), set(), {"orgnr": ORG1}),
    ("SYKMELDER", "lege-1", (404, 200, 404, 404, 403, 200, 403, 403), set(), {}),  # ACC-6
    ("SYKMELDER", "lege-9", (404, 404, 404, 404, 403, 200, 403, 403), set(), {}),
    ("NAV", "NAV", (200, 200, 404, 404, 200, 200, 403, 403), {"ORG1", "ORG2"}, {}),  # ACC-6
    ("TV", "tv-1", (404, 200, 404, 404, 403, 200, 403, 403), set(), {}),  # CON-1
    ("TV", "tv-2", (404, 404, 404, 404, 403, 200, 403, 403), set(), {}),
    ("VO", "tv-1", (404, 404, 404, 404, 403, 200, 403, 403), set(), {}),  # consent is per role
    ("BHT", "bht-1", (404, 200, 404, 404, 403, 200, 403, 403), set(), {}),
    ("AUDITOR", "revisor-1", (200, 200, 200, 200, 200, 403, 403, 403), {"ORG1", "ORG2"}, {}),  # ACC-7
    ("SYSTEM", "integrasjon-1", (404, 404, 404, 404, 403, 403, 403, 400), set(), {}),  # writes only
]


def _kall(m: Miljo, endepunkt: str, sub: str, rolle: str, liste_params: dict[str, str]) -> Any:
    sak = m.saker["ORG1"]
    if endepunkt == "skriv":  # an empty command: SYSTEM gets as far as reading it (400), others not (403)
        return m.klient.post("/api/v1/hendelser", json={}, headers=m.hoder(sub, rolle))
    sti = {
        "sak": f"/api/v1/saker/{sak}",
        "tidslinje": f"/api/v1/saker/{sak}/tidslinje",
        "historikk": f"/api/v1/saker/{sak}/historikk",
        "lesninger": f"/api/v1/saker/{sak}/lesninger",
        "liste": "/api/v1/saker",
        "innboks": "/api/v1/meg/paminnelser",
        "mine_lesninger": "/api/v1/meg/lesninger",
    }[endepunkt]
    return m.les(sti, sub, rolle, params=liste_params if endepunkt == "liste" else None)


@pytest.mark.parametrize(
    ("rolle", "sub", "forventet", "i_lista", "liste_params"),
    MATRISE,
    ids=[f"{r[0]}-{r[1] if r[0] != 'AT' else ('own' if r[1] == FNR else 'other')}" for r in MATRISE],
)
def test_each_role_gets_exactly_what_the_access_rules_give_it(
    historie: Miljo, rolle: str, sub: str, forventet: tuple[int, ...], i_lista: set[str], liste_params: dict[str, str]
) -> None:
    faktisk = {}
    svar = {}
    for endepunkt in ENDEPUNKTER:
        r = _kall(historie, endepunkt, sub, rolle, liste_params)
        faktisk[endepunkt] = r.status_code
        svar[endepunkt] = r

    assert faktisk == dict(zip(ENDEPUNKTER, forventet, strict=True))
    for r in svar.values():
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
    if faktisk["liste"] == 200:
        saker = {c["case_id"] for c in svar["liste"].json()["items"]}
        assert saker == {historie.saker[n] for n in i_lista}


def test_hr_must_name_the_virksomhet_it_lists(historie: Miljo) -> None:
    r = historie.les("/api/v1/saker", "hr-1", "HR")

    assert r.status_code == 400
    assert r.json()["field"] == "orgnr"
    assert r.json()["rule"] == "ACC-4"


def test_a_refused_read_looks_exactly_like_a_read_of_a_case_that_does_not_exist(historie: Miljo) -> None:
    """ACC-1: no probing for case ids."""
    finnes = historie.les(f"/api/v1/saker/{historie.saker['ORG1']}", "leder-X", "NL")
    finnes_ikke = historie.les("/api/v1/saker/00000000-0000-5000-8000-000000000000", "leder-X", "NL")
    egen_uten_sak = historie.les("/api/v1/saker/00000000-0000-5000-8000-000000000000", "leder-A", "NL")

    def uten_request(r: Any) -> dict[str, Any]:
        body: dict[str, Any] = r.json()
        return {k: v for k, v in body.items() if k not in ("request_id", "instance")}

    assert finnes.status_code == finnes_ikke.status_code == egen_uten_sak.status_code == 404
    assert uten_request(finnes) == uten_request(finnes_ikke) == uten_request(egen_uten_sak)


def test_without_a_valid_token_nothing_is_read_or_written(historie: Miljo) -> None:
    sak = historie.saker["ORG1"]
    uten = historie.klient.get(f"/api/v1/saker/{sak}")
    feil_nokkel = historie.klient.get(
        f"/api/v1/saker/{sak}",
        headers={"Authorization": "Bearer " + _token_med_annen_nokkel()},
    )
    skriv = historie.klient.post("/api/v1/hendelser", json={"type": "virksomhet"})

    assert uten.status_code == feil_nokkel.status_code == skriv.status_code == 401
    assert uten.headers["www-authenticate"] == "Bearer"


def test_an_expired_token_is_refused(historie: Miljo) -> None:
    from datetime import UTC, datetime, timedelta

    from service.usecases.auth import lag_token

    gammel = lag_token(
        historie.settings.jwt_key.get_secret_value(), "NAV", "NAV", ttl_s=60, naa=datetime.now(UTC) - timedelta(hours=2)
    )
    r = historie.klient.get(f"/api/v1/saker/{historie.saker['ORG1']}", headers={"Authorization": f"Bearer {gammel}"})

    assert r.status_code == 401


def _token_med_annen_nokkel() -> str:
    from service.usecases.auth import lag_token

    return lag_token("en-helt-annen-nokkel-som-er-lang-nok-0123456789", "NAV", "NAV")
