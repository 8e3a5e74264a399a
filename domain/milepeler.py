"""Milestones, their due dates and statuses (rules.md MS-*, OP-*, DM1-*, AK-*, MB-*, DM2-*, DM3-*, MAXM-*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from domain.begreper import Milepelstype
from domain.begreper import Status as Status  # re-exported
from domain.grunnlag import Grunnlag, SakInfo
from domain.kalender import oslo_dato
from domain.tilfelle import Tilfelle

# Legal constants (rules.md §9): days after S.
OP_FRIST: Final = 27  # OP-1: innen 4 uker, S + 7*4 - 1
DM1_FRIST: Final = 48  # DM1-1: innen 7 uker
AK_FRIST: Final = 55  # AK-1: innen 8 uker
AK_VURDERING: Final = 56  # AK-1: NAV's assessment point
MB_FRIST: Final = 112  # MB-1: start of week 17
DM2_FRIST: Final = 181  # DM2-1: innen 26 uker
DM2_INNKALLING: Final = 160  # DM2-2: 3 weeks' notice
DM3_FOR_MAKSDATO: Final = 91  # DM3-1
DM3_UTEN_MAKSDATO: Final = 272  # DM3-1


UAVKLART: Final = frozenset({Status.PENDING, Status.OVERDUE})  # RP-4 U

KINDS: Final = tuple(Milepelstype)
PERSONNIVA: Final = frozenset(
    {Milepelstype.MOTEBEHOV, Milepelstype.DIALOGMOTE_2, Milepelstype.DIALOGMOTE_3, Milepelstype.MAKSDATO}
)


# MS-7: the duties that can be fulfilled late (point milestones and aktivitetskrav never are, AK-3).
SEN_OPPFYLLING: Final = frozenset({Milepelstype.OPPFOLGINGSPLAN, Milepelstype.DIALOGMOTE_1, Milepelstype.DIALOGMOTE_2})


def for_sent(kind: str, due: date | None, status: str, met_on: date | None) -> bool:
    """MS-7: the duty was met after its due date (``late`` in the output)."""
    if kind not in SEN_OPPFYLLING or status != Status.MET or due is None or met_on is None:
        return False
    return met_on > due


@dataclass(frozen=True)
class Milepel:
    kind: str
    due: date | None
    status: Status
    met_on: date | None = None


@dataclass(frozen=True)
class Vurdering:
    """The evaluation moment: a date and how closure is judged on it (MS-3)."""

    idag: date
    slot: bool  # at a slot on d: closed when end + 16 < d; at the end of d: end + 16 <= d

    def lukket(self, t: Tilfelle) -> bool:
        return not (t.apen_pa_slot(self.idag) if self.slot else t.apen_ved_utgangen_av(self.idag))


def frist(kind: str, s: SakInfo, g: Grunnlag) -> date | None:
    """Due date of a milestone (OP-1, DM1-1, AK-1, MB-1, DM2-1, DM3-1, MAXM-1). Never moved (T-4)."""
    sc = s.tilfelle.start
    sp = s.person_tilfelle.start
    if kind == "oppfolgingsplan":
        return sc + timedelta(days=OP_FRIST)
    if kind == "dialogmote_1":
        return sc + timedelta(days=DM1_FRIST)
    if kind == "aktivitetskrav":
        return sc + timedelta(days=AK_FRIST)
    if kind == "motebehov":
        return sp + timedelta(days=MB_FRIST)
    if kind == "dialogmote_2":
        return sp + timedelta(days=DM2_FRIST)
    if kind == "dialogmote_3":
        md = g.maksdato(s.person_tilfelle)
        return sp + timedelta(days=DM3_UTEN_MAKSDATO) if md is None else max(sp, md - timedelta(days=DM3_FOR_MAKSDATO))
    if kind == "maksdato":
        return g.maksdato(s.person_tilfelle)
    raise ValueError(kind)


def milepeler(g: Grunnlag, s: SakInfo, v: Vurdering) -> list[Milepel]:
    """MS-1: the seven milestones of a case, in fixed order."""
    return [milepel(kind, g, s, v) for kind in KINDS]


def milepel(kind: str, g: Grunnlag, s: SakInfo, v: Vurdering, due: date | None = None) -> Milepel:
    """One milestone at ``v``; ``due`` when the caller has ``frist(kind, s, g)`` already."""
    if due is None:
        due = frist(kind, s, g)
    if kind == "oppfolgingsplan":
        return _oppfolgingsplan(g, s, v, _dato(due))
    if kind == "dialogmote_1":
        return _dialogmote_1(g, s, v, _dato(due))
    if kind == "aktivitetskrav":
        return _aktivitetskrav(g, s, v, _dato(due))
    if kind == "dialogmote_2":
        return _dialogmote_2(g, s, v, _dato(due))
    if kind == "motebehov" and motebehov_ikke_aktuelt(g, s, _dato(due)):
        return Milepel(kind, due, Status.NOT_APPLICABLE)
    if due is None:
        return Milepel(kind, None, Status.NOT_APPLICABLE)  # MAXM-2
    return _punkt(kind, s.person_tilfelle, v, due)


def _dato(d: date | None) -> date:
    if d is None:
        raise ValueError("due date missing")
    return d


def _felles(t: Tilfelle, v: Vurdering, due: date, *, unntak: bool) -> Status | None:
    """MS-3 steps 2, 3, 5 and 6 after the milestone's own ``met`` (and DM1's not_applicable)."""
    if unntak:
        return Status.EXEMPT
    if v.lukket(t) and t.slutt < due:
        return Status.LAPSED
    return None


def _apen_status(t: Tilfelle, v: Vurdering, due: date) -> Status:
    """MS-3 steps 5 and 6; MS-2: reached when the tilfelle has a known sick day >= due."""
    return Status.OVERDUE if v.idag > due and t.slutt >= due else Status.PENDING


def _punkt(kind: str, t: Tilfelle, v: Vurdering, due: date) -> Milepel:
    """MS-4: point milestones are lapsed, met (reached while sick) or pending."""
    if v.lukket(t) and t.slutt < due:
        return Milepel(kind, due, Status.LAPSED)
    if v.idag >= due and t.slutt >= due:
        return Milepel(kind, due, Status.MET, met_on=due)
    return Milepel(kind, due, Status.PENDING)


def _oppfolgingsplan(g: Grunnlag, s: SakInfo, v: Vurdering, due: date) -> Milepel:
    sf = g.saksfakta[s.case_id]
    planer = sf.av_type("oppfolgingsplan_ferdig")
    if planer:  # OP-3
        return Milepel("oppfolgingsplan", due, Status.MET, met_on=min(p["dato"] for p in planer))
    st = _felles(s.tilfelle, v, due, unntak=sf.aktivt_unntak("oppfolgingsplan") is not None)
    return Milepel("oppfolgingsplan", due, st or _apen_status(s.tilfelle, v, due))


def dm1_obligatorisk_status(g: Grunnlag, s: SakInfo, due: date) -> bool:
    """DM1-2 (status rule): a 'ja' from any party, or fully absent on D_DM1 or any before send date."""
    if any(k["hensiktsmessig"] for k in g.saksfakta[s.case_id].av_type("dialogmote_svar")):
        return True
    kal = g.innstillinger.kalender
    datoer = {due} | {kal.forrige_arbeidsdag(due - timedelta(days=n)) for n in g.innstillinger.before_offsets_days}
    return any(g.helt_borte(s.orgnr, d) for d in datoer)


def dm1_obligatorisk_paminnelse(g: Grunnlag, s: SakInfo, due: date, send_dato: date) -> bool:
    """DM1-2 (reminder rule): a 'ja', or fully absent on the rung's send date or on D_DM1."""
    if any(k["hensiktsmessig"] for k in g.saksfakta[s.case_id].av_type("dialogmote_svar")):
        return True
    return g.helt_borte(s.orgnr, send_dato) or g.helt_borte(s.orgnr, due)


