"""The one builder: settings → the application, its read models, the runner and the background work.

``syfo serve``, ``syfo worker``, every other CLI command, ``syfo simulate``, the ASGI factory
(``service.http.fra_miljo``) and the tests build the service here and nowhere else, so they all run
with encryption at rest and the hash chain (``service.store.encryption``, ``service.store.hashchain``)
and honour the same settings. ``opened`` builds and closes in one ``with``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore
from pydantic import SecretStr
from sqlalchemy import Engine

from domain.innstillinger import Innstillinger
from domain.paminnelser import Beslutning
from projections import sporringer
from projections.oppdaterer import Oppdaterer
from scheduler.outbox import OutboxUtsender
from scheduler.slot_ticker import SlotTicker
from scheduler.utsender import Utsender
from service.background import Background
from service.compliance.audit_queue import AuditQueue
from service.delivery.channels import Kanaloppsett
from service.delivery.leader_email import LederEpost
from service.delivery.own_channels import EgneKanaler
from service.settings import LocalSettings, Settings
from service.store.application import SyfoApp
from service.store.database import eventsourcing_env, lesemodell_engine, private_file, startup_lock
from service.store.encryption import Hovednokkel, Nokkellager, PersonMapper
from service.store.hashchain import KjedetPostgresRecorder, KjedetSQLiteRecorder, Lagringsvakt
from service.store.migrations import oppgrader
from service.store.outbox import registrer_utfall
from service.store.sql import SqlStore, enable_secure_delete
from service.store.varsling import Innstillingslager

if TYPE_CHECKING:
    from scheduler.utsender import Kanalvalg


@dataclass
class Core:
    """The application, the read models' engine and the runner that keeps them current."""

    app: SyfoApp
    engine: Engine
    oppdaterer: Oppdaterer
    settings: Settings
    revisjon: AuditQueue = field(init=False)

    def __post_init__(self) -> None:
        """AUD-1: read records go through one writer (service.compliance.audit_queue)."""
        self.revisjon = AuditQueue(
            self.engine, self.settings.data_dir / "revisjon", self.settings.audit_flush_interval_s
        )

    def kandidater_for_slot(self, at: datetime) -> Iterable[UUID]:
        """The persons with rungs due at ``at`` (RP-3), from the reminders read model."""
        self.oppdaterer.fang_opp()
        with self.engine.connect() as conn:
            return list(sporringer.kandidater_for_slot(conn, at))

    def vurder_slot(self, person_id: UUID, at: datetime) -> list[Beslutning]:
        return self.app.vurder_slot(person_id, at)

    def close(self) -> None:
        self.revisjon.close()
        self.app.close()
        self.engine.dispose()


def build_app(settings: Settings, innstillinger: Innstillinger | None = None) -> SyfoApp:
    """The application with its encrypting mapper and its chaining recorder wired. The caller closes it."""
    # Application.construct_env merges os.environ under our values, and eventsourcing looks up
    # "SYFO_<KEY>" before "<KEY>"; prefixing ours keeps a stray SYFO_* variable from winning.
    prefix = SyfoApp.name.upper() + "_"
    es_env = eventsourcing_env(settings)
    recorder = (
        KjedetPostgresRecorder if es_env["PERSISTENCE_MODULE"] == "eventsourcing.postgres" else KjedetSQLiteRecorder
    )
    es_env |= {
        "MAPPER_TOPIC": f"{PersonMapper.__module__}:{PersonMapper.__qualname__}",
        "APPLICATION_RECORDER_TOPIC": f"{recorder.__module__}:{recorder.__qualname__}",
    }
    env = {prefix + k: v for k, v in es_env.items()}
    if "SQLITE_DBNAME" in es_env:
        private_file(es_env["SQLITE_DBNAME"])  # before eventsourcing opens (and would create) it
    with startup_lock(es_env):
        app = SyfoApp(
            env,
            innstillinger=innstillinger or settings.innstillinger(),
            id_nokkel=settings.id_nokkel.get_secret_value().encode(),
        )
        _wire(app, settings)
    return app


@dataclass(frozen=True)
class AppFactory:
    """Opens the application again in another process (the rebuild's workers): picklable, unlike the app."""

    settings: Settings
    innstillinger: Innstillinger | None = None

    def __call__(self) -> SyfoApp:
        return build_app(self.settings, self.innstillinger)


