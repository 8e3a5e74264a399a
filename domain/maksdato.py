"""Maksdato and requalification across tilfeller (rules.md MAX-1 … MAX-7, REQ-1, REQ-2).

Sykepengedager are counted over all known person sick days from the first one, across
tilfeller; 182 consecutive fit days reset the count. Weekday addition here skips Saturdays and
Sundays only, never holidays (MAX-4).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from domain.identer import bursdag
from domain.kalender import siste_ukedag_til_og_med, ukedag_pluss
from domain.tilfelle import AGP_DAGER, Tilfelle

KVOTE: Final = 248  # MAX-2: paid days
KVOTE_OVER_67: Final = 60  # MAX-2: paid days dated after the 67th birthday
NY_RETT_ETTER_FRISKE_DAGER: Final = 182  # REQ-1: 26 weeks fully fit
TELLEVINDU_AAR: Final = 3  # MAX-3: counted days older than 3 years drop out
EN_DAG: Final = timedelta(days=1)


def _minus_aar(d: date, aar: int) -> date:
    try:
        return d.replace(year=d.year - aar)
    except ValueError:  # 29 February
        return date(d.year - aar, 2, 28)


def beregn_maksdato(person_tilfeller: Sequence[Tilfelle], tilfelle: Tilfelle, fodt: date | None) -> date | None:
    """Maksdato of one person tilfelle (MAX-4), assuming the person stays sick after its end.

    ``person_tilfeller`` are all known person tilfeller in date order (TF-3); ``tilfelle`` is one
    of them. None when the person turns 70 on or before its start (MAX-6).
    """
    fyller67 = bursdag(fodt, 67) if fodt else None
    fyller70 = bursdag(fodt, 70) if fodt else None
    if fyller70 is not None and fyller70 <= tilfelle.start:
        return None  # MAX-6

    syk: set[date] = set()
    agp: set[date] = set()
    for t in person_tilfeller:
        if t.start > tilfelle.slutt:
            break
        syk.update(t.dager)
        agp.update(t.dager[:AGP_DAGER])  # AGP-3: the person AGP decides which days NAV pays

    brukt = 0
    brukt67 = 0
    talte: deque[tuple[date, bool]] = deque()  # (paid day, dated after the 67th birthday)
    brukt_opp: date | None = None
    friske = 0
    d = person_tilfeller[0].start
    while d <= tilfelle.slutt:
        if d in syk:
            friske = 0
            betalbar = d.weekday() < 5 and d not in agp and brukt_opp is None and (fyller70 is None or d < fyller70)
            if betalbar:
                over67 = fyller67 is not None and d > fyller67
                talte.append((d, over67))
                brukt += 1
                brukt67 += over67
                grense = _minus_aar(d, TELLEVINDU_AAR)
                while talte and talte[0][0] < grense:  # MAX-3: 3-year window
                    _, gammel67 = talte.popleft()
                    brukt -= 1
                    brukt67 -= gammel67
                if brukt >= KVOTE or brukt67 >= KVOTE_OVER_67:
                    brukt_opp = d
        else:
            friske += 1
            if friske == NY_RETT_ETTER_FRISKE_DAGER:  # REQ-1: new quota
                brukt = brukt67 = 0
                talte.clear()
                brukt_opp = None
        d += EN_DAG

    if brukt_opp is not None:
        return brukt_opp
    kjente = len(tilfelle.dager)
    a = tilfelle.dager[AGP_DAGER - 1] if kjente >= AGP_DAGER else tilfelle.slutt + timedelta(days=AGP_DAGER - kjente)
    base = siste_ukedag_til_og_med(max(tilfelle.slutt, a))
    ordinaer = ukedag_pluss(base, KVOTE - brukt)
    if fyller67 is None or fyller70 is None:
        return ordinaer
    grense67 = ukedag_pluss(max(base, siste_ukedag_til_og_med(fyller67)), KVOTE_OVER_67 - brukt67)
    siste70 = siste_ukedag_til_og_med(fyller70 - EN_DAG)
    if ordinaer <= grense67:
        return ordinaer
    return grense67 if grense67 <= siste70 else siste70
