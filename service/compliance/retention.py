"""The retention job: erase the people whose case data is past its retention period (GDPR art. 5 (1)(e)).

`syfo retention [--dry-run]` runs it once; the background work (``service.background``) runs it daily. What is
kept and for how long is in ``domain.oppbevaring``: the unit is the person, kept
``Settings.oppbevaring_saksdata_ar`` years (default 3) after the last case closed or the last command
arrived; a person with a case under a legal hold is skipped and counted.

The read models narrow the candidates (the latest ``closed_on`` of the person's cases, or for people
without a case the latest timeline entry); the loaded stream decides (``Sykefravaer.oppbevares_til``),
so a lagging read model can only delay an erasure, never cause one. Idempotent: an erased person has
nothing left to keep and is not a candidate again. Errors are caught per person and logged with the
id (STYLE §5); the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from sqlalchemy import func, select

from domain.oppbevaring import GRUNN_OPPBEVARINGSTID, legg_til_ar
from projections.tabeller import saker, tidslinje
from service.compliance.erasure import slett_person

if TYPE_CHECKING:
    from service.bootstrap import Core

log = structlog.get_logger(__name__)
# Timeline rows that hold no personal data: a person with only these has nothing left to keep.
UTEN_PERSONOPPLYSNINGER = ("makulert", "personopplysninger_slettet", "bevaringspalegg_satt", "bevaringspalegg_opphevet")


@dataclass(frozen=True)
class Oppbevaringsrapport:
    """Counts of one run (PRIV-3: counts and ids only). In a dry run, what would have been erased."""

    idag: date
    ar: int
    torrkjoring: bool
    vurdert: int
    slettet_personer: int
    slettet_saker: int
    holdt_tilbake: int
    feilet: int

    def som_dict(self) -> dict[str, Any]:
        return {
            "today": self.idag.isoformat(),
            "years": self.ar,
            "dry_run": self.torrkjoring,
            "considered": self.vurdert,
            "erased_persons": self.slettet_personer,
            "erased_cases": self.slettet_saker,
            "legal_hold": self.holdt_tilbake,
            "failed": self.feilet,
        }


def kjor_oppbevaring(
    kjerne: Core, idag: date, *, ar: int, torrkjoring: bool = False, naa: datetime | None = None
) -> Oppbevaringsrapport:
    """One retention run as of ``idag``; ``naa`` is the instant recorded on the erasure events."""
    naa = naa or datetime.now(UTC)
    kjerne.oppdaterer.fang_opp()
    kandidater = _kandidater(kjerne, idag, ar)
    slettet = saker_slettet = holdt = feilet = 0
    for pid in kandidater:
        try:
            person = kjerne.app.person(pid)
            til = person.oppbevares_til(kjerne.app.innstillinger, ar)
            if til is None or idag <= til:
                continue
            antall_saker = len(person.grunnlag(kjerne.app.innstillinger).saker)
            if person.bevaring:
                holdt += 1
                continue
            if not torrkjoring:
                slett_person(kjerne, pid, grunn=GRUNN_OPPBEVARINGSTID, naa=naa)
            slettet += 1
            saker_slettet += antall_saker
        except Exception:
            feilet += 1
            log.exception("oppbevaring_feilet", person_id=str(pid))
    rapport = Oppbevaringsrapport(idag, ar, torrkjoring, len(kandidater), slettet, saker_slettet, holdt, feilet)
    log.info("oppbevaring", **rapport.som_dict())
    return rapport


def _kandidater(kjerne: Core, idag: date, ar: int) -> list[UUID]:
    """People whose latest relevant date in the read models lies before the retention limit (a day of
    slack for the UTC instants of the timeline); the stream decides."""
    grense = legg_til_ar(idag, -ar) + timedelta(days=1)
    with kjerne.engine.connect() as conn:
        sql = select(saker.c.person_id, func.max(saker.c.lukkes)).group_by(saker.c.person_id)
        med_sak: dict[str, date] = dict(conn.execute(sql).tuples().all())
        uten_sak = conn.execute(
            select(tidslinje.c.person_id, func.max(tidslinje.c.registrert))
            .where(tidslinje.c.hendelse.not_in(UTEN_PERSONOPPLYSNINGER))
            .group_by(tidslinje.c.person_id)
        ).all()
    ut = {pid for pid, siste in med_sak.items() if siste <= grense}
    for pid, siste in uten_sak:
        if pid not in med_sak and _dato(siste) <= grense:
            ut.add(pid)
    return sorted(UUID(p) for p in ut)


def _dato(t: datetime | str) -> date:
    """SQLite may hand back the instant as text; either way its UTC date."""
    if isinstance(t, str):
        t = datetime.fromisoformat(t)
    return t.date()
