"""NAV's list views (ACC-8) and the masking of identity numbers in lists (PRIV-4).

A NAV user's token names the offices they work for (``enheter``). Their lists default to those
offices; "Min oversikt" is the cases assigned to them, "Ufordelte" the cases of their offices with no
veileder, "Uten enhet" the persons no office has taken yet (shown to every NAV user), and "Alle" every
case, since reading a single case stays open to every NAV user. A token naming no office lists every
case by default, as before offices were known.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from domain.tilgang import Bruker, Rolle
from projections.lister import Sakfilter
from service.usecases.problems import ApiFeil

ENHET: Final = "enhet"
MIN: Final = "min"
UFORDELTE: Final = "ufordelte"
UTEN_ENHET: Final = "uten_enhet"
ALLE: Final = "alle"
VISNINGER: Final = (ENHET, MIN, UFORDELTE, UTEN_ENHET, ALLE)
VISNINGSNAVN: Final = {
    ENHET: "Mine enheter",
    MIN: "Min oversikt",
    UFORDELTE: "Ufordelte",
    UTEN_ENHET: "Uten enhet",
    ALLE: "Alle saker",
}
MASKE: Final = "*****"


def standardvisning(b: Bruker) -> str:
    """ACC-8: the offices of the token; every case when the token names none."""
    return ENHET if b.enheter else ALLE


def nav_filter(b: Bruker, visning: str | None, f: Sakfilter) -> tuple[Sakfilter, str | None]:
    """The filter of a NAV view, and the view chosen; other roles have no views (400 if one is asked)."""
    if b.rolle is not Rolle.NAV:
        if visning is not None:
            raise ApiFeil(400, "only NAV lists have office views", rule="ACC-8", field="view")
        return f, None
    valgt = visning or standardvisning(b)
    if valgt not in VISNINGER:
        raise ApiFeil(400, f"view must be one of {', '.join(VISNINGER)}", rule="ACC-8", field="view")
    mine = frozenset(b.enheter)
    if valgt == ENHET:
        return replace(f, nav_enheter=mine), valgt
    if valgt == MIN:
        return replace(f, veileder_id=b.sub), valgt
    if valgt == UFORDELTE:
        return replace(f, nav_enheter=mine if mine else None, ufordelt_veileder=True), valgt
    if valgt == UTEN_ENHET:
        return replace(f, uten_enhet=True), valgt
    return f, valgt


def maskert_fnr(fnr: str | None) -> str | None:
    """PRIV-4: the birth date part and five stars (``010180 *****``)."""
    return f"{fnr[:6]} {MASKE}" if fnr else None


def vist_fnr(b: Bruker, fnr: str | None) -> str | None:
    """PRIV-4: lists show the whole fnr to AT and NAV only; others who may see it get it masked."""
    return fnr if b.rolle in (Rolle.AT, Rolle.NAV) else maskert_fnr(fnr)
