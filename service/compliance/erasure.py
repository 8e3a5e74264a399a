"""Erasure of a person (GDPR art. 17) and legal holds on cases, for `syfo erase`, `syfo legal-hold`
and the retention job (``service.compliance.retention``). There is no erasure endpoint in the API.

An erasure, in this order:

1. records ``PersonopplysningerSlettet`` in the person's stream (the domain refuses while a case is
   under a legal hold). The event names the erased cases and holds no personal data, so it is
   stored under the service's key and stays readable (AUD-2: the fact of the erasure is kept);
2. destroys the person's data keys (``service.store.encryption``) in the same transaction, under the
   store's write lock (``service.store.hashchain``): every earlier payload of the stream becomes unreadable and
   reads back as a placeholder, and no write can come between the two. The hash chain still
   verifies: it covers the stored ciphertext;
3. brings the read models up to date: the stream now yields no case, milestone or reminder rows and
   a timeline of placeholders, so every row with the person's data is gone and no pending reminder
   is left to send (the dispatcher reads the reminders table); the person's web sessions end;
4. leaves no old copy in the database's files (``service.store.sql.rydd_etter_sletting``): SQLite
   overwrites deleted rows (``secure_delete``) and its write-ahead log is checkpointed and truncated;
   PostgreSQL's tables are vacuumed.

A stream that cannot be loaded or computed (quarantined, ``projections.karantene``) is erased all the
same: the erasure event is made from the stored rows, without the timeline.

Events stored in clear text before encryption was turned on cannot be shredded; the result counts
them (``ukrypterte``) and the log says so. Re-encrypting such a store is a separate, one-off job.

Writes racing the erasure on the same stream lose the version race and are retried against the
erased stream; a later write that used the destroyed key from another process's cache is refused in
its own transaction and retried under a fresh key (``NokkelSlettetFeil``). Logs carry ids and counts
only (PRIV-3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from sqlalchemy import delete, select

from domain.errors import DomainError
from domain.oppbevaring import GRUNN_ANMODNING, GRUNNER, REGEL_BEVARING, BevaringspaleggError
from domain.sykefravaer import Sykefravaer
from projections.karantene import er_infrastruktur, kjente_saker
from projections.tabeller import PROJEKSJONER, datanokler, saker, varsler_lest, varslingsinnstillinger, web_sessions
from service.store.encryption import Nokkellager, PersonMapper, nokkel_id
from service.store.sessions import end_sessions_of_person
from service.store.sql import rydd_etter_sletting

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from service.bootstrap import Core
    from service.store.application import SyfoApp

log = structlog.get_logger(__name__)
MAKS_FORSOK = 10
# The tables an erasure deletes from or updates (RET-3), vacuumed on PostgreSQL after it.
SLETTEDE_TABELLER = (
    *(t.name for ts in PROJEKSJONER.values() for t in ts),
    datanokler.name,
    web_sessions.name,
    varslingsinnstillinger.name,
    varsler_lest.name,
)


class PersonNotFoundError(LookupError):
    """No stream for this person (never stored, or an unknown id)."""


class CaseNotFoundError(LookupError):
    """No case with this id in the read models, nor among the erased ones."""


@dataclass(frozen=True)
class Sletting:
    """What an erasure did. ``registrert`` False: the stream was already erased (nothing new to record)."""

    person_id: UUID
    registrert: bool
    case_ids: tuple[str, ...]
    nokler_makulert: int
    posisjon: int | None
    ukrypterte: int = 0  # the person's events stored in clear text (before encryption was on): still readable

    def som_dict(self) -> dict[str, Any]:
        return {
            "person_id": str(self.person_id),
            "recorded": self.registrert,
            "case_ids": list(self.case_ids),
            "keys_destroyed": self.nokler_makulert,
            "position": self.posisjon,
            "unencrypted_events": self.ukrypterte,
        }


def slett_fnr(kjerne: Core, fnr: str, *, grunn: str = GRUNN_ANMODNING, naa: datetime | None = None) -> Sletting:
    """Erase the person with this fødselsnummer (`syfo erase --fnr`)."""
    return slett_person(kjerne, kjerne.app.person_for_fnr(fnr), grunn=grunn, naa=naa)


def slett_person(
    kjerne: Core, person_id: UUID, *, grunn: str = GRUNN_ANMODNING, naa: datetime | None = None
) -> Sletting:
    """Erase one person stream; see the module docstring. Raises ``BevaringspaleggError`` (a
    ``KonfliktFeil``, HTTP 409) under a legal hold and ``PersonNotFoundError`` for an unknown stream."""
    app = kjerne.app
    lager = nokkellager(app)
    naa = naa or datetime.now(UTC)
    posisjon: int | None = None
    registrert = False
    case_ids: tuple[str, ...] = ()
    makulert = 0
    if grunn not in GRUNNER:
        raise ValueError(f"unknown erasure reason {grunn!r}")
    for forsok in range(MAKS_FORSOK):
        lagres: Sykefravaer | Sykefravaer.PersonopplysningerSlettet | None
        try:
            lagres = _person(app, person_id)
            if not lagres.slett(grunn, app.innstillinger, naa):
                break
        except (PersonNotFoundError, DomainError):
            raise
        except Exception as e:
            if er_infrastruktur(e):
                raise
            lagres = _sletting_uten_beregning(kjerne, person_id, grunn, naa)  # a quarantined stream
            if lagres is None:
                break
        makulert = lager.antall_levende(person_id)  # destroyed in the transaction that stores the erasure
        try:
            opptak = app.save(lagres)[-1]
        except IntegrityError:
            if forsok == MAKS_FORSOK - 1:
                raise
            continue
        assert isinstance(opptak.domain_event, Sykefravaer.PersonopplysningerSlettet)
        registrert, posisjon, case_ids = True, opptak.notification.id, tuple(opptak.domain_event.case_ids)
        break
    if not registrert:
        makulert = lager.makuler(person_id, naa)  # an erasure recorded before: make sure its keys are gone
    kjerne.oppdaterer.fang_opp()
    end_sessions_of_person(kjerne.engine, str(person_id))  # their web sessions hold the fnr (service.store.sessions)
    _settings_store(kjerne).slett(str(person_id))  # an arbeidstaker's own channels are keyed by person_id
    with kjerne.engine.begin() as conn:  # RET-3: readers' marks on the person's reminders say who followed them
        conn.execute(delete(varsler_lest).where(varsler_lest.c.person_id == str(person_id)))
    rydd_etter_sletting(kjerne.engine, SLETTEDE_TABELLER)  # RET-3: no old copy left in the files
    ukrypterte = sum(1 for e in app.recorder.select_events(person_id) if nokkel_id(e.state) is None)
    log.info(
        "personopplysninger_slettet",
        person_id=str(person_id),
        saker=len(case_ids),
        nokler=makulert,
        grunn=grunn,
        ukrypterte=ukrypterte,
    )
    return Sletting(person_id, registrert, case_ids, makulert, posisjon, ukrypterte)


def _sletting_uten_beregning(
    kjerne: Core, person_id: UUID, grunn: str, naa: datetime
) -> Sykefravaer.PersonopplysningerSlettet | None:
    """The erasure event of a stream that cannot be loaded or computed (quarantined), made from the
    stored rows alone: erasure never needs the timeline. Legal holds are read from their own events
    (under the service's key; one that cannot be read stops the erasure rather than be guessed); the
    case ids are those the read models show or showed before the quarantine. None: nothing to erase."""
    lagret = kjerne.app.recorder.select_events(person_id)
    if not lagret:
        raise PersonNotFoundError(str(person_id))
    bevaring: set[str] = set()
    personlig = False
    for s in lagret:
        if s.topic in BEVARINGSTOPICS:
            e = kjerne.app.mapper.to_domain_event(s)
            endre = bevaring.add if isinstance(e, Sykefravaer.BevaringspaleggSatt) else bevaring.discard
            endre(str(getattr(e, "case_id", "")))
        elif s.topic == Sykefravaer.PersonopplysningerSlettet.TOPIC:
            personlig = False
        elif s.topic != Sykefravaer.Opprettet.TOPIC:
            personlig = True
    if bevaring:
        raise BevaringspaleggError(REGEL_BEVARING, "case_id", "a case of the person is under a legal hold")
    if not personlig:
        return None
    with kjerne.engine.connect() as conn:
        case_ids = kjente_saker(conn, [str(person_id)])[str(person_id)]
    log.warning("sletting_uten_beregning", person_id=str(person_id), saker=len(case_ids))
    return Sykefravaer.PersonopplysningerSlettet(  # type: ignore[call-arg]
        originator_id=person_id,
        originator_version=int(lagret[-1].originator_version) + 1,
        timestamp=naa,
        grunn=grunn,
        case_ids=case_ids,
    )


BEVARINGSTOPICS = (Sykefravaer.BevaringspaleggSatt.TOPIC, Sykefravaer.BevaringspaleggOpphevet.TOPIC)


def slett_bruker(kjerne: Core, bruker_id: str) -> tuple[int, int]:
    """Erase a user's own notification settings (PRIV-4, RET-3): the key destroyed, the rows purged, and
    no old copy left in the database's files. Returns (settings rows, keys)."""
    from service.bootstrap import settings_store

    res = settings_store(kjerne).slett(bruker_id)
    rydd_etter_sletting(kjerne.engine, [varslingsinnstillinger.name, datanokler.name])
    log.info("user_settings_erased", rows=res[0], keys=res[1])
    return res


def _settings_store(kjerne: Core) -> Any:
    from service.bootstrap import settings_store

    return settings_store(kjerne)


def nokkellager(app: SyfoApp) -> Nokkellager:
    nokler = cast("PersonMapper", app.mapper).nokler  # wired by service.bootstrap
    assert nokler is not None
    return nokler


def _person(app: SyfoApp, person_id: UUID) -> Sykefravaer:
    try:
        return app.person(person_id)
    except AggregateNotFoundError:
        raise PersonNotFoundError(str(person_id)) from None


# ---------------------------------------------------------------- cases and legal holds


def person_for_sak(app: SyfoApp, engine: Engine, case_id: str) -> UUID:
    """The person stream of a case: from the read models, or, for an erased case, from the erasure events."""
    with engine.connect() as conn:
        pid = conn.execute(select(saker.c.person_id).where(saker.c.case_id == case_id)).scalar_one_or_none()
    if pid is not None:
        return UUID(pid)
    start = 1
    while True:
        batch = app.recorder.select_notifications(
            start=start, limit=500, topics=[Sykefravaer.PersonopplysningerSlettet.TOPIC]
        )
        for n in batch:
            e = app.mapper.to_domain_event(n)
            if isinstance(e, Sykefravaer.PersonopplysningerSlettet) and case_id in e.case_ids:
                return UUID(str(e.originator_id))
        if not batch:
            raise CaseNotFoundError(case_id)
        start = batch[-1].id + 1


def sett_bevaringspalegg(kjerne: Core, case_id: str, *, pa: bool, naa: datetime | None = None) -> bool:
    """Put a case under a legal hold (``pa``) or lift it; recorded as an event. False when nothing changed."""
    app = kjerne.app
    person_id = person_for_sak(app, kjerne.engine, case_id)
    naa = naa or datetime.now(UTC)
    for forsok in range(MAKS_FORSOK):
        person = _person(app, person_id)
        endret = (
            person.sett_bevaringspalegg(case_id, app.innstillinger, naa)
            if pa
            else person.opphev_bevaringspalegg(case_id, naa)
        )
        if not endret:
            return False
        try:
            app.save(person)
        except IntegrityError:
            if forsok == MAKS_FORSOK - 1:
                raise
            continue
        kjerne.oppdaterer.fang_opp()
        log.info("bevaringspalegg", case_id=case_id, pa=pa)
        return True
    return False