def _dialogmote_1(g: Grunnlag, s: SakInfo, v: Vurdering, due: date) -> Milepel:
    sf = g.saksfakta[s.case_id]
    holdt = [m.avholdt for m in sf.moter if m.mote == 1 and m.avholdt is not None]
    if holdt:  # DM1-4
        return Milepel("dialogmote_1", due, Status.MET, met_on=min(holdt))
    st = _felles(s.tilfelle, v, due, unntak=sf.aktivt_unntak("dialogmote_1") is not None)
    if st:
        return Milepel("dialogmote_1", due, st)
    if v.idag > due and not dm1_obligatorisk_status(g, s, due):  # DM1-3
        return Milepel("dialogmote_1", due, Status.NOT_APPLICABLE)
    return Milepel("dialogmote_1", due, _apen_status(s.tilfelle, v, due))


def aktivitetskrav_dokumentert_unntak(g: Grunnlag, s: SakInfo, due: date) -> bool:
    """AK-2: medical grounds on a note covering D_AK, plan 'aktivitet umulig' shared with NAV, or NAV unntak."""
    if any(k.get("medisinske_grunner") for k in g.sykmeldinger_som_dekker(s.orgnr, due)):
        return True
    sf = g.saksfakta[s.case_id]
    delt_nav = [k["dato"] for k in sf.av_type("oppfolgingsplan_delt") if k["mottaker"] == "nav"]
    for plan in sf.av_type("oppfolgingsplan_ferdig"):
        if plan.get("aktivitet_umulig") and any(d >= plan["dato"] for d in delt_nav):
            return True
    return sf.aktivt_unntak("aktivitetskrav") is not None


