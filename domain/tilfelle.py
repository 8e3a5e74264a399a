"""Sick days, oppfølgingstilfeller and arbeidsgiverperioden (rules.md TF-1 … TF-8, AGP-*, E-2).

Everything here is a pure function of the accepted commands known at some moment (T-7). Case ids
are assigned by replaying the commands that change sick days in arrival order (TF-8), so the same
commands always give the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
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


@dataclass(frozen=True)
class Dekningsperiode:
    """One document period's sick days ``fom … tom`` after TF-1 and TF-5, and its coverage."""

    fom: date
    tom: date
    dekning: Dekning


@dataclass
class Sykedager:
    """Sick days at one employer (TF-1), kept as the documents' periods in arrival order.

    ``dager`` (date -> the documents that cover it) is built on first use; tilfeller are split
    from the periods without visiting each day (``tilfeller_fra_perioder``).
    """

    perioder: list[Dekningsperiode] = field(default_factory=list)

    @cached_property
    def dager(self) -> dict[date, list[Dekning]]:
        ut: dict[date, list[Dekning]] = {}
        for p in self.perioder:
            for d in _dager(p.fom, p.tom):
                ut.setdefault(d, []).append(p.dekning)
        return ut

    def dekning(self, d: date) -> Iterator[Dekning]:
        """The documents that cover d, in arrival order (the order of ``dager[d]``)."""
        return (p.dekning for p in self.perioder if p.fom <= d <= p.tom)

    def er_syk(self, d: date) -> bool:
        return any(p.fom <= d <= p.tom for p in self.perioder)

    def helt_borte(self, d: date) -> bool:
        return any(p.dekning.helt_borte and p.fom <= d <= p.tom for p in self.perioder)


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

    @cached_property
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
    return map(date.fromordinal, range(fom.toordinal(), tom.toordinal() + 1))


def kun_reisetilskudd(p: Periode) -> bool:
    """TF-1: ``reisetilskudd: true`` with ``grad = 100`` is travel support instead of sykepenger.

    The employee works, so the period covers no sick day: its dates are days without sickness
    (TF-2 … TF-4, AGP, MAX-1, REQ-1, reminder conditions) unless another accepted period covers
    them. With ``grad`` 20–99 it is an ordinary graded sick period (gradert med reisetilskudd).
    """
    return p.reisetilskudd and p.grad == 100


@dataclass(frozen=True)
class _Dokument:
    """A sick note or egenmelding with its sick periods (TF-1: reisetilskudd-only left out)."""

    nr: int  # arrival order
    orgnr: str
    sykmelding_id: str | None
    perioder: tuple[tuple[date, date, bool], ...]  # (fom, tom, helt borte)


@dataclass(frozen=True)
class _Dokumenter:
    """The commands that give sick days, read once, so any prefix of them is cheap to evaluate."""

    dokumenter: tuple[_Dokument, ...]
    annullert_fra: dict[str, int]  # sykmelding id -> arrival number of its first annulment
    gjenopptatt: tuple[tuple[int, str, date], ...]  # (arrival number, orgnr, dato)

    @classmethod
    def les(cls, fakta: Sequence[Kommando]) -> _Dokumenter:
        dokumenter: list[_Dokument] = []
        annullert: dict[str, int] = {}
        gjenopptatt: list[tuple[int, str, date]] = []
        for nr, k in enumerate(fakta):
            if k.type == "egenmelding":
                dokumenter.append(_Dokument(nr, k.orgnr, None, ((k["fom"], k["tom"], True),)))
            elif k.type == "sykmelding":
                perioder = tuple((p.fom, p.tom, p.grad == 100) for p in k["perioder"] if not kun_reisetilskudd(p))
                dokumenter.append(_Dokument(nr, k.orgnr, k["id"], perioder))
            elif k.type == "sykmelding_annullert":
                annullert.setdefault(k["id"], nr)
            elif k.type == "arbeid_gjenopptatt":
                gjenopptatt.append((nr, k.orgnr, k["dato"]))
        return cls(tuple(dokumenter), annullert, tuple(gjenopptatt))

    def perioder(self, antall: int) -> Iterator[tuple[_Dokument, date, date, bool]]:
        """Sick periods known after the first ``antall`` commands: (document, fom, tom, helt borte).

        TF-6: an annulled sick note counts for nothing; TF-5: back-to-work removes days >= dato
        from documents received before it, at the same employer. Empty periods are left out.
        """
        for dok in self.dokumenter:
            if dok.nr >= antall:
                break
            if dok.sykmelding_id is not None and self.annullert_fra.get(dok.sykmelding_id, antall) < antall:
                continue
            kutt = min(
                (dato for (gnr, org, dato) in self.gjenopptatt if org == dok.orgnr and dok.nr < gnr < antall),
                default=None,
            )
            for fom, tom, helt in dok.perioder:
                slutt = tom if kutt is None else min(tom, kutt - EN_DAG)
                if slutt >= fom:
                    yield dok, fom, slutt, helt


