"""Settings and database URLs become the environment eventsourcing 9.5.6 reads (no I/O but SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.bootstrap import build_app
from service.settings import DEV_ID_NOKKEL, Settings
from service.store.database import (
    POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S,
    POSTGRES_LOCK_TIMEOUT_S,
    SQLITE_LOCK_TIMEOUT_S,
    eventsourcing_env,
)


@pytest.fixture(autouse=True)
def _uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    for navn in ("SYFO_DATABASE_URL", "SYFO_DATA_DIR", "SYFO_ID_NOKKEL", "SYFO_POOL_SIZE", "SYFO_MAX_OVERFLOW"):
        monkeypatch.delenv(navn, raising=False)


def env_for(url: str, **kwargs: object) -> dict[str, str]:
    return eventsourcing_env(Settings(database_url=url, **kwargs))  # type: ignore[arg-type]


def test_settings_are_read_from_syfo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYFO_DATABASE_URL", "postgresql://syfo@db/syfo")
    monkeypatch.setenv("SYFO_ID_NOKKEL", "hemmelig")
    monkeypatch.setenv("SYFO_POOL_SIZE", "3")

    s = Settings()

    assert s.database_url == "postgresql://syfo@db/syfo"
    assert s.id_nokkel.get_secret_value() == "hemmelig"
    assert "hemmelig" not in repr(s)
    assert s.pool_size == 3
    assert s.max_overflow == 10


def test_defaults_are_an_sqlite_file_in_data_and_the_dev_key() -> None:
    s = Settings()

    assert s.database_url is None
    assert s.sqlite_path == Path("data") / "syfo.db"
    assert s.id_nokkel.get_secret_value() == DEV_ID_NOKKEL
    assert s.innstillinger().egenmelding_max_days == 3


def test_no_url_gives_sqlite_in_the_data_dir_and_creates_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "a" / "b"

    env = eventsourcing_env(Settings(data_dir=data_dir))

    assert env == {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(data_dir / "syfo.db"),
        "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_S),
    }
    assert data_dir.is_dir()


def test_sqlite_url_names_the_file() -> None:
    assert env_for("sqlite:////var/lib/syfo/syfo.db")["SQLITE_DBNAME"] == "/var/lib/syfo/syfo.db"
    assert env_for("sqlite:///syfo.db")["SQLITE_DBNAME"] == "syfo.db"


def test_postgres_url_becomes_discrete_postgres_variables() -> None:
    env = env_for("postgresql://syfo:s%40cret@db.example:6543/syfodb", pool_size=2, max_overflow=4)

    assert env == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "syfodb",
        "POSTGRES_HOST": "db.example",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "syfo",
        "POSTGRES_PASSWORD": "s@cret",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        "POSTGRES_LOCK_TIMEOUT": str(POSTGRES_LOCK_TIMEOUT_S),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S),
    }


def test_psycopg_driver_url_and_missing_password_and_port_are_accepted() -> None:
    env = env_for("postgresql+psycopg://postgres@127.0.0.1/test")

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_PASSWORD"] == ""
    assert env["POSTGRES_PORT"] == "5432"
    assert "POSTGRES_SCHEMA" not in env


@pytest.mark.parametrize(
    "query",
    [
        "schema=syfo",
        "options=-csearch_path%3Dsyfo",
        "options=-c%20search_path%3Dsyfo,public",
        "options=-csearch_path%3D%22syfo%22",
        "schema=syfo&options=-csearch_path%3Dsyfo",
    ],
)
def test_schema_comes_from_the_schema_parameter_or_the_search_path_option(query: str) -> None:
    assert env_for(f"postgresql://u@h/d?{query}")["POSTGRES_SCHEMA"] == "syfo"


def test_socket_directory_and_connect_timeout_are_passed_on() -> None:
    env = env_for("postgresql://u@/d?host=/var/run/postgresql&connect_timeout=7")

    assert env["POSTGRES_HOST"] == "/var/run/postgresql"
    assert env["POSTGRES_CONNECT_TIMEOUT"] == "7"


@pytest.mark.parametrize(
    ("url", "melding"),
    [
        ("mysql://u@h/d", "unsupported database URL scheme"),
        ("postgresql://u@h/d?sslmode=require", "unsupported query parameter"),
        ("postgresql://u@h/d?options=-cstatement_timeout%3D5", "only -csearch_path"),
        ("postgresql://u@h/d?schema=a&options=-csearch_path%3Db", "disagree"),
        ("postgresql://u@/d", "needs a host"),
        ("postgresql://h/d", "needs a user"),
        ("postgresql://u@h", "needs a database name"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_urls_that_cannot_be_passed_on_whole_are_refused(url: str, melding: str) -> None:
    with pytest.raises(ValueError, match=melding):
        env_for(url)


def test_build_app_uses_the_settings_over_a_stray_prefixed_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eventsourcing reads SYFO_SQLITE_DBNAME before SQLITE_DBNAME, and merges os.environ.
    monkeypatch.setenv("SYFO_SQLITE_DBNAME", str(tmp_path / "feil.db"))

    app = build_app(Settings(data_dir=tmp_path, id_nokkel="annen-nokkel"))  # type: ignore[arg-type]
    try:
        app.behandle(app.les({"at": "2025-01-06T07:00:00+01:00", "type": "virksomhet", "orgnr": "O", "hr_id": "h"}))

        assert app.id_nokkel == b"annen-nokkel"
        assert app.recorder.max_notification_id() is not None
    finally:
        app.close()
    assert (tmp_path / "syfo.db").exists()
    assert not (tmp_path / "feil.db").exists()
