"""RET-3: an erasure leaves no copy of the person's data on disk, and the store's files are private.

SQLite: every connection runs with ``secure_delete`` on and the write-ahead log is checkpointed and
truncated after the erasure, so neither the fødselsnummer (in any encoding the read models could hold
it) nor the destroyed wrapped data key is left in ``syfo.db``, ``-wal`` or ``-shm``; checked while
another process's connections are still open, as a running service's would be. PostgreSQL: the
affected tables are vacuumed. The data directory is created 0700 and the database files 0600.
"""

from __future__ import annotations

import base64
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from integritet_hjelp import FNR_A, FNR_B, lag_kjerne, sak, send
from sqlalchemy import text
from typer.testing import CliRunner

from service.bootstrap import build_core
from service.cli import app as cli
from service.compliance.erasure import slett_fnr
from service.settings import Settings


def _fnr_former(fnr: str) -> list[bytes]:
    """The ways a database file could hold an identity number: text in each SQLite encoding, an integer."""
    tall = int(fnr).to_bytes(8, "big").lstrip(b"\0")
    return [fnr.encode("utf-8"), fnr.encode("utf-16-le"), fnr.encode("utf-16-be"), tall]


def _filer(mappe: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(mappe.iterdir()) if f.is_file()}


def _funn(filer: dict[str, bytes], nal: list[bytes]) -> list[str]:
    return [navn for navn, innhold in filer.items() if any(n in innhold for n in nal)]


def _innpakkede(engine: object, person_id: str) -> list[str]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        sql = text("SELECT innpakket FROM datanokler WHERE subjekt = :s AND innpakket IS NOT NULL")
        return [r[0] for r in conn.execute(sql, {"s": person_id})]


@pytest.fixture
def uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    for navn in [n for n in os.environ if n.startswith("SYFO_")]:
        monkeypatch.delenv(navn)


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_after_syfo_erase_no_file_of_the_sqlite_store_holds_the_fnr_or_the_wrapped_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappe = tmp_path / "data"
    kjerne = build_core(Settings(data_dir=mappe))  # stays open: a running service's connections
    try:
        send(kjerne, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a", leder="leder-anna"))
        send(kjerne, sak(FNR_B, date(2025, 1, 13), date(2025, 3, 14), "b"))
        person_a = str(kjerne.app.person_for_fnr(FNR_A))
        nokler = _innpakkede(kjerne.engine, person_a)
        nokkel_nal = [n.encode() for n in nokler] + [base64.b64decode(n) for n in nokler]
        assert nokler
        assert _funn(_filer(mappe), _fnr_former(FNR_A))  # the read models held it (saker.fnr)
        assert _funn(_filer(mappe), nokkel_nal)
        monkeypatch.setenv("SYFO_DATA_DIR", str(mappe))

        res = CliRunner().invoke(cli, ["erase", "--fnr", FNR_A])

        assert res.exit_code == 0, res.output
        filer = _filer(mappe)
        assert {"syfo.db", "syfo.db-wal"} <= set(filer)
        assert _funn(filer, _fnr_former(FNR_A)) == []
        assert _funn(filer, nokkel_nal) == []
        assert len(filer["syfo.db-wal"]) == 0  # checkpointed and truncated
        assert _funn(filer, [FNR_B.encode()]) == ["syfo.db"]  # the others' rows are still there
    finally:
        kjerne.close()


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_every_connection_of_the_sqlite_store_overwrites_what_it_deletes(tmp_path: Path) -> None:
    kjerne = build_core(Settings(data_dir=tmp_path))
    try:
        with kjerne.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        with kjerne.app.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
            c.execute("PRAGMA secure_delete")
            assert c.fetchone()[0] == 1
    finally:
        kjerne.close()


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_the_data_directory_is_created_0700_and_the_database_files_0600(tmp_path: Path) -> None:
    gammel = os.umask(0o022)  # the usual umask: without care it gives 0755 and 0644
    try:
        mappe = tmp_path / "ny" / "data"
        kjerne = build_core(Settings(data_dir=mappe))
        try:
            send(kjerne, sak(FNR_A, date(2025, 1, 6), date(2025, 2, 28), "a"))
            modus = {f.name: stat.S_IMODE(os.stat(f).st_mode) for f in mappe.iterdir() if f.is_file()}
            mapper = {f.name: stat.S_IMODE(os.stat(f).st_mode) for f in mappe.iterdir() if f.is_dir()}
        finally:
            kjerne.close()
    finally:
        os.umask(gammel)

    assert stat.S_IMODE(os.stat(mappe).st_mode) == 0o700
    assert {"syfo.db", "syfo.db-wal", "syfo.db-shm"} <= set(modus)
    assert set(modus.values()) == {0o600}
    assert set(mapper.values()) <= {0o700}  # e.g. the audit log's write-ahead folder


@pytest.mark.usefixtures("uten_syfo_miljo")
def test_an_existing_world_readable_database_file_is_narrowed_to_0600(tmp_path: Path) -> None:
    db = tmp_path / "syfo.db"
    kjerne = build_core(Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path))
    kjerne.close()
    db.chmod(0o644)

    kjerne = build_core(Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path))
    kjerne.close()

    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


@pytest.mark.postgres
def test_on_postgresql_the_erased_rows_are_vacuumed(tmp_path: Path) -> None:
    from hjelp import ny_postgres_schema

    with ny_postgres_schema() as url:
        _vakuum(url, tmp_path)


def _vakuum(url: str, tmp_path: Path) -> None:
    kjerne = lag_kjerne(url, tmp_path)
    try:
        send(kjerne, sak(FNR_A, date(2025, 1, 6), date(2025, 3, 28), "a"))
        sql = text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_vacuum IS NOT NULL"
        )
        with kjerne.engine.connect() as conn:
            for_ = {r[0] for r in conn.execute(sql)}

        slett_fnr(kjerne, FNR_A)

        with kjerne.engine.connect() as conn:
            etter = {r[0] for r in conn.execute(sql)}
    finally:
        kjerne.close()
    assert for_ == set()
    assert {"datanokler", "saker", "milepeler", "tidslinje", "paminnelser"} <= etter
