"""A bad event cannot stop the service: the runner, the slot job, a rebuild and an erasure go on, and
the person whose stream cannot be computed is quarantined (issue 11, item 3; ``projections.karantene``).

The runner tests run on an SQLite file and again on PostgreSQL (``database_url`` in conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from eventsourcing.persistence import OperationalError
from hjelp import vent_til
from karantene_hjelp import FRISK_A, FRISK_B, GIFTIG, ORG, ULESELIG, gift, kl, sak, send, sett_state, ulesbar
from lesemodell_hjelp import tabeller
from sqlalchemy import inspect, select

from projections import gjenoppbygging, karantene, lesemodell
from projections.gjenoppbygging import gjenoppbygg
from projections.oppdaterer import ALLE
from projections.tabeller import PERSONPROJEKSJONER, metadata, saker
from projections.tabeller import karantene as karantenetabell
from scheduler.slot_run import run_slot
from service.bootstrap import Core, build_core
from service.compliance.erasure import slett_fnr
from service.settings import Settings

START = date(2025, 1, 6)
SLOT = kl(date(2025, 2, 3), "08:00")


def lag(url: str, mappe: Path) -> Core:
    return build_core(Settings(database_url=url, data_dir=mappe))


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = lag(database_url, tmp_path)
    yield k
    k.close()


def frisk(k: Core) -> None:
    send(k.app, sak(FRISK_A, START, date(2025, 3, 30), "A"))


def etterpa(k: Core) -> None:
    send(k.app, sak(FRISK_B, date(2025, 1, 13), date(2025, 4, 6), "B"))


def forgiftet(k: Core) -> dict[str, Any]:
    """Two healthy people around a poisoned one (December 9999) and an undecodable one."""
    frisk(k)
    giftig = gift(k.app, GIFTIG, kl(START, "10:00"))
    uleselig, nid, original = ulesbar(k.app, k.engine, ULESELIG, START)
    etterpa(k)
    return {"giftig": giftig, "uleselig": uleselig, "nid": nid, "original": original}


def referanse(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The read models of a store with only the healthy people (same keys: same ids)."""
    mappe = tmp_path / "referanse"
    mappe.mkdir()
    k = lag(f"sqlite:///{mappe / 'syfo.db'}", mappe)
    frisk(k)
    etterpa(k)
    k.oppdaterer.fang_opp()
    rader = tabeller(k.engine)
    k.close()
    return rader


def plan(f: str) -> dict[str, Any]:
    return {
        "type": "oppfolgingsplan_ferdig",
        "fnr": f,
        "orgnr": ORG,
        "dato": "2025-01-20",
        "at": kl(date(2025, 1, 20)).isoformat(),
    }


def karantenerader(k: Core) -> list[dict[str, Any]]:
    with k.engine.connect() as conn:
        return karantene.liste(conn)


# ---------------------------------------------------------------- the runner


