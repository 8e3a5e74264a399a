"""Erasure (GDPR art. 17): after `erase`, nothing readable of the person is left in the read models,
the event payloads, the logs or the API's answers; the chain still verifies; other people are untouched.

Storage tests run on an SQLite file and on PostgreSQL (``database_url``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from integritet_hjelp import (
    FNR_A,
    FNR_B,
    alt_som_tekst,
    case_ids,
    hendelser,
    lag_kjerne,
    sak,
    send,
)
from lesemodell_hjelp import tabeller
from sqlalchemy import select, text
from typer.testing import CliRunner

from domain.kalender import OSLO
from domain.oppbevaring import GRUNN_ANMODNING, BevaringspaleggError
from domain.sykefravaer import Sykefravaer
from projections.tabeller import PERSONPROJEKSJONER, PROJEKSJONER, paminnelser, tidslinje
from service.bootstrap import Core
from service.cli import app as cli
from service.compliance.erasure import PersonNotFoundError, sett_bevaringspalegg, slett_fnr, slett_person
from service.compliance.verify import verifiser
from service.store import hashchain as kjede
from service.store.encryption import MAGI, nokkel_id

ERASED_AT = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
HEMMELIGHETER_A = (FNR_A, "leder-anna", "lege-a", "SM-a")


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = lag_kjerne(database_url, tmp_path)
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a", leder="leder-anna"))
    send(k, sak(FNR_B, date(2025, 1, 13), date(2025, 3, 14), "b"))
    yield k
    k.close()


def rader_for(k: Core, person_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection row of one person."""
    ut = {}
    with k.engine.connect() as conn:
        for t in {t for n in PERSONPROJEKSJONER for t in PROJEKSJONER[n]}:
            q = select(t).where(t.c.person_id == person_id).order_by(*t.primary_key.columns)
            ut[t.name] = [tuple(r) for r in conn.execute(q)]
    return ut


