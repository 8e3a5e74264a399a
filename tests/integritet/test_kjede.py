"""The hash chain: every stored event is linked in its stream and in the store; `verify` names the
first broken link (AUD-2: what was recorded can be shown to be what was recorded).

Each test runs on an SQLite file and again on PostgreSQL (``database_url``), and tampers with the
tables directly, as someone with database access but without the service's keys would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from integritet_hjelp import (
    FNR_A,
    FNR_B,
    flipp_byte,
    hendelser,
    kl,
    lag_kjerne,
    sak,
    send,
    slett_hendelse,
    slett_kjederad,
)
from sqlalchemy import text
from typer.testing import CliRunner

from domain.sykefravaer import Sykefravaer
from service.bootstrap import Core
from service.cli import app as cli
from service.compliance import verify as integritet
from service.compliance.verify import verifiser
from service.store import hashchain as kjede
from service.store.hashchain import KjedeFeil


@pytest.fixture
def kjerne(database_url: str, tmp_path: Path) -> Iterator[Core]:
    k = lag_kjerne(database_url, tmp_path)
    send(k, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
    send(k, sak(FNR_B, date(2025, 1, 13), date(2025, 2, 28), "b"))
    yield k
    k.close()


def sykmelding_av(k: Core, fnr: str) -> tuple[int, int]:
    """(notification id, version) of the person's sick note."""
    pid = k.app.person_for_fnr(fnr)
    return next((n, v) for n, v, t, _ in hendelser(k, pid) if t == Sykefravaer.SykmeldingMottatt.TOPIC)


def test_a_store_written_by_the_service_verifies_with_one_chain_row_per_event(kjerne: Core) -> None:
    rapport = verifiser(kjerne.app, kjerne.engine)

    assert rapport.ok, rapport.brudd
    antall = len(kjerne.app.recorder.select_notifications(start=1, limit=10_000))
    assert rapport.kjederader == rapport.hendelser == antall
    with kjerne.engine.connect() as conn:
        posisjoner = [p for (p,) in conn.execute(text("SELECT posisjon FROM kjede ORDER BY posisjon"))]
    assert posisjoner == list(range(1, antall + 1))
    assert rapport.hode is not None


def test_one_flipped_byte_of_a_stored_event_is_named_by_verify(kjerne: Core) -> None:
    nid, versjon = sykmelding_av(kjerne, FNR_A)

    flipp_byte(kjerne, nid)
    rapport = verifiser(kjerne.app, kjerne.engine)

    assert not rapport.ok
    assert len(rapport.brudd) == 1
    b = rapport.forste
    assert b is not None
    assert (b.art, b.notification_id, b.versjon) == (integritet.HENDELSE_ENDRET, nid, versjon)
    assert b.strom == str(kjerne.app.person_for_fnr(FNR_A))


def test_a_deleted_event_is_reported_as_the_gap_it_leaves(kjerne: Core) -> None:
    nid, versjon = sykmelding_av(kjerne, FNR_B)

    slett_hendelse(kjerne, nid)
    rapport = verifiser(kjerne.app, kjerne.engine)

    assert [(b.art, b.notification_id, b.versjon) for b in rapport.brudd] == [
        (integritet.HENDELSE_MANGLER, nid, versjon)
    ]


def test_an_event_deleted_with_its_chain_row_shows_as_a_missing_position_and_version(kjerne: Core) -> None:
    nid, _ = sykmelding_av(kjerne, FNR_A)
    with kjerne.engine.connect() as conn:
        posisjon = conn.execute(text("SELECT posisjon FROM kjede WHERE notification_id = :n"), {"n": nid}).scalar_one()

    slett_hendelse(kjerne, nid)
    slett_kjederad(kjerne, nid)
    rapport = verifiser(kjerne.app, kjerne.engine)

    arter = {b.art for b in rapport.brudd}
    assert arter == {integritet.POSISJON_MANGLER, integritet.VERSJON_MANGLER}
    forste = rapport.forste
    assert forste is not None
    assert forste.art == integritet.POSISJON_MANGLER
    assert forste.posisjon == posisjon + 1  # the row after the hole names it
    assert f"position {posisjon} is missing" in forste.melding


def test_an_altered_chain_row_breaks_the_store_wide_link(kjerne: Core) -> None:
    nid, _ = sykmelding_av(kjerne, FNR_B)
    with kjerne.engine.begin() as conn:
        conn.execute(text("UPDATE kjede SET global_hash = :h WHERE notification_id = :n"), {"h": "0" * 64, "n": nid})

    rapport = verifiser(kjerne.app, kjerne.engine)

    forste = rapport.forste
    assert forste is not None
    assert (forste.art, forste.notification_id) == (integritet.GLOBAL_HASH, nid)


