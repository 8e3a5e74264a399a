"""The reminder plan and the decisions at each slot (rules.md RP-1 … RP-12, matrix RM-1 … RM-25).

``Paminnelsesmotor`` takes the rungs of the plan with their send dates (``kandidater``, from
``domain.paminnelsesplan``), decides the rungs of one slot as known at that slot (``vurder_slot``),
decides the immediate messages of one command (``umiddelbare``), and lists the rungs still ahead
(``planlagte``). The rungs and decisions are ``domain.paminnelsestrinn``; the conditions of each row
are the table in ``domain.vilkar``, checked in the row's order (6.2); the first that fails gives the
reason.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from domain.begreper import Arsak, Milepelstype, Rolle
from domain.grunnlag import SakInfo
from domain.kalender import oslo_dato
from domain.kommandoer import Kommando
from domain.milepeler import UAVKLART, Vurdering, milepel
from domain.paminnelsesplan import HrOppslag, Paminnelsesplan
from domain.paminnelsestrinn import (
    INNKALLER,
    KANSELLERT,
    MOTE_MILEPEL,
    PLANLAGT,
    SENDT,
    Beslutning,
    Historikk,
    PlanlagtTrinn,
    Trinn,
    person_omfang,
    rekkefolge,
    vises_som_planlagt,
)
from domain.tilfelle import Tilfelle
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


class Paminnelsesmotor(Paminnelsesplan):
    """Reminder decisions for one person as known at one moment (RP-3)."""

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
        return sorted(behold, key=rekkefolge)

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
