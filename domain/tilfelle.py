"""Sick days, oppfølgingstilfeller and arbeidsgiverperioden (rules.md TF-1 … TF-8, AGP-*, E-2).

Everything here is a pure function of the accepted commands known at some moment (T-7). Case ids
are assigned by replaying the commands that change sick days in arrival order (TF-8), so the same
commands always give the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from domain.kommandoer import Kommando, Periode

MAKS_GAP: Final = 15  # TF-2: at most 15 non-sick calendar days between sick days
LUKKES_ETTER: Final = 16  # TF-4: closed at the end of end + 16
AGP_DAGER: Final = 16  # AGP-1
EN_DAG: Final = timedelta(days=1)

SYKEDAG_TYPER: Final = frozenset({"sykmelding", "egenmelding", "sykmelding_annullert", "arbeid_gjenopptatt"})


@dataclass(frozen=True)
class Dekning:
    """One document's coverage of one day."""

    dokument_nr: int  # arrival order of the document
    helt_borte: bool  # grad 100 (reisetilskudd-only periods cover no day, TF-1), or egenmelding
    sykmelding_id: str | None


@dataclass
class Sykedager:
    """Sick days at one employer (TF-1): date -> the documents that cover it."""

    dager: dict[date, list[Dekning]] = field(default_factory=dict)

    def er_syk(self, d: date) -> bool:
        return d in self.dager

    def helt_borte(self, d: date) -> bool:
        return any(x.helt_borte for x in self.dager.get(d, ()))


@dataclass(frozen=True)
class Tilfelle:
    """One oppfølgingstilfelle: sick days with no gap of 16 or more non-sick days (TF-2, TF-3)."""

    dager: tuple[date, ...]

    @property
    def start(self) -> date:
        """``S`` (TF-4)."""
        return self.dager[0]

    @property
    def slutt(self) -> date:
        """``end``: the last known sick day (TF-4)."""
        return self.dager[-1]

    @property
    def lukkes(self) -> date:
        """``closed_on = end + 16`` (TF-4)."""
        return self.slutt + timedelta(days=LUKKES_ETTER)

    def apen_pa_slot(self, d: date) -> bool:
        """Open at a slot on date d: closed when ``end + 16 < d`` (MS-3)."""
        return not self.lukkes < d

    def apen_ved_utgangen_av(self, d: date) -> bool:
        """Open at the end of day d: closed when ``end + 16 <= d`` (MS-3, simulate output)."""
        return not self.lukkes <= d

    def inneholder_vindu(self, d: date) -> bool:
        """TF-7 window ``[S, end + 16]``."""
        return self.start <= d <= self.lukkes

    @property
    def arbeidsgiverperiode_tom(self) -> date:
        """AGP-1: the 16th sick day, or ``end`` while fewer are known."""
        return self.dager[AGP_DAGER - 1] if len(self.dager) >= AGP_DAGER else self.slutt

    @property
    def agp_dager(self) -> frozenset[date]:
        return frozenset(self.dager[:AGP_DAGER])


def _dager(fom: date, tom: date) -> Iterable[date]:
    d = fom
    while d <= tom:
        yield d
        d += EN_DAG


def kun_reisetilskudd(p: Periode) -> bool:
    """TF-1: ``reisetilskudd: true`` with ``grad = 100`` is travel support instead of sykepenger.

    The employee works, so the period covers no sick day: its dates are days without sickness
    (TF-2 … TF-4, AGP, MAX-1, REQ-1, reminder conditions) unless another accepted period covers
    them. With ``grad`` 20–99 it is an ordinary graded sick period (gradert med reisetilskudd).
    """
    return p.reisetilskudd and p.grad == 100


