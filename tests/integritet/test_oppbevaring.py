"""Retention (GDPR art. 5 (1)(e)): case data is erased a configurable number of years (default 3)
after the person's last case closed (TF-4 ``closed_on``) or last command, never under a legal hold.

The retention run uses a fixed clock; storage tests run on SQLite and on PostgreSQL (``database_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.application import project_aggregate
from integritet_hjelp import FNR_A, FNR_B, FNR_C, FNR_D, FNR_E, ORG, case_ids, kl, lag_kjerne, sak, send
from typer.testing import CliRunner

from domain.errors import UkjentSakError
from domain.innstillinger import Innstillinger
from domain.kommandoer import les_kommando
from domain.oppbevaring import (
    GRUNN_ANMODNING,
    GRUNN_OPPBEVARINGSTID,
    OPPBEVARING_AR,
    BevaringspaleggError,
    legg_til_ar,
    slettes_fra,
    utlopt,
)
from domain.sykefravaer import Sykefravaer, makulert_hendelse
from service.bootstrap import Core
from service.cli import app as cli
from service.compliance.erasure import sett_bevaringspalegg
from service.compliance.retention import kjor_oppbevaring
from service.compliance.verify import verifiser

IDAG = date(2025, 6, 2)
NAA = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)


# ---------------------------------------------------------------- the rule (domain, no I/O)


def test_retention_counts_calendar_years_and_29_february_becomes_28_february() -> None:
    assert legg_til_ar(date(2021, 3, 14), 3) == date(2024, 3, 14)
    assert legg_til_ar(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert slettes_fra(date(2021, 3, 14), 3) == date(2024, 3, 15)


def test_data_is_kept_through_the_last_day_and_expires_the_day_after() -> None:
    assert not utlopt(date(2022, 6, 1), OPPBEVARING_AR, date(2025, 6, 1))
    assert utlopt(date(2022, 6, 1), OPPBEVARING_AR, date(2025, 6, 2))


def test_a_person_is_kept_three_years_after_the_last_case_closed_or_the_last_command() -> None:
    person = Sykefravaer(strom_id=uuid4(), timestamp=NAA)
    inn = Innstillinger()
    assert person.oppbevares_til(inn, 3) is None  # nothing kept

    for k in sak(FNR_A, date(2021, 1, 4), date(2021, 2, 26), "a"):
        person.motta(les_kommando(k), inn)

    assert person.oppbevares_til(inn, 3) == date(2024, 3, 14)  # closed_on 2021-03-14 (TF-4: end + 16)

    sen = {"type": "narmeste_leder", "fnr": FNR_A, "orgnr": ORG, "leder_id": "ny", "fom": "2021-05-03"}
    person.motta(les_kommando(sen | {"at": kl(date(2021, 5, 3))}), inn)

    assert person.oppbevares_til(inn, 3) == date(2024, 5, 3)


def test_an_erasure_forgets_every_command_decision_and_delivery_and_names_the_cases() -> None:
    inn = Innstillinger()
    person = Sykefravaer(strom_id=uuid4(), timestamp=NAA)
    for k in sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"):
        person.motta(les_kommando(k), inn)
    (sak_a,) = [s.case_id for s in person.grunnlag(inn).saker]
    person.collect_events()

    assert person.slett(GRUNN_ANMODNING, inn, NAA)

    (e,) = person.collect_events()
    assert isinstance(e, Sykefravaer.PersonopplysningerSlettet)
    assert (e.grunn, e.case_ids, e.PERSONOPPLYSNINGER) == (GRUNN_ANMODNING, [sak_a], False)
    assert (person.fakta, person.beslutninger, person.leveringer, person.slettet) == ([], [], {}, NAA)
    assert person.grunnlag(inn).saker == []
    assert not person.slett(GRUNN_ANMODNING, inn, NAA)  # nothing left


def test_a_legal_hold_refuses_the_erasure_and_an_unknown_case_cannot_be_held() -> None:
    inn = Innstillinger()
    person = Sykefravaer(strom_id=uuid4(), timestamp=NAA)
    for k in sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"):
        person.motta(les_kommando(k), inn)
    (sak_a,) = [s.case_id for s in person.grunnlag(inn).saker]

    assert person.sett_bevaringspalegg(sak_a, inn, NAA)

    with pytest.raises(BevaringspaleggError):
        person.slett(GRUNN_OPPBEVARINGSTID, inn, NAA)
    with pytest.raises(UkjentSakError):
        person.sett_bevaringspalegg("ingen-sak", inn, NAA)
    assert person.opphev_bevaringspalegg(sak_a, NAA)
    assert not person.opphev_bevaringspalegg(sak_a, NAA)
    assert person.slett(GRUNN_OPPBEVARINGSTID, inn, NAA)


def test_a_stream_whose_key_is_destroyed_replays_from_placeholders() -> None:
    """What the mapper returns for unreadable payloads still builds the aggregate (no crash)."""
    inn = Innstillinger()
    person = Sykefravaer(strom_id=uuid4(), timestamp=NAA)
    for k in sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"):
        person.motta(les_kommando(k), inn)
    person.slett(GRUNN_ANMODNING, inn, NAA)
    hendelser = person.collect_events()
    lest = [
        e if not getattr(type(e), "PERSONOPPLYSNINGER", True)
        else makulert_hendelse(type(e).TOPIC, e.originator_id, e.originator_version)
        for e in hendelser
    ]  # fmt: skip

    igjen = project_aggregate(None, lest)

    assert isinstance(igjen, Sykefravaer)
    assert [type(e).__name__ for e in lest] == [
        "Opprettet",
        "Makulert",
        "Makulert",
        "Makulert",
        "PersonopplysningerSlettet",
    ]
    assert (igjen.version, igjen.fakta, igjen.slettet) == (person.version, [], NAA)
    assert makulert_hendelse("syfo:Virksomhet.HrEndret.v1", person.id, 2) is None


# ---------------------------------------------------------------- the job


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    """A: closed 2021-03-14, expired. B: closed 2023-03-13, kept. C: expired but under a legal hold.
    D: no case, one command in 2021, expired. E: closed exactly three years before IDAG, kept."""
    k = lag_kjerne(database_url, tmp_path)
    send(k, sak(FNR_A, date(2021, 1, 4), date(2021, 2, 26), "a"))
    send(k, sak(FNR_B, date(2023, 1, 9), date(2023, 2, 25), "b"))
    send(k, sak(FNR_C, date(2020, 9, 7), date(2020, 10, 30), "c"))
    send(k, [{"type": "narmeste_leder", "fnr": FNR_D, "orgnr": ORG, "leder_id": "d", "fom": "2021-04-06",
              "at": kl(date(2021, 4, 6))}])  # fmt: skip
    send(k, sak(FNR_E, date(2022, 4, 4), date(2022, 5, 17), "e"))  # closed_on 2022-06-02
    (sak_c,) = case_ids(k, FNR_C)
    sett_bevaringspalegg(k, sak_c, pa=True, naa=NAA)
    yield k
    k.close()


def har_data(k: Core, fnr: str) -> bool:
    return bool(k.app.person(k.app.person_for_fnr(fnr)).fakta)


def test_a_retention_run_with_a_fixed_clock_erases_exactly_the_expired_people(kjerne: Core) -> None:
    prove = kjor_oppbevaring(kjerne, IDAG, ar=3, torrkjoring=True, naa=NAA)

    assert (prove.slettet_personer, prove.slettet_saker, prove.holdt_tilbake, prove.feilet) == (2, 1, 1, 0)
    assert all(har_data(kjerne, f) for f in (FNR_A, FNR_B, FNR_C, FNR_D, FNR_E))  # a dry run erases nothing

    rapport = kjor_oppbevaring(kjerne, IDAG, ar=3, naa=NAA)

    assert (rapport.slettet_personer, rapport.slettet_saker, rapport.holdt_tilbake, rapport.feilet) == (2, 1, 1, 0)
    assert {f for f in (FNR_A, FNR_B, FNR_C, FNR_D, FNR_E) if not har_data(kjerne, f)} == {FNR_A, FNR_D}
    slettet = [
        e for e in kjerne.app.repository.event_store.get(kjerne.app.person_for_fnr(FNR_A))
        if isinstance(e, Sykefravaer.PersonopplysningerSlettet)
    ]  # fmt: skip
    assert [(e.grunn, e.timestamp) for e in slettet] == [("oppbevaringstid_utlopt", NAA)]
    assert verifiser(kjerne.app, kjerne.engine).ok

    igjen = kjor_oppbevaring(kjerne, IDAG, ar=3, naa=NAA)

    assert (igjen.slettet_personer, igjen.holdt_tilbake) == (0, 1)  # idempotent


def test_the_next_day_the_case_closed_three_years_before_expires_too(kjerne: Core) -> None:
    kjor_oppbevaring(kjerne, IDAG, ar=3, naa=NAA)

    rapport = kjor_oppbevaring(kjerne, date(2025, 6, 3), ar=3, naa=NAA)

    assert rapport.slettet_personer == 1
    assert not har_data(kjerne, FNR_E)
    assert har_data(kjerne, FNR_B)


def test_a_longer_retention_period_keeps_everyone(kjerne: Core) -> None:
    rapport = kjor_oppbevaring(kjerne, IDAG, ar=5, naa=NAA)

    assert rapport.slettet_personer == 0
    assert all(har_data(kjerne, f) for f in (FNR_A, FNR_B, FNR_D, FNR_E))


def test_syfo_retention_prints_counts_and_lifting_a_legal_hold_lets_the_case_go(
    database_url: str, tmp_path: Path, kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYFO_DATABASE_URL", database_url)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    (sak_c,) = case_ids(kjerne, FNR_C)

    res = CliRunner().invoke(cli, ["retention", "--dry-run", "--today", IDAG.isoformat()])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == (
        "retention as of 2025-06-02 (3 years): considered 4, would erase 2 person(s) with 1 case(s), "
        "kept 1 under legal hold, 0 failed"
    )
    res = CliRunner().invoke(cli, ["legal-hold", "--case", sak_c, "--off"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == f"legal hold off for case {sak_c}"

    res = CliRunner().invoke(cli, ["retention", "--today", IDAG.isoformat()])

    assert res.exit_code == 0, res.output
    assert "erased 3 person(s) with 2 case(s), kept 0 under legal hold" in res.stdout
    assert not har_data(kjerne, FNR_C)
    assert CliRunner().invoke(cli, ["legal-hold", "--case", "no-such-case", "--on"]).exit_code == 2