def test_the_runner_quarantines_a_poisoned_stream_and_goes_on(
    kjerne: Core, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = forgiftet(kjerne)

    kjerne.oppdaterer.fang_opp()

    siste = kjerne.app.siste_posisjon()
    assert {n: kjerne.oppdaterer.posisjon(n) for n in ALLE} == dict.fromkeys(ALLE, siste)
    assert tabeller(kjerne.engine) == referanse(tmp_path)  # everyone else's rows, row for row
    rader = karantenerader(kjerne)
    assert {(r["person_id"], r["projeksjon"]) for r in rader} == {
        (str(pid), n) for pid in (p["giftig"], p["uleselig"]) for n in PERSONPROJEKSJONER
    }
    giftig = next(r for r in rader if r["person_id"] == str(p["giftig"]))
    assert giftig["feil"] == "OverflowError"
    assert giftig["sted"].startswith("domain/")
    assert giftig["versjon"] == 2
    uleselig = next(r for r in rader if r["person_id"] == str(p["uleselig"]))
    assert uleselig["posisjon"] == p["nid"]
    with kjerne.engine.connect() as conn:
        assert karantene.antall_personer(conn) == 2
    ut = capsys.readouterr().out
    assert "projection_quarantined" in ut
    assert GIFTIG not in ut
    assert ULESELIG not in ut
    assert GIFTIG not in str(rader)


def test_a_quarantine_keeps_the_case_ids_and_is_lifted_when_the_stream_computes_again(
    kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    frisk(kjerne)
    kjerne.oppdaterer.fang_opp()
    with kjerne.engine.connect() as conn:
        case_ids = sorted(conn.execute(select(saker.c.case_id)).scalars())
    virkelig = lesemodell.BYGGERE["saker"]

    def feiler(*_: Any) -> Any:
        raise ZeroDivisionError

    monkeypatch.setitem(lesemodell.BYGGERE, "saker", feiler)
    send(kjerne.app, [plan(FRISK_A)])
    kjerne.oppdaterer.fang_opp()

    rader = karantenerader(kjerne)
    assert sorted((r["projeksjon"], r["feil"], r["case_ids"]) for r in rader) == [
        (navn, "ZeroDivisionError", case_ids) for navn in ("paminnelser", "saker", "tidslinje")
    ]  # the person is held as a whole: no view shows part of a stream that cannot be computed
    with kjerne.engine.connect() as conn:
        assert conn.execute(select(saker)).all() == []  # no stale case rows: the quarantine row says why
    assert tabeller(kjerne.engine)["tidslinje"] == []

    monkeypatch.setitem(lesemodell.BYGGERE, "saker", virkelig)
    ny_leder = {"type": "narmeste_leder", "fnr": FRISK_A, "orgnr": ORG, "leder_id": "leder-ny", "fom": "2025-02-01"}
    send(kjerne.app, [ny_leder | {"at": kl(date(2025, 2, 1)).isoformat()}])
    kjerne.oppdaterer.fang_opp()

    assert karantenerader(kjerne) == []
    with kjerne.engine.connect() as conn:
        assert sorted(conn.execute(select(saker.c.case_id)).scalars()) == case_ids


def test_a_restored_event_lifts_the_quarantine_with_the_next_event(kjerne: Core) -> None:
    p = forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()

    sett_state(kjerne.app, kjerne.engine, p["nid"], p["original"])  # restored from a backup
    send(kjerne.app, [plan(ULESELIG)])
    kjerne.oppdaterer.fang_opp()

    assert {r["person_id"] for r in karantenerader(kjerne)} == {str(p["giftig"])}


# ---------------------------------------------------------------- the slot job and erasure


def test_the_slot_job_goes_on_for_everyone_else(kjerne: Core, tmp_path: Path) -> None:
    forgiftet(kjerne)
    mappe = tmp_path / "ren"
    mappe.mkdir()
    ren = lag(f"sqlite:///{mappe / 'syfo.db'}", mappe)
    frisk(ren)
    etterpa(ren)

    res = run_slot(kjerne, SLOT)
    forventet = run_slot(ren, SLOT)
    ren.close()

    assert res.failed == 0
    assert forventet.updated > 0
    assert [b.trinn.nokkel for b in res.beslutninger] == [b.trinn.nokkel for b in forventet.beslutninger]


def test_a_quarantined_person_can_always_be_erased(kjerne: Core) -> None:
    p = forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()

    giftig = slett_fnr(kjerne, GIFTIG)
    uleselig = slett_fnr(kjerne, ULESELIG)

    assert giftig.registrert
    assert giftig.nokler_makulert == 1
    assert uleselig.registrert
    assert uleselig.nokler_makulert == 1
    # The poisoned stream reads back as placeholders now: computable, out of quarantine. The
    # undecodable row is not under a key, so that stream stays quarantined, with no rows of the person.
    assert {r["person_id"] for r in karantenerader(kjerne)} == {str(p["uleselig"])}
    rader = tabeller(kjerne.engine)
    assert not [r for r in rader["saker"] if r[1] in {str(p["giftig"]), str(p["uleselig"])}]
    assert {r[3] for r in rader["tidslinje"] if r[0] == str(p["giftig"])} == {"makulert", "personopplysninger_slettet"}
    assert slett_fnr(kjerne, ULESELIG).registrert is False  # once is enough


# ---------------------------------------------------------------- rebuild


def test_a_rebuild_over_poison_finishes_quarantines_and_gives_everyone_else_back(kjerne: Core, tmp_path: Path) -> None:
    p = forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()
    live = tabeller(kjerne.engine)

    res = gjenoppbygg(kjerne.oppdaterer, ALLE)

    assert tabeller(kjerne.engine) == live == referanse(tmp_path)
    assert {(r["person_id"], r["projeksjon"]) for r in res.karantene} == {
        (str(pid), n) for pid in (p["giftig"], p["uleselig"]) for n in PERSONPROJEKSJONER
    }
    assert res.posisjon == kjerne.app.siste_posisjon()
    assert _ferske_tabeller(kjerne) == []


class Avbrudd(Exception):
    pass


@pytest.mark.parametrize("hvor", ["replay", "swap"])
def test_a_rebuild_that_fails_midway_leaves_the_old_read_models_whole(
    kjerne: Core, monkeypatch: pytest.MonkeyPatch, hvor: str
) -> None:
    """Whether the log cannot be read in the middle of the replay (the database goes away) or the swap
    itself fails after the first old table is dropped, every old row and position is still there."""
    forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()
    for_ = tabeller(kjerne.engine)
    karantene_for = karantenerader(kjerne)
    posisjoner = {n: kjerne.oppdaterer.posisjon(n) for n in ALLE}
    kjerne.oppdaterer.batch = 3
    if hvor == "replay":
        les = kjerne.app.notifikasjoner
        kall = []

        def notifikasjoner(start: int, antall: int) -> Any:
            kall.append(start)
            if len(kall) == 3:
                raise OperationalError("the database went away")
            return les(start, antall)

        monkeypatch.setattr(kjerne.app, "notifikasjoner", notifikasjoner)
        feil: type[Exception] = OperationalError
    else:
        bytt = gjenoppbygging._bytt

        def halvveis(conn: Any, tabeller_: Sequence[Any], *args: Any) -> None:
            bytt(conn, list(tabeller_[:2]), *args)  # two tables swapped, then the process fails
            raise Avbrudd

        monkeypatch.setattr(gjenoppbygging, "_bytt", halvveis)
        feil = Avbrudd

    with pytest.raises(feil):
        gjenoppbygg(kjerne.oppdaterer, ALLE)

    assert tabeller(kjerne.engine) == for_
    assert karantenerader(kjerne) == karantene_for
    assert {n: kjerne.oppdaterer.posisjon(n) for n in ALLE} == posisjoner
    assert _ferske_tabeller(kjerne) == []
    monkeypatch.undo()
    assert gjenoppbygg(kjerne.oppdaterer, ALLE).hendelser == kjerne.app.siste_posisjon()
    assert tabeller(kjerne.engine) == for_


def test_a_rebuild_leaves_the_schema_the_migrations_made(kjerne: Core) -> None:
    frisk(kjerne)
    kjerne.oppdaterer.fang_opp()

    def indekser() -> dict[str, set[str]]:
        i = inspect(kjerne.engine)
        navn = [t.name for n in ALLE for t in gjenoppbygging.PROJEKSJONER[n]]
        return {t: {str(x["name"]) for x in i.get_indexes(t)} for t in navn}

    def skjema() -> list[str]:  # what alembic sees differ from the code (only the event store's own tables)
        with kjerne.engine.connect() as conn:
            return sorted(str(d) for d in compare_metadata(MigrationContext.configure(conn), metadata))

    for_ = indekser()
    skjema_for = skjema()
    gjenoppbygg(kjerne.oppdaterer, ALLE)

    assert indekser() == for_
    assert all(for_[t.name] for n in ALLE for t in gjenoppbygging.PROJEKSJONER[n] if t.indexes)
    assert skjema() == skjema_for
    assert not [d for d in skjema_for if "karantene" in d or "saker" in d]


def _ferske_tabeller(k: Core) -> list[str]:
    return [t for t in inspect(k.engine).get_table_names() if t.endswith(gjenoppbygging.SUFFIKS)]


def test_quarantine_rows_hold_no_identity_number(kjerne: Core) -> None:
    forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()

    with kjerne.engine.connect() as conn:
        tekst = str(conn.execute(select(karantenetabell)).all())

    assert all(UUID(r["person_id"]) for r in karantenerader(kjerne))
    assert GIFTIG not in tekst
    assert ULESELIG not in tekst


@pytest.mark.postgres
def test_a_row_the_database_refuses_quarantines_only_its_person(tmp_path: Path) -> None:
    """PostgreSQL enforces ``varchar(80)``: a 200-character leader id stored before VAL-11 makes the
    batch fail; it is done again person by person, and only that person is quarantined."""
    from hjelp import ny_postgres_schema

    from domain.sykefravaer import Sykefravaer

    with ny_postgres_schema() as url:
        k = lag(url, tmp_path)
        try:
            frisk(k)
            send(k.app, sak(GIFTIG, START, date(2025, 3, 2), "G"))
            person = k.app.person(k.app.person_for_fnr(GIFTIG))
            data = {"fnr": GIFTIG, "orgnr": ORG, "leder_id": "x" * 200, "fom": "2025-01-20"}
            person._mottatt(Sykefravaer.NarmesteLederRegistrert, data, kl(date(2025, 1, 20)))
            k.app.save(person)
            etterpa(k)

            k.oppdaterer.fang_opp()

            rader = karantenerader(k)
            assert {r["person_id"] for r in rader} == {str(person.id)}
            assert {r["feil"] for r in rader} == {"DataError"}
            assert tabeller(k.engine) == referanse(tmp_path)
            assert {n: k.oppdaterer.posisjon(n) for n in ALLE} == dict.fromkeys(ALLE, k.app.siste_posisjon())
        finally:
            k.close()


def test_rows_the_database_refuses_quarantine_only_their_person(kjerne: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person whose rows break a key: the batch is done again person by person (savepoints)."""
    frisk(kjerne)
    send(kjerne.app, sak(GIFTIG, START, date(2025, 3, 2), "G"))
    etterpa(kjerne)
    giftig = str(kjerne.app.person_for_fnr(GIFTIG))
    virkelig = lesemodell.BYGGERE["saker"]

    def dobbelt(p: Any, inn: Any) -> Any:
        rader = virkelig(p, inn)
        if str(p.person_id) == giftig:
            rader["saker"] = rader["saker"] * 2  # the same case twice: a duplicate primary key
        return rader

    monkeypatch.setitem(lesemodell.BYGGERE, "saker", dobbelt)
    kjerne.oppdaterer.fang_opp()

    rader = karantenerader(kjerne)
    assert {(r["person_id"], r["feil"]) for r in rader} == {(giftig, "IntegrityError")}
    with kjerne.engine.connect() as conn:
        personer = set(conn.execute(select(saker.c.person_id)).scalars())
    assert personer == {str(kjerne.app.person_for_fnr(f)) for f in (FRISK_A, FRISK_B)}


def test_the_runner_thread_survives_a_failing_database_and_beats_again(
    kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the stream's fault, so no quarantine: the pass fails, the heartbeat stops, the next pass goes on."""

    from projections.oppdaterer import Kjoring

    frisk(kjerne)
    ekte = kjerne.oppdaterer.fang_opp
    forsok: list[int] = []

    def fang_opp(*args: Any, **kw: Any) -> int:
        forsok.append(1)
        if len(forsok) <= 2:
            raise OperationalError("the database went away")
        return ekte(*args, **kw)

    monkeypatch.setattr(kjerne.oppdaterer, "fang_opp", fang_opp)
    kjoring = Kjoring(kjerne.oppdaterer, intervall=0.01)
    traad = kjoring.start()
    try:
        vent_til(lambda: kjoring.hjerteslag != 0 or not traad.is_alive(), "a finished pass of the runner")
        assert traad.is_alive()
    finally:
        kjoring.stopp.set()
        kjoring.vekk.set()
        traad.join(10)

    assert len(forsok) >= 3
    assert kjerne.oppdaterer.posisjon("saker") == kjerne.app.siste_posisjon()
    assert karantenerader(kjerne) == []


def test_a_rebuild_lifts_a_quarantine_the_code_no_longer_needs(kjerne: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fix is in a new release: the rebuild computes the stream, and its quarantine row goes."""
    frisk(kjerne)
    monkeypatch.setitem(lesemodell.BYGGERE, "paminnelser", lambda *_: 1 / 0)
    kjerne.oppdaterer.fang_opp()
    assert sorted(r["projeksjon"] for r in karantenerader(kjerne)) == ["paminnelser", "saker", "tidslinje"]
    monkeypatch.undo()

    res = gjenoppbygg(kjerne.oppdaterer, ["paminnelser", "saker", "tidslinje"])

    assert res.karantene == []
    assert karantenerader(kjerne) == []
    assert tabeller(kjerne.engine)["paminnelser"] != []


def test_a_legal_hold_still_stops_the_erasure_of_a_quarantined_person(kjerne: Core) -> None:
    """The erasure without the timeline reads legal holds from their own events (GDPR 17(3)(e))."""
    from domain.oppbevaring import BevaringspaleggError
    from service.compliance.erasure import sett_bevaringspalegg

    send(kjerne.app, sak(GIFTIG, START, date(2025, 3, 2), "G"))
    kjerne.oppdaterer.fang_opp()
    with kjerne.engine.connect() as conn:
        case_id = conn.execute(select(saker.c.case_id)).scalar_one()
    sett_bevaringspalegg(kjerne, case_id, pa=True)
    gift(kjerne.app, GIFTIG, kl(date(2025, 2, 3)))
    kjerne.oppdaterer.fang_opp()
    for_ = kjerne.app.siste_posisjon()

    with pytest.raises(BevaringspaleggError):
        slett_fnr(kjerne, GIFTIG)

    assert kjerne.app.siste_posisjon() == for_
    assert {r["case_ids"][0] for r in karantenerader(kjerne)} == {case_id}


def test_a_rebuild_beside_a_live_runner_and_new_writes_ends_in_the_rows_of_a_quiet_rebuild(kjerne: Core) -> None:
    """The live runner keeps the old tables current while the rebuild fills fresh ones; a command
    stored in the middle of the rebuild is in the swapped-in tables either way."""

    from projections.oppdaterer import Kjoring

    forgiftet(kjerne)
    kjerne.oppdaterer.fang_opp()
    kjerne.oppdaterer.batch = 2
    kjoring = Kjoring(kjerne.oppdaterer, intervall=0.01)
    traad = kjoring.start()
    skrevet: list[int] = []

    def underveis(*_: Any) -> None:
        if not skrevet:
            send(kjerne.app, [plan(FRISK_A), plan(FRISK_B)])
            skrevet.append(kjerne.app.siste_posisjon())

    try:
        res = gjenoppbygg(kjerne.oppdaterer, ALLE, underveis)
        vent_til(lambda: min(kjerne.oppdaterer.posisjon(n) for n in ALLE) >= skrevet[0], "the runner past the write")
    finally:
        kjoring.stopp.set()
        kjoring.vekk.set()
        traad.join(10)
    etter = tabeller(kjerne.engine)
    karantene_etter = karantenerader(kjerne)

    stille = gjenoppbygg(kjerne.oppdaterer, ALLE)

    assert res.posisjon >= skrevet[0]
    assert tabeller(kjerne.engine) == etter
    assert [(r["person_id"], r["projeksjon"]) for r in karantenerader(kjerne)] == [
        (r["person_id"], r["projeksjon"]) for r in karantene_etter
    ]
    assert len(stille.karantene) == 6


def test_a_wrong_master_key_stops_the_runner_instead_of_quarantining_everyone(tmp_path: Path) -> None:
    """A misconfiguration is no poison: nothing is quarantined, no row removed, the position stays."""
    from cryptography.exceptions import InvalidTag
    from pydantic import SecretStr

    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    riktig = lag(url, tmp_path)
    frisk(riktig)
    riktig.oppdaterer.fang_opp()
    for_ = tabeller(riktig.engine)
    posisjon = riktig.oppdaterer.posisjon("saker")
    etterpa(riktig)
    riktig.close()
    feil = build_core(
        Settings(database_url=url, data_dir=tmp_path, master_nokkel=SecretStr("en helt annen hovednøkkel"))
    )

    try:
        with pytest.raises(InvalidTag):
            feil.oppdaterer.fang_opp()
        assert tabeller(feil.engine) == for_
        assert karantenerader(feil) == []
        assert feil.oppdaterer.posisjon("saker") == posisjon
    finally:
        feil.close()
