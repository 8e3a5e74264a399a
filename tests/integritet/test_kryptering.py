"""Encryption at rest: one data key per person, wrapped with the master key (PRIV-1, PRIV-3; GDPR art. 32).

Storage tests run on an SQLite file and on PostgreSQL (``database_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import MapperDeserialisationError
from integritet_hjelp import (
    FNR_A,
    FNR_B,
    ORG,
    alle_tilstander,
    hendelser,
    kl,
    lag_kjerne,
    sak,
    send,
    sett_state,
)
from sqlalchemy import text

from domain.sykefravaer import Sykefravaer
from domain.virksomhet import Virksomhet
from service.bootstrap import Core
from service.compliance.erasure import nokkellager, slett_fnr
from service.compliance.verify import HENDELSE_ENDRET, verifiser
from service.store.encryption import MAGI, SYSTEMSUBJEKT, Hovednokkel, nokkel_id


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = lag_kjerne(database_url, tmp_path)
    send(k, [{"type": "virksomhet", "orgnr": ORG, "hr_id": "hr-1", "at": kl(date(2025, 1, 2))}])
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a", leder="leder-anna"))
    send(k, sak(FNR_B, date(2025, 1, 13), date(2025, 2, 28), "b"))
    yield k
    k.close()


def nokler_i(k: Core, fnr: str) -> set[object]:
    return {nokkel_id(s) for *_, s in hendelser(k, k.app.person_for_fnr(fnr))}


def test_no_event_payload_is_stored_in_clear_text(kjerne: Core) -> None:
    tilstander = alle_tilstander(kjerne)

    assert tilstander
    assert all(s.startswith(MAGI) for s in tilstander)
    for hemmelig in (FNR_A, FNR_B, "leder-anna", "lege-a", "SM-a", "2025-01-06"):
        assert not any(hemmelig.encode() in s for s in tilstander), hemmelig


def test_each_person_has_a_data_key_of_their_own_and_other_streams_use_the_services_key(kjerne: Core) -> None:
    app = kjerne.app
    a, b = nokler_i(kjerne, FNR_A), nokler_i(kjerne, FNR_B)

    assert len(a) == len(b) == 1
    assert a != b
    with kjerne.engine.connect() as conn:
        subjekt = dict(conn.execute(text("SELECT nokkel_id, subjekt FROM datanokler")).tuples().all())
    assert subjekt[str(next(iter(a)))] == str(app.person_for_fnr(FNR_A))
    virksomhet = hendelser(kjerne, Virksomhet.create_id(ORG))
    assert {subjekt[str(nokkel_id(s))] for *_, s in virksomhet} == {str(SYSTEMSUBJEKT)}


def test_the_data_keys_are_stored_only_wrapped_with_the_master_key(kjerne: Core) -> None:
    nid = next(iter(nokler_i(kjerne, FNR_A)))
    with kjerne.engine.connect() as conn:
        innpakket = conn.execute(
            text("SELECT innpakket FROM datanokler WHERE nokkel_id = :n"), {"n": str(nid)}
        ).scalar_one()
    pid = kjerne.app.person_for_fnr(FNR_A)
    ra = Hovednokkel(b"syfo-dev-master-key-for-local-runs-only-0123456789").pakk_ut(nid, pid, innpakket)

    assert len(ra) == 32
    assert ra not in innpakket.encode()
    assert ra.hex() not in innpakket
    with pytest.raises(InvalidTag):
        Hovednokkel(b"another-master-key-0123456789abcdef").pakk_ut(nid, pid, innpakket)


def test_a_payload_moved_onto_another_event_fails_authentication(kjerne: Core) -> None:
    """The stream id, version and topic are authenticated with the payload: no cut-and-paste."""
    app = kjerne.app
    pid = app.person_for_fnr(FNR_A)
    (n1, _, _, s1), (n2, v2, _, _) = hendelser(kjerne, pid)[1:3]

    sett_state(kjerne, n2, s1)
    nokkellager(app).glem_subjekt(pid)

    with pytest.raises(MapperDeserialisationError, match="fails authentication"):
        app.person(pid)
    rapport = verifiser(app, kjerne.engine)
    assert [(b.art, b.notification_id, b.versjon) for b in rapport.brudd] == [(HENDELSE_ENDRET, n2, v2)]
    assert n1 != n2


def test_events_stored_before_encryption_was_on_are_read_and_new_ones_encrypted(
    database_url: str, tmp_path: Path
) -> None:
    klar = lag_kjerne(database_url, tmp_path, kryptering=False)
    try:
        send(klar, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
    finally:
        klar.close()
    k = lag_kjerne(database_url, tmp_path)
    try:
        gamle = [s for *_, s in hendelser(k, k.app.person_for_fnr(FNR_A))]
        assert all(FNR_A.encode() in s for s in gamle if b"fnr" in s)
        assert not any(s.startswith(MAGI) for s in gamle)

        svar = {"type": "dialogmote_svar", "fnr": FNR_A, "orgnr": ORG, "part": "NL", "hensiktsmessig": True}
        send(k, [svar | {"at": kl(date(2025, 2, 3))}])

        person = k.app.person(k.app.person_for_fnr(FNR_A))
        assert [f.type for f in person.fakta][-1] == "dialogmote_svar"
        assert hendelser(k, person.id)[-1][3].startswith(MAGI)
        assert verifiser(k.app, k.engine).ok
        # such events cannot be shredded: an erasure says how many stay readable
        assert slett_fnr(k, FNR_A).ukrypterte == len(gamle)
    finally:
        k.close()


def test_an_application_that_cached_a_destroyed_key_writes_under_a_new_one(
    database_url: str, tmp_path: Path, kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process erased the person while this one still held the key: its write is refused in
    its own transaction (the key row is checked there) and retried under a fresh key."""
    annen = lag_kjerne(database_url, tmp_path)
    try:
        svar = {"type": "dialogmote_svar", "fnr": FNR_A, "orgnr": ORG, "part": "AT", "hensiktsmessig": False}
        annen.app.behandle(annen.app.les(svar | {"at": kl(date(2025, 2, 3))}))  # the key is now cached there
        pid = annen.app.person_for_fnr(FNR_A)
        gammel = next(iter(nokler_i(kjerne, FNR_A)))
        glemt: list[object] = []
        lager = nokkellager(annen.app)
        monkeypatch.setattr(lager, "glem", lambda ider: (glemt.extend(ider), type(lager).glem(lager, ider)))

        slett_fnr(kjerne, FNR_A)
        annen.app.behandle(annen.app.les(sak(FNR_A, date(2026, 5, 4), date(2026, 5, 29), "ny")[0]))

        assert glemt == [gammel]  # refused once, in its own transaction
        ny = nokkel_id(hendelser(kjerne, pid)[-1][3])
        assert ny is not None
        assert ny != gammel
        person = kjerne.app.person(pid)
        assert [f.type for f in person.fakta] == ["sykmelding"]
        assert isinstance(next(iter(kjerne.app.repository.event_store.get(pid))), Sykefravaer.Opprettet)
        assert verifiser(kjerne.app, kjerne.engine).ok
    finally:
        annen.close()


def test_with_the_chain_off_payloads_are_still_encrypted_and_their_keys_checked(
    database_url: str, tmp_path: Path
) -> None:
    k = lag_kjerne(database_url, tmp_path, hashkjede=False)
    try:
        send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))  # the second and third use the first's key

        lagret = hendelser(k, k.app.person_for_fnr(FNR_A))
        assert all(s.startswith(MAGI) for *_, s in lagret)
        assert len({nokkel_id(s) for *_, s in lagret}) == 1
        assert [f.type for f in k.app.person(k.app.person_for_fnr(FNR_A)).fakta] == [
            "sykmelding",
            "narmeste_leder",
            "oppfolgingsplan_ferdig",
        ]
        assert {b.art for b in verifiser(k.app, k.engine).brudd} == {"utenfor_kjeden"}
    finally:
        k.close()