def _wire(app: SyfoApp, settings: Settings) -> None:
    """Give the mapper its key store and the recorder its chain (the topics above chose their classes)."""
    recorder = cast("KjedetSQLiteRecorder | KjedetPostgresRecorder", app.recorder)
    mapper = cast("PersonMapper", app.mapper)
    datastore = recorder.datastore
    lager = SqlStore(datastore)
    hoved = Hovednokkel(settings.master_nokkel.get_secret_value().encode())
    nokler = Nokkellager(lager, hoved)
    mapper.nokler = nokler
    mapper.krypter = settings.kryptering
    recorder.vakt = Lagringsvakt(lager, hoved.kjedenokkel, nokler, kjede_pa=settings.hashkjede)
    if isinstance(datastore, SQLiteDatastore):
        enable_secure_delete(datastore)


def build_core(settings: Settings, innstillinger: Innstillinger | None = None) -> Core:
    """Migrate the read models, then build the application and the runner.

    Several processes may start at once on one PostgreSQL (API and workers); both steps take an
    advisory lock there, so concurrent first starts do not trip over each other's table creation.
    """
    engine = lesemodell_engine(settings)
    oppgrader(engine)  # under its own advisory lock on PostgreSQL
    app = build_app(settings, innstillinger)  # likewise (service.store.database.startup_lock)
    return Core(app, engine, Oppdaterer(app, engine, fabrikk=AppFactory(settings, innstillinger)), settings)


@contextmanager
def opened(settings: Settings, innstillinger: Innstillinger | None = None) -> Iterator[Core]:
    """``with opened(settings) as core:`` builds the service and closes it however the block ends."""
    core = build_core(settings, innstillinger)
    try:
        yield core
    finally:
        core.close()


def temporary_settings(folder: Path) -> Settings:
    """Settings for a throw-away store in ``folder`` (``syfo simulate``): SQLite, encrypted and chained as in
    production, with fresh random keys and no ``SYFO_*`` variable read."""
    return LocalSettings(
        data_dir=folder,
        master_nokkel=SecretStr(secrets.token_urlsafe(32)),
        jwt_key=SecretStr(secrets.token_urlsafe(32)),
    )


def build_dispatcher(core: Core, kanaler: Kanalvalg, settings: Settings | None = None) -> Utsender:
    """The reminder dispatcher on ``core``'s store (delivery settings from ``settings``, else the core's)."""
    s = settings or core.settings
    app = core.app
    egne = None
    if isinstance(kanaler, Kanaloppsett):  # a user's own channels first (issue 14)
        egne = EgneKanaler(kanaler, settings_store(core))
        kanaler = egne
    return OutboxUtsender(
        app,
        core.engine,
        kanaler,
        lenke=s.offentlig_url.rstrip("/") + "/" if s.offentlig_url else s.lenke,
        maks_forsok=s.levering_maks_forsok,
        lease=timedelta(seconds=s.levering_lease_s),
        basis=timedelta(seconds=s.levering_basis_s),
        tak=timedelta(seconds=s.levering_tak_s),
        registrer=lambda utfall, naa: registrer_utfall(app, utfall, naa),
        radkanaler=LederEpost(app, s, egne.epost, egne.har_egne) if egne is not None else None,
    )


def settings_store(core: Core) -> Innstillingslager:
    """The store of users' own notification channels, keyed like the person data keys (PRIV-4)."""
    return Innstillingslager.av(core.engine, core.settings.master_nokkel.get_secret_value())


def build_slot_job(core: Core, utsender: Utsender) -> SlotTicker:
    """The slot job; after a restart it catches up at most ``innhenting_maks_dager`` of missed slots."""
    return SlotTicker(
        core,
        core.engine,
        utsender,
        core.oppdaterer.fang_opp,
        core.app.innstillinger.kalender,
        max_catch_up=timedelta(days=core.settings.innhenting_maks_dager),
    )


def build_background(
    core: Core, *, kanaler: Kanalvalg | None, sikkerhet_s: float | None = None, retention: bool | None = None
) -> Background:
    """The background work of a process: the projections always; with channels also the slot job and the
    dispatcher and (unless ``retention`` is False) the daily retention run (RET-1); the chain anchor."""
    s = core.settings
    takt = build_slot_job(core, build_dispatcher(core, kanaler)) if kanaler is not None else None
    return Background(
        core,
        takt=takt,
        sikkerhet=timedelta(seconds=sikkerhet_s or s.vekkeklokke_sikkerhet_s),
        kjedeanker=s.chain_anchor,
        kjedeanker_intervall=timedelta(seconds=s.chain_anchor_interval_s),
        oppbevaring_ar=s.oppbevaring_saksdata_ar if (kanaler is not None if retention is None else retention) else None,
    )
