"""The reminder plan and the decisions at each slot (rules.md RP-1 … RP-12, matrix RM-1 … RM-25).

``Paminnelsesmotor`` lists every rung of the plan with its send date (``kandidater``), decides the
rungs of one slot as known at that slot (``vurder_slot``), decides the immediate messages of one
command (``umiddelbare``), and lists the rungs still ahead (``planlagte``). The rungs and decisions
are ``domain.paminnelsestrinn``; the conditions of each row are the table in ``domain.vilkar``,
checked in the row's order (6.2); the first that fails gives the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta

from domain.begreper import Arsak, Milepelstype, Rolle
from domain.grunnlag import Grunnlag, SakInfo
from domain.kalender import oslo_dato
from domain.kommandoer import Kommando
from domain.milepeler import AK_VURDERING, DM2_INNKALLING, UAVKLART, Vurdering, frist, milepel
from domain.paminnelsestrinn import (
    DM1_PROMPT_DAGER,
    DM2_OPPGAVE,
    ESKALERING_REGLER,
    FORFALT_REGLER,
    INNKALLER,
    KANSELLERT,
    MOTE_FOR,
    MOTE_MILEPEL,
    PLANLAGT,
    SENDT,
    SYKMELDER_PROMPTS,
    UNNTAK_MED_PROMPT,
    Beslutning,
    Historikk,
    PlanlagtTrinn,
    Trinn,
    krev_dato,
    person_omfang,
    rekkefolge,
    vises_som_planlagt,
)
from domain.tilfelle import Tilfelle, del_i_tilfeller, sykedager_per_virksomhet
from domain.vilkar import Sjekkgrunnlag, finn_mote, forste_feil, samtykke_mangler, trenger_samtykke

__all__ = [
    "KANSELLERT",
    "PLANLAGT",
    "SENDT",
    "Beslutning",
    "Historikk",
    "HrOppslag",
    "Paminnelsesmotor",
    "PlanlagtTrinn",
    "Trinn",
    "person_omfang",
    "vises_som_planlagt",
]

HrOppslag = Callable[[str], "str | None"]


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

        d_op = krev_dato(frist(Milepelstype.OPPFOLGINGSPLAN, s, g))
        d_dm1 = krev_dato(frist(Milepelstype.DIALOGMOTE_1, s, g))
        d_ak = krev_dato(frist(Milepelstype.AKTIVITETSKRAV, s, g))
        for d in self._for(d_op, *inn.before_offsets_days):
            yield trinn("RM-1", Milepelstype.OPPFOLGINGSPLAN, "before", Rolle.NL, d)
            yield trinn("RM-1", Milepelstype.OPPFOLGINGSPLAN, "before", Rolle.AT, d)
        for mp, due in ((Milepelstype.OPPFOLGINGSPLAN, d_op), (Milepelstype.DIALOGMOTE_1, d_dm1)):
            yield trinn(
                FORFALT_REGLER[mp], mp, "overdue", Rolle.NL, kal.neste_arbeidsdag(due + timedelta(days=1)), forfalt=True
            )
            if inn.escalation:
                for o in self.h.sendt_datoer(cid, mp, "overdue", FORFALT_REGLER[mp]):
                    e = kal.neste_arbeidsdag(o + timedelta(days=inn.escalation_after_days))
                    yield trinn(ESKALERING_REGLER[mp], mp, "escalation", Rolle.HR, e)
        planer = sf.av_type("oppfolgingsplan_ferdig")
        if planer:
            yield trinn(
                "RM-4",
                Milepelstype.OPPFOLGINGSPLAN,
                "info",
                Rolle.NL,
                kal.neste_arbeidsdag(planer[0]["dato"] + timedelta(days=1)),
            )
        for d in self._for(d_dm1, *inn.before_offsets_days):
            yield trinn("RM-5", Milepelstype.DIALOGMOTE_1, "before", Rolle.NL, d)
        if inn.dm1_graded_prompt and not self.h.sendt_datoer(cid, Milepelstype.DIALOGMOTE_1, "prompt", "RM-6"):
            for d in self._for(d_dm1, DM1_PROMPT_DAGER):
                yield trinn("RM-6", Milepelstype.DIALOGMOTE_1, "prompt", Rolle.NL, d)
                yield trinn("RM-6", Milepelstype.DIALOGMOTE_1, "prompt", Rolle.AT, d)
        u = sf.aktivt_unntak(Milepelstype.DIALOGMOTE_1)
        if u is not None and u["arsak"] == "UTSATT_ALVORLIG_SYKDOM":
            gang = 1
            while (n := u["dato"] + timedelta(days=inn.utsatt_recheck_days * gang)) <= s.tilfelle.lukkes:
                yield trinn("RM-9", Milepelstype.DIALOGMOTE_1, "prompt", Rolle.NL, kal.neste_arbeidsdag(n))
                gang += 1
        yield from self._rm10(s)
        for d in self._for(d_ak, *inn.before_offsets_days):
            yield trinn("RM-11", Milepelstype.AKTIVITETSKRAV, "before", Rolle.NL, d)
            yield trinn("RM-11", Milepelstype.AKTIVITETSKRAV, "before", Rolle.AT, d)
        yield trinn(
            "RM-12",
            Milepelstype.AKTIVITETSKRAV,
            "task",
            Rolle.NAV,
            kal.neste_arbeidsdag(s.tilfelle.start + timedelta(days=AK_VURDERING)),
        )
        if inn.notify_employer_of_stans:
            for k in sf.av_type("aktivitetskrav_vurdert"):
                if k["utfall"] == "IKKE_OPPFYLT":
                    yield trinn(
                        "RM-13",
                        Milepelstype.AKTIVITETSKRAV,
                        "info",
                        Rolle.HR,
                        self._slot_etter(k.at),
                        ekstra=k.at.isoformat(),
                    )
        for m in sf.moter:
            mp = MOTE_MILEPEL[m.mote]
            mdato = oslo_dato(m.tidspunkt)
            for d in self._for(mdato, 1):
                for dt in m.deltakere:
                    yield trinn("RM-21", mp, "meeting", dt.rolle, d, ekstra=f"{m.id}/{dt.id}")
            if m.mote in (2, 3):
                for d in self._for(mdato, *MOTE_FOR):
                    yield trinn("RM-22", mp, "before", Rolle.NL, d, ekstra=m.id)

    def _rm10(self, s: SakInfo) -> Iterator[Trinn]:
        """RM-10: a sick note that moves the known end past the end known at a TUT/TF unntak."""
        sf = self.g.saksfakta[s.case_id]
        for frist_navn in (Milepelstype.OPPFOLGINGSPLAN, Milepelstype.DIALOGMOTE_1):
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
                        Rolle.NL,
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
                yield trinn("RM-14", mp, "prompt", Rolle.SYKMELDER, kal.neste_arbeidsdag(sp + timedelta(days=dager)))
        d_mb = kal.neste_arbeidsdag(krev_dato(frist(Milepelstype.MOTEBEHOV, s, g)))
        yield trinn("RM-15", Milepelstype.MOTEBEHOV, "prompt", Rolle.AT, d_mb)
        for sak in g.saker_i(pt):
            yield trinn("RM-15", Milepelstype.MOTEBEHOV, "prompt", Rolle.NL, d_mb, ekstra=sak.case_id)
        yield trinn(
            "RM-16",
            Milepelstype.DIALOGMOTE_2,
            "task",
            Rolle.NAV,
            kal.neste_arbeidsdag(sp + timedelta(days=DM2_OPPGAVE)),
        )
        yield trinn(
            "RM-17",
            Milepelstype.DIALOGMOTE_2,
            "before",
            Rolle.NAV,
            kal.forrige_arbeidsdag(sp + timedelta(days=DM2_INNKALLING)),
        )
        d_dm2 = krev_dato(frist(Milepelstype.DIALOGMOTE_2, s, g))
        yield trinn(
            "RM-18",
            Milepelstype.DIALOGMOTE_2,
            "overdue",
            Rolle.NAV,
            kal.neste_arbeidsdag(d_dm2 + timedelta(days=1)),
            forfalt=True,
        )
        for sak in g.saker_i(pt):
            for k in g.saksfakta[sak.case_id].av_type("dialogmote_onsket"):
                d = kal.arbeidsdager_etter(oslo_dato(k.at), inn.early_request_followup_working_days)
                yield trinn("RM-19", MOTE_MILEPEL[k["mote"]], "task", Rolle.NAV, d, ekstra=k.at.isoformat())
        d_dm3 = kal.neste_arbeidsdag(krev_dato(frist(Milepelstype.DIALOGMOTE_3, s, g)))
        yield trinn("RM-24", Milepelstype.DIALOGMOTE_3, "info", Rolle.AT, d_dm3)
        for sak in g.saker_i(pt):
            yield trinn("RM-24", Milepelstype.DIALOGMOTE_3, "info", Rolle.NL, d_dm3, ekstra=sak.case_id)
        yield trinn("RM-24", Milepelstype.DIALOGMOTE_3, "info", Rolle.NAV, d_dm3)
        md = g.maksdato(pt)
        if md is not None:
            d = kal.neste_arbeidsdag(md - timedelta(days=inn.maksdato_info_days))
            yield trinn("RM-25", Milepelstype.MAKSDATO, "info", Rolle.AT, d)
            yield trinn("RM-25", Milepelstype.MAKSDATO, "info", Rolle.NAV, d)

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
        return sorted(ut, key=rekkefolge)

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
        return sorted(ut, key=rekkefolge)

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
            mottaker = None if t.rolle == Rolle.HR else self._mottaker(t, s)
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
                    Rolle.NAV,
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
                    grunn = samtykke_mangler(g, s, m, dt.rolle, dt.id, d) or (None if mottaker else Arsak.NO_RECIPIENT)
                    ut.append(Beslutning(t, k.at, mottaker, KANSELLERT if grunn else SENDT, grunn))
        elif k.type == "unntak" and k["frist"] == Milepelstype.DIALOGMOTE_2:
            s = g.finn_sak(k.orgnr, d)
            if s is not None:
                om = person_omfang(s.person_tilfelle)
                ut.append(
                    Beslutning(
                        Trinn("RM-23", om, None, Milepelstype.DIALOGMOTE_2, "info", Rolle.AT, d), k.at, g.fnr, SENDT
                    )
                )
                varslet: set[str] = set()
                for sak in g.saker_i(s.person_tilfelle):
                    if sak.tilfelle.apen_pa_slot(d):
                        t = Trinn("RM-23", om, None, Milepelstype.DIALOGMOTE_2, "info", Rolle.NL, d, ekstra=sak.case_id)
                        nl = g.narmeste_leder(sak.orgnr, d)
                        if nl in varslet:
                            continue  # RP-8: one leader of two open cases gets one message
                        if nl:
                            varslet.add(nl)
                        ut.append(
                            Beslutning(t, k.at, nl, SENDT if nl else KANSELLERT, None if nl else Arsak.NO_RECIPIENT)
                        )
        return sorted(ut, key=rekkefolge)

    # ---------------------------------------------------------------- conditions (domain.vilkar)

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
        if t.regel in ("RM-15", "RM-24") and t.rolle == Rolle.NL:
            sak = self.g.sak(t.ekstra)
            if sak is None or not self.g.syk(sak.orgnr, d):
                return None  # only the leaders of cases sick that day are recipients
        mottaker = self._mottaker(t, s)
        grunn = forste_feil(Sjekkgrunnlag(self.g, t, s, d, mottaker))
        return Beslutning(t, at, mottaker, KANSELLERT if grunn else SENDT, grunn)

    def _samtykke_trukket(self, s: SakInfo, t: Trinn) -> bool:
        """CON-3: the rung needs consent (RP-4 C) and that person's latest consent command is a withdrawal."""
        if t.regel != "RM-21":
            return False
        if not trenger_samtykke(t.rolle, finn_mote(self.g, s, t)):
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
        if t.rolle == Rolle.AT:
            return g.fnr
        if t.rolle == Rolle.NAV:
            return "NAV"  # NAV is one recipient
        if t.rolle == Rolle.HR:
            return self.hr(s.orgnr)
        if t.rolle == Rolle.NL:
            if t.regel in ("RM-15", "RM-24"):
                sak = g.sak(t.ekstra)
                if sak is None or not g.syk(sak.orgnr, d):
                    return None
                return g.narmeste_leder(sak.orgnr, d)
            return g.narmeste_leder(s.orgnr, d)
        if t.rolle == Rolle.SYKMELDER:
            notater = g.sykmeldinger_som_dekker(None if t.regel == "RM-14" else s.orgnr, d, helt=t.regel == "RM-14")
            return notater[-1].get("sykmelder_id") if notater else None
        return None

    def _deltaker_id(self, s: SakInfo, rolle: str, oppgitt: str, d: date) -> str | None:
        if rolle == Rolle.NL:
            return self.g.narmeste_leder(s.orgnr, d)
        if rolle == Rolle.AT:
            return self.g.fnr
        if rolle == Rolle.NAV:
            return "NAV"  # NAV is one recipient
        return oppgitt
