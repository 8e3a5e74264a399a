"""The event-sourced application: commands in, decisions recorded, streams read back."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Notification, Recording, Transcoding
from eventsourcing.utils import strtobool

from domain.errors import KonfliktFeil, ValideringsFeil
from domain.innstillinger import Innstillinger
from domain.kommandoer import Kommando, les_kommando
from domain.levering import LEVERT, OPPGITT, Levering
from domain.paminnelser import Beslutning, Paminnelsesmotor
from domain.referanse import Referanse
from domain.sykefravaer import ID_KOMMANDOER, Sykefravaer, person_strom_id
from domain.virksomhet import Virksomhet
from projections.lesemodell import Personstrom
from projections.virksomheter import Virksomhetsstrom
from service.store.hashchain import IN_TRANSACTION
from service.store.outbox import med_outbox
from service.store.sql import SqlCursor, SqlStore

_SLUTT = datetime.max.replace(tzinfo=UTC)
MAKS_FORSOK = 10  # optimistic concurrency: a losing writer reloads and retries this many times


def _vent_for_nytt_forsok(forsok: int) -> None:
    """Full jitter so two losing writers do not collide again in lockstep (at most ~1 s in total)."""
    time.sleep(random.uniform(0, min(0.2, 0.002 * 2**forsok)))


REF_FOR_TYPE = {
    "sykmelding_annullert": "sykmelding",
    "dialogmote_avholdt": "dialogmote_innkalt",
    "dialogmote_avlyst": "dialogmote_innkalt",
}


class DateAsISO(Transcoding):
    """``datetime.date`` is not in the default JSON transcoder of eventsourcing 9.5.6."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Kvittering:
    """What a command did: ``nytt`` False when it was a repeat (VAL-4), and the stream position."""

    nytt: bool
    person_id: UUID | None
    case_id: str | None
    posisjon: int | None
    beslutninger: tuple[Beslutning, ...] = ()


# Writes a command's log row (AUD-2) on the event store's cursor, in the transaction of its events.
Loggforer = Callable[[Kvittering, SqlCursor, SqlStore], None]
# Checks the command against the person's stream as loaded for it (None: no stream yet); raises to refuse.
Forhandssjekk = Callable[[Sykefravaer | None], None]


