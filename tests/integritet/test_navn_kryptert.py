"""Names and contact data are personal data like the fnr (rules.md PRIV-4, RET-3).

``person.navn``, ``narmeste_leder.leder_navn`` and ``leder_epost`` are stored in the person's stream,
encrypted with that person's data key, and unreadable once the key is destroyed by an erasure;
``virksomhet.navn`` is stored encrypted under the service's key (the employer's stream holds no
person's data). Read straight from the tables, as someone with database access but no keys would.
Storage tests run on an SQLite file and on PostgreSQL (``database_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from integritet_hjelp import FNR_A, ORG, alle_tilstander, hendelser, kl, lag_kjerne, sak, send
from sqlalchemy import text

from domain.sykefravaer import Sykefravaer
from service.bootstrap import Core
from service.compliance.erasure import slett_fnr
from service.store.encryption import MAGI, SYSTEMSUBJEKT, nokkel_id

NAVN = "Ola Ødegård Nordmann"
LEDER_NAVN = "Kari Bjørnstad"
LEDER_EPOST = "kari.bjornstad@bakeriet.no"
VIRKSOMHET = "Bakeriet Ødegård AS"


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = lag_kjerne(database_url, tmp_path)
    send(k, [{"type": "virksomhet", "orgnr": ORG, "hr_id": "hr-1", "navn": VIRKSOMHET, "at": kl(date(2025, 1, 2))}])
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
    send(
        k,
        [
            {"type": "person", "fnr": FNR_A, "navn": NAVN, "at": kl(date(2025, 1, 6), "10:00")},
            {"type": "nav_enhet", "fnr": FNR_A, "enhet": "0314", "veileder_id": "Z990001", "at": kl(date(2025, 1, 7))},
            {
                "type": "narmeste_leder",
                "fnr": FNR_A,
                "orgnr": ORG,
                "leder_id": "leder-kari",
                "fom": "2025-01-06",
                "leder_navn": LEDER_NAVN,
                "leder_epost": LEDER_EPOST,
                "at": kl(date(2025, 1, 6), "10:05"),
            },
        ],
    )
    yield k
    k.close()


def _i_klartekst(tilstander: list[bytes], verdi: str) -> bool:
    return any(verdi.encode() in s or verdi.encode("unicode_escape") in s for s in tilstander)


def test_no_name_or_e_mail_is_stored_in_clear_text(kjerne: Core) -> None:
    tilstander = alle_tilstander(kjerne)

    assert all(s.startswith(MAGI) for s in tilstander)
    for verdi in (NAVN, "Nordmann", LEDER_NAVN, LEDER_EPOST, "bakeriet.no", VIRKSOMHET, "0314", "Z990001"):
        assert not _i_klartekst(tilstander, verdi), verdi


def test_the_names_are_encrypted_with_the_persons_own_key(kjerne: Core) -> None:
    person_id = kjerne.app.person_for_fnr(FNR_A)
    navnehendelser = {
        Sykefravaer.PersonRegistrert.TOPIC,
        Sykefravaer.NavEnhetTildelt.TOPIC,
        Sykefravaer.NarmesteLederRegistrert.TOPIC,
    }

    nokler = {nokkel_id(s) for _, _, topic, s in hendelser(kjerne, person_id) if topic in navnehendelser}
    with kjerne.engine.connect() as conn:
        subjekt = dict(conn.execute(text("SELECT nokkel_id, subjekt FROM datanokler")).tuples().all())

    assert len(nokler) == 1
    assert {subjekt[str(n)] for n in nokler} == {str(person_id)}
    assert str(SYSTEMSUBJEKT) not in {subjekt[str(n)] for n in nokler}


def test_the_service_reads_the_names_back(kjerne: Core) -> None:
    app = kjerne.app
    g = app.person(app.person_for_fnr(FNR_A)).grunnlag(app.innstillinger)
    relasjon = g.lederrelasjon(ORG, date(2025, 1, 10))

    assert g.navn == NAVN
    assert g.nav_enhet == ("0314", "Z990001")
    assert relasjon is not None
    assert (relasjon["leder_navn"], relasjon["leder_epost"]) == (LEDER_NAVN, LEDER_EPOST)


def test_after_erasure_the_names_cannot_be_read_and_no_read_model_row_holds_them(kjerne: Core) -> None:
    """RET-3 with PRIV-4: the key is destroyed, the read-model rows purged."""
    app = kjerne.app
    slett_fnr(kjerne, FNR_A)
    kjerne.oppdaterer.fang_opp()

    person = app.person(app.person_for_fnr(FNR_A))
    with kjerne.engine.connect() as conn:
        rader = [str(r) for r in conn.execute(text("SELECT data FROM tidslinje")).scalars()]

    assert person.grunnlag(app.innstillinger).navn is None
    assert person.fakta == []
    for verdi in (NAVN, LEDER_NAVN, LEDER_EPOST):
        assert not any(verdi in r for r in rader), verdi
