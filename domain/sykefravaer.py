"""Sykefraværet: all follow-up of one person, as one event stream (rules.md T-7, TF-9, RP-11).

One stream per person, because tilfeller join across employers (TF-3) and NAV milestones are per
person (TF-9). Each accepted command is one event; each reminder decision is one event, so a replay
shows why a message went or did not (RP-11, AUD-2). Cases, milestones and reminders are derived
from the events by pure functions (``domain.grunnlag``, ``domain.milepeler``,
``domain.paminnelser``). Decisions are made in the public methods; ``@event`` bodies only record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import hendelser
from domain.begreper import les_arsak
from domain.errors import KonfliktFeil, UkjentSakError, ValideringsFeil
from domain.grunnlag import Grunnlag, forget, kommando_dato, memoised
from domain.innstillinger import Innstillinger
from domain.kalender import oslo_dato
from domain.kommandoer import SAKSBUNDNE, Kommando
from domain.lagring import til_json
from domain.levering import ENDELIGE, FEILET, SENDER, Levering
from domain.oppbevaring import GRUNNER, MAKULERT_TIDSPUNKT, REGEL_BEVARING, BevaringspaleggError, legg_til_ar
from domain.paminnelsestrinn import KANSELLERT, SENDT, Beslutning, Historikk, Trinn

ID_KOMMANDOER = ("sykmelding", "egenmelding", "dialogmote_innkalt")  # VAL-4
SISTE_GJELDER = ("person", "nav_enhet")  # the latest of these decides; a repeat changes nothing


class Sykefravaer(Aggregate):
    """One person's accepted commands and reminder decisions."""

    TOPIC = "syfo:Sykefravaer"

    class Created(Aggregate.Created):
        TOPIC = "syfo:Sykefravaer.Created.v1"  # required by explicit topics; not used

    class Opprettet(Created):
        TOPIC = "syfo:Sykefravaer.Opprettet.v1"
        strom_id: UUID

    # The stream's events (domain.hendelser), listed here so their topics are registered.
    Mottatt: TypeAlias = hendelser.Mottatt
    NarmesteLederRegistrert: TypeAlias = hendelser.NarmesteLederRegistrert
    EgenmeldingMottatt: TypeAlias = hendelser.EgenmeldingMottatt
    SykmeldingMottatt: TypeAlias = hendelser.SykmeldingMottatt
    SykmeldingAnnullert: TypeAlias = hendelser.SykmeldingAnnullert
    ArbeidGjenopptatt: TypeAlias = hendelser.ArbeidGjenopptatt
    OppfolgingsplanFerdigstilt: TypeAlias = hendelser.OppfolgingsplanFerdigstilt
    OppfolgingsplanDelt: TypeAlias = hendelser.OppfolgingsplanDelt
    UnntakRegistrert: TypeAlias = hendelser.UnntakRegistrert
    UnntakTrukket: TypeAlias = hendelser.UnntakTrukket
    DialogmoteInnkalt: TypeAlias = hendelser.DialogmoteInnkalt
    DialogmoteAvholdt: TypeAlias = hendelser.DialogmoteAvholdt
    DialogmoteAvlyst: TypeAlias = hendelser.DialogmoteAvlyst
    DialogmoteSvarMottatt: TypeAlias = hendelser.DialogmoteSvarMottatt
    DialogmoteOnsket: TypeAlias = hendelser.DialogmoteOnsket
    AktivitetskravVurdert: TypeAlias = hendelser.AktivitetskravVurdert
    SamtykkeGitt: TypeAlias = hendelser.SamtykkeGitt
    SamtykkeTrukket: TypeAlias = hendelser.SamtykkeTrukket
    PersonRegistrert: TypeAlias = hendelser.PersonRegistrert
    NavEnhetTildelt: TypeAlias = hendelser.NavEnhetTildelt
    PaminnelseBesluttet: TypeAlias = hendelser.PaminnelseBesluttet
    PaminnelseSendt: TypeAlias = hendelser.PaminnelseSendt
    PaminnelseKansellert: TypeAlias = hendelser.PaminnelseKansellert
    LeveringStartet: TypeAlias = hendelser.LeveringStartet
    LeveringFullfort: TypeAlias = hendelser.LeveringFullfort
    LeveringFeilet: TypeAlias = hendelser.LeveringFeilet
    LeveringFerdig: TypeAlias = hendelser.LeveringFerdig
    PersonopplysningerSlettet: TypeAlias = hendelser.PersonopplysningerSlettet
    BevaringspaleggSatt: TypeAlias = hendelser.BevaringspaleggSatt
    BevaringspaleggOpphevet: TypeAlias = hendelser.BevaringspaleggOpphevet
    Makulert: TypeAlias = hendelser.Makulert

    @staticmethod
    def create_id(strom_id: UUID) -> UUID:
        """The stream id is chosen by the caller (``person_strom_id``): no fnr in ids (PRIV-3)."""
        return strom_id

    @event(Opprettet)
    def __init__(self, strom_id: UUID, timestamp: datetime) -> None:
        self.fakta: list[Kommando] = []
        self.beslutninger: list[Beslutning] = []
        self.leveringer: dict[str, Levering] = {}
        self.slettet: datetime | None = None  # erasure (domain.oppbevaring)
        self.bevaring: set[str] = set()  # case ids under a legal hold

    # ---------------------------------------------------------------- queries

    def grunnlag(self, innstillinger: Innstillinger, kjent_til: datetime | None = None) -> Grunnlag:
        """What is known at ``kjent_til`` (T-7); the latest knowledge is computed once per set of
        commands and settings (``memoised``, kept outside the aggregate's state)."""
        if kjent_til is not None and any(k.at > kjent_til for k in self.fakta):
            return Grunnlag.bygg(self.id, self.fakta, innstillinger, kjent_til)
        return memoised(self, self.id, self.fakta, innstillinger)

    def historikk(self, kjent_til: datetime | None = None) -> Historikk:
        h = Historikk()
        for b in self.beslutninger:
            if kjent_til is None or b.at <= kjent_til:
                h.registrer(b)
        return h

    def finnes(self, typ: str, ident: str) -> Kommando | None:
        return next((k for k in self.fakta if k.type == typ and k.get("id") == ident), None)

    # ---------------------------------------------------------------- commands

    def motta(self, k: Kommando, innstillinger: Innstillinger) -> bool:
        """Accept one command, or refuse it with a ``DomainError`` naming the rule and field.

        Returns False when the command was already accepted (VAL-4: same id, same content).
        """
        if k.type in ID_KOMMANDOER:
            tidligere = self.finnes(k.type, k["id"])
            if tidligere is not None:
                if til_json(tidligere) == til_json(k):
                    return False
                raise KonfliktFeil("VAL-4", "id", f"{k.type} id already used with other content")
        if k.type in SISTE_GJELDER:
            forrige = next((f for f in reversed(self.fakta) if f.type == k.type), None)
            if forrige is not None and til_json(forrige) == til_json(k):
                return False
        g = self.grunnlag(innstillinger)
        if k.type == "sykmelding_annullert":
            if self.finnes("sykmelding", k["id"]) is None:
                raise ValideringsFeil("VAL-5", "id", "unknown sykmelding id")
            if any(f.type == "sykmelding_annullert" and f["id"] == k["id"] for f in self.fakta):
                return False
        if k.type in ("dialogmote_avholdt", "dialogmote_avlyst"):
            self._sjekk_mote(k)
        if k.type in SAKSBUNDNE:
            self._sjekk_sak(k, g)
        self._mottatt(EVENT_FOR_TYPE[k.type], til_json(k), k.at)
        return True

    def _sjekk_mote(self, k: Kommando) -> None:
        innkalt = self.finnes("dialogmote_innkalt", k["id"])
        if innkalt is None:
            raise ValideringsFeil("VAL-5", "id", "unknown dialogmøte id")
        for f in self.fakta:
            if f.type in ("dialogmote_avholdt", "dialogmote_avlyst") and f["id"] == k["id"]:
                raise KonfliktFeil("VAL-5", "id", "the meeting is already held or cancelled")
        if k.type == "dialogmote_avholdt" and k["dato"] < oslo_dato(innkalt["tidspunkt"]):
            raise ValideringsFeil("VAL-12", "dato", "a meeting is not held before the day it is called for")

    def _sjekk_sak(self, k: Kommando, g: Grunnlag) -> None:
        dato = kommando_dato(k)
        s = g.finn_sak(k.orgnr, dato)
        if s is None:
            raise UkjentSakError(
                "VAL-8", "dato" if "dato" in k.felter else "at", "no open case for fnr and orgnr on that date"
            )
        if k.type == "dialogmote_innkalt" and oslo_dato(k["tidspunkt"]) < s.tilfelle.start:
            raise ValideringsFeil("VAL-12", "tidspunkt", "a meeting is not called for a time before the case starts")
        sf = g.saksfakta[s.case_id]
        if k.type == "unntak_trukket" and sf.aktivt_unntak(k["frist"]) is None:
            raise ValideringsFeil("VAL-6", "frist", "no active unntak for that frist")
        graderingskrav = k.type == "unntak" and k["arsak"] == "GRADERT_DIALOG_FUNGERER"
        if graderingskrav and (not g.syk(s.orgnr, dato) or g.helt_borte(s.orgnr, dato)):
            raise ValideringsFeil("VAL-6", "arsak", "GRADERT_DIALOG_FUNGERER needs graded leave on dato")

    def registrer(self, beslutninger: list[Beslutning]) -> None:
        """Record reminder decisions (RP-11); a decision already recorded is skipped."""
        kjente = {b.trinn.nokkel for b in self.beslutninger}
        for b in beslutninger:
            if b.trinn.nokkel in kjente:
                continue
            kjente.add(b.trinn.nokkel)
            t = b.trinn
            felter = (t.regel, t.omfang, t.case_id, t.milepel, t.stage, t.rolle, t.send_dato.isoformat(), t.ekstra)
            if b.status == SENDT:
                self._sendt(*felter, b.mottaker_id, timestamp=b.at)
            else:
                self._kansellert(*felter, b.mottaker_id, reason=b.reason or "", timestamp=b.at)

    # ---------------------------------------------------------------- delivery of sent reminders (RP-11)

    def levering(self, nokkel: str) -> Levering | None:
        """The delivery state of a sent reminder; None when no reminder with that key was sent."""
        if nokkel in self.leveringer:
            return self.leveringer[nokkel]
        if any(b.status == SENDT and b.trinn.nokkel == nokkel for b in self.beslutninger):
            return Levering()
        return None

    def start_levering(self, nokkel: str, eier: str, naa: datetime, lease_til: datetime) -> bool:
        """Claim the reminder for one attempt; False when finished, leased by another, or not yet due."""
        lev = self.levering(nokkel)
        if lev is None or not lev.kan_startes(naa):
            return False
        self._levering_startet(nokkel, eier, lease_til, lev.forsok + 1, timestamp=naa)
        return True

    def levert(self, nokkel: str, kanal: str, detalj: str, naa: datetime) -> None:
        lev = self.levering(nokkel)
        if lev is None or lev.status in ENDELIGE or kanal in lev.levert_kanaler:
            return
        self._levering_fullfort(nokkel, kanal, detalj, timestamp=naa)

    def feilet(self, nokkel: str, detalj: str, naa: datetime, neste_forsok: datetime) -> None:
        lev = self.levering(nokkel)
        if lev is None or lev.status in ENDELIGE:
            return
        self._levering_feilet(nokkel, detalj, neste_forsok, timestamp=naa)

    def ferdig(self, nokkel: str, status: str, detalj: str, naa: datetime) -> None:
        """Close the delivery: ``levert`` when every channel took it, ``oppgitt`` for a dead letter."""
        lev = self.levering(nokkel)
        if lev is None or lev.status in ENDELIGE:
            return
        self._levering_ferdig(nokkel, status, detalj, timestamp=naa)

    # ---------------------------------------------------------------- events (record only)

    @event(LeveringStartet)
    def _levering_startet(self, nokkel: str, eier: str, lease_til: datetime, forsok: int, timestamp: datetime) -> None:
        lev = self.leveringer.setdefault(nokkel, Levering())
        lev.status, lev.eier, lev.lease_til, lev.forsok = SENDER, eier, lease_til, forsok

    @event(LeveringFullfort)
    def _levering_fullfort(self, nokkel: str, kanal: str, detalj: str, timestamp: datetime) -> None:
        self.leveringer.setdefault(nokkel, Levering()).levert_kanaler.add(kanal)

    @event(LeveringFeilet)
    def _levering_feilet(self, nokkel: str, detalj: str, neste_forsok: datetime, timestamp: datetime) -> None:
        lev = self.leveringer.setdefault(nokkel, Levering())
        if lev.status != SENDER:  # an outbox attempt (no claim event before it) counts here
            lev.forsok += 1
        lev.status, lev.detalj, lev.neste_forsok, lev.eier, lev.lease_til = FEILET, detalj, neste_forsok, None, None

    @event(LeveringFerdig)
    def _levering_ferdig(self, nokkel: str, status: str, detalj: str, timestamp: datetime) -> None:
        lev = self.leveringer.setdefault(nokkel, Levering())
        if lev.status != SENDER:
            lev.forsok += 1
        lev.status, lev.detalj, lev.eier, lev.lease_til = status, detalj, None, None

    def _mottatt(self, cls: type[hendelser.Mottatt], data: dict[str, Any], at: datetime) -> None:
        self.trigger_event(cls, data=data, timestamp=at)

    @event(PaminnelseSendt)
    def _sendt(
        self,
        regel: str,
        omfang: str,
        case_id: str | None,
        milepel: str,
        stage: str,
        rolle: str,
        send_dato: str,
        ekstra: str,
        mottaker_id: str | None,
        timestamp: datetime,
    ) -> None:
        self._legg_til_beslutning(
            regel, omfang, case_id, milepel, stage, rolle, send_dato, ekstra, mottaker_id, timestamp, SENDT, None
        )

    @event(PaminnelseKansellert)
    def _kansellert(
        self,
        regel: str,
        omfang: str,
        case_id: str | None,
        milepel: str,
        stage: str,
        rolle: str,
        send_dato: str,
        ekstra: str,
        mottaker_id: str | None,
        reason: str,
        timestamp: datetime,
    ) -> None:
        felter = (regel, omfang, case_id, milepel, stage, rolle, send_dato, ekstra)
        self._legg_til_beslutning(*felter, mottaker_id, timestamp, KANSELLERT, reason)

    def _legg_til_beslutning(
        self,
        regel: str,
        omfang: str,
        case_id: str | None,
        milepel: str,
        stage: str,
        rolle: str,
        send_dato: str,
        ekstra: str,
        mottaker_id: str | None,
        at: datetime,
        status: str,
        reason: str | None,
    ) -> None:
        t = Trinn(regel, omfang, case_id, milepel, stage, rolle, date.fromisoformat(send_dato), ekstra)
        self.beslutninger.append(Beslutning(t, at, mottaker_id, status, les_arsak(reason)))

    # ---------------------------------------------------------------- erasure and legal hold (domain.oppbevaring)

    def slett(self, grunn: str, innstillinger: Innstillinger, at: datetime) -> bool:
        """Erase everything known about the person (GDPR art. 17, art. 5 (1)(e)).

        Refused while a case is under a legal hold. False when nothing is left to erase. The event
        names the erased cases; the service then destroys the person's key.
        """
        if grunn not in GRUNNER:
            raise ValueError(f"unknown erasure reason {grunn!r}")
        if self.bevaring:
            raise BevaringspaleggError(REGEL_BEVARING, "case_id", "a case of the person is under a legal hold")
        if not (self.fakta or self.beslutninger or self.leveringer):
            return False
        case_ids = sorted(s.case_id for s in self.grunnlag(innstillinger).saker)
        self._personopplysninger_slettet(grunn, case_ids, timestamp=at)
        return True

    def oppbevares_til(self, innstillinger: Innstillinger, ar: int) -> date | None:
        """The last day the data is kept: ``ar`` years after the last case closed (TF-4) or the last
        command arrived, whichever is later. None when nothing is kept."""
        if not self.fakta:
            return None
        g = self.grunnlag(innstillinger)
        siste = max([s.tilfelle.lukkes for s in g.saker] + [oslo_dato(k.at) for k in self.fakta])
        return legg_til_ar(siste, ar)

    def sett_bevaringspalegg(self, case_id: str, innstillinger: Innstillinger, at: datetime) -> bool:
        """Put a case under a legal hold. False when it already is."""
        if case_id in self.bevaring:
            return False
        if self.grunnlag(innstillinger).sak(case_id) is None:
            raise UkjentSakError("TF-8", "case_id", "no such case for this person")
        self._bevaringspalegg_satt(case_id, timestamp=at)
        return True

    def opphev_bevaringspalegg(self, case_id: str, at: datetime) -> bool:
        """Lift a legal hold. False when the case is not under one."""
        if case_id not in self.bevaring:
            return False
        self._bevaringspalegg_opphevet(case_id, timestamp=at)
        return True

    @event(PersonopplysningerSlettet)
    def _personopplysninger_slettet(self, grunn: str, case_ids: list[str], timestamp: datetime) -> None:
        self.fakta, self.beslutninger, self.leveringer = [], [], {}
        forget(self)
        self.slettet = timestamp

    @event(BevaringspaleggSatt)
    def _bevaringspalegg_satt(self, case_id: str, timestamp: datetime) -> None:
        self.bevaring.add(case_id)

    @event(BevaringspaleggOpphevet)
    def _bevaringspalegg_opphevet(self, case_id: str, timestamp: datetime) -> None:
        self.bevaring.discard(case_id)


