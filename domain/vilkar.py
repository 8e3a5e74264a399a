"""The conditions of the reminder matrix as a table of named checks (rules.md §6.2, §6.3, RP-4).

Each row of the matrix lists its conditions in order (``VILKAR``); each condition is a small function
that returns ``None`` when it holds or the §6.2 reason code (``Arsak``) when it fails. The first
failing condition gives the reason a rung is cancelled. The letters are RP-4's: O (tilfelle open;
checked by the engine before the row, a failing O drops the rung unlisted), A (absent), U (milestone
unresolved), R (the case reaches the due date), C (consent), N (a recipient exists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Final

from domain.begreper import SAMTYKKEROLLER, Arsak, Milepelstype, Rolle, Status
from domain.grunnlag import Grunnlag, Mote, SakInfo
from domain.kalender import oslo_dato
from domain.milepeler import (
    UAVKLART,
    Vurdering,
    dm1_obligatorisk_paminnelse,
    frist,
    milepel,
    motebehov_ikke_aktuelt,
    nav_vurdering,
)
from domain.paminnelsestrinn import Trinn, krev_dato


@dataclass(frozen=True)
class Sjekkgrunnlag:
    """What a condition looks at: the facts, the rung, its case, the send date and the recipient."""

    g: Grunnlag
    t: Trinn
    s: SakInfo
    d: date
    mottaker: str | None

    @cached_property
    def vurdering(self) -> Vurdering:
        return Vurdering(self.d, slot=True)

    @cached_property
    def due(self) -> date | None:
        return frist(self.t.milepel, self.s, self.g) if self.t.milepel != Milepelstype.MAKSDATO else None

    @property
    def orgnr(self) -> str | None:
        """The case's employer for case-level rows; None (any employer) for person-level rows."""
        return None if self.t.case_id is None else self.s.orgnr


Sjekk = Callable[[Sjekkgrunnlag], "Arsak | None"]


# ---------------------------------------------------------------- the letters of RP-4


def fravaer(k: Sjekkgrunnlag) -> Arsak | None:
    """A: the employee is sick at the case's employer (any employer for person rows) on the send date."""
    return None if k.g.syk(k.orgnr, k.d) else Arsak.NOT_ABSENT


def uavklart(k: Sjekkgrunnlag) -> Arsak | None:
    """U: the milestone is pending or overdue; otherwise its status is the reason (met, exempt, …)."""
    st = milepel(k.t.milepel, k.g, k.s, k.vurdering).status
    return None if st in UAVKLART else Arsak(st.value)


def rekker_frist(k: Sjekkgrunnlag) -> Arsak | None:
    """R: the case's known end reaches the due date."""
    return None if k.due is not None and k.s.tilfelle.slutt >= k.due else Arsak.NOT_REACHING_DEADLINE


def mottaker(k: Sjekkgrunnlag) -> Arsak | None:
    """N: RP-9 found a recipient."""
    return None if k.mottaker else Arsak.NO_RECIPIENT


def samtykke(k: Sjekkgrunnlag) -> Arsak | None:
    """C (RM-21): a participant who needs consent has an active one (CON-1)."""
    return samtykke_mangler(k.g, k.s, finn_mote(k.g, k.s, k.t), k.t.rolle, k.t.ekstra.split("/", 1)[1], k.d)


# ---------------------------------------------------------------- the rows' own conditions