def sykedager_per_virksomhet(fakta: Sequence[Kommando]) -> dict[str, Sykedager]:
    """TF-1, TF-5, TF-6, E-2: sick days per orgnr from the known commands.

    TF-1: a reisetilskudd-only period (grad 100) is skipped, so an employer whose only documents
    are such periods has no sick days and no case.
    """
    ut: dict[str, Sykedager] = {}
    for dok, fom, tom, helt in _Dokumenter.les(fakta).perioder(len(fakta)):
        dekning = Dekning(dok.nr, helt, dok.sykmelding_id)
        ut.setdefault(dok.orgnr, Sykedager()).perioder.append(Dekningsperiode(fom, tom, dekning))
    return ut


def _spenn(perioder: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """TF-2 / TF-3 on periods: ``(S, end)`` of each tilfelle, in date order.

    Sick days a < b share a tilfelle iff ``b - a - 1 <= 15``; for the next period in start order
    that is ``fom - end <= 16`` against the latest sick day so far (overlaps give a negative gap).
    """
    ut: list[tuple[date, date]] = []
    for fom, tom in sorted(perioder):
        if ut and (fom - ut[-1][1]).days <= MAKS_GAP + 1:
            if tom > ut[-1][1]:
                ut[-1] = (ut[-1][0], tom)
        else:
            ut.append((fom, tom))
    return ut


def tilfeller_fra_perioder(perioder: Iterable[tuple[date, date]]) -> list[Tilfelle]:
    """TF-2 / TF-3: the tilfeller of the sick days covered by ``(fom, tom)`` periods (overlaps allowed).

    Gives the same tilfeller as ``del_i_tilfeller`` over the union of the periods' days.
    """
    ut: list[Tilfelle] = []
    dager: list[date] = []
    siste: date | None = None
    for fom, tom in sorted(perioder):
        if siste is not None and (fom - siste).days > MAKS_GAP + 1:
            ut.append(Tilfelle(tuple(dager)))
            dager = []
            siste = None
        if siste is not None and fom <= siste:
            fom = siste + EN_DAG
        if tom >= fom:
            dager.extend(_dager(fom, tom))
            siste = tom
    if dager:
        ut.append(Tilfelle(tuple(dager)))
    return ut


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


def tildel_saks_ider(
    fakta: Sequence[Kommando], strom_id: uuid.UUID, sykedager: dict[str, Sykedager] | None = None
) -> dict[str, list[Sak]]:
    """TF-8: replay sick-day commands in arrival order and keep case ids stable.

    A new tilfelle keeps the oldest id among the old tilfeller whose start it contains (merge); if
    none, the oldest id among overlapping old tilfeller not already taken (the part that lost the
    original start after an annulment). Others get a new deterministic id.

    The replay needs only each tilfelle's ``(S, end)``, split from periods (``_spenn``); the
    tilfeller of the result are those of all known sick days (``sykedager``, computed when None),
    since every command that changes an employer's sick days replays that employer.
    """
    dokumenter = _Dokumenter.les(fakta)
    saker: dict[str, list[tuple[str, int, tuple[date, date]]]] = {}  # orgnr -> (id, created order, (S, end))
    teller = 0
    for n in range(len(fakta)):
        k = fakta[n]
        if k.type not in SYKEDAG_TYPER:
            continue
        per_org: dict[str, list[tuple[date, date]]] = {}
        for dok, fom, tom, _ in dokumenter.perioder(n + 1):
            per_org.setdefault(dok.orgnr, []).append((fom, tom))
        berorte = {k.orgnr} if "orgnr" in k.felter else set(per_org) | set(saker)
        for org in sorted(berorte):
            gamle = saker.get(org, [])
            nye = _spenn(per_org[org]) if org in per_org else []
            tatt: set[str] = set()
            resultat: list[tuple[str, int, tuple[date, date]]] = []
            for start, slutt in nye:
                kandidater = [g for g in gamle if start <= g[2][0] <= slutt and g[0] not in tatt]
                if not kandidater:
                    kandidater = [g for g in gamle if g[0] not in tatt and g[2][0] <= slutt and start <= g[2][1]]
                if kandidater:
                    eldst = min(kandidater, key=lambda g: g[1])
                    tatt.add(eldst[0])
                    resultat.append((eldst[0], eldst[1], (start, slutt)))
                else:
                    teller += 1
                    ny = str(uuid.uuid5(strom_id, f"sak/{teller}"))
                    resultat.append((ny, 10**6 + teller, (start, slutt)))
            saker[org] = resultat
    if sykedager is None:
        sykedager = sykedager_per_virksomhet(fakta)
    ut: dict[str, list[Sak]] = {}
    for org, liste in saker.items():
        if not liste:
            continue
        tilfeller = {t.start: t for t in tilfeller_fra_perioder((p.fom, p.tom) for p in sykedager[org].perioder)}
        ordnet = sorted(liste, key=lambda x: x[2][0])
        ut[org] = [Sak(case_id=i, orgnr=org, tilfelle=tilfeller[spenn[0]]) for (i, _, spenn) in ordnet]
    return ut
