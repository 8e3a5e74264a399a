"""The new vocabulary stored and read back (scenarios.md ``person``, ``nav_enhet``, ``virksomhet.navn``,
``narmeste_leder.leder_navn``/``leder_epost``; rules.md ACC-8, PRIV-4, T-7).

Through ``SyfoApp`` on a temporary SQLite file, like ``test_validering_app``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import kl, steg, sykmelding_steg

from domain.sykefravaer import Sykefravaer
from domain.virksomhet import Virksomhet
from service.store.application import Kvittering, SyfoApp

FNR = "PERSON-1"
ORG = "ORG-1"
S = date(2025, 1, 6)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[SyfoApp]:
    a = SyfoApp({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "x.db")})
    yield a
    a.close()


def _behandle(app: SyfoApp, data: dict[str, Any]) -> Kvittering:
    return app.behandle(app.les(data))


def _person(app: SyfoApp) -> Sykefravaer:
    return app.person(app.person_for_fnr(FNR))


def test_the_employees_name_is_stored_and_the_latest_decides(app: SyfoApp) -> None:
    _behandle(app, steg("person", S, fnr=FNR, navn="Ola Nordman"))
    _behandle(app, steg("person", date(2025, 1, 7), fnr=FNR, navn="Ola Nordmann"))

    g = _person(app).grunnlag(app.innstillinger)

    assert g.navn == "Ola Nordmann"
    assert g.saker == []  # a name opens no case


def test_the_name_as_known_at_an_earlier_instant(app: SyfoApp) -> None:
    """T-7: the grunnlag as known at a time sees only the name known then."""
    _behandle(app, steg("person", S, fnr=FNR, navn="Ola Nordman"))
    _behandle(app, steg("person", date(2025, 1, 7), fnr=FNR, navn="Ola Nordmann"))

    g = _person(app).grunnlag(app.innstillinger, kjent_til=kl(S, "12:00"))

    assert g.navn == "Ola Nordman"


def test_the_same_name_again_stores_nothing(app: SyfoApp) -> None:
    _behandle(app, steg("person", S, fnr=FNR, navn="Ola Nordmann"))
    for_ = app.recorder.max_notification_id()

    igjen = _behandle(app, steg("person", date(2025, 1, 8), fnr=FNR, navn="Ola Nordmann"))

    assert not igjen.nytt
    assert app.recorder.max_notification_id() == for_


def test_nav_enhet_assigns_an_office_and_a_veileder_and_null_unassigns(app: SyfoApp) -> None:
    """ACC-8: ``veileder_id: null`` leaves the person in the office without a veileder."""
    _behandle(app, steg("nav_enhet", S, fnr=FNR, enhet="0314", veileder_id="Z990001"))
    tildelt = _person(app).grunnlag(app.innstillinger).nav_enhet

    _behandle(app, steg("nav_enhet", date(2025, 1, 8), fnr=FNR, enhet="0314", veileder_id=None))
    ufordelt = _person(app).grunnlag(app.innstillinger).nav_enhet

    assert tildelt == ("0314", "Z990001")
    assert ufordelt == ("0314", None)


def test_a_person_with_no_office_has_none(app: SyfoApp) -> None:
    _behandle(app, sykmelding_steg("SM1", S, date(2025, 1, 31)))

    assert _person(app).grunnlag(app.innstillinger).nav_enhet is None


def test_the_leaders_name_and_e_mail_come_with_the_leader_relation(app: SyfoApp) -> None:
    nl = {"fnr": FNR, "orgnr": ORG, "leder_id": "leder-A", "fom": S}
    _behandle(app, steg("narmeste_leder", S, **nl, leder_navn="Kari Nordmann", leder_epost="kari@bakeriet.no"))
    _behandle(app, steg("narmeste_leder", S, **nl | {"leder_id": "leder-B", "fom": date(2025, 2, 1)}))

    g = _person(app).grunnlag(app.innstillinger)
    januar, februar = g.lederrelasjon(ORG, date(2025, 1, 20)), g.lederrelasjon(ORG, date(2025, 2, 3))

    assert januar is not None
    assert (januar["leder_navn"], januar["leder_epost"]) == ("Kari Nordmann", "kari@bakeriet.no")
    assert februar is not None
    assert (februar["leder_id"], februar.get("leder_navn"), februar.get("leder_epost")) == ("leder-B", None, None)
    assert g.narmeste_leder(ORG, date(2025, 2, 3)) == "leder-B"


def test_a_leader_relation_stored_without_the_new_fields_still_loads(app: SyfoApp) -> None:
    """Old events: the payload of a ``NarmesteLederRegistrert`` written before names existed."""
    person = Sykefravaer(strom_id=app.person_for_fnr(FNR), timestamp=kl(S))
    gammel = {"fnr": FNR, "orgnr": ORG, "leder_id": "leder-A", "fom": "2025-01-01"}
    person._mottatt(Sykefravaer.NarmesteLederRegistrert, gammel, kl(S))
    app.save(person)

    relasjon = _person(app).grunnlag(app.innstillinger).lederrelasjon(ORG, S)

    assert relasjon is not None
    assert relasjon["leder_id"] == "leder-A"
    assert relasjon.get("leder_navn") is None


def test_the_virksomhets_name_is_kept_and_a_command_without_it_keeps_it(app: SyfoApp) -> None:
    _behandle(app, steg("virksomhet", S, orgnr=ORG, hr_id="hr-1", navn="Bakeriet AS"))
    nytt_navn = _behandle(app, steg("virksomhet", date(2025, 1, 7), orgnr=ORG, hr_id="hr-1", navn="Bakeriet Nord AS"))
    uten_navn = _behandle(app, steg("virksomhet", date(2025, 1, 8), orgnr=ORG, hr_id="hr-2"))

    v: Virksomhet = app.repository.get(Virksomhet.create_id(ORG))

    assert nytt_navn.nytt
    assert uten_navn.nytt
    assert (v.navn, v.hr_id(kl(date(2025, 1, 9)))) == ("Bakeriet Nord AS", "hr-2")
