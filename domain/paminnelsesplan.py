"""The reminder plan: every rung with its send date (rules.md RP-2, RM-1 … RM-25 send dates).

``Paminnelsesplan.kandidater`` lists the rungs of one person's cases and tilfeller as the facts give
them; the engine that decides them is ``domain.paminnelser.Paminnelsesmotor``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from domain.begreper import Milepelstype, Rolle
from domain.grunnlag import Grunnlag, SakInfo
from domain.kalender import oslo_dato
from domain.milepeler import AK_VURDERING, DM2_INNKALLING, frist
from domain.paminnelsestrinn import (
    DM1_PROMPT_DAGER,
    DM2_OPPGAVE,
    ESKALERING_REGLER,
    FORFALT_REGLER,
    MOTE_FOR,
    MOTE_MILEPEL,
    SYKMELDER_PROMPTS,
    UNNTAK_MED_PROMPT,
    Historikk,
    Trinn,
    krev_dato,
    person_omfang,
)
from domain.tilfelle import Tilfelle, del_i_tilfeller, sykedager_per_virksomhet

HrOppslag = Callable[[str], "str | None"]


class Paminnelsesplan:
    """The rungs of one person's reminder plan as known at one moment (RP-2, RP-3)."""

    def __init__(self, g: Grunnlag, historikk: Historikk, hr: HrOppslag) -> None:
        self.g = g
        self.h = historikk
        self.hr = hr
        self.inn = g.innstillinger
        self.kal = g.innstillinger.kalender

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
