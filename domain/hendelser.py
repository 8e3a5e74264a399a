"""The events of a person's stream (``domain.sykefravaer.Sykefravaer``), each with an explicit topic.

Command events (``Mottatt``: one per accepted command type), reminder decisions (RP-11), delivery
steps, and erasure and legal hold (``domain.oppbevaring``). The aggregate lists them in its class body;
eventsourcing then defines each as an event of the aggregate (``Sykefravaer.SykmeldingMottatt`` and so
on) and registers its topic. Use those names, not these base definitions, to trigger or match events.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.lagring import fra_json

if TYPE_CHECKING:
    from domain.sykefravaer import Sykefravaer


class Mottatt(Aggregate.Event):
    """Base of the command events: ``data`` is the command's JSON fields, ``TYPE`` its type."""

    TOPIC = "syfo:Sykefravaer.Mottatt.v1"
    TYPE: ClassVar[str] = ""
    data: dict[str, Any]

    def apply(self, aggregate: Sykefravaer) -> None:
        aggregate.fakta.append(fra_json(self.TYPE, self.timestamp, self.data))


class NarmesteLederRegistrert(Mottatt):
    TOPIC = "syfo:Sykefravaer.NarmesteLederRegistrert.v1"
    TYPE = "narmeste_leder"


class EgenmeldingMottatt(Mottatt):
    TOPIC = "syfo:Sykefravaer.EgenmeldingMottatt.v1"
    TYPE = "egenmelding"


class SykmeldingMottatt(Mottatt):
    TOPIC = "syfo:Sykefravaer.SykmeldingMottatt.v1"
    TYPE = "sykmelding"


class SykmeldingAnnullert(Mottatt):
    TOPIC = "syfo:Sykefravaer.SykmeldingAnnullert.v1"
    TYPE = "sykmelding_annullert"


class ArbeidGjenopptatt(Mottatt):
    TOPIC = "syfo:Sykefravaer.ArbeidGjenopptatt.v1"
    TYPE = "arbeid_gjenopptatt"


class OppfolgingsplanFerdigstilt(Mottatt):
    TOPIC = "syfo:Sykefravaer.OppfolgingsplanFerdigstilt.v1"
    TYPE = "oppfolgingsplan_ferdig"


class OppfolgingsplanDelt(Mottatt):
    TOPIC = "syfo:Sykefravaer.OppfolgingsplanDelt.v1"
    TYPE = "oppfolgingsplan_delt"


class UnntakRegistrert(Mottatt):
    TOPIC = "syfo:Sykefravaer.UnntakRegistrert.v1"
    TYPE = "unntak"


class UnntakTrukket(Mottatt):
    TOPIC = "syfo:Sykefravaer.UnntakTrukket.v1"
    TYPE = "unntak_trukket"


class DialogmoteInnkalt(Mottatt):
    TOPIC = "syfo:Sykefravaer.DialogmoteInnkalt.v1"
    TYPE = "dialogmote_innkalt"


class DialogmoteAvholdt(Mottatt):
    TOPIC = "syfo:Sykefravaer.DialogmoteAvholdt.v1"
    TYPE = "dialogmote_avholdt"


class DialogmoteAvlyst(Mottatt):
    TOPIC = "syfo:Sykefravaer.DialogmoteAvlyst.v1"
    TYPE = "dialogmote_avlyst"


class DialogmoteSvarMottatt(Mottatt):
    TOPIC = "syfo:Sykefravaer.DialogmoteSvarMottatt.v1"
    TYPE = "dialogmote_svar"


class DialogmoteOnsket(Mottatt):
    TOPIC = "syfo:Sykefravaer.DialogmoteOnsket.v1"
    TYPE = "dialogmote_onsket"


class AktivitetskravVurdert(Mottatt):
    TOPIC = "syfo:Sykefravaer.AktivitetskravVurdert.v1"
    TYPE = "aktivitetskrav_vurdert"


