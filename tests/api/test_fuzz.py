"""Random and malformed commands against a running app: only an accepted command stores, nothing stops it.

Each example is one command sent to ``POST /api/v1/hendelser`` of an app on a real database that
already holds a story (a virksomhet, a leader, a sick note). The commands are valid ones of every
type with zero to three fields replaced by hostile or random values, plus every input that once
stopped the service, as explicit examples. After each command:

- the answer is never 5xx, and a refusal (4xx) stored nothing: the log position did not move (VAL-9);
- the projections catch up without an error, and the story's case is still readable (AUD-1 logs it);
- ``/health/ready`` answers 200 and the hash chain verifies (``syfo verify``).

Rules: VAL-1 … VAL-12, PRIV-1, T-1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.compliance.verify import verifiser

from .api_hjelp import FNR, ORG1, Miljo, kl, miljo

SAK = {"fnr": FNR, "orgnr": ORG1}

# Valid commands of every type against the story below (the clock stands at 2025-03-03 10:00).
MALER: dict[str, dict[str, Any]] = {
    "sykmelding": SAK
    | {
        "type": "sykmelding",
        "id": "SM-F",
        "sykmelder_id": "lege-1",
        "perioder": [{"fom": "2025-03-01", "tom": "2025-03-20", "grad": 50}],
    },
    "egenmelding": SAK | {"type": "egenmelding", "id": "EM-F", "fom": "2025-03-01", "tom": "2025-03-02"},
    "narmeste_leder": SAK | {"type": "narmeste_leder", "leder_id": "leder-B", "fom": "2025-02-01"},
    "virksomhet": {"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1"},
    "dialogmote_innkalt": SAK
    | {
        "type": "dialogmote_innkalt",
        "id": "M-F",
        "mote": 1,
        "tidspunkt": "2025-03-12T10:00:00+01:00",
        "deltakere": [{"rolle": "NL", "id": "leder-A"}, {"rolle": "AT", "id": FNR}],
    },
    "oppfolgingsplan_ferdig": SAK | {"type": "oppfolgingsplan_ferdig", "dato": "2025-03-01"},
    "oppfolgingsplan_delt": SAK | {"type": "oppfolgingsplan_delt", "dato": "2025-03-01", "mottaker": "nav"},
    "unntak": SAK
    | {"type": "unntak", "dato": "2025-03-01", "frist": "aktivitetskrav", "arsak": "MEDISINSKE_GRUNNER", "av": "NAV"},
    "samtykke_gitt": SAK | {"type": "samtykke_gitt", "rolle": "TV", "person_id": "tv-1", "omfang": "mote"},
    "arbeid_gjenopptatt": SAK | {"type": "arbeid_gjenopptatt", "dato": "2025-03-25"},
    "person": {"type": "person", "fnr": FNR, "navn": "Kari Nordmann"},
    "nav_enhet": {"type": "nav_enhet", "fnr": FNR, "enhet": "0312", "veileder_id": "Z990001"},
}

FIENDTLIGE: list[Any] = [
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "x" * 200,
    "a\x00b",
    "\x1b[31mrød\x1b[0m",
    "<script>alert(1)</script>",
    "Pasienten har depresjon F32.1",
    "s\ud800x",
    "x" * 60_000,
    "",
    " ",
    -1,
    0,
    10**30,
    1.5,
    True,
    None,
    [],
    {},
]

verdier = st.one_of(
    st.sampled_from(FIENDTLIGE),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.text(max_size=40),
    st.integers(min_value=-(10**6), max_value=10**6),
)
felter = st.sampled_from(
    ["id", "fnr", "orgnr", "fom", "tom", "dato", "at", "tidspunkt", "leder_id", "sykmelder_id", "hr_id", "navn",
     "enhet", "veileder_id", "person_id", "mote", "grad", "diagnose", "type", "leder_navn", "leder_epost"]
)  # fmt: skip
endringer = st.lists(
    st.one_of(
        st.tuples(st.just("sett"), felter, verdier),
        st.tuples(st.just("fjern"), felter, st.none()),
        st.tuples(st.just("periode"), st.sampled_from(["fom", "tom", "grad", "reisetilskudd"]), verdier),
    ),
    max_size=3,
)


@st.composite
def kommandoer(draw: st.DrawFn) -> dict[str, Any]:
    mal = dict(MALER[draw(st.sampled_from(sorted(MALER)))])
    for art, felt, verdi in draw(endringer):
        if art == "sett":
            mal[felt] = verdi
        elif art == "fjern":
            mal.pop(felt, None)
        elif isinstance(mal.get("perioder"), list) and mal["perioder"]:
            mal["perioder"] = [dict(mal["perioder"][0], **{felt: verdi})]
    return mal


def _sykmelding(perioder: list[dict[str, Any]], **ekstra: Any) -> dict[str, Any]:
    return MALER["sykmelding"] | {"perioder": perioder} | ekstra


# Every input that once stopped the service or leaked through it (hardening issue).
KJENTE_ANGREP: list[dict[str, Any]] = [
    _sykmelding([{"fom": "9999-12-01", "tom": "9999-12-31", "grad": 100}], id="SM-9999"),
    MALER["egenmelding"] | {"id": "EM-9999", "fom": "9999-12-29", "tom": "9999-12-31"},
    MALER["dialogmote_innkalt"] | {"id": "M-9999", "tidspunkt": "9999-12-31T23:59:59-14:00"},
    MALER["narmeste_leder"] | {"leder_id": "l" * 200},
    _sykmelding([{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}], id="s" * 100),
    _sykmelding([{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}], id="SM-NUL", sykmelder_id="lege\x00"),
    _sykmelding([{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}], id="SM-ANSI", sykmelder_id="\x1b[2J"),
    _sykmelding([{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}], id="SM-STOR", sykmelder_id="x" * 60_000),
    _sykmelding([{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}], id="SM-HTML", sykmelder_id="<b>lege</b>"),
    _sykmelding(
        [{"fom": "2025-03-01", "tom": "2025-03-05", "grad": 100}],
        id="SM-DIAG",
        sykmelder_id="Pasienten har depresjon F32.1",
    ),
    MALER["narmeste_leder"] | {"leder_id": "s\ud800x"},
    MALER["oppfolgingsplan_ferdig"] | {"at": "0001-01-01T09:00:00+01:00"},
    MALER["person"] | {"navn": "Kari\x00Nordmann"},
    MALER["nav_enhet"] | {"enhet": "31"},
]


@pytest.fixture
def fuzz_app(database_url: str, tmp_path: Any) -> Iterator[Miljo]:
    with miljo(database_url, tmp_path) as m:
        m.lagre({"type": "virksomhet", "orgnr": ORG1, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))})
        m.lagre(
            SAK | {"type": "narmeste_leder", "leder_id": "leder-A", "fom": "2025-01-01", "at": kl(date(2025, 1, 6))}
        )
        svar = m.lagre(
            _sykmelding([{"fom": "2025-01-06", "tom": "2025-03-28", "grad": 100}], id="SM1", at=kl(date(2025, 1, 6)))
        )
        m.saker = {"ORG1": svar["case_id"]}
        m.kjerne.oppdaterer.fang_opp()
        yield m


def _lesbar(m: Miljo, case_id: str) -> None:
    r = m.les(f"/api/v1/saker/{case_id}/tidslinje", "veileder-1", "NAV")
    assert r.status_code == 200, r.text


def _send(m: Miljo, kommando: dict[str, Any]) -> Any:
    """As JSON with ASCII escapes, so a lone surrogate reaches the server as ``\\ud800`` (valid JSON)."""
    hoder = m.hoder("integrasjon-1", "SYSTEM") | {"content-type": "application/json"}
    return m.klient.post("/api/v1/hendelser", content=json.dumps(kommando).encode(), headers=hoder)


def _kjor(m: Miljo, kommando: dict[str, Any]) -> None:
    for_ = m.kjerne.app.siste_posisjon()
    r = _send(m, kommando)
    etter = m.kjerne.app.siste_posisjon()
    assert r.status_code < 500, r.text
    if r.status_code >= 300:
        assert etter == for_, f"refused with {r.status_code} but stored events: {r.text}"
        assert r.headers["content-type"].startswith("application/problem+json")
    else:
        m.posisjon = max(m.posisjon, r.json()["position"])
    m.kjerne.oppdaterer.fang_opp()  # raises if a stored command cannot be projected
    _lesbar(m, m.saker["ORG1"])
    if r.status_code < 300 and r.json().get("case_id"):
        _lesbar(m, r.json()["case_id"])
    klar = m.klient.get("/health/ready")
    assert klar.status_code == 200, klar.text
    assert klar.json()["status"] == "ok", klar.text
    assert verifiser(m.kjerne.app, m.kjerne.engine).ok


@given(kommando=kommandoer())
@example(kommando=KJENTE_ANGREP[0])
@example(kommando=KJENTE_ANGREP[1])
@example(kommando=KJENTE_ANGREP[2])
@example(kommando=KJENTE_ANGREP[3])
@example(kommando=KJENTE_ANGREP[4])
@example(kommando=KJENTE_ANGREP[5])
@example(kommando=KJENTE_ANGREP[6])
@example(kommando=KJENTE_ANGREP[7])
@example(kommando=KJENTE_ANGREP[8])
@example(kommando=KJENTE_ANGREP[9])
@example(kommando=KJENTE_ANGREP[10])
@example(kommando=KJENTE_ANGREP[11])
@example(kommando=KJENTE_ANGREP[12])
@example(kommando=KJENTE_ANGREP[13])
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_random_and_hostile_commands_store_nothing_unless_accepted_and_stop_nothing(
    fuzz_app: Miljo, kommando: dict[str, Any]
) -> None:
    _kjor(fuzz_app, kommando)


def test_the_known_attacks_are_refused(fuzz_app: Miljo) -> None:
    """Each input that once stopped the service is refused (VAL-10, VAL-11) and stores nothing."""
    for kommando in KJENTE_ANGREP:
        r = _send(fuzz_app, kommando)
        assert r.status_code in (400, 422), (kommando.get("type"), r.status_code, r.text[:200])


def test_raw_bodies_that_are_not_commands_are_refused(fuzz_app: Miljo) -> None:
    hoder = fuzz_app.hoder("integrasjon-1", "SYSTEM") | {"content-type": "application/json"}
    for kropp in [b"", b"{", b"[]", b"null", b'"\\ud800"', b'{"type": "sykmelding\\u0000"}', b"\xff\xfe", b"NaN"]:
        for_ = fuzz_app.kjerne.app.siste_posisjon()
        r = fuzz_app.klient.post("/api/v1/hendelser", content=kropp, headers=hoder)
        assert r.status_code in (400, 422), (kropp, r.status_code, r.text[:200])
        assert fuzz_app.kjerne.app.siste_posisjon() == for_


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2025-13-01T00:00:00Z"])
def test_an_as_of_out_of_range_is_refused(fuzz_app: Miljo, as_of: str) -> None:
    r = fuzz_app.les(f"/api/v1/saker/{fuzz_app.saker['ORG1']}", FNR, "AT", params={"as_of": as_of})
    assert r.status_code in (400, 422), r.text