def test_an_erased_person_leaves_no_readable_data_and_the_chain_still_verifies(
    kjerne: Core, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    app = kjerne.app
    a, b = app.person_for_fnr(FNR_A), app.person_for_fnr(FNR_B)
    saker_a = case_ids(kjerne, FNR_A)
    b_for = rader_for(kjerne, str(b))
    b_fakta = app.person(b).fakta
    with kjerne.engine.connect() as conn:
        planlagt = select(paminnelser).where(paminnelser.c.person_id == str(a), paminnelser.c.status == "planned")
        assert conn.execute(planlagt).first() is not None  # reminders were pending
    assert FNR_A in alt_som_tekst(kjerne.engine)  # the read model held the fnr (saker.fnr)
    caplog.set_level(logging.DEBUG)

    with structlog.testing.capture_logs() as logglinjer:
        sletting = slett_fnr(kjerne, FNR_A, naa=ERASED_AT)
        rapport = verifiser(app, kjerne.engine)

    assert sletting.registrert
    assert sorted(sletting.case_ids) == sorted(saker_a)
    assert sletting.nokler_makulert == 1
    assert sletting.ukrypterte == 0
    # the chain covers the ciphertext: it still verifies, erasure event included
    assert rapport.ok, rapport.brudd
    # no read model holds the person's data (PRIV-1, PRIV-3): no row of theirs but placeholders
    alt = alt_som_tekst(kjerne.engine, unntatt={app.recorder.events_table_name})  # type: ignore[attr-defined]
    for hemmelig in HEMMELIGHETER_A:
        assert hemmelig not in alt, hemmelig
    rader = rader_for(kjerne, str(a))
    assert {navn for navn, r in rader.items() if r} == {"tidslinje"}
    with kjerne.engine.connect() as conn:
        tl = conn.execute(select(tidslinje.c.hendelse, tidslinje.c.data).where(tidslinje.c.person_id == str(a)))
        hendelser_a = [(h, d) for h, d in tl]
    assert {h for h, _ in hendelser_a} == {"makulert", "personopplysninger_slettet"}
    assert hendelser_a[-1] == ("personopplysninger_slettet", {"grunn": GRUNN_ANMODNING, "case_ids": saker_a})
    # the payloads are unreadable: the key is destroyed, events read back as placeholders
    lagret = hendelser(kjerne, a)
    assert all(s.startswith(MAGI) for *_, s in lagret)
    with kjerne.engine.connect() as conn:
        nokler = conn.execute(text("SELECT innpakket FROM datanokler WHERE subjekt = :s"), {"s": str(a)}).all()
    assert nokler == [(None,)]
    gamle = list(app.repository.event_store.get(a))
    assert [type(e).__name__ for e in gamle][1:-1] == ["Makulert"] * (len(gamle) - 2)
    assert isinstance(gamle[-1], Sykefravaer.PersonopplysningerSlettet)
    assert nokkel_id(lagret[-1][3]) != nokkel_id(lagret[0][3])  # the erasure itself is under the service's key
    assert app.person(a).fakta == []
    # no pending reminder is left to send, and the slot job finds nothing to decide
    assert app.vurder_slot(a, datetime(2025, 2, 17, 8, 0, tzinfo=OSLO)) == []
    assert a not in set(kjerne.kandidater_for_slot(datetime(2025, 2, 17, 8, 0, tzinfo=OSLO)))
    # no log line holds the person's data (PRIV-3)
    logget = repr(logglinjer) + caplog.text + "".join(capsys.readouterr())
    for hemmelig in HEMMELIGHETER_A:
        assert hemmelig not in logget, hemmelig
    assert any(linje["event"] == "personopplysninger_slettet" for linje in logglinjer)
    # other people are untouched
    assert rader_for(kjerne, str(b)) == b_for
    assert app.person(b).fakta == b_fakta


def test_a_rebuild_after_an_erasure_gives_the_same_rows(kjerne: Core) -> None:
    slett_fnr(kjerne, FNR_A, naa=ERASED_AT)
    live = tabeller(kjerne.engine)

    kjerne.oppdaterer.gjenoppbygg()

    assert tabeller(kjerne.engine) == live


def test_erasing_twice_records_one_erasure(kjerne: Core) -> None:
    forste = slett_fnr(kjerne, FNR_A, naa=ERASED_AT)
    andre = slett_fnr(kjerne, FNR_A, naa=ERASED_AT)

    assert (forste.registrert, andre.registrert) == (True, False)
    assert andre.nokler_makulert == 0
    topics = [t for _, _, t, _ in hendelser(kjerne, forste.person_id)]
    assert topics.count(Sykefravaer.PersonopplysningerSlettet.TOPIC) == 1


def test_a_person_never_stored_cannot_be_erased(kjerne: Core) -> None:
    with pytest.raises(PersonNotFoundError):
        slett_fnr(kjerne, "10108000398")


def test_a_case_under_legal_hold_stops_the_erasure_until_the_hold_is_lifted(kjerne: Core) -> None:
    (sak_a,) = case_ids(kjerne, FNR_A)

    assert sett_bevaringspalegg(kjerne, sak_a, pa=True, naa=ERASED_AT)
    assert not sett_bevaringspalegg(kjerne, sak_a, pa=True, naa=ERASED_AT)  # already on
    with pytest.raises(BevaringspaleggError) as feil:
        slett_fnr(kjerne, FNR_A, naa=ERASED_AT)
    assert feil.value.regel == "GDPR 17(3)(e)"
    assert kjerne.app.person(kjerne.app.person_for_fnr(FNR_A)).fakta  # nothing erased

    assert sett_bevaringspalegg(kjerne, sak_a, pa=False, naa=ERASED_AT)
    assert slett_fnr(kjerne, FNR_A, naa=ERASED_AT).registrert
    with kjerne.engine.connect() as conn:
        q = select(tidslinje.c.hendelse, tidslinje.c.case_id).where(tidslinje.c.hendelse.like("bevaringspalegg%"))
        vist = sorted(conn.execute(q).tuples())
    assert vist == [("bevaringspalegg_opphevet", sak_a), ("bevaringspalegg_satt", sak_a)]


def test_a_person_erased_and_sick_again_starts_afresh(kjerne: Core) -> None:
    slett_person(kjerne, kjerne.app.person_for_fnr(FNR_A), naa=ERASED_AT)

    send(kjerne, sak(FNR_A, date(2026, 5, 4), date(2026, 6, 26), "igjen"))

    (ny,) = case_ids(kjerne, FNR_A)
    with kjerne.engine.connect() as conn:
        saker = conn.execute(text("SELECT case_id, fnr, start FROM saker WHERE fnr = :f"), {"f": FNR_A}).all()
    assert [(c, str(s)[:10]) for c, _, s in saker] == [(ny, "2026-05-04")]
    assert verifiser(kjerne.app, kjerne.engine).ok


def test_syfo_erase_names_no_identity_number_and_refuses_under_a_legal_hold(
    database_url: str, tmp_path: Path, kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYFO_DATABASE_URL", database_url)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    (sak_b,) = case_ids(kjerne, FNR_B)

    res = CliRunner().invoke(cli, ["erase", "--fnr", "-"], input=FNR_A + "\n")
    assert res.exit_code == 0, res.output
    siste = res.stdout.splitlines()[-1]
    assert siste == f"erased: stream {kjerne.app.person_for_fnr(FNR_A)}, 1 case(s), 1 key(s) destroyed"
    assert FNR_A not in res.output
    assert CliRunner().invoke(cli, ["legal-hold", "--case", sak_b, "--on"]).exit_code == 0

    res = CliRunner().invoke(cli, ["erase", "--fnr", FNR_B])

    assert res.exit_code == 1
    assert "legal hold" in res.stderr
    assert kjerne.app.person(kjerne.app.person_for_fnr(FNR_B)).fakta


def test_the_erasure_event_and_the_destruction_of_the_key_commit_together(
    kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both happen in the events' own transaction: when that fails, neither happened."""
    pid = kjerne.app.person_for_fnr(FNR_A)

    def feil(*_: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(kjede.Lagringsvakt, "_kjed", feil)
    with pytest.raises(RuntimeError, match="disk is full"):
        slett_person(kjerne, pid, naa=ERASED_AT)
    monkeypatch.undo()

    with kjerne.engine.connect() as conn:
        nokler = conn.execute(text("SELECT innpakket FROM datanokler WHERE subjekt = :s"), {"s": str(pid)}).all()
    assert [n is not None for (n,) in nokler] == [True]
    kjerne.app.mapper.nokler.glem_subjekt(pid)  # type: ignore[attr-defined]
    assert kjerne.app.person(pid).fakta  # still readable, nothing recorded
    assert Sykefravaer.PersonopplysningerSlettet.TOPIC not in {t for _, _, t, _ in hendelser(kjerne, pid)}