class SamtykkeGitt(Mottatt):
    TOPIC = "syfo:Sykefravaer.SamtykkeGitt.v1"
    TYPE = "samtykke_gitt"


class SamtykkeTrukket(Mottatt):
    TOPIC = "syfo:Sykefravaer.SamtykkeTrukket.v1"
    TYPE = "samtykke_trukket"


class PersonRegistrert(Mottatt):
    """The employee's name (PRIV-4: personal data, stored under the person's key like every command)."""

    TOPIC = "syfo:Sykefravaer.PersonRegistrert.v1"
    TYPE = "person"


class NavEnhetTildelt(Mottatt):
    """NAV assigns the person to an office and, optionally, a veileder (ACC-8)."""

    TOPIC = "syfo:Sykefravaer.NavEnhetTildelt.v1"
    TYPE = "nav_enhet"


class PaminnelseBesluttet(Aggregate.Event):
    """Base of the decision events (RP-11)."""

    TOPIC = "syfo:Sykefravaer.PaminnelseBesluttet.v1"
    regel: str
    omfang: str
    case_id: str | None
    milepel: str
    stage: str
    rolle: str
    send_dato: str
    ekstra: str
    mottaker_id: str | None


class PaminnelseSendt(PaminnelseBesluttet):
    TOPIC = "syfo:Sykefravaer.PaminnelseSendt.v1"


class PaminnelseKansellert(PaminnelseBesluttet):
    TOPIC = "syfo:Sykefravaer.PaminnelseKansellert.v1"
    reason: str


class LeveringStartet(Aggregate.Event):
    """A dispatcher claimed a sent reminder until ``lease_til`` (attempt ``forsok``)."""

    TOPIC = "syfo:Sykefravaer.LeveringStartet.v1"
    nokkel: str
    eier: str
    lease_til: datetime
    forsok: int


class LeveringFullfort(Aggregate.Event):
    """One channel accepted the message."""

    TOPIC = "syfo:Sykefravaer.LeveringFullfort.v1"
    nokkel: str
    kanal: str
    detalj: str


class LeveringFeilet(Aggregate.Event):
    """An attempt failed; the next one is not before ``neste_forsok``."""

    TOPIC = "syfo:Sykefravaer.LeveringFeilet.v1"
    nokkel: str
    detalj: str
    neste_forsok: datetime


class LeveringFerdig(Aggregate.Event):
    """Every channel delivered (``levert``), or the dispatcher gave up (``oppgitt``: dead letter)."""

    TOPIC = "syfo:Sykefravaer.LeveringFerdig.v1"
    nokkel: str
    status: str
    detalj: str


# -- erasure and legal hold (domain.oppbevaring). ``PERSONOPPLYSNINGER = False`` marks the events
# that hold no personal data: they are stored under the service's key and stay readable after
# the person's key is destroyed. Every other event of the stream is personal.


class PersonopplysningerSlettet(Aggregate.Event):
    """The person's data was erased (GDPR art. 17; ``grunn`` in ``domain.oppbevaring.GRUNNER``)."""

    TOPIC = "syfo:Sykefravaer.PersonopplysningerSlettet.v1"
    PERSONOPPLYSNINGER: ClassVar[bool] = False
    grunn: str
    case_ids: list[str]


class BevaringspaleggSatt(Aggregate.Event):
    """A legal hold on a case: nothing of the person is erased while it lasts."""

    TOPIC = "syfo:Sykefravaer.BevaringspaleggSatt.v1"
    PERSONOPPLYSNINGER: ClassVar[bool] = False
    case_id: str


class BevaringspaleggOpphevet(Aggregate.Event):
    TOPIC = "syfo:Sykefravaer.BevaringspaleggOpphevet.v1"
    PERSONOPPLYSNINGER: ClassVar[bool] = False
    case_id: str


class Makulert(Aggregate.Event):
    """Placeholder for a stored event whose key is destroyed. Never stored: only read back."""

    TOPIC = "syfo:Sykefravaer.Makulert.v1"
    opprinnelig_topic: str
