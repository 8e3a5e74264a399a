"""A few demo cases dated around today, for the pages' demo (``syfo serve --demo``), tests and screenshots.

``service.devtools.seed`` dates its synthetic cases up to a fixed reference day, so on a later day they are
closed and a leader can no longer act on them (VAL-8, TF-7). These cases are dated relative to
``idag`` instead, so the leader's list always has deadlines overdue, due soon and met, and one case
has a sick note that arrived late and moved its deadlines (the auditor's "as known at" view, T-7).

Identity numbers are synthetic (Skatteetaten month + 80, VAL-3), as in ``service.devtools.seed``. A person
already stored is left out, so loading the demo twice adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

from domain.kalender import OSLO
from domain.kommandoer import les_kommando
from service.devtools import navn
from service.devtools.seed import syntetisk_fnr, syntetisk_orgnr

if TYPE_CHECKING:
    from service.store.application import SyfoApp

LEDER: Final = "leder-demo"  # the leader of most demo cases, at two virksomheter
ANNEN_LEDER: Final = "leder-demo-2"
NAV_ID: Final = "NAV"
REVISOR: Final = "revisor-demo"
SENT_NOTAT: Final = "web-demo-p4-sm0"  # the late sick note (received three days ago, starts 24 days ago)


def _orgnr(n: int) -> str:
    while (o := syntetisk_orgnr(n)) is None:
        n += 1
    return o


def _fnr(fodt: date, individ: int) -> str:
    while (f := syntetisk_fnr(fodt, individ)) is None:
        individ += 1
    return f


ORG_A: Final = _orgnr(9_100_001)
ORG_B: Final = _orgnr(9_100_101)


@dataclass(frozen=True)
class Ansatt:
    navn: str  # the story's label, never stored
    fnr: str
    orgnr: str
    leder: str
    fulltnavn: str = ""  # PRIV-4: the synthetic name sent as ``person.navn``
    enhet: str | None = None  # ACC-8: the NAV office (``nav_enhet``); None: "Uten enhet"
    veileder: str | None = None  # ACC-8: the assigned veileder; None: "Ufordelt"


NAV_ENHETER: Final = ("0312", "4203")  # the demo NAV user's offices (the token's ``enheter``)
ANNEN_VEILEDER: Final = "Z990312"
VIRKSOMHETSNAVN: Final = {ORG_A: "Fjordheim Bygg AS", ORG_B: "Nordlys Regnskap AS"}
LEDERNAVN: Final = {LEDER: "Silje Haugland", ANNEN_LEDER: "Morten Solheim"}
ANSATTE: Final = (
    Ansatt("p1", _fnr(date(1979, 4, 2), 211), ORG_A, LEDER, "Kari Nordmann", "0312", NAV_ID),
    Ansatt("p2", _fnr(date(1988, 9, 17), 212), ORG_A, LEDER, "Ola Berg", "0312", None),
    Ansatt("p3", _fnr(date(1971, 1, 23), 213), ORG_A, LEDER, "Ingrid Johansen", "4203", ANNEN_VEILEDER),
    Ansatt("p4", _fnr(date(1993, 6, 8), 214), ORG_B, LEDER, "Sindre Nguyen", None, None),
    Ansatt("p5", _fnr(date(1984, 11, 30), 215), ORG_B, ANNEN_LEDER, "Astrid Lie", "4203", None),
    Ansatt("p6", _fnr(date(1966, 7, 12), 216), ORG_A, LEDER, "Bjørn Dahl", "1103", None),
)


def _leder_epost(leder: str, orgnr: str) -> str:
    return navn.epost(LEDERNAVN[leder], VIRKSOMHETSNAVN[orgnr])


class _Historie:
    def __init__(self, a: Ansatt, idag: date) -> None:
        self.a = a
        self.idag = idag
        self.ut: list[dict[str, Any]] = []
        self.teller = 0

    def kl(self, dager: int, klokke: str = "09:00") -> str:
        d = self.idag + timedelta(days=dager)
        return datetime.combine(d, time.fromisoformat(klokke), OSLO).isoformat()

    def dag(self, dager: int) -> str:
        return (self.idag + timedelta(days=dager)).isoformat()

    def id(self, art: str) -> str:
        self.teller += 1
        return f"web-demo-{self.a.navn}-{art}{self.teller}"

    def sak(self, at: str, typ: str, **felter: Any) -> None:
        self.ut.append({"at": at, "type": typ, "fnr": self.a.fnr, "orgnr": self.a.orgnr, **felter})

    def leder(self, fom: int) -> None:
        self.sak(
            self.kl(fom, "07:00"),
            "narmeste_leder",
            leder_id=self.a.leder,
            fom=self.dag(-400),
            leder_navn=LEDERNAVN[self.a.leder],
            leder_epost=_leder_epost(self.a.leder, self.a.orgnr),
        )
        at = self.kl(fom, "07:01")
        self.ut.append({"at": at, "type": "person", "fnr": self.a.fnr, "navn": self.a.fulltnavn})
        if self.a.enhet is not None:
            self.ut.append(
                {
                    "at": at,
                    "type": "nav_enhet",
                    "fnr": self.a.fnr,
                    "enhet": self.a.enhet,
                    "veileder_id": self.a.veileder,
                }
            )

    def sykmelding(self, fom: int, tom: int, grad: int = 100, at: int | None = None, ident: str | None = None) -> None:
        perioder = [{"fom": self.dag(fom), "tom": self.dag(tom), "grad": grad}]
        self.sak(self.kl(fom if at is None else at), "sykmelding", id=ident or self.id("sm"), perioder=perioder)
        self.ut[-1]["sykmelder_id"] = "lege-demo"

    def mote(self, mote: int, innkalt: int, holdes: int, deltakere: list[dict[str, str]]) -> None:
        mid = self.id("dm")
        tid = datetime.combine(self.idag + timedelta(days=holdes), time(10), OSLO).isoformat()
        self.sak(self.kl(innkalt, "11:00"), "dialogmote_innkalt", id=mid, mote=mote, tidspunkt=tid, deltakere=deltakere)
        if holdes < 0:
            self.ut.append(
                {"at": self.kl(holdes, "13:00"), "type": "dialogmote_avholdt", "id": mid, "dato": self.dag(holdes)}
            )


def demohistorier(idag: date) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """(fnr, commands in ``at`` order) per person, after the virksomheter (fnr None); every ``at`` lies
    before ``idag``."""
    virksomheter = [
        {"at": datetime.combine(idag - timedelta(days=400), time(8), OSLO).isoformat(), "type": "virksomhet", **v}
        for v in (
            {"orgnr": ORG_A, "hr_id": "hr-demo-a", "navn": VIRKSOMHETSNAVN[ORG_A]},
            {"orgnr": ORG_B, "hr_id": "hr-demo-b", "navn": VIRKSOMHETSNAVN[ORG_B]},
        )
    ]
    p1, p2, p3, p4, p5, p6 = (_Historie(a, idag) for a in ANSATTE)

    p1.leder(-41)  # plan overdue (OP-1), dialogmøte 1 due within two weeks
    p1.sykmelding(-40, 20)

    p2.leder(-23)  # graded; plan due soon
    p2.sak(p2.kl(-22), "egenmelding", id=p2.id("em"), fom=p2.dag(-22), tom=p2.dag(-20))
    p2.sykmelding(-19, 14, grad=50)

    p3.leder(-81)  # plan and meeting met, aktivitetskrav met by activity (AK-3)
    p3.sykmelding(-80, -40)
    p3.sykmelding(-39, 30, grad=60)
    p3.sak(p3.kl(-60, "14:00"), "oppfolgingsplan_ferdig", dato=p3.dag(-60))
    p3.sak(p3.kl(-58, "10:00"), "oppfolgingsplan_delt", dato=p3.dag(-58), mottaker="sykmelder")
    p3.mote(1, -50, -40, [{"rolle": "NL", "id": LEDER}, {"rolle": "AT", "id": p3.a.fnr}])

    p4.leder(-11)  # a late sick note moves S 14 days back (T-7): the plan's deadline moves with it
    p4.sykmelding(-10, 11)
    p4.sykmelding(-24, -11, at=-3, ident=SENT_NOTAT)

    p5.leder(-31)  # another leader's employee at the second virksomhet (ACC-2, ACC-3)
    p5.sykmelding(-30, 10)

    _lang_sak(p6)
    personer = [
        (h.a.fnr, sorted(h.ut, key=lambda d: datetime.fromisoformat(d["at"]))) for h in (p1, p2, p3, p4, p5, p6)
    ]
    return [(None, virksomheter), *personer]


def demokommandoer(idag: date) -> list[dict[str, Any]]:
    """Every demo command, person by person."""
    return [d for _, liste in demohistorier(idag) for d in liste]


def _lang_sak(h: _Historie) -> None:
    """A long case with many documents: sick notes every two weeks, grades stepping down, meetings."""
    s = -230
    h.leder(s - 1)
    grader = (100, 100, 100, 100, 80, 80, 80, 60, 60, 60, 60, 50, 50, 50, 40, 40, 40)
    for i, grad in enumerate(grader):
        fom = s + 14 * i
        h.sykmelding(fom, min(fom + 13, 7), grad=grad)
    h.sak(h.kl(s + 9, "12:00"), "samtykke_gitt", rolle="TV", person_id="tv-demo", omfang="mote")
    h.sak(h.kl(s + 20, "14:00"), "oppfolgingsplan_ferdig", dato=h.dag(s + 20))
    h.sak(h.kl(s + 22), "oppfolgingsplan_delt", dato=h.dag(s + 22), mottaker="sykmelder")
    deltakere = [{"rolle": "NL", "id": LEDER}, {"rolle": "AT", "id": h.a.fnr}, {"rolle": "TV", "id": "tv-demo"}]
    h.mote(1, s + 30, s + 41, deltakere)
    h.sak(h.kl(s + 58, "10:00"), "aktivitetskrav_vurdert", dato=h.dag(s + 58), utfall="OPPFYLT")
    h.sak(h.kl(s + 100), "dialogmote_onsket", mote=2, av="NL")
    h.sak(h.kl(s + 138), "oppfolgingsplan_delt", dato=h.dag(s + 138), mottaker="nav")
    nav = [*deltakere[:2], {"rolle": "NAV", "id": NAV_ID}]
    h.mote(2, s + 140, s + 165, nav)


def legg_inn(app: SyfoApp, idag: date) -> int:
    """Send the demo commands through ``app``; returns how many were stored. A person already stored
    is left out, as ``service.devtools.seed`` does; a repeated virksomhet command stores nothing (VAL-4)."""
    antall = 0
    for fnr, liste in demohistorier(idag):
        if fnr is not None and app.person_for_fnr(fnr) in app.repository:
            continue
        for d in liste:
            k = les_kommando(d, egenmelding_maks_dager=app.innstillinger.egenmelding_max_days, valider_identer=True)
            antall += app.behandle(k).nytt
    return antall
