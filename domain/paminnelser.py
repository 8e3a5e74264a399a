"""The reminder plan and the decisions at each slot (rules.md RP-1 … RP-12, matrix RM-1 … RM-25).

``Paminnelsesmotor`` lists every rung of the plan with its send date (``kandidater``), decides the
rungs of one slot as known at that slot (``vurder_slot``), decides the immediate messages of one
command (``umiddelbare``), and lists the rungs still ahead (``planlagte``). Conditions are checked
in the order of each matrix row (6.2); the first that fails gives the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Final

from domain.grunnlag import Grunnlag, Mote, SakInfo
from domain.kalender import oslo_dato
from domain.kommandoer import Kommando
from domain.milepeler import (
    AK_VURDERING,
    DM2_INNKALLING,
    UAVKLART,
    Status,
    Vurdering,
    dm1_obligatorisk_paminnelse,
    frist,
    milepel,
    motebehov_ikke_aktuelt,
    nav_vurdering,
)
from domain.tilfelle import Tilfelle, del_i_tilfeller, sykedager_per_virksomhet

SENDT: Final = "sent"
KANSELLERT: Final = "cancelled"
PLANLAGT: Final = "planned"

DM2_OPPGAVE: Final = 119  # RM-16: NAV task at S_p + 119
SYKMELDER_PROMPTS: Final = ((42, "aktivitetskrav"), (112, "motebehov"), (266, "dialogmote_3"))  # RM-14
DM1_PROMPT_DAGER: Final = 14  # RM-6: prev_wd(D - 14)
MOTE_FOR: Final = (14, 7)  # RM-22: plan to NAV before a meeting
FORFALT_REGLER: Final = {"oppfolgingsplan": "RM-2", "dialogmote_1": "RM-7", "dialogmote_2": "RM-18"}
ESKALERING_REGLER: Final = {"oppfolgingsplan": "RM-3", "dialogmote_1": "RM-8"}
UNNTAK_MED_PROMPT: Final = frozenset({"TILBAKE_UTEN_TILRETTELEGGING", "TILRETTELEGGING_FUNGERER"})  # RM-10
MOTE_MILEPEL: Final = {1: "dialogmote_1", 2: "dialogmote_2", 3: "dialogmote_3"}
INNKALLER: Final = {1: "NL", 2: "NAV", 3: "NAV"}  # RM-20: the caller gets no message
SAMTYKKE_ROLLER: Final = frozenset({"TV", "VO", "BHT"})  # CON-1


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

    @property
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


HrOppslag = Callable[[str], "str | None"]


def person_omfang(pt: Tilfelle) -> str:
    return f"P:{pt.start.isoformat()}"


class Paminnelsesmotor:
    """Reminder decisions for one person as known at one moment (RP-3)."""

    def __init__(self, g: Grunnlag, historikk: Historikk, hr: HrOppslag) -> None:
        self.g = g
        self.h = historikk
        self.hr = hr
        self.inn = g.innstillinger
        self.kal = g.innstillinger.kalender

    # ---------------------------------------------------------------- the plan

    def kandidater(self) -> Iterator[Trinn]:
        """Every scheduled rung with its send date (RP-2), each once (RP-8: a participant listed twice
        in an innkalling is one recipient). Overdue rungs at their regular slot."""
        sett: set[str] = set()
        for t in self._alle_kandidater():
            if t.nokkel not in sett:
                sett.add(t.nokkel)
                yield t

    def _alle_kandidater(self) -> Iterator[Trinn]:
        for s in self.g.saker:
            yield from self._saksniva(s)
        for pt in self.g.person_tilfeller:
            saker = self.g.saker_i(pt)
            if saker:
                yield from self._personniva(pt, saker[0])

    def _for(self, d: date, *dager: int) -> list[date]:
        return sorted({self.kal.forrige_arbeidsdag(d - timedelta(days=n)) for n in dager})

    def _slot_etter(self, at: datetime) -> date:
        """The date of the first slot after an instant (RM-10, RM-13)."""
        d = oslo_dato(at)
        while not (self.kal.er_arbeidsdag(d) and self.kal.slot(d) > at):
            d += timedelta(days=1)
        return d

    def _saksniva(self, s: SakInfo) -> Iterator[Trinn]:
        g, kal, inn = self.g, self.kal, self.inn
        cid = s.case_id
        sf = g.saksfakta[cid]

        def trinn(
            regel: str, mp: str, stage: str, rolle: str, d: date, ekstra: str = "", forfalt: bool = False
        ) -> Trinn:
            return Trinn(regel, cid, cid, mp, stage, rolle, d, ekstra, forfalt)

        d_op = _d(frist("oppfolgingsplan", s, g))
        d_dm1 = _d(frist("dialogmote_1", s, g))
        d_ak = _d(frist("aktivitetskrav", s, g))
        for d in self._for(d_op, *inn.before_offsets_days):
            yield trinn("RM-1", "oppfolgingsplan", "before", "NL", d)
            yield trinn("RM-1", "oppfolgingsplan", "before", "AT", d)
        for mp, due in (("oppfolgingsplan", d_op), ("dialogmote_1", d_dm1)):
            yield trinn(
                FORFALT_REGLER[mp], mp, "overdue", "NL", kal.neste_arbeidsdag(due + timedelta(days=1)), forfalt=True
            )
            if inn.escalation:
                for o in self.h.sendt_datoer(cid, mp, "overdue", FORFALT_REGLER[mp]):
                    e = kal.neste_arbeidsdag(o + timedelta(days=inn.escalation_after_days))
                    yield trinn(ESKALERING_REGLER[mp], mp, "escalation", "HR", e)
        planer = sf.av_type("oppfolgingsplan_ferdig")
        if planer:
            yield trinn(
                "RM-4", "oppfolgingsplan", "info", "NL", kal.neste_arbeidsdag(planer[0]["dato"] + timedelta(days=1))
            )
        for d in self._for(d_dm1, *inn.before_offsets_days):
            yield trinn("RM-5", "dialogmote_1", "before", "NL", d)
        if inn.dm1_graded_prompt and not self.h.sendt_datoer(cid, "dialogmote_1", "prompt", "RM-6"):
            for d in self._for(d_dm1, DM1_PROMPT_DAGER):
                yield trinn("RM-6", "dialogmote_1", "prompt", "NL", d)
                yield trinn("RM-6", "dialogmote_1", "prompt", "AT", d)
        u = sf.aktivt_unntak("dialogmote_1")
        if u is not None and u["arsak"] == "UTSATT_ALVORLIG_SYKDOM":
            gang = 1
            while (n := u["dato"] + timedelta(days=inn.utsatt_recheck_days * gang)) <= s.tilfelle.lukkes:
                yield trinn("RM-9", "dialogmote_1", "prompt", "NL", kal.neste_arbeidsdag(n))
                gang += 1
        yield from self._rm10(s)
        for d in self._for(d_ak, *inn.before_offsets_days):
            yield trinn("RM-11", "aktivitetskrav", "before", "NL", d)
            yield trinn("RM-11", "aktivitetskrav", "before", "AT", d)
        yield trinn(
            "RM-12",
            "aktivitetskrav",
            "task",
            "NAV",
            kal.neste_arbeidsdag(s.tilfelle.start + timedelta(days=AK_VURDERING)),
        )
        if inn.notify_employer_of_stans:
            for k in sf.av_type("aktivitetskrav_vurdert"):
                if k["utfall"] == "IKKE_OPPFYLT":
                    yield trinn(
                        "RM-13", "aktivitetskrav", "info", "HR", self._slot_etter(k.at), ekstra=k.at.isoformat()
                    )
        for m in sf.moter:
            mp = MOTE_MILEPEL[m.mote]
            mdato = oslo_dato(m.tidspunkt)
            for d in self._for(mdato, 1):
                for dt in m.deltakere:
                    yield trinn("RM-21", mp, "meeting", dt.rolle, d, ekstra=f"{m.id}/{dt.id}")
            if m.mote in (2, 3):
                for d in self._for(mdato, *MOTE_FOR):
                    yield trinn("RM-22", mp, "before", "NL", d, ekstra=m.id)

    def _rm10(self, s: SakInfo) -> Iterator[Trinn]:
        """RM-10: a sick note that moves the known end past the end known at a TUT/TF unntak."""
        sf = self.g.saksfakta[s.case_id]
        for frist_navn in ("oppfolgingsplan", "dialogmote_1"):
            u = sf.aktivt_unntak(frist_navn)
            if u is None or u["arsak"] not in UNNTAK_MED_PROMPT:
                continue
            unr = next(nr for nr, k in sf.kommandoer if k is u)
            slutt_ved_unntak = self._slutt_for(s, unr + 1)
            forrige = slutt_ved_unntak
            for nr in range(unr + 1, len(self.g.fakta)):
                k = self.g.fakta[nr]
                if k.type not in ("sykmelding", "egenmelding") or k.orgnr != s.orgnr:
                    continue
                ny = self._slutt_for(s, nr + 1)
                if (
                    ny is not None
                    and (forrige is None or ny > forrige)
                    and (slutt_ved_unntak is None or ny > slutt_ved_unntak)
                ):
                    yield Trinn(
                        "RM-10",
                        s.case_id,
                        s.case_id,
                        frist_navn,
                        "prompt",
                        "NL",
                        self._slot_etter(k.at),
                        ekstra=f"{unr}/{nr}",
                    )
                forrige = ny

    def _slutt_for(self, s: SakInfo, antall: int) -> date | None:
        """The case's known end after the first ``antall`` commands (the tilfelle holding S_c)."""
        sd = sykedager_per_virksomhet(self.g.fakta[:antall]).get(s.orgnr)
        if sd is None:
            return None
        for t in del_i_tilfeller(sd.dager):
            if t.start <= s.tilfelle.start <= t.slutt or s.tilfelle.start <= t.start <= s.tilfelle.slutt:
                return t.slutt
        return None

    def _personniva(self, pt: Tilfelle, s: SakInfo) -> Iterator[Trinn]:
        g, kal, inn = self.g, self.kal, self.inn
        om = person_omfang(pt)

        def trinn(
            regel: str, mp: str, stage: str, rolle: str, d: date, ekstra: str = "", forfalt: bool = False
        ) -> Trinn:
            return Trinn(regel, om, None, mp, stage, rolle, d, ekstra, forfalt)

        sp = pt.start
        if inn.sykmelder_prompts:
            for dager, mp in SYKMELDER_PROMPTS:
                yield trinn("RM-14", mp, "prompt", "SYKMELDER", kal.neste_arbeidsdag(sp + timedelta(days=dager)))
        d_mb = kal.neste_arbeidsdag(_d(frist("motebehov", s, g)))
        yield trinn("RM-15", "motebehov", "prompt", "AT", d_mb)
        for sak in g.saker_i(pt):
            yield trinn("RM-15", "motebehov", "prompt", "NL", d_mb, ekstra=sak.case_id)
        yield trinn("RM-16", "dialogmote_2", "task", "NAV", kal.neste_arbeidsdag(sp + timedelta(days=DM2_OPPGAVE)))
        yield trinn(
            "RM-17", "dialogmote_2", "before", "NAV", kal.forrige_arbeidsdag(sp + timedelta(days=DM2_INNKALLING))
        )
        d_dm2 = _d(frist("dialogmote_2", s, g))
        yield trinn(
            "RM-18", "dialogmote_2", "overdue", "NAV", kal.neste_arbeidsdag(d_dm2 + timedelta(days=1)), forfalt=True
        )
        for sak in g.saker_i(pt):
            for k in g.saksfakta[sak.case_id].av_type("dialogmote_onsket"):
                d = kal.arbeidsdager_etter(oslo_dato(k.at), inn.early_request_followup_working_days)
                yield trinn("RM-19", MOTE_MILEPEL[k["mote"]], "task", "NAV", d, ekstra=k.at.isoformat())
        d_dm3 = kal.neste_arbeidsdag(_d(frist("dialogmote_3", s, g)))
        yield trinn("RM-24", "dialogmote_3", "info", "AT", d_dm3)
        for sak in g.saker_i(pt):
            yield trinn("RM-24", "dialogmote_3", "info", "NL", d_dm3, ekstra=sak.case_id)
        yield trinn("RM-24", "dialogmote_3", "info", "NAV", d_dm3)
        md = g.maksdato(pt)
        if md is not None:
            d = kal.neste_arbeidsdag(md - timedelta(days=inn.maksdato_info_days))
            yield trinn("RM-25", "maksdato", "info", "AT", d)
            yield trinn("RM-25", "maksdato", "info", "NAV", d)

    # ---------------------------------------------------------------- decisions

    def vurder_slot(self, at: datetime) -> list[Beslutning]:
        """RP-3: decide every rung whose send date is this slot's date, as known at the slot."""
        d = oslo_dato(at)
        ut: list[Beslutning] = []
        sett: set[tuple[str, str, str, str, str | None, date]] = set()
        for t in self.kandidater():
            regulaer = t.send_dato == d
            if t.forfalt:
                if d < t.send_dato or self.h.sendt_datoer(t.omfang, t.milepel, t.stage, t.regel):
                    continue
                t = replace(t, send_dato=d)
            elif not regulaer:
                continue
            if t.nokkel in self.h.besluttet:
                continue
            b = self._vurder(t, at)
            if b is None or (not regulaer and b.status != SENDT):
                continue  # RP-4 O: dropped unlisted; RP-6: later overdue tries listed only when sent
            dupl = (t.omfang, t.milepel, t.stage, t.rolle, b.mottaker_id, t.send_dato)
            if b.status == SENDT and dupl in sett:
                continue  # RP-8
            if b.status == SENDT:
                sett.add(dupl)
            ut.append(b)
        # RP-8 holds for cancellations too: one cancelled rung per recipient, and none beside a sent one.
        kansellert: set[tuple[str, str, str, str, str | None, date]] = set()
        behold = []
        for b in ut:
            t = b.trinn
            dupl = (t.omfang, t.milepel, t.stage, t.rolle, b.mottaker_id, t.send_dato)
            if b.status != SENDT:
                if dupl in sett or dupl in kansellert:
                    continue
                kansellert.add(dupl)
            behold.append(b)
        return sorted(behold, key=_rekkefolge)

    def planlagte(self, etter: date, idag: date) -> list[Beslutning]:
        """RP-12: rungs after ``etter`` whose milestone is pending or overdue and whose case is open."""
        ut = []
        v = Vurdering(idag, slot=False)
        for t in self.kandidater():
            if t.send_dato <= etter:
                continue
            s, tilfelle = self._sak_og_tilfelle(t)
            if s is None or v.lukket(tilfelle):
                continue
            if milepel(t.milepel, self.g, s, v).status not in UAVKLART:
                continue
            if self._samtykke_trukket(s, t):
                continue  # CON-3: nothing stays pending for a person whose consent was withdrawn
            ut.append(Beslutning(t, self.kal.slot(t.send_dato), self._mottaker(t, s), PLANLAGT))
        return sorted(ut, key=_rekkefolge)

    def ubesluttede(self) -> list[PlanlagtTrinn]:
        """Every scheduled rung not yet decided, with what its listing at a later date depends on.

        The read model of reminders keeps these; ``PlanlagtTrinn.vises_pa`` then gives RP-12's
        "planned at d" for any d without rebuilding the plan. HR recipients are left to the reader
        because HR is another stream (RP-9 resolves them on the send date anyway).
        """
        ut = []
        for t in self.kandidater():
            if t.forfalt and self.h.sendt_datoer(t.omfang, t.milepel, t.stage, t.regel):
                continue  # RP-6: the overdue rung went out (at its slot or a later one)
            etterslep = t.nokkel in self.h.besluttet
            if etterslep and not t.forfalt:
                continue
            s, tilfelle = self._sak_og_tilfelle(t)
            if s is None:
                continue
            mottaker = None if t.rolle == "HR" else self._mottaker(t, s)
            slot = self.kal.slot(t.send_dato)
            trukket = self._samtykke_trukket(s, t)  # CON-3: decided (cancelled) at its slot, never listed
            ut.append(PlanlagtTrinn(t, s.case_id, s.orgnr, tilfelle.lukkes, slot, mottaker, trukket, etterslep))
        return ut

    def umiddelbare(self, k: Kommando) -> list[Beslutning]:
        """Immediate messages at a command's instant (RP-1): RM-19 first task, RM-20, RM-23."""
        g = self.g
        d = oslo_dato(k.at)
        ut: list[Beslutning] = []
        if k.type == "dialogmote_onsket":
            s = g.finn_sak(k.orgnr, d)
            if s is not None:
                t = Trinn(
                    "RM-19",
                    person_omfang(s.person_tilfelle),
                    None,
                    MOTE_MILEPEL[k["mote"]],
                    "task",
                    "NAV",
                    d,
                    ekstra=f"{k.at.isoformat()}/straks",
                )
                ut.append(Beslutning(t, k.at, "NAV", SENDT))
        elif k.type == "dialogmote_innkalt":
            s = g.finn_sak(k.orgnr, d)
            m = next((m for m in g.saksfakta[s.case_id].moter if m.id == k["id"]), None) if s else None
            if s is not None and m is not None:
                for dt in m.deltakere:
                    if dt.rolle == INNKALLER[m.mote]:
                        continue
                    t = Trinn(
                        "RM-20",
                        s.case_id,
                        s.case_id,
                        MOTE_MILEPEL[m.mote],
                        "meeting",
                        dt.rolle,
                        d,
                        ekstra=f"{m.id}/{dt.id}",
                    )
                    mottaker = self._deltaker_id(s, dt.rolle, dt.id, d)
                    grunn = self._samtykke(s, m, dt.rolle, dt.id, d) or (None if mottaker else "no_recipient")
                    ut.append(Beslutning(t, k.at, mottaker, KANSELLERT if grunn else SENDT, grunn))
        elif k.type == "unntak" and k["frist"] == "dialogmote_2":
            s = g.finn_sak(k.orgnr, d)
            if s is not None:
                om = person_omfang(s.person_tilfelle)
                ut.append(Beslutning(Trinn("RM-23", om, None, "dialogmote_2", "info", "AT", d), k.at, g.fnr, SENDT))
                varslet: set[str] = set()
                for sak in g.saker_i(s.person_tilfelle):
                    if sak.tilfelle.apen_pa_slot(d):
                        t = Trinn("RM-23", om, None, "dialogmote_2", "info", "NL", d, ekstra=sak.case_id)
                        nl = g.narmeste_leder(sak.orgnr, d)
                        if nl in varslet:
                            continue  # RP-8: one leader of two open cases gets one message
                        if nl:
                            varslet.add(nl)
                        ut.append(Beslutning(t, k.at, nl, SENDT if nl else KANSELLERT, None if nl else "no_recipient"))
        return sorted(ut, key=_rekkefolge)

    # ---------------------------------------------------------------- conditions

    def _sak_og_tilfelle(self, t: Trinn) -> tuple[SakInfo | None, Tilfelle]:
        if t.case_id is not None:
            s = self.g.sak(t.case_id)
            return s, s.tilfelle if s else Tilfelle((t.send_dato,))
        pt = next(p for p in self.g.person_tilfeller if person_omfang(p) == t.omfang)
        return self.g.saker_i(pt)[0], pt

    def _vurder(self, t: Trinn, at: datetime) -> Beslutning | None:
        s, tilfelle = self._sak_og_tilfelle(t)
        if s is None:
            return None
        d = t.send_dato
        if t.regel != "RM-21" and not tilfelle.apen_pa_slot(d):
            return None  # RP-4 O: rungs of a closed tilfelle are dropped without being listed
        if t.regel in ("RM-15", "RM-24") and t.rolle == "NL":
            sak = self.g.sak(t.ekstra)
            if sak is None or not self.g.syk(sak.orgnr, d):
                return None  # only the leaders of cases sick that day are recipients
        mottaker = self._mottaker(t, s)
        grunn = self._forste_feil(t, s, d, mottaker)
        return Beslutning(t, at, mottaker, KANSELLERT if grunn else SENDT, grunn)

    def _forste_feil(self, t: Trinn, s: SakInfo, d: date, mottaker: str | None) -> str | None:
        for sjekk in self._betingelser(t, s, d, mottaker):
            grunn = sjekk()
            if grunn:
                return grunn
        return None

    def _betingelser(self, t: Trinn, s: SakInfo, d: date, mottaker: str | None) -> list[Callable[[], str | None]]:
        g = self.g
        v = Vurdering(d, slot=True)
        person = t.case_id is None
        org = None if person else s.orgnr
        due = frist(t.milepel, s, g) if t.milepel != "maksdato" else None

        def a() -> str | None:
            return None if g.syk(org, d) else "not_absent"

        def u() -> str | None:
            st = milepel(t.milepel, g, s, v).status
            return None if st in UAVKLART else st.value

        def r() -> str | None:
            return None if due is not None and s.tilfelle.slutt >= due else "not_reaching_deadline"

        def n() -> str | None:
            return None if mottaker else "no_recipient"

        def ikke_innkalt(mote: int) -> Callable[[], str | None]:
            def sjekk() -> str | None:
                moter = g.saksfakta[s.case_id].moter if mote == 1 else g.moter_i(s.person_tilfelle, mote)
                return "innkalt" if any(m.aktiv and m.mote == mote for m in moter) else None

            return sjekk

        def helt_borte_pa_frist() -> str | None:
            return None if due is not None and g.helt_borte(s.orgnr, due) else "activity"

        regel = t.regel
        if regel == "RM-1":
            return [a, u, r, n]
        if regel in ("RM-2", "RM-3"):
            return [a, u, n]
        if regel == "RM-4":
            return [a, lambda: self._plan_delt_sykmelder(s), n]
        if regel == "RM-5":
            return [
                a,
                u,
                r,
                lambda: None if dm1_obligatorisk_paminnelse(g, s, _d(due), d) else "not_mandatory",
                ikke_innkalt(1),
                n,
            ]
        if regel == "RM-6":
            return [
                a,
                u,
                r,
                lambda: "mandatory" if dm1_obligatorisk_paminnelse(g, s, _d(due), d) else None,
                ikke_innkalt(1),
                n,
            ]
        if regel in ("RM-7", "RM-8"):
            return [a, u, ikke_innkalt(1), n]
        if regel == "RM-9":
            return [a, lambda: "met" if milepel("dialogmote_1", g, s, v).status is Status.MET else None, n]
        if regel == "RM-10":
            return [a, n]
        if regel == "RM-11":
            return [a, u, r, helt_borte_pa_frist, n]
        if regel == "RM-12":
            return [a, helt_borte_pa_frist, lambda: self._vurdert(s), n]
        if regel == "RM-13":
            return [n]
        if regel == "RM-14":
            return [a, lambda: None if g.helt_borte(None, d) else "not_fully_absent", lambda: self._utdypende(d), n]
        if regel == "RM-15":
            return [a, lambda: "not_applicable" if motebehov_ikke_aktuelt(g, s, _d(due)) else None, n]
        if regel in ("RM-16", "RM-17", "RM-18"):
            return [a, u, ikke_innkalt(2), n]
        if regel == "RM-19":
            return [lambda: self._innkalt_siden(s, t), *([u] if t.milepel == "dialogmote_2" else []), n]
        if regel == "RM-21":
            m = self._mote(s, t)
            return [lambda: _mote_status(m), lambda: self._samtykke(s, m, t.rolle, t.ekstra.split("/", 1)[1], d), n]
        if regel == "RM-22":
            m = self._mote(s, t)
            return [lambda: _mote_status(m), lambda: self._plan_delt_nav(s, m), n]
        if regel == "RM-24":
            return [
                a,
                lambda: "innkalt" if any(m.avlyst_at is None for m in g.moter_i(s.person_tilfelle, 3)) else None,
                n,
            ]
        if regel == "RM-25":
            return [a, n]
        raise ValueError(regel)

    def _plan_delt_sykmelder(self, s: SakInfo) -> str | None:
        sf = self.g.saksfakta[s.case_id]
        plan = sf.av_type("oppfolgingsplan_ferdig")[0]
        delt = any(
            k["mottaker"] == "sykmelder" and k["dato"] >= plan["dato"] for k in sf.av_type("oppfolgingsplan_delt")
        )
        return "shared" if delt else None

    def _plan_delt_nav(self, s: SakInfo, m: Mote) -> str | None:
        innkalt = oslo_dato(m.innkalt_at)
        delt = self.g.saksfakta[s.case_id].av_type("oppfolgingsplan_delt")
        return "shared" if any(k["mottaker"] == "nav" and k["dato"] >= innkalt for k in delt) else None

    def _vurdert(self, s: SakInfo) -> str | None:
        if nav_vurdering(self.g, s) is not None or self.g.saksfakta[s.case_id].aktivt_unntak("aktivitetskrav"):
            return "vurdert"
        return None

    def _utdypende(self, d: date) -> str | None:
        notater = self.g.sykmeldinger_som_dekker(None, d, helt=True)
        return "utdypende" if notater and notater[-1].get("utdypende_opplysninger") else None

    def _innkalt_siden(self, s: SakInfo, t: Trinn) -> str | None:
        onsket = datetime.fromisoformat(t.ekstra)
        mote = int(t.milepel[-1])
        return "innkalt" if any(m.innkalt_at >= onsket for m in self.g.moter_i(s.person_tilfelle, mote)) else None

    def _mote(self, s: SakInfo, t: Trinn) -> Mote:
        mid = t.ekstra.split("/", 1)[0]
        return next(m for m in self.g.saksfakta[s.case_id].moter if m.id == mid)

    def _samtykke(self, s: SakInfo, m: Mote, rolle: str, person_id: str, d: date) -> str | None:
        """RP-4 C / CON-1: TV, VO, BHT, and the sykmelder for mote 1, need an active consent."""
        if rolle not in SAMTYKKE_ROLLER and not (rolle == "SYKMELDER" and m.mote == 1):
            return None
        aktiv = False
        for k in self.g.saksfakta[s.case_id].av_type("samtykke_gitt", "samtykke_trukket"):
            if k["rolle"] == rolle and k["person_id"] == person_id:
                aktiv = k.type == "samtykke_gitt"
        return None if aktiv and s.tilfelle.apen_pa_slot(d) else "no_consent"

    def _samtykke_trukket(self, s: SakInfo, t: Trinn) -> bool:
        """CON-3: the rung needs consent (RP-4 C) and that person's latest consent command is a withdrawal."""
        if t.regel != "RM-21":
            return False
        m = self._mote(s, t)
        if t.rolle not in SAMTYKKE_ROLLER and not (t.rolle == "SYKMELDER" and m.mote == 1):
            return False
        person_id = t.ekstra.split("/", 1)[1]
        siste: str | None = None
        for k in self.g.saksfakta[s.case_id].av_type("samtykke_gitt", "samtykke_trukket"):
            if k["rolle"] == t.rolle and k["person_id"] == person_id:
                siste = k.type
        return siste == "samtykke_trukket"

    # ---------------------------------------------------------------- recipients (RP-9)

    def _mottaker(self, t: Trinn, s: SakInfo) -> str | None:
        g, d = self.g, t.send_dato
        if t.regel in ("RM-21",):
            return self._deltaker_id(s, t.rolle, t.ekstra.split("/", 1)[1], d)
        if t.rolle == "AT":
            return g.fnr
        if t.rolle == "NAV":
            return "NAV"
        if t.rolle == "HR":
            return self.hr(s.orgnr)
        if t.rolle == "NL":
            if t.regel in ("RM-15", "RM-24"):
                sak = g.sak(t.ekstra)
                if sak is None or not g.syk(sak.orgnr, d):
                    return None
                return g.narmeste_leder(sak.orgnr, d)
            return g.narmeste_leder(s.orgnr, d)
        if t.rolle == "SYKMELDER":
            notater = g.sykmeldinger_som_dekker(None if t.regel == "RM-14" else s.orgnr, d, helt=t.regel == "RM-14")
            return notater[-1].get("sykmelder_id") if notater else None
        return None

    def _deltaker_id(self, s: SakInfo, rolle: str, oppgitt: str, d: date) -> str | None:
        if rolle == "NL":
            return self.g.narmeste_leder(s.orgnr, d)
        if rolle == "AT":
            return self.g.fnr
        if rolle == "NAV":
            return "NAV"
        return oppgitt


def _mote_status(m: Mote) -> str | None:
    if m.avlyst_at is not None:
        return "avlyst"
    if m.avholdt is not None:
        return "held"
    return None


def _d(d: date | None) -> date:
    if d is None:
        raise ValueError("date missing")
    return d


def _rekkefolge(b: Beslutning) -> tuple[datetime, str, str, str]:
    return (b.at, b.trinn.rolle, b.mottaker_id or "", b.trinn.milepel)
