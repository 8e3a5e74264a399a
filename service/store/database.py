"""Settings → the eventsourcing environment and the read models' engine (the builder is ``service.bootstrap``).

eventsourcing 9.5.6 takes no database URL: the SQLite module wants ``SQLITE_DBNAME`` and the
PostgreSQL module wants discrete ``POSTGRES_*`` values, so ``SYFO_DATABASE_URL`` is parsed here.

Accepted URLs:

- unset: the SQLite file ``<SYFO_DATA_DIR>/syfo.db`` (the directory is created, mode 0700);
- ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``;
- ``postgresql://user[:password]@host[:port]/dbname`` (``postgresql+psycopg://`` too). The
  password may be empty. Query parameters:

  - ``schema=name`` or libpq's ``options=-csearch_path=name`` (the first entry of the path): the
    schema that holds ``syfo_events`` and ``syfo_snapshots``. It must exist; eventsourcing
    creates tables, not schemas. Default ``public``.
  - ``host=/path/to/socket/dir`` when the URL has no host part (libpq convention).
  - ``connect_timeout=seconds``.

  Any other parameter is refused rather than dropped, because eventsourcing cannot pass it on;
  TLS and the like go in libpq's own variables (``PGSSLMODE``, ``PGSSLROOTCERT``), which psycopg
  reads from the process environment.

An SQLite database file is created with mode 0600 (SQLite gives its ``-wal`` and ``-shm`` files the
same mode), and an existing one readable by others is narrowed to 0600; every connection runs with
``secure_delete`` on (``service.store.sql``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from service.store.sql import SECURE_DELETE

if TYPE_CHECKING:
    from service.settings import Settings

# A writer waits this long for SQLite's single write lock before "database is locked".
SQLITE_LOCK_TIMEOUT_S = 15
# A writer waits this long for the events table's EXCLUSIVE lock, which every insert takes.
POSTGRES_LOCK_TIMEOUT_S = 5
# A session left idle inside a transaction (a crashed request) is ended after this long.
POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S = 10

POSTGRES_DRIVERS = frozenset({"postgresql", "postgresql+psycopg"})
POSTGRES_QUERY_PARAMS = frozenset({"schema", "options", "host", "connect_timeout"})
SEARCH_PATH_OPTION = re.compile(r"-c\s*search_path\s*=\s*(\S+)")


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for these settings (unprefixed keys)."""
    if settings.database_url is None:
        create_data_dir(settings)
        return _sqlite_env(str(settings.sqlite_path))
    url = make_url(settings.database_url)
    if url.drivername == "sqlite":
        if not url.database:
            raise ValueError("sqlite URL needs a file path: sqlite:///path/to/syfo.db")
        return _sqlite_env(url.database)
    if url.drivername in POSTGRES_DRIVERS:
        return _postgres_env(url, settings)
    raise ValueError(f"unsupported database URL scheme {url.drivername!r}: use postgresql:// or sqlite:///")


def lesemodell_engine(settings: Settings) -> Engine:
    """The SQLAlchemy engine of the read models: the same database (and schema) as the events."""
    if settings.database_url is None:
        create_data_dir(settings)
        return sqlite_engine(str(settings.sqlite_path))
    url = make_url(settings.database_url)
    if url.drivername == "sqlite":
        return sqlite_engine(str(url.database))
    env = _postgres_env(url, settings)
    sa_url = URL.create(
        "postgresql+psycopg",
        username=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        database=env["POSTGRES_DBNAME"],
    )
    connect_args: dict[str, Any] = {}
    if "POSTGRES_SCHEMA" in env:
        connect_args["options"] = f"-csearch_path={env['POSTGRES_SCHEMA']}"
    if "POSTGRES_CONNECT_TIMEOUT" in env:
        connect_args["connect_timeout"] = int(env["POSTGRES_CONNECT_TIMEOUT"])
    return create_engine(
        sa_url,
        connect_args=connect_args,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_pre_ping=True,
    )


def create_data_dir(settings: Settings) -> None:
    """``SYFO_DATA_DIR``, created readable by this user only (0700) when missing."""
    if not settings.data_dir.exists():
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings.data_dir.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened; make it exact


def private_file(path: str) -> None:
    """Create the SQLite file with mode 0600 before SQLite does (it would use 0644), or narrow an existing
    one and its ``-wal``/``-shm`` to 0600. ``:memory:`` and URI names are left alone."""
    if not path or path.startswith("file:") or ":memory:" in path:
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for sti in (path, path + "-wal", path + "-shm"):
        try:
            modus = os.stat(sti).st_mode
        except FileNotFoundError:
            continue
        if modus & (stat.S_IRWXG | stat.S_IRWXO):
            os.chmod(sti, 0o600)


def sqlite_engine(path: str) -> Engine:
    private_file(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": SQLITE_LOCK_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute(SECURE_DELETE)  # RET-3: deleted read-model rows are overwritten

    return engine


OPPSTARTSLAAS = 0x5F0_0002


@contextmanager
def startup_lock(env: dict[str, str]) -> Iterator[None]:
    """Several processes may start at once on one PostgreSQL (API and workers). eventsourcing creates
    its tables with ``CREATE TABLE IF NOT EXISTS``, which PostgreSQL can refuse when two sessions run
    it at the same moment ("tuple concurrently updated"), so construction runs under an advisory lock."""
    if env["PERSISTENCE_MODULE"] != "eventsourcing.postgres":
        yield
        return
    import psycopg

    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (OPPSTARTSLAAS,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (OPPSTARTSLAAS,))


def _sqlite_env(path: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": path,
        "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_S),
    }


def _postgres_env(url: URL, settings: Settings) -> dict[str, str]:
    ukjente = set(url.query) - POSTGRES_QUERY_PARAMS
    if ukjente:
        raise ValueError(
            f"unsupported query parameter(s) {sorted(ukjente)} in the database URL; "
            f"accepted: {sorted(POSTGRES_QUERY_PARAMS)} (use PG* variables for libpq settings such as TLS)"
        )
    host = url.host or _param(url, "host")
    if not host:
        raise ValueError("PostgreSQL URL needs a host")
    if not url.username:
        raise ValueError("PostgreSQL URL needs a user")
    if not url.database:
        raise ValueError("PostgreSQL URL needs a database name")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username,
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_POOL_SIZE": str(settings.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.max_overflow),
        "POSTGRES_LOCK_TIMEOUT": str(POSTGRES_LOCK_TIMEOUT_S),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S),
    }
    schema = _schema(url)
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    timeout = _param(url, "connect_timeout")
    if timeout:
        env["POSTGRES_CONNECT_TIMEOUT"] = str(int(timeout))
    return env


def _param(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):
        raise ValueError(f"query parameter {name!r} given more than once")
    return value


def _schema(url: URL) -> str | None:
    schema = _param(url, "schema")
    options = _param(url, "options")
    fra_options = _search_path(options) if options else None
    if schema and fra_options and schema != fra_options:
        raise ValueError(f"schema={schema!r} and options search_path {fra_options!r} disagree")
    return schema or fra_options


def _search_path(options: str) -> str:
    """The first schema of ``-csearch_path=a,b`` (or ``-c search_path=a``); no other option is accepted."""
    treff = SEARCH_PATH_OPTION.fullmatch(options.strip())
    if treff is None:
        raise ValueError(f"unsupported options {options!r}: only -csearch_path=<schema> is accepted")
    forste = treff.group(1).split(",")[0].strip('"')
    if not forste:
        raise ValueError(f"empty search_path in options {options!r}")
    return forste
