"""The service core: the application, the read models and the runner that keeps them current.

``syfo serve``, ``syfo worker``, ``syfo simulate`` and ``syfo rebuild`` all build this; the slot job
asks the reminders read model which persons have rungs due (RP-3) instead of scanning every stream.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine

from domain.innstillinger import Innstillinger
from domain.paminnelser import Beslutning
from projections import sporringer
from projections.oppdaterer import Oppdaterer
from service.application import SyfoApp
from service.kjede import KjedetSQLiteRecorder
from service.migrering import oppgrader
from service.settings import Settings
from service.wiring import _sqlite_engine, lag_app, lesemodell_engine


@dataclass
class Kjerne:
    app: SyfoApp
    engine: Engine
    oppdaterer: Oppdaterer

    def kandidater_for_slot(self, at: datetime) -> Iterable[UUID]:
        self.oppdaterer.fang_opp()
        with self.engine.connect() as conn:
            return list(sporringer.kandidater_for_slot(conn, at))

    def vurder_slot(self, person_id: UUID, at: datetime) -> list[Beslutning]:
        return self.app.vurder_slot(person_id, at)

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()


def bygg_kjerne(settings: Settings) -> Kjerne:
    """From settings: migrate the read models, then wire the application and the runner.

    Several processes may start at once on one PostgreSQL (API and workers); both steps take an
    advisory lock there, so concurrent first starts do not trip over each other's table creation.
    """
    engine = lesemodell_engine(settings)
    oppgrader(engine)  # under its own advisory lock on PostgreSQL
    app = lag_app(settings)  # likewise (service.wiring)
    return Kjerne(app, engine, Oppdaterer(app, engine))


def kjerne_pa_fil(sti: Path, innstillinger: Innstillinger) -> Kjerne:
    """An SQLite file with the given rule configuration (``syfo simulate``)."""
    engine = _sqlite_engine(str(sti))
    oppgrader(engine)
    app = SyfoApp(
        {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(sti),
            # The recorder that runs a save's in_transaction hook (the delivery outbox), without a chain.
            "APPLICATION_RECORDER_TOPIC": f"{KjedetSQLiteRecorder.__module__}:{KjedetSQLiteRecorder.__qualname__}",
        },
        innstillinger=innstillinger,
    )
    return Kjerne(app, engine, Oppdaterer(app, engine))
