"""The slot job: at each 08:00 Oslo working-day slot, decide the due rungs of every person (RP-1, RP-3).

APScheduler (or the virtual clock of ``syfo simulate``) only says *when*; what is due is derived
from the event streams, and every decision is recorded as an event before anything is delivered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

import structlog

from domain.paminnelser import SENDT, Beslutning

log = structlog.get_logger(__name__)


class SlotApp(Protocol):
    """What the slot job needs from the application."""

    def kandidater_for_slot(self, at: datetime) -> Iterable[UUID]: ...

    def vurder_slot(self, person_id: UUID, at: datetime) -> list[Beslutning]: ...


class Utsending(Protocol):
    """Hands a sent decision to delivery (a recording channel in ``simulate``)."""

    def send(self, person_id: UUID, beslutning: Beslutning) -> None: ...


@dataclass
class JobResult:
    updated: int = 0
    failed: int = 0
    beslutninger: list[Beslutning] = field(default_factory=list)


def run_slot(app: SlotApp, at: datetime, utsending: Utsending | None = None) -> JobResult:
    """Decide and record every rung due at slot ``at``; idempotent, errors are per person."""
    res = JobResult()
    for pid in app.kandidater_for_slot(at):
        try:
            beslutninger = app.vurder_slot(pid, at)
        except Exception:
            res.failed += 1
            log.exception("slot_failed", person_id=str(pid), slot=at.isoformat())
            continue
        res.updated += len(beslutninger)
        res.beslutninger.extend(beslutninger)
        if utsending is None:
            continue  # the dispatcher delivers from the reminders table
        for b in beslutninger:
            if b.status == SENDT:
                utsending.send(pid, b)
    return res