def makulert_hendelse(topic: str, originator_id: UUID, versjon: int) -> Any | None:
    """What an event of a person stream reads back as once its key is destroyed; None if not ours.

    The creation event becomes an empty ``Opprettet`` (so the stream still loads), any other event
    a ``Makulert`` that changes nothing but the version. The recording instant is lost with the rest.
    """
    if not topic.startswith(Sykefravaer.TOPIC + "."):
        return None
    tilstand: dict[str, Any] = {
        "originator_id": originator_id,
        "originator_version": versjon,
        "timestamp": MAKULERT_TIDSPUNKT,
    }
    if topic == Sykefravaer.Opprettet.TOPIC:
        cls: type[Any] = Sykefravaer.Opprettet
        tilstand |= {"originator_topic": Sykefravaer.TOPIC, "strom_id": originator_id}
    else:
        cls = Sykefravaer.Makulert
        tilstand["opprinnelig_topic"] = topic
    hendelse = object.__new__(cls)
    object.__setattr__(hendelse, "__dict__", tilstand)
    return hendelse


def person_strom_id(nokkel: bytes, fnr: str) -> UUID:
    """A stream id that holds no fødselsnummer (PRIV-3): HMAC of the fnr under a secret key."""
    import hashlib
    import hmac

    return UUID(bytes=hmac.new(nokkel, fnr.encode(), hashlib.sha256).digest()[:16], version=4)


EVENT_FOR_TYPE: dict[str, type[hendelser.Mottatt]] = {
    c.TYPE: c
    for c in vars(Sykefravaer).values()
    if isinstance(c, type) and issubclass(c, Sykefravaer.Mottatt) and c.TYPE
}