def test_events_stored_without_the_chain_are_named_then_chained_by_the_next_write(
    database_url: str, tmp_path: Path, kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    uten = lag_kjerne(database_url, tmp_path, hashkjede=False)
    try:
        for nr in range(3):
            virksomhet = {"type": "virksomhet", "orgnr": f"99999999{nr}", "hr_id": "hr-x", "at": kl(date(2025, 2, 3))}
            send(uten, [virksomhet])
    finally:
        uten.close()

    rapport = verifiser(kjerne.app, kjerne.engine)
    siste = kjerne.app.siste_posisjon()
    assert [(b.art, b.notification_id) for b in rapport.brudd] == [
        (integritet.UTENFOR_KJEDEN, n)
        for n in range(siste - 5, siste + 1)  # 3 virksomheter, each with its HR
    ]

    monkeypatch.setattr(kjede, "BACKFYLL_BATCH", 4)  # the backlog is read and chained in batches
    send(kjerne, [{"type": "virksomhet", "orgnr": "999999998", "hr_id": "hr-y", "at": kl(date(2025, 2, 4))}])

    rapport = verifiser(kjerne.app, kjerne.engine)
    assert rapport.ok, rapport.brudd
    assert rapport.kjederader == siste + 2


def test_verifying_one_case_checks_only_the_stream_that_holds_it(kjerne: Core) -> None:
    app = kjerne.app
    sak_a = app.person(app.person_for_fnr(FNR_A)).grunnlag(app.innstillinger).saker[0].case_id
    sak_b = app.person(app.person_for_fnr(FNR_B)).grunnlag(app.innstillinger).saker[0].case_id
    nid, _ = sykmelding_av(kjerne, FNR_B)

    flipp_byte(kjerne, nid, indeks=30)

    assert verifiser(app, kjerne.engine, case_id=sak_a).ok
    rapport_b = verifiser(app, kjerne.engine, case_id=sak_b)
    assert rapport_b.omfang == f"case {sak_b}"
    assert [(b.art, b.notification_id) for b in rapport_b.brudd] == [(integritet.HENDELSE_ENDRET, nid)]


def test_syfo_verify_exits_1_and_prints_the_first_broken_link(
    database_url: str, tmp_path: Path, kjerne: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYFO_DATABASE_URL", database_url)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(cli, ["verify"]).exit_code == 0
    nid, _ = sykmelding_av(kjerne, FNR_A)

    flipp_byte(kjerne, nid)
    res = CliRunner().invoke(cli, ["verify"])

    assert res.exit_code == 1, res.output
    assert res.stdout.startswith("BROKEN: store: first broken link at position")
    assert f"notification {nid}," in res.stdout
    assert FNR_A not in res.stdout  # PRIV-3


def test_postgresql_notification_ids_may_skip_but_chain_positions_do_not(database_url: str, kjerne: Core) -> None:
    """A rolled-back insert consumes its sequence values: "gapless" is checked on chain positions."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite row ids do not skip")
    with kjerne.engine.begin() as conn:
        conn.execute(text("SELECT nextval(pg_get_serial_sequence('syfo_events', 'notification_id'))"))
        conn.execute(text("SELECT nextval(pg_get_serial_sequence('syfo_events', 'notification_id'))"))
    for_ = kjerne.app.siste_posisjon()

    send(kjerne, [{"type": "virksomhet", "orgnr": "999999997", "hr_id": "hr-z", "at": kl(date(2025, 2, 5))}])

    nye = kjerne.app.recorder.select_notifications(start=for_ + 1, limit=10)
    assert [n.id for n in nye] == [for_ + 3, for_ + 4]  # ids for_ + 1 and for_ + 2 were consumed
    rapport = verifiser(kjerne.app, kjerne.engine)
    assert rapport.ok, rapport.brudd
    with kjerne.engine.connect() as conn:
        posisjoner = [p for (p,) in conn.execute(text("SELECT posisjon FROM kjede ORDER BY posisjon"))]
    assert posisjoner == list(range(1, len(posisjoner) + 1))


def test_on_sqlite_a_write_after_the_newest_event_was_deleted_is_refused(database_url: str, kjerne: Core) -> None:
    """SQLite hands the deleted row id out again; the chain will not link a second event to it."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL never reuses a notification id")
    slett_hendelse(kjerne, kjerne.app.siste_posisjon())

    with pytest.raises(KjedeFeil, match="syfo verify"):
        send(kjerne, [{"type": "virksomhet", "orgnr": "999999996", "hr_id": "hr-w", "at": kl(date(2025, 2, 6))}])


def test_the_tables_the_recorder_creates_before_the_migrations_are_the_ones_the_migrations_make(
    tom_database_url: str, tmp_path: Path
) -> None:
    """The chain and key tables exist as soon as the application does (it may write before `syfo migrate`);
    migration 0004 then finds them and the schema matches the code exactly."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from projections.tabeller import metadata
    from service.bootstrap import build_app
    from service.settings import Settings
    from service.store.database import lesemodell_engine
    from service.store.migrations import oppgrader

    settings = Settings(database_url=tom_database_url, data_dir=tmp_path)
    app = build_app(settings)
    app.behandle(app.les({"type": "virksomhet", "orgnr": "999999995", "hr_id": "h", "at": kl(date(2025, 1, 6))}))
    app.close()
    engine = lesemodell_engine(settings)
    try:
        oppgrader(engine)
        with engine.connect() as conn:
            eventsourcing = re.compile(r"^(stored_events|.*_events)$")  # as alembic/env.py's include_name
            ctx = MigrationContext.configure(
                conn, opts={"include_name": lambda n, t, _: not (t == "table" and eventsourcing.match(n or ""))}
            )
            diff = compare_metadata(ctx, metadata)
            chain = conn.execute(text("SELECT count(*) FROM kjede")).scalar_one()
    finally:
        engine.dispose()

    assert diff == []
    assert chain == 2
