"""The rungs of the reminder plan and the decisions about them (rules.md RP-2, RP-6 … RP-12).

``Trinn`` is one rung (rule, scope, milestone, stage, role, send date); ``Beslutning`` what became of
it; ``Historikk`` the decisions already recorded; ``PlanlagtTrinn`` a rung not yet decided, with what
its listing as planned depends on (RP-12). The engine that makes the rungs and decides them is
``domain.paminnelser``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Final

from domain.begreper import Beslutningsstatus, Milepelstype, Rolle, Status
from domain.milepeler import UAVKLART
from domain.tilfelle import Tilfelle

SENDT: Final = Beslutningsstatus.SENT
KANSELLERT: Final = Beslutningsstatus.CANCELLED
PLANLAGT: Final = Beslutningsstatus.PLANNED

DM2_OPPGAVE: Final = 119  # RM-16: NAV task at S_p + 119
SYKMELDER_PROMPTS: Final = (
    (42, Milepelstype.AKTIVITETSKRAV),
    (112, Milepelstype.MOTEBEHOV),
    (266, Milepelstype.DIALOGMOTE_3),
)  # RM-14
DM1_PROMPT_DAGER: Final = 14  # RM-6: prev_wd(D - 14)
MOTE_FOR: Final = (14, 7)  # RM-22: plan to NAV before a meeting
FORFALT_REGLER: Final = {
    Milepelstype.OPPFOLGINGSPLAN: "RM-2",
    Milepelstype.DIALOGMOTE_1: "RM-7",
    Milepelstype.DIALOGMOTE_2: "RM-18",
}
ESKALERING_REGLER: Final = {Milepelstype.OPPFOLGINGSPLAN: "RM-3", Milepelstype.DIALOGMOTE_1: "RM-8"}
UNNTAK_MED_PROMPT: Final = frozenset({"TILBAKE_UTEN_TILRETTELEGGING", "TILRETTELEGGING_FUNGERER"})  # RM-10
MOTE_MILEPEL: Final = {1: Milepelstype.DIALOGMOTE_1, 2: Milepelstype.DIALOGMOTE_2, 3: Milepelstype.DIALOGMOTE_3}
INNKALLER: Final = {1: Rolle.NL, 2: Rolle.NAV, 3: Rolle.NAV}  # RM-20: the caller gets no message


@dataclass(frozen=True)
class Trinn:
    """One rung of the reminder plan: a rule, a scope, a recipient role and a send date."""

    regel: str
    omfang: str  # case_id, or "P:<S_p>" for person-level rows
    case_id: str | None
    milepel: str
    stage: str
    rolle: str
    send_dato: date
    ekstra: str = ""  # participant id, case id of an NL, unntak/note numbers, meeting id
    forfalt: bool = False  # an overdue rung that catches up (RP-6)

    @cached_property  # asked for several times per rung by the plan, the history and the read model
    def nokkel(self) -> str:
        """Identity of a decision (RP-8): scope, milestone, stage, role, extra and send date."""
        return f"{self.omfang}|{self.milepel}|{self.stage}|{self.rolle}|{self.ekstra}|{self.send_dato.isoformat()}"


@dataclass(frozen=True)
class Beslutning:
    """A decision about one rung (RP-11): ``sent``, ``cancelled`` with a reason, or ``planned``."""

    trinn: Trinn
    at: datetime
    mottaker_id: str | None
    status: str
    reason: str | None = None


@dataclass(frozen=True)
class PlanlagtTrinn:
    """An undecided rung: its slot, the case whose milestone gates it, and when its tilfelle closes."""

    trinn: Trinn
    status_sak: str  # the case whose milestone status decides whether the rung is still pending
    orgnr: str
    lukkes: date
    slot: datetime
    mottaker_id: str | None
    samtykke_trukket: bool = False
    etterslep: bool = False  # RP-6: cancelled at its own slot, tried again at every later slot until sent

    @property
    def nokkel(self) -> str:
        return self.trinn.nokkel + ("|etterslep" if self.etterslep else "")

    def vises_pa(self, d: date, milepel_status: Status) -> bool:
        """RP-12 at the end of ``d``: after ``d``, the tilfelle still open, the milestone unresolved."""
        return vises_som_planlagt(self.trinn.send_dato, self.lukkes, self.samtykke_trukket, d, milepel_status)


def vises_som_planlagt(send_dato: date, lukkes: date, samtykke_trukket: bool, d: date, status: Status) -> bool:
    """RP-12, CON-3: a rung is listed as planned at the end of ``d`` when all of these hold."""
    return send_dato > d and lukkes > d and status in UAVKLART and not samtykke_trukket


@dataclass
class Historikk:
    """Earlier decisions, read back from the case stream."""

    besluttet: set[str] = field(default_factory=set)
    sendt: dict[tuple[str, str, str, str], list[date]] = field(default_factory=dict)

    def registrer(self, b: Beslutning) -> None:
        t = b.trinn
        self.besluttet.add(t.nokkel)
        if b.status == SENDT:
            self.sendt.setdefault((t.omfang, t.milepel, t.stage, t.regel), []).append(t.send_dato)

    def sendt_datoer(self, omfang: str, milepel: str, stage: str, regel: str) -> list[date]:
        return self.sendt.get((omfang, milepel, stage, regel), [])


def person_omfang(pt: Tilfelle) -> str:
    return f"P:{pt.start.isoformat()}"


def rekkefolge(b: Beslutning) -> tuple[datetime, str, str, str]:
    """The order decisions are listed in: instant, role, recipient, milestone."""
    return (b.at, b.trinn.rolle, b.mottaker_id or "", b.trinn.milepel)


def krev_dato(d: date | None) -> date:
    if d is None:
        raise ValueError("date missing")
    return d
