"""The geometry of the case timeline picture: rows, lanes, x positions, axis ticks and the "today" line.

Pure layout over ``tidslinjedata.Element``: the template draws what this computes. A large case
(hundreds of events) stays readable because items that would overlap go to extra lanes of their
row, a row gets at most ``MAKS_BANER`` lanes, labels are dropped before lanes run out (the
``<title>`` of every item and the table keep the full text), and a bar's label is drawn only when it
fits inside the bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final

from service.web.maler import dato
from service.web.tidslinjedata import RADER, Element

BREDDE: Final = 1000
VENSTRE: Final = 150  # the row names
HOYRE: Final = 24
TOPP: Final = 58  # the week ruler: two label levels and the "today" label above the rows
BANE: Final = 24  # one lane
RADMARG: Final = 8
MAKS_BANER: Final = 4
TEGN_PX: Final = 7.0  # average width of one character at the 12 px label size, rounded up
MERKE_PX: Final = 7  # half the width of a marker symbol
LUFT: Final = 4
NAER_FRIST_DAGER: Final = 60
LOVENS_UKER: Final = (4, 7, 8, 17, 26, 39, 52)  # the weeks the law counts from the first sick day
UKE_TEKST_PX: Final = 64  # a week this wide on the ruler gets its own label
UKE_STREK_PX: Final = 6  # a week narrower than this gets no line of its own

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
    """A week line of the ruler: ``uke`` weeks after the first sick day; ``lov`` for the law's weeks;
    ``niva`` 1 lifts a label that would collide with the one before it."""

    x: float
    tekst: str
    uke: int = 0
    lov: bool = False
    niva: int = 0
    mot_venstre: bool = False  # the label ends at the line (near the right edge)


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

    @property
    def paminnelser(self) -> list[Element]:
        """The numbered reminders of the picture, for the list beside it."""
        return sorted((e for e in self.elementer if e.art == "paminnelse"), key=lambda e: int(e.tekst))

    utenfor: int = 0
    bredde: int = BREDDE
    venstre: int = VENSTRE


def vindu(valg: str, start: date, lukkes: date, idag: date, elementer: Sequence[Element]) -> tuple[date, date]:
    """The dates shown: the last month, the last three months (up to today, or to the case's close if it
    closed earlier) with a little of what comes next, or the whole case with the deadlines that fall
    during it or soon after (far-off points such as maksdato are counted as outside and stay in the
    milestone list above the picture), except the maksdato, which "Hele saken" always reaches for the
    roles that may see it (ACC-3: only they have it among the elements)."""
    anker = min(idag, lukkes)
    maks = [e.fra for e in elementer if e.art == "frist" and e.kind == "maksdato"]
    if valg == "1m":
        return anker - timedelta(days=31), anker + timedelta(days=14)
    if valg == "3m":
        return anker - timedelta(days=92), anker + timedelta(days=31)
    slutt = max(lukkes, idag)
    naer = slutt + timedelta(days=NAER_FRIST_DAGER)  # deadlines soon after the case are still shown
    siste = max([slutt, *maks, *(e.fra for e in elementer if e.art == "frist" and e.fra <= naer)])
    forste = min([start, *(e.fra for e in elementer if e.art == "stolpe")])
    return forste - timedelta(days=3), siste + timedelta(days=7)


def tegn(
    elementer: Sequence[Element], fra: date, til: date, idag: date, tittel: str, start: date | None = None
) -> Bilde:
    """Lay out the elements that touch ``fra``…``til``; the ``<desc>`` says in words what is shown.
    The ruler counts weeks from ``start``, the first sick day (``fra`` when not given)."""
    dager = max((til - fra).days + 1, 1)
    plott = BREDDE - VENSTRE - HOYRE

    def x(d: date) -> float:
        return round(VENSTRE + (d - fra).days / dager * plott, 1)

    synlige = _nummerer([e for e in elementer if (e.til or e.fra) >= fra and e.fra <= til])
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
        merker=ukelinjal(fra, til, x, start or fra),
        idag_x=idag_x,
        tittel=tittel,
        beskrivelse=beskriv(synlige, fra, til, idag),
        elementer=sorted(synlige, key=lambda e: (e.fra, list(RADER).index(e.rad), e.beskrivelse)),
        utenfor=len(elementer) - len(synlige),
    )


def _nummerer(elementer: list[Element]) -> list[Element]:
    """Reminders get a number in date order: drawn inside the dot and the key of the list beside the
    picture, so a dot has a visible label however crowded its row is."""
    paminnelser = sorted((e for e in elementer if e.art == "paminnelse"), key=lambda e: (e.fra, e.beskrivelse))
    nr = {id(e): str(i) for i, e in enumerate(paminnelser, start=1)}
    return [replace(e, tekst=nr[id(e)]) if id(e) in nr else e for e in elementer]


def _x2(e: Element, x: Skala, til: date) -> float:
    if e.til is None:
        return x(e.fra)
    return x(min(e.til, til) + timedelta(days=1))


def _omfang(e: Element, x0: float, x1: float, med_tekst: bool) -> tuple[float, float, bool]:
    """The horizontal extent the element claims in its lane, and whether its label is drawn."""
    tekst_px = len(e.tekst) * TEGN_PX
    if e.til is not None:  # a bar: its label goes inside when it fits, never outside
        return x0, x1, tekst_px + 8 <= x1 - x0
    if med_tekst and e.tekst and e.art != "paminnelse":  # a reminder's number is inside its dot
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


def ukelinjal(fra: date, til: date, x: Skala, start: date) -> list[Merke]:
    """The week ruler: a line per week after the first sick day (when weeks are wide enough), the law's
    weeks (4, 7, 8, 17, 26, 39, 52) always labelled, other weeks labelled when there is room; a label
    that would run into the one before it is lifted to the upper level."""
    uke_px = x(fra + timedelta(days=7)) - x(fra)
    n = max(-((start - fra).days // 7), 0)
    ut: list[Merke] = []
    forrige_slutt = [float("-inf"), float("-inf")]
    while (d := start + timedelta(weeks=n)) <= til:
        lov = n in LOVENS_UKER
        if lov or n == 0 or uke_px >= UKE_STREK_PX:
            tekst = "" if not (lov or n == 0 or uke_px >= UKE_TEKST_PX) else ("start" if n == 0 else f"{n} uker")
            niva, bredde = 0, len(tekst) * TEGN_PX
            mot_venstre = x(d) + 3 + bredde > BREDDE
            if tekst:
                fra_x = x(d) - 3 - bredde if mot_venstre else x(d) + 3
                niva = 0 if fra_x > forrige_slutt[0] + LUFT else 1
                forrige_slutt[niva] = fra_x + bredde
            ut.append(Merke(x(d), tekst, n, lov, niva, mot_venstre))
        n += 1
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
