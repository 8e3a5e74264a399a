"""The geometry of the case timeline picture: rows, lanes, x positions, axis ticks and the "today" line.

Pure layout over ``tidslinjedata.Element``: the template draws what this computes. A large case
(hundreds of events) stays readable because items that would overlap go to extra lanes of their
row, a row gets at most ``MAKS_BANER`` lanes, labels are dropped before lanes run out (the
``<title>`` of every item and the table keep the full text), and a bar's label is drawn only when it
fits inside the bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from service.web.maler import MANEDER, dato
from service.web.tidslinjedata import RADER, Element

BREDDE: Final = 1000
VENSTRE: Final = 150  # the row names
HOYRE: Final = 24
TOPP: Final = 46  # the axis
BANE: Final = 24  # one lane
RADMARG: Final = 8
MAKS_BANER: Final = 4
TEGN_PX: Final = 7.0  # average width of one character at the 12 px label size, rounded up
MERKE_PX: Final = 7  # half the width of a marker symbol
LUFT: Final = 4
NAER_FRIST_DAGER: Final = 60

Skala = Callable[[date], float]


@dataclass(frozen=True)
class Tegnet:
    """One element placed: ``x``…``x2`` (equal for points), lane centre ``y``, and its label if drawn."""

    e: Element
    x: float
    x2: float
    y: float
    vis_tekst: bool


@dataclass(frozen=True)
class Rad:
    nokkel: str
    navn: str
    y: float
    hoyde: float
    elementer: list[Tegnet]
    stripe: bool


@dataclass(frozen=True)
class Merke:
    x: float
    tekst: str


@dataclass
class Bilde:
    """The whole picture, and the elements in the window for the table (date order)."""

    fra: date
    til: date
    hoyde: float
    rader: list[Rad]
    merker: list[Merke]
    idag_x: float | None
    tittel: str
    beskrivelse: str
    elementer: list[Element] = field(default_factory=list)
    utenfor: int = 0
    bredde: int = BREDDE
    venstre: int = VENSTRE


def vindu(valg: str, start: date, lukkes: date, idag: date, elementer: Sequence[Element]) -> tuple[date, date]:
    """The dates shown: the last month, the last three months (up to today, or to the case's close if it
    closed earlier) with a little of what comes next, or the whole case with the deadlines that fall
    during it or soon after (far-off points such as maksdato are counted as outside and stay in the
    milestone list above the picture)."""
    anker = min(idag, lukkes)
    if valg == "1m":
        return anker - timedelta(days=31), anker + timedelta(days=14)
    if valg == "3m":
        return anker - timedelta(days=92), anker + timedelta(days=31)
    slutt = max(lukkes, idag)
    naer = slutt + timedelta(days=NAER_FRIST_DAGER)  # deadlines soon after the case are still shown
    siste = max([slutt, *(e.fra for e in elementer if e.art == "frist" and e.fra <= naer)])
    forste = min([start, *(e.fra for e in elementer if e.art == "stolpe")])
    return forste - timedelta(days=3), siste + timedelta(days=7)


def tegn(elementer: Sequence[Element], fra: date, til: date, idag: date, tittel: str) -> Bilde:
    """Lay out the elements that touch ``fra``…``til``; the ``<desc>`` says in words what is shown."""
    dager = max((til - fra).days + 1, 1)
    plott = BREDDE - VENSTRE - HOYRE

    def x(d: date) -> float:
        return round(VENSTRE + (d - fra).days / dager * plott, 1)

    synlige = [e for e in elementer if (e.til or e.fra) >= fra and e.fra <= til]
    rader: list[Rad] = []
    y = float(TOPP)
    for i, (nokkel, navn) in enumerate(RADER.items()):
        egne = sorted((e for e in synlige if e.rad == nokkel), key=lambda e: (e.fra, e.art != "stolpe", e.tekst))
        plassert, baner = _pakk(egne, x, fra, til)
        hoyde = max(baner, 1) * BANE + 2 * RADMARG
        tegnet = [
            Tegnet(e, x(max(e.fra, fra)), _x2(e, x, til), y + RADMARG + bane * BANE + BANE / 2, vis)
            for e, bane, vis in plassert
        ]
        rader.append(Rad(nokkel, navn, y, hoyde, tegnet, stripe=i % 2 == 1))
        y += hoyde
    idag_x = x(idag) + plott / dager / 2 if fra <= idag <= til else None
    return Bilde(
        fra=fra,
        til=til,
        hoyde=y + 8,
        rader=rader,
        merker=_merker(fra, til, x),
        idag_x=idag_x,
        tittel=tittel,
        beskrivelse=beskriv(synlige, fra, til, idag),
        elementer=sorted(synlige, key=lambda e: (e.fra, list(RADER).index(e.rad), e.beskrivelse)),
        utenfor=len(elementer) - len(synlige),
    )


def _x2(e: Element, x: Skala, til: date) -> float:
    if e.til is None:
        return x(e.fra)
    return x(min(e.til, til) + timedelta(days=1))


def _omfang(e: Element, x0: float, x1: float, med_tekst: bool) -> tuple[float, float, bool]:
    """The horizontal extent the element claims in its lane, and whether its label is drawn."""
    tekst_px = len(e.tekst) * TEGN_PX
    if e.til is not None:  # a bar: its label goes inside when it fits, never outside
        return x0, x1, tekst_px + 8 <= x1 - x0
    if med_tekst and e.tekst:
        return x0 - MERKE_PX, x0 + MERKE_PX + LUFT + tekst_px, True
    return x0 - MERKE_PX, x0 + MERKE_PX, False


def _pakk(elementer: list[Element], x: Skala, fra: date, til: date) -> tuple[list[tuple[Element, int, bool]], int]:
    """Greedy interval packing into lanes. Labels are dropped before a row needs more than MAKS_BANER
    lanes; if even that is not enough, items overlap in the lane that frees up first."""
    for med_tekst, tvungen in ((True, False), (False, False), (False, True)):
        baner: list[float] = []
        ut: list[tuple[Element, int, bool]] = []
        for e in elementer:
            a, b, vis = _omfang(e, x(max(e.fra, fra)), _x2(e, x, til), med_tekst)
            luft = 0.0 if e.til is not None else LUFT  # consecutive sick notes may touch
            ledig = next((i for i, kant in enumerate(baner) if a >= kant + luft), None)
            if ledig is None and len(baner) < MAKS_BANER:
                baner.append(b)
                ledig = len(baner) - 1
            if ledig is None:
                if not tvungen:
                    break
                ledig = min(range(len(baner)), key=lambda i: baner[i])
            baner[ledig] = max(baner[ledig], b)
            ut.append((e, ledig, vis))
        else:
            return ut, len(baner)
    raise AssertionError("unreachable: the forced pass always places every item")


def _merker(fra: date, til: date, x: Skala) -> list[Merke]:
    """Axis ticks: Mondays for up to two months, month starts up to 14 months, else every third month."""
    dager = (til - fra).days
    ut: list[Merke] = []
    if dager <= 62:
        d = fra + timedelta(days=(7 - fra.weekday()) % 7)
        while d <= til:
            ut.append(Merke(x(d), f"{d.day}. {MANEDER[d.month - 1]}"))
            d += timedelta(days=7)
        return ut
    steg = 1 if dager <= 430 else 3
    d = date(fra.year, fra.month, 1)
    while d <= til:
        if d >= fra and (d.month - 1) % steg == 0:
            tekst = MANEDER[d.month - 1] + (f" {d.year}" if d.month == 1 or not ut else "")
            ut.append(Merke(x(d), tekst))
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return ut


def beskriv(elementer: Sequence[Element], fra: date, til: date, idag: date) -> str:
    """The picture's ``<desc>``: the period shown and what it holds, in words."""
    stolper = sum(1 for e in elementer if e.art == "stolpe")
    hendelser = sum(1 for e in elementer if e.art == "hendelse")
    paminnelser = sum(1 for e in elementer if e.art == "paminnelse")
    frister = [e.beskrivelse for e in elementer if e.art == "frist"]
    tekst = (
        f"Tidsrom {dato(fra)} til {dato(til)}, i dag {dato(idag)}. {stolper} sykmeldingsperioder, "
        f"{hendelser} hendelser og {paminnelser} påminnelser."
    )
    if frister:
        tekst += " Frister: " + "; ".join(frister) + "."
    return tekst + " Samme innhold står i tabellen under bildet."