def project_events(aggregat: Any, hendelser: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its per-event ``isinstance`` check against a runtime
    Protocol (about 40 µs an event, a tenth of a rebuild): every event of this store is an
    ``eventsourcing.domain`` event with ``mutate``."""
    for h in hendelser:
        aggregat = h.mutate(aggregat)
    return aggregat


class SyfoRepository(Repository[UUID]):
    """The application's repository: aggregates are projected with ``project_events``."""

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", project_events)
        return super().get(aggregate_id, version=version, **kwargs)


class SyfoApp(Application[UUID]):
    """Sick-leave follow-up as an eventsourcing application."""

    name = "Syfo"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        innstillinger: Innstillinger | None = None,
        id_nokkel: bytes = b"syfo-dev-key",
    ) -> None:
        super().__init__(env)
        self.innstillinger = innstillinger or Innstillinger()
        self.id_nokkel = id_nokkel

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository (``Application.construct_repository`` of 9.5.6, same settings), with
        ``project_events`` as its projector."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return SyfoRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # ---------------------------------------------------------------- commands

    def les(self, data: Any, at: datetime | None = None) -> Kommando:
        """Read and validate a command in this application's configuration."""
        return les_kommando(
            data,
            at=at,
            egenmelding_maks_dager=self.innstillinger.egenmelding_max_days,
            valider_identer=self.innstillinger.validate_ids,
        )

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save, writing the outbox rows of newly sent reminders in the same transaction (service.store.outbox)."""
        return super().save(*objs, **med_outbox(self, objs, kwargs))

    def behandle(self, k: Kommando, logg: Loggforer | None = None, sjekk: Forhandssjekk | None = None) -> Kvittering:
        """Apply one command; retried on a concurrent write to the same streams (no event is lost).

        All or nothing: the command's events, its id reference and, with ``logg``, its command-log row
        (AUD-2) are stored in one transaction; if any of them fails, none is stored and this raises.
        Everything the answer needs (the case) is worked out before the save, so nothing can fail after it.
        The person's stream is loaded once per attempt: ``sjekk`` (the API's TF-7 check of a named case)
        sees that same aggregate before anything is applied, and a repeat's answer is read from it too.
        """
        for forsok in range(MAKS_FORSOK):
            try:
                return self._behandle(k, logg, sjekk)
            except IntegrityError:
                if forsok == MAKS_FORSOK - 1:
                    raise
                _vent_for_nytt_forsok(forsok)
        raise AssertionError("unreachable")

    def _behandle(self, k: Kommando, logg: Loggforer | None, sjekk: Forhandssjekk | None) -> Kvittering:
        if k.type == "virksomhet":
            return self._virksomhet(k, logg)
        if k.type in REF_FOR_TYPE:
            ref = self._referanse(REF_FOR_TYPE[k.type], k["id"])
            if ref is None:
                raise ValideringsFeil("VAL-5", "id", f"unknown {REF_FOR_TYPE[k.type]} id")
            person = self.person(ref.person_id)
            if sjekk is not None:
                sjekk(person)
        else:
            pid = person_strom_id(self.id_nokkel, k.fnr)
            try:
                person = self.person(pid)
            except AggregateNotFoundError:
                if sjekk is not None:
                    sjekk(None)
                person = Sykefravaer(strom_id=pid, timestamp=k.at)
            else:
                if sjekk is not None:
                    sjekk(person)
        nye: list[Any] = []
        if k.type in ID_KOMMANDOER:
            ref = self._referanse(k.type, k["id"])
            if ref is not None and ref.person_id != person.id:
                raise KonfliktFeil("VAL-4", "id", f"{k.type} id already used")
            if ref is None:
                nye.append(Referanse(art=k.type, ident=k["id"], person_id=person.id, timestamp=k.at))
        if not person.motta(k, self.innstillinger):
            return Kvittering(False, person.id, self._case_id(person, k), None)
        motor = Paminnelsesmotor(person.grunnlag(self.innstillinger), person.historikk(), self._hr_oppslag(k.at))
        umiddelbare = motor.umiddelbare(k)
        person.registrer(umiddelbare)
        kv = Kvittering(True, person.id, self._case_id(person, k), None, tuple(umiddelbare))
        return self._lagre(kv, logg, person, *nye)

    def _lagre(self, kv: Kvittering, logg: Loggforer | None, *objekter: Any) -> Kvittering:
        """Save the aggregates' new events and, in the same transaction, the command's log row."""
        ekstra: dict[str, Any] = {}
        if logg is not None:
            loggfor = logg

            def i_transaksjonen(m: SqlCursor, lager: SqlStore, ider: Sequence[int]) -> None:
                loggfor(replace(kv, posisjon=ider[-1]), m, lager)

            ekstra[IN_TRANSACTION] = i_transaksjonen
        recordings = self.save(*objekter, **ekstra)
        return replace(kv, posisjon=recordings[-1].notification.id)

    def _case_id(self, person: Sykefravaer, k: Kommando) -> str | None:
        s = person.grunnlag(self.innstillinger).sak_for_kommando(k)
        return s.case_id if s else None

    def _virksomhet(self, k: Kommando, logg: Loggforer | None) -> Kvittering:
        vid = Virksomhet.create_id(k.orgnr)
        try:
            v: Virksomhet = self.repository.get(vid)
        except AggregateNotFoundError:
            v = Virksomhet(orgnr=k.orgnr, timestamp=k.at)
        if not v.sett_hr(k["hr_id"], k.at, navn=k.get("navn")):
            return Kvittering(False, None, None, None)
        return self._lagre(Kvittering(True, None, None, None), logg, v)

    def _referanse(self, art: str, ident: str) -> Referanse | None:
        try:
            ref: Referanse = self.repository.get(Referanse.create_id(art, ident))
        except AggregateNotFoundError:
            return None
        return ref

    def _hr_oppslag(self, kjent_til: datetime) -> Any:
        def oppslag(orgnr: str) -> str | None:
            try:
                v: Virksomhet = self.repository.get(Virksomhet.create_id(orgnr))
            except AggregateNotFoundError:
                return None
            return v.hr_id(kjent_til)

        return oppslag

    # ---------------------------------------------------------------- reminders

    def vurder_slot(self, person_id: UUID, at: datetime) -> list[Beslutning]:
        """RP-3: decide this slot's rungs for one person, as known at the slot, and record them."""
        for forsok in range(MAKS_FORSOK):
            person = self.person(person_id)
            g = person.grunnlag(self.innstillinger, kjent_til=at)
            beslutninger = Paminnelsesmotor(g, person.historikk(at), self._hr_oppslag(at)).vurder_slot(at)
            if not beslutninger:
                return []
            person.registrer(beslutninger)
            try:
                self.save(person)
            except IntegrityError:
                if forsok == MAKS_FORSOK - 1:
                    raise
                _vent_for_nytt_forsok(forsok)
                continue
            return beslutninger
        return []

    # ---------------------------------------------------------------- delivery (domain.levering)

    def start_levering(
        self, person_id: UUID, nokler: Sequence[str], eier: str, naa: datetime, lease_til: datetime
    ) -> dict[str, tuple[set[str], int]]:
        """Claim sent reminders for one attempt: key -> (channels that already took it, attempt number).

        The claim is an event; a concurrent claim on the same stream loses the version race,
        reloads and finds the lease taken, so two dispatchers never hold the same reminder.
        """
        for forsok in range(MAKS_FORSOK):
            person = self.person(person_id)
            fatt = [n for n in nokler if person.start_levering(n, eier, naa, lease_til)]
            if not fatt:
                return {}
            try:
                self.save(person)
            except IntegrityError:
                if forsok == MAKS_FORSOK - 1:
                    raise
                _vent_for_nytt_forsok(forsok)
                continue
            return {n: (set(person.leveringer[n].levert_kanaler), person.leveringer[n].forsok) for n in fatt}
        return {}

    def avslutt_leveringer(
        self,
        person_id: UUID,
        utfall: Sequence[tuple[str, Mapping[str, str], set[str], str | None, datetime | None]],
        naa: datetime,
    ) -> list[str]:
        """Record attempts' outcomes in one save: per-channel deliveries, then done, failed or dead letter.

        Each item is (key, channel -> detail for the channels that took it, all the recipient's
        channels, failure detail, next attempt or None for no more attempts).
        """
        for forsok in range(MAKS_FORSOK):
            person = self.person(person_id)
            for nokkel, levert, alle_kanaler, feil, neste_forsok in utfall:
                for kanal, detalj in sorted(levert.items()):
                    person.levert(nokkel, kanal, detalj, naa)
                lev = person.levering(nokkel) or Levering()
                if alle_kanaler <= lev.levert_kanaler:
                    person.ferdig(nokkel, LEVERT, ",".join(sorted(levert.values())) or "levert", naa)
                elif neste_forsok is None:
                    person.ferdig(nokkel, OPPGITT, feil or "oppgitt", naa)
                else:
                    person.feilet(nokkel, feil or "feil", naa, neste_forsok)
            try:
                self.save(person)
            except IntegrityError:
                if forsok == MAKS_FORSOK - 1:
                    raise
                _vent_for_nytt_forsok(forsok)
                continue
            return [(person.levering(n) or Levering()).status for n, *_ in utfall]
        raise AssertionError("unreachable")

    # ---------------------------------------------------------------- queries

    def person(self, person_id: UUID, versjon: int | None = None) -> Sykefravaer:
        p: Sykefravaer = self.repository.get(person_id, version=versjon)
        return p

    def som_kjent(
        self,
        person_id: UUID,
        *,
        as_of: datetime | None = None,
        versjon: int | None = None,
        idag: date | None = None,
    ) -> dict[str, Any]:
        """Time travel (T-7): the case as known at a recorded instant, or at a stream version."""
        from projections.tidslinje import som_kjent

        person = self.person(person_id, versjon)
        kjent_til = as_of
        if versjon is not None and as_of is None:
            # Version 1 is the stream's creation alone: nothing known yet, as of the instant it was made.
            kjent_til = max(
                [k.at for k in person.fakta] + [b.at for b in person.beslutninger], default=person.created_on
            )
        return som_kjent(person, self.innstillinger, self._hr_oppslag(kjent_til or _SLUTT), kjent_til, idag)

    def person_for_fnr(self, fnr: str) -> UUID:
        return person_strom_id(self.id_nokkel, fnr)

    def personer(self) -> Iterator[UUID]:
        """Every person stream, in creation order (from the notification log, by topic)."""
        start = 1
        while True:
            batch = self.recorder.select_notifications(start=start, limit=500, topics=[Sykefravaer.Opprettet.TOPIC])
            if not batch:
                return
            for n in batch:
                yield n.originator_id  # type: ignore[misc]
            start = batch[-1].id + 1

    # ---------------------------------------------------------------- for the projections

    def notifikasjoner(self, start: int, antall: int) -> Sequence[Notification]:
        return self.recorder.select_notifications(start=start, limit=antall)

    def hendelse(self, notifikasjon: Notification) -> Any:
        """The domain event of one notification (``projections.levering`` reads delivery outcomes)."""
        return self.mapper.to_domain_event(notifikasjon)

    def siste_posisjon(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def strom(self, strom_id: UUID) -> Personstrom | Virksomhetsstrom | None:
        """A person's events and the aggregate they make, read once (or an employer's aggregate)."""
        hendelser = list(self.repository.event_store.get(strom_id))
        if not hendelser:
            return None
        aggregat = project_events(None, hendelser)
        if isinstance(aggregat, Virksomhet):
            return Virksomhetsstrom(strom_id, aggregat)
        assert isinstance(aggregat, Sykefravaer)
        return Personstrom(strom_id, aggregat, hendelser)

    def hr_oppslag(self, kjent_til: datetime) -> Any:
        return self._hr_oppslag(kjent_til)

    def virksomhetsnavn(self, orgnr: str) -> str | None:
        """The virksomhet's name (PRIV-4), from its own stream; None if it has none yet."""
        try:
            v: Virksomhet = self.repository.get(Virksomhet.create_id(orgnr))
        except AggregateNotFoundError:
            return None
        return v.navn