def plan_ikke_delt_med_sykmelder(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-4: no ``oppfolgingsplan_delt{mottaker: sykmelder}`` dated on or after the plan (``shared``)."""
    sf = k.g.saksfakta[k.s.case_id]
    plan = sf.av_type("oppfolgingsplan_ferdig")[0]
    delt = sf.av_type("oppfolgingsplan_delt")
    return Arsak.SHARED if any(d["mottaker"] == "sykmelder" and d["dato"] >= plan["dato"] for d in delt) else None


def dm1_obligatorisk(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-5: dialogmøte 1 is mandatory on the send date (DM1-2 reminder rule; ``not_mandatory``)."""
    return None if dm1_obligatorisk_paminnelse(k.g, k.s, krev_dato(k.due), k.d) else Arsak.NOT_MANDATORY


def dm1_ikke_obligatorisk(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-6: dialogmøte 1 is not mandatory on the send date (``mandatory``)."""
    return Arsak.MANDATORY if dm1_obligatorisk_paminnelse(k.g, k.s, krev_dato(k.due), k.d) else None


def _ikke_innkalt(k: Sjekkgrunnlag, mote: int) -> Arsak | None:
    moter = k.g.saksfakta[k.s.case_id].moter if mote == 1 else k.g.moter_i(k.s.person_tilfelle, mote)
    return Arsak.INNKALT if any(m.aktiv and m.mote == mote for m in moter) else None


def dm1_ikke_innkalt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-5 … RM-8: no active innkalling to dialogmøte 1 of the case (``innkalt``)."""
    return _ikke_innkalt(k, 1)


def dm2_ikke_innkalt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-16 … RM-18: no active ``mote: 2`` innkalling in the person's tilfelle (``innkalt``)."""
    return _ikke_innkalt(k, 2)


def dm1_ikke_holdt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-9: dialogmøte 1 is not held (``met``)."""
    met = milepel(Milepelstype.DIALOGMOTE_1, k.g, k.s, k.vurdering).status is Status.MET
    return Arsak.MET if met else None


def helt_borte_pa_frist(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-11, RM-12: fully absent at the case's employer on the due date (``activity``)."""
    return None if k.due is not None and k.g.helt_borte(k.s.orgnr, k.due) else Arsak.ACTIVITY


def ikke_vurdert(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-12: no NAV vurdering other than AVVENT and no aktivitetskrav unntak (``vurdert``)."""
    unntak = k.g.saksfakta[k.s.case_id].aktivt_unntak(Milepelstype.AKTIVITETSKRAV)
    return Arsak.VURDERT if nav_vurdering(k.g, k.s) is not None or unntak else None


def helt_borte_et_sted(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-14: fully absent at some employer on the send date (``not_fully_absent``)."""
    return None if k.g.helt_borte(None, k.d) else Arsak.NOT_FULLY_ABSENT


def uten_utdypende(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-14: the latest 100 % sick note covering the send date has no ``utdypende_opplysninger``."""
    notater = k.g.sykmeldinger_som_dekker(None, k.d, helt=True)
    return Arsak.UTDYPENDE if notater and notater[-1].get("utdypende_opplysninger") else None


def motebehov_aktuelt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-15: the møtebehov milestone is not ``not_applicable`` (MB-1)."""
    return Arsak.NOT_APPLICABLE if motebehov_ikke_aktuelt(k.g, k.s, krev_dato(k.due)) else None


def ikke_innkalt_siden_onsket(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-19 follow-up: no innkalling of that ``mote`` since the request (``innkalt``)."""
    onsket = datetime.fromisoformat(k.t.ekstra)
    moter = k.g.moter_i(k.s.person_tilfelle, int(k.t.milepel[-1]))
    return Arsak.INNKALT if any(m.innkalt_at >= onsket for m in moter) else None


def uavklart_dm2(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-19 follow-up: U, for dialogmøte 2 only."""
    return uavklart(k) if k.t.milepel == Milepelstype.DIALOGMOTE_2 else None


def mote_fortsatt_innkalt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-21, RM-22: the meeting is still called (``avlyst`` / ``held``)."""
    m = finn_mote(k.g, k.s, k.t)
    if m.avlyst_at is not None:
        return Arsak.AVLYST
    if m.avholdt is not None:
        return Arsak.HELD
    return None


def plan_ikke_delt_med_nav(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-22: no ``oppfolgingsplan_delt{mottaker: nav}`` dated on or after the innkalling (``shared``)."""
    innkalt = oslo_dato(finn_mote(k.g, k.s, k.t).innkalt_at)
    delt = k.g.saksfakta[k.s.case_id].av_type("oppfolgingsplan_delt")
    return Arsak.SHARED if any(d["mottaker"] == "nav" and d["dato"] >= innkalt for d in delt) else None


def dm3_ikke_innkalt(k: Sjekkgrunnlag) -> Arsak | None:
    """RM-24: no ``mote: 3`` meeting called or held in the person's tilfelle (``innkalt``)."""
    return Arsak.INNKALT if any(m.avlyst_at is None for m in k.g.moter_i(k.s.person_tilfelle, 3)) else None


VILKAR: Final[dict[str, tuple[Sjekk, ...]]] = {
    "RM-1": (fravaer, uavklart, rekker_frist, mottaker),
    "RM-2": (fravaer, uavklart, mottaker),
    "RM-3": (fravaer, uavklart, mottaker),
    "RM-4": (fravaer, plan_ikke_delt_med_sykmelder, mottaker),
    "RM-5": (fravaer, uavklart, rekker_frist, dm1_obligatorisk, dm1_ikke_innkalt, mottaker),
    "RM-6": (fravaer, uavklart, rekker_frist, dm1_ikke_obligatorisk, dm1_ikke_innkalt, mottaker),
    "RM-7": (fravaer, uavklart, dm1_ikke_innkalt, mottaker),
    "RM-8": (fravaer, uavklart, dm1_ikke_innkalt, mottaker),
    "RM-9": (fravaer, dm1_ikke_holdt, mottaker),
    "RM-10": (fravaer, mottaker),
    "RM-11": (fravaer, uavklart, rekker_frist, helt_borte_pa_frist, mottaker),
    "RM-12": (fravaer, helt_borte_pa_frist, ikke_vurdert, mottaker),
    "RM-13": (mottaker,),
    "RM-14": (fravaer, helt_borte_et_sted, uten_utdypende, mottaker),
    "RM-15": (fravaer, motebehov_aktuelt, mottaker),
    "RM-16": (fravaer, uavklart, dm2_ikke_innkalt, mottaker),
    "RM-17": (fravaer, uavklart, dm2_ikke_innkalt, mottaker),
    "RM-18": (fravaer, uavklart, dm2_ikke_innkalt, mottaker),
    "RM-19": (ikke_innkalt_siden_onsket, uavklart_dm2, mottaker),
    "RM-21": (mote_fortsatt_innkalt, samtykke, mottaker),
    "RM-22": (mote_fortsatt_innkalt, plan_ikke_delt_med_nav, mottaker),
    "RM-24": (fravaer, dm3_ikke_innkalt, mottaker),
    "RM-25": (fravaer, mottaker),
}
"""The conditions of each scheduled row, in §6.3's order (RM-20 and RM-23 are immediate)."""


def forste_feil(k: Sjekkgrunnlag) -> Arsak | None:
    """The reason of the first condition of the rung's row that fails; None when all hold."""
    for sjekk in VILKAR[k.t.regel]:
        grunn = sjekk(k)
        if grunn is not None:
            return grunn
    return None


# ---------------------------------------------------------------- helpers shared with the engine


def finn_mote(g: Grunnlag, s: SakInfo, t: Trinn) -> Mote:
    """The meeting a meeting rung is about (its id is the first part of ``ekstra``)."""
    mid = t.ekstra.split("/", 1)[0]
    return next(m for m in g.saksfakta[s.case_id].moter if m.id == mid)


def trenger_samtykke(rolle: str, m: Mote) -> bool:
    """CON-1: TV, VO, BHT, and the sykmelder for dialogmøte 1."""
    return rolle in SAMTYKKEROLLER or (rolle == Rolle.SYKMELDER and m.mote == 1)


def samtykke_mangler(g: Grunnlag, s: SakInfo, m: Mote, rolle: str, person_id: str, d: date) -> Arsak | None:
    """RP-4 C / CON-1: a participant who needs consent has an active one and the case is open."""
    if not trenger_samtykke(rolle, m):
        return None
    aktiv = False
    for k in g.saksfakta[s.case_id].av_type("samtykke_gitt", "samtykke_trukket"):
        if k["rolle"] == rolle and k["person_id"] == person_id:
            aktiv = k.type == "samtykke_gitt"
    return None if aktiv and s.tilfelle.apen_pa_slot(d) else Arsak.NO_CONSENT