def sykedager_per_virksomhet(fakta: Sequence[Kommando]) -> dict[str, Sykedager]:
    """TF-1, TF-5, TF-6, E-2: sick days per orgnr from the known commands.

    TF-1: a reisetilskudd-only period (grad 100) is skipped, so an employer whose only documents
    are such periods has no sick days and no case.
    """
    annullert = {k["id"] for k in fakta if k.type == "sykmelding_annullert"}
    gjenopptatt: list[tuple[int, str, date]] = [
        (nr, k.orgnr, k["dato"]) for nr, k in enumerate(fakta) if k.type == "arbeid_gjenopptatt"
    ]
    ut: dict[str, Sykedager] = {}
    for nr, k in enumerate(fakta):
        if k.type == "egenmelding":
            perioder: tuple[Periode, ...] = (Periode(k["fom"], k["tom"], 100),)
            sm_id = None
        elif k.type == "sykmelding" and k["id"] not in annullert:
            perioder = k["perioder"]
            sm_id = k["id"]
        else:
            continue
        # TF-5: back-to-work removes days >= dato from documents received before it.
        kutt = min((dato for (gnr, org, dato) in gjenopptatt if org == k.orgnr and gnr > nr), default=None)
        sd = ut.setdefault(k.orgnr, Sykedager())
        for p in perioder:
            if kun_reisetilskudd(p):
                continue  # TF-1: reisetilskudd only, the employee works; no sick day
            helt = k.type == "egenmelding" or p.grad == 100
            tom = p.tom if kutt is None else min(p.tom, kutt - EN_DAG)
            for d in _dager(p.fom, tom):
                sd.dager.setdefault(d, []).append(Dekning(nr, helt, sm_id))
    return {org: sd for org, sd in ut.items() if sd.dager}


def del_i_tilfeller(dager: Iterable[date]) -> list[Tilfelle]:
    """TF-2 / TF-3: consecutive sick days a < b share a tilfelle iff ``b - a - 1 <= 15``."""
    ordnet = sorted(set(dager))
    ut: list[Tilfelle] = []
    start = 0
    for i in range(1, len(ordnet) + 1):
        if i == len(ordnet) or (ordnet[i] - ordnet[i - 1]).days - 1 > MAKS_GAP:
            ut.append(Tilfelle(tuple(ordnet[start:i])))
            start = i
    return ut


@dataclass(frozen=True)
class Sak:
    """A case: one case tilfelle at one employer with a stable id (TF-8)."""

    case_id: str
    orgnr: str
    tilfelle: Tilfelle


def tildel_saks_ider(fakta: Sequence[Kommando], strom_id: uuid.UUID) -> dict[str, list[Sak]]:
    """TF-8: replay sick-day commands in arrival order and keep case ids stable.

    A new tilfelle keeps the oldest id among the old tilfeller whose start it contains (merge); if
    none, the oldest id among overlapping old tilfeller not already taken (the part that lost the
    original start after an annulment). Others get a new deterministic id.
    """
    saker: dict[str, list[tuple[str, int, Tilfelle]]] = {}  # orgnr -> (id, created order, tilfelle)
    teller = 0
    for n in range(len(fakta)):
        k = fakta[n]
        if k.type not in SYKEDAG_TYPER:
            continue
        prefiks = fakta[: n + 1]
        per_org = sykedager_per_virksomhet(prefiks)
        berorte = {k.orgnr} if "orgnr" in k.felter else set(per_org) | set(saker)
        for org in sorted(berorte):
            gamle = saker.get(org, [])
            nye = del_i_tilfeller(per_org[org].dager) if org in per_org else []
            tatt: set[str] = set()
            resultat: list[tuple[str, int, Tilfelle]] = []
            for t in nye:
                kandidater = [g for g in gamle if t.start <= g[2].start <= t.slutt and g[0] not in tatt]
                if not kandidater:
                    kandidater = [
                        g for g in gamle if g[0] not in tatt and g[2].start <= t.slutt and t.start <= g[2].slutt
                    ]
                if kandidater:
                    eldst = min(kandidater, key=lambda g: g[1])
                    tatt.add(eldst[0])
                    resultat.append((eldst[0], eldst[1], t))
                else:
                    teller += 1
                    ny = str(uuid.uuid5(strom_id, f"sak/{teller}"))
                    resultat.append((ny, 10**6 + teller, t))
            saker[org] = resultat
    return {
        org: [Sak(case_id=i, orgnr=org, tilfelle=t) for (i, _, t) in sorted(liste, key=lambda x: x[2].start)]
        for org, liste in saker.items()
        if liste
    }