def nav_vurdering(g: Grunnlag, s: SakInfo) -> str | None:
    """AK-3 (1): the latest ``aktivitetskrav_vurdert`` with utfall other than AVVENT."""
    utfall = [k["utfall"] for k in g.saksfakta[s.case_id].av_type("aktivitetskrav_vurdert") if k["utfall"] != "AVVENT"]
    return utfall[-1] if utfall else None


def _aktivitetskrav(g: Grunnlag, s: SakInfo, v: Vurdering, due: date) -> Milepel:
    sf = g.saksfakta[s.case_id]
    vurdert = [k for k in sf.av_type("aktivitetskrav_vurdert") if k["utfall"] != "AVVENT"]
    t = s.tilfelle
    if vurdert:  # AK-3 (1)
        siste = vurdert[-1]
        st = {"OPPFYLT": Status.MET, "UNNTAK": Status.EXEMPT, "IKKE_OPPFYLT": Status.OVERDUE}[siste["utfall"]]
        return Milepel("aktivitetskrav", due, st, met_on=siste["dato"] if st is Status.MET else None)
    if aktivitetskrav_dokumentert_unntak(g, s, due):  # AK-3 (2)
        return Milepel("aktivitetskrav", due, Status.EXEMPT)
    if v.lukket(t) and t.slutt < due:  # AK-3 (3)
        return Milepel("aktivitetskrav", due, Status.LAPSED)
    naadd = t.slutt >= due
    if v.idag >= due and naadd and not g.helt_borte(s.orgnr, due):  # AK-3 (4): in activity on D_AK
        return Milepel("aktivitetskrav", due, Status.MET, met_on=due)
    if v.idag > due and naadd:  # AK-3 (5)
        return Milepel("aktivitetskrav", due, Status.OVERDUE)
    return Milepel("aktivitetskrav", due, Status.PENDING)


def motebehov_ikke_aktuelt(g: Grunnlag, s: SakInfo, due: date) -> bool:
    """MB-3: a mote 2 called on or before D_MB and not avlyst, held by then, or a DM2 unntak dated by then."""
    pt = s.person_tilfelle
    for m in g.moter_i(pt, 2):
        if m.avlyst_at is None and oslo_dato(m.innkalt_at) <= due:
            return True
        if m.avholdt is not None and m.avholdt <= due:
            return True
    for sak in g.saker_i(pt):
        u = g.saksfakta[sak.case_id].aktivt_unntak("dialogmote_2")
        if u is not None and u["dato"] <= due:
            return True
    return False


def dm2_unntak(g: Grunnlag, pt: Tilfelle) -> bool:
    return any(g.saksfakta[s.case_id].aktivt_unntak("dialogmote_2") is not None for s in g.saker_i(pt))


def _dialogmote_2(g: Grunnlag, s: SakInfo, v: Vurdering, due: date) -> Milepel:
    pt = s.person_tilfelle
    holdt = [m.avholdt for m in g.moter_i(pt, 2) if m.avholdt is not None]
    if holdt:  # DM2-1
        return Milepel("dialogmote_2", due, Status.MET, met_on=min(holdt))
    st = _felles(pt, v, due, unntak=dm2_unntak(g, pt))
    return Milepel("dialogmote_2", due, st or _apen_status(pt, v, due))


@dataclass(frozen=True)
class Statusperiode:
    """A milestone's status from ``fra`` (inclusive) until the next period's ``fra`` (MS-3)."""

    fra: date
    milepel: Milepel


def statusforlop(kind: str, g: Grunnlag, s: SakInfo) -> list[Statusperiode]:
    """The milestone's status for every date from the case start, as the known facts give it.

    With the facts fixed, MS-3 depends on the date only through ``idag > due``, ``idag >= due`` and
    ``closed_on <= idag`` (of the case's and the person's tilfelle), so the status can change only on
    ``due``, ``due + 1`` and the two ``closed_on`` dates. Evaluating at those dates gives the whole
    course, so a read model can answer "status on date d" for any d without a clock (T-1).
    """
    due = frist(kind, s, g)
    start = s.tilfelle.start
    punkter = {start, s.tilfelle.lukkes, s.person_tilfelle.lukkes}
    if due is not None:
        punkter |= {due, due + timedelta(days=1)}
    ut: list[Statusperiode] = []
    for d in sorted(p for p in punkter if p >= start):
        m = milepel(kind, g, s, Vurdering(d, slot=False), due)
        if not ut or ut[-1].milepel != m:
            ut.append(Statusperiode(d, m))
    return ut


def status_pa(forlop: list[Statusperiode], d: date) -> Milepel:
    """The milestone as it stands at the end of ``d`` (before the case start: its first status)."""
    gjeldende = forlop[0].milepel
    for p in forlop:
        if p.fra > d:
            break
        gjeldende = p.milepel
    return gjeldende
