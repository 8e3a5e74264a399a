"""What a role is shown of a case it may read (rules.md §7: ACC-3 … ACC-7, CON-1 … CON-3, PRIV-2).

Whether a caller may read a case at all is ``domain.tilgang``; this is what it sees once it may.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.tilgang import (
    ARBEIDSGIVER,
    DELT,
    IKKE_DELT,
    PLAN_I_SIN_HELHET,
    PLANMILEPEL,
    SAMTYKKE_ROLLER,
    Rolle,
    SakKontekst,
    Tilgang,
    aktivt_samtykke,
    inviterte,
)

NL_HENDELSER = frozenset(
    {
        "narmeste_leder",
        "egenmelding",
        "sykmelding",
        "sykmelding_annullert",
        "arbeid_gjenopptatt",
        "oppfolgingsplan_ferdig",
        "oppfolgingsplan_delt",
        "unntak",
        "unntak_trukket",
        "dialogmote_innkalt",
        "dialogmote_avholdt",
        "dialogmote_avlyst",
        "dialogmote_svar",
        "dialogmote_onsket",
    }
)
NAV_HENDELSER = frozenset(
    {
        "sykmelding",
        "sykmelding_annullert",
        "arbeid_gjenopptatt",
        "oppfolgingsplan_ferdig",
        "oppfolgingsplan_delt",
        "unntak",
        "unntak_trukket",
        "dialogmote_innkalt",
        "dialogmote_avholdt",
        "dialogmote_avlyst",
        "dialogmote_onsket",
        "aktivitetskrav_vurdert",
    }
)
MOTEHENDELSER = frozenset({"dialogmote_innkalt", "dialogmote_avholdt", "dialogmote_avlyst"})
PLANHENDELSER = frozenset({"oppfolgingsplan_ferdig", "oppfolgingsplan_delt"})
PRIV2_FELT = ("medisinske_grunner", "utdypende_opplysninger")  # AT and NAV only (PRIV-2)


def vis_hendelse(t: Tilgang, typ: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The event's data as this caller may see it, or None when it is not shown at all."""
    r = t.bruker.rolle
    if not t.synlighet.hendelser:
        return None
    if r in (Rolle.AT, Rolle.AUDITOR):
        return dict(data)
    if r is Rolle.NL:
        return _for_leder(typ, data)
    if r is Rolle.NAV:
        return _for_nav(t, typ, data)
    return _for_deltaker(t, typ, data)


def _for_leder(typ: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    if typ not in NL_HENDELSER:
        return None
    ut = {n: v for n, v in data.items() if n not in PRIV2_FELT}
    if typ == "unntak" and data.get("av") != "NL":
        ut.pop("arsak", None)  # PRIV-2: NL sees the status, not the ground of NAV's exemption
    return ut


def _for_nav(t: Tilgang, typ: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    if typ not in NAV_HENDELSER:
        return None
    if typ in PLANHENDELSER and "nav" not in t.kontekst.plan_delt_med:
        return None  # ACC-6: plans only once shared with NAV
    if typ in MOTEHENDELSER and _mote(t.kontekst, data) == 1:
        return None  # dialogmøte 1 is the employer's meeting
    return dict(data)


def _for_deltaker(t: Tilgang, typ: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """SYKMELDER, TV, VO, BHT: their own sick notes, plans they may see, meetings they are invited to."""
    b, k = t.bruker, t.kontekst
    if typ in MOTEHENDELSER:
        mid = data.get("id")
        deltar = [m for m in k.moter if m.mote_id == mid and m.rolle == b.rolle.value and m.id == b.sub]
        return dict(data) if any(inviterte(k, m, b, t.idag) for m in deltar) else None
    if b.rolle is Rolle.SYKMELDER:
        if typ == "sykmelding" and data.get("sykmelder_id") == b.sub:
            return dict(data)
        if typ == "oppfolgingsplan_delt" and data.get("mottaker") == "sykmelder":
            return dict(data)
        return None
    if typ in PLANHENDELSER and aktivt_samtykke(k, b.rolle.value, b.sub, t.idag) == "mote_og_plan":
        return dict(data)
    return None


def _mote(k: SakKontekst, data: Mapping[str, Any]) -> int | None:
    if "mote" in data:
        return int(data["mote"])
    return next((m.mote for m in k.moter if m.mote_id == data.get("id")), None)


def plan_delt_med_rollen(t: Tilgang) -> bool:
    """ACC-9: the plan has been shared with the caller's role: NAV by ``mottaker: nav``, the sykmelder by
    ``mottaker: sykmelder``, TV/VO/BHT by an active consent ``mote_og_plan`` (CON-1)."""
    r, k = t.bruker.rolle, t.kontekst
    if r is Rolle.NAV:
        return "nav" in k.plan_delt_med
    if r is Rolle.SYKMELDER:
        return "sykmelder" in k.plan_delt_med
    if r in SAMTYKKE_ROLLER:
        return aktivt_samtykke(k, r.value, t.bruker.sub, t.idag) == "mote_og_plan"
    return False


def skjult_planstatus(rolle: Rolle) -> str | None:
    """ACC-9: the milestone whose status a list filter must not look at for this role (else a filter
    on ``met`` would tell which cases have an unshared plan)."""
    return None if rolle in PLAN_I_SIN_HELHET else PLANMILEPEL


def vis_milepeler(t: Tilgang, milepeler: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The milestones this caller may see, as it may see them (TF-9, ACC-3, ACC-4, ACC-9).

    Outside ``PLAN_I_SIN_HELHET`` the oppfølgingsplan keeps its due date and becomes ``shared`` (agreed
    and shared with the caller's role, with ``met_on`` and ``late``) or ``not_shared`` (everything
    else: not yet agreed, agreed but not shared, exempt, overdue), so nothing tells whether an unshared
    plan exists.
    """
    ut = []
    for m in milepeler:
        if m["kind"] not in t.synlighet.milepeler:
            continue
        if m["kind"] != PLANMILEPEL or t.bruker.rolle in PLAN_I_SIN_HELHET:
            ut.append(dict(m))
            continue
        delt = m["status"] == "met" and plan_delt_med_rollen(t)
        ut.append(
            {
                "kind": m["kind"],
                "due": m["due"],
                "status": DELT if delt else IKKE_DELT,
                "met_on": m.get("met_on") if delt else None,
                "late": bool(m.get("late")) if delt else False,
            }
        )
    return ut


def vis_paminnelse(t: Tilgang, rolle: str, mottaker_id: str | None) -> bool:
    """Reminders: AT and AUDITOR all; NAV its tasks; employers the leader's and HR's; others their own."""
    r = t.bruker.rolle
    if not t.synlighet.paminnelser:
        return False
    if r in (Rolle.AT, Rolle.AUDITOR):
        return True
    if r is Rolle.NAV:
        return rolle == "NAV"
    if r in ARBEIDSGIVER:
        return rolle in ("NL", "HR")
    return rolle == r.value and mottaker_id == t.bruker.sub
