"""What is known about one person at one moment: cases, tilfeller and attached facts (T-7, TF-7, TF-9).

``Grunnlag`` is a pure function of the accepted commands known at some instant. It does not
depend on "today"; statuses (``domain.milepeler``) and reminders (``domain.paminnelser``) take the
evaluation date as a parameter.
"""

from __future__ import annotations

import functools
import operator
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from domain.identer import fodselsdato
from domain.innstillinger import Innstillinger
from domain.kalender import oslo_dato
from domain.kommandoer import SAKSBUNDNE, Deltaker, Kommando
from domain.maksdato import beregn_maksdatoer
from domain.tilfelle import (
    Sak,
    Sykedager,
    Tilfelle,
    kun_reisetilskudd,
    sykedager_per_virksomhet,
    tildel_saks_ider,
    tilfeller_fra_perioder,
)


@dataclass
class Mote:
    """A dialogmøte called for a case (DM1-5, RM-20 … RM-22)."""

    id: str
    mote: int
    case_id: str
    orgnr: str
    tidspunkt: datetime
    deltakere: tuple[Deltaker, ...]
    innkalt_at: datetime
    avholdt: date | None = None
    avlyst_at: datetime | None = None

    @property
    def aktiv(self) -> bool:
        """Called and neither held nor avlyst (DM1-5)."""
        return self.avholdt is None and self.avlyst_at is None


@dataclass
class SaksFakta:
    """The commands attached to one case (TF-7), in arrival order."""

    kommandoer: list[tuple[int, Kommando]] = field(default_factory=list)
    moter: list[Mote] = field(default_factory=list)

    def av_type(self, *typer: str) -> list[Kommando]:
        return [k for _, k in self.kommandoer if k.type in typer]

    def aktivt_unntak(self, frist: str) -> Kommando | None:
        """The active ``unntak`` for a frist: the latest, unless withdrawn after it (MS-5)."""
        aktiv: Kommando | None = None
        for _, k in self.kommandoer:
            if k.type == "unntak" and k["frist"] == frist:
                aktiv = k
            elif k.type == "unntak_trukket" and k["frist"] == frist:
                aktiv = None
        return aktiv


@dataclass(frozen=True)
class SakInfo:
    sak: Sak
    person_tilfelle: Tilfelle

    @property
    def case_id(self) -> str:
        return self.sak.case_id

    @property
    def orgnr(self) -> str:
        return self.sak.orgnr

    @property
    def tilfelle(self) -> Tilfelle:
        return self.sak.tilfelle


def kommando_dato(k: Kommando) -> date:
    """TF-7: the command's ``dato`` field, else the Oslo date of ``at``."""
    d = k.get("dato")
    return d if isinstance(d, date) else oslo_dato(k.at)


@dataclass(frozen=True)
class Grunnlag:
    """Everything derived from one person's known commands (T-7)."""

    strom_id: uuid.UUID
    fakta: tuple[Kommando, ...]
    innstillinger: Innstillinger

    @classmethod
    def bygg(
        cls,
        strom_id: uuid.UUID,
        fakta: Sequence[Kommando],
        innstillinger: Innstillinger,
        kjent_til: datetime | None = None,
    ) -> Grunnlag:
        """Build from the commands known at ``kjent_til`` (all when None)."""
        kjente = tuple(k for k in fakta if kjent_til is None or k.at <= kjent_til)
        return cls(strom_id, kjente, innstillinger)

    @cached_property
    def fnr(self) -> str | None:
        for k in self.fakta:
            if "fnr" in k.felter:
                return k.fnr
        return None

    @cached_property
    def fodt(self) -> date | None:
        return fodselsdato(self.fnr) if self.fnr else None

    @cached_property
    def sykedager(self) -> dict[str, Sykedager]:
        return sykedager_per_virksomhet(self.fakta)

    @cached_property
    def person_tilfeller(self) -> list[Tilfelle]:
        """TF-3: tilfeller over the union of sick days at all employers."""
        return tilfeller_fra_perioder((p.fom, p.tom) for sd in self.sykedager.values() for p in sd.perioder)

    @cached_property
    def saker(self) -> list[SakInfo]:
        """All cases, ordered by start date, then orgnr (TF-2, TF-8, TF-9)."""
        ut = []
        for liste in tildel_saks_ider(self.fakta, self.strom_id, self.sykedager).values():
            for sak in liste:
                pt = next(p for p in self.person_tilfeller if p.start <= sak.tilfelle.start <= p.slutt)
                ut.append(SakInfo(sak, pt))
        return sorted(ut, key=lambda s: (s.tilfelle.start, s.orgnr))

    @cached_property
    def _sak_per_id(self) -> dict[str, SakInfo]:
        ut: dict[str, SakInfo] = {}
        for s in self.saker:
            ut.setdefault(s.case_id, s)
        return ut

    @cached_property
    def _saker_per_org(self) -> dict[str, list[SakInfo]]:
        ut: dict[str, list[SakInfo]] = {}
        for s in self.saker:
            ut.setdefault(s.orgnr, []).append(s)
        return ut

    @cached_property
    def _saker_per_person_tilfelle(self) -> dict[date, list[SakInfo]]:
        ut: dict[date, list[SakInfo]] = {}
        for s in self.saker:
            ut.setdefault(s.person_tilfelle.start, []).append(s)
        return ut

    def sak(self, case_id: str) -> SakInfo | None:
        return self._sak_per_id.get(case_id)

    def finn_sak(self, orgnr: str, dato: date) -> SakInfo | None:
        """TF-7: the case of the pair whose window ``[S, end + 16]`` contains the date."""
        return next((s for s in self._saker_per_org.get(orgnr, ()) if s.tilfelle.inneholder_vindu(dato)), None)

    def sak_for_kommando(self, k: Kommando) -> SakInfo | None:
        """The case a command belongs to (TF-7); a sick note or egenmelding by its first day."""
        if "orgnr" not in k.felter:
            return None
        s = self.finn_sak(k.orgnr, kommando_dato(k))
        if s is None and k.type in ("sykmelding", "egenmelding"):
            # TF-1: a reisetilskudd-only period covers no sick day, so it does not place the note.
            fom: date | None = (
                k["fom"]
                if k.type == "egenmelding"
                else min((p.fom for p in k["perioder"] if not kun_reisetilskudd(p)), default=None)
            )
            if fom is None:
                return None
            s = next(
                (x for x in self._saker_per_org.get(k.orgnr, ()) if x.tilfelle.start <= fom <= x.tilfelle.slutt), None
            )
        return s

    @cached_property
    def saksfakta(self) -> dict[str, SaksFakta]:
        """TF-7: attach case-bound commands; re-derived whenever tilfeller change."""
        ut: dict[str, SaksFakta] = {s.case_id: SaksFakta() for s in self.saker}
        moter: dict[str, Mote] = {}
        for nr, k in enumerate(self.fakta):
            if k.type in SAKSBUNDNE:
                s = self.finn_sak(k.orgnr, kommando_dato(k))
                if s is None:
                    continue  # an event whose date falls in no window is ignored
                ut[s.case_id].kommandoer.append((nr, k))
                if k.type == "dialogmote_innkalt":
                    m = Mote(k["id"], k["mote"], s.case_id, s.orgnr, k["tidspunkt"], k["deltakere"], k.at)
                    moter[m.id] = m
                    ut[s.case_id].moter.append(m)
            elif k.type == "dialogmote_avholdt" and k["id"] in moter:
                moter[k["id"]].avholdt = k["dato"]
            elif k.type == "dialogmote_avlyst" and k["id"] in moter:
                moter[k["id"]].avlyst_at = k.at
        return ut

    def saker_i(self, pt: Tilfelle) -> list[SakInfo]:
        """The cases inside one person tilfelle (TF-9)."""
        return [s for s in self._saker_per_person_tilfelle.get(pt.start, ()) if s.person_tilfelle == pt]

    def moter_i(self, pt: Tilfelle, mote: int) -> list[Mote]:
        return [m for s in self.saker_i(pt) for m in self.saksfakta[s.case_id].moter if m.mote == mote]

    def maksdato(self, pt: Tilfelle) -> date | None:
        """MAX-4 … MAX-7: the maksdato of a person tilfelle; never unknown for a known tilfelle (MAX-6)."""
        return self._maksdatoer.get(pt.start)

    @cached_property
    def _maksdatoer(self) -> dict[date, date]:
        tilfeller = self.person_tilfeller
        return {pt.start: md for pt, md in zip(tilfeller, beregn_maksdatoer(tilfeller, self.fodt), strict=True)}

    # ---------------------------------------------------------------- day facts

    def syk(self, orgnr: str | None, d: date) -> bool:
        """Sick on d at this employer, or at any employer when orgnr is None (RP-4 A)."""
        if orgnr is not None:
            sd = self.sykedager.get(orgnr)
            return sd is not None and sd.er_syk(d)
        return any(sd.er_syk(d) for sd in self.sykedager.values())

    def helt_borte(self, orgnr: str | None, d: date) -> bool:
        """Fully absent on d (notation): a 100 % period without reisetilskudd, or an egenmelding."""
        if orgnr is not None:
            sd = self.sykedager.get(orgnr)
            return sd is not None and sd.helt_borte(d)
        return any(sd.helt_borte(d) for sd in self.sykedager.values())

    def sykmeldinger_som_dekker(self, orgnr: str | None, d: date, *, helt: bool = False) -> list[Kommando]:
        """Sick notes covering d, latest received last (RP-9, RM-14, AK-2 a)."""
        nr_liste: set[int] = set()
        for org, sd in self.sykedager.items():
            if orgnr is not None and org != orgnr:
                continue
            for dek in sd.dekning(d):
                if dek.sykmelding_id is not None and (dek.helt_borte or not helt):
                    nr_liste.add(dek.dokument_nr)
        return [self.fakta[nr] for nr in sorted(nr_liste)]

    def narmeste_leder(self, orgnr: str, d: date) -> str | None:
        """RP-9: the relation for (fnr, orgnr) with the latest ``fom <= d``; ties: the later received."""
        k = self.lederrelasjon(orgnr, d)
        return k["leder_id"] if k is not None else None

    def lederrelasjon(self, orgnr: str, d: date) -> Kommando | None:
        """The ``narmeste_leder`` command that holds on d (RP-9), with ``leder_navn``/``leder_epost`` if given."""
        beste: tuple[date, int] | None = None
        relasjon: Kommando | None = None
        for fom, nr, k in self._ledere.get(orgnr, ()):
            if fom <= d and (beste is None or (fom, nr) >= beste):
                beste = (fom, nr)
                relasjon = k
        return relasjon

    @cached_property
    def _ledere(self) -> dict[str, list[tuple[date, int, Kommando]]]:
        """The ``narmeste_leder`` relations per orgnr: (fom, arrival number, command)."""
        ut: dict[str, list[tuple[date, int, Kommando]]] = {}
        for nr, k in enumerate(self.fakta):
            if k.type == "narmeste_leder":
                ut.setdefault(k.orgnr, []).append((k["fom"], nr, k))
        return ut

    @cached_property
    def navn(self) -> str | None:
        """The employee's name: the latest ``person`` command known (PRIV-4)."""
        return next((k["navn"] for k in reversed(self.fakta) if k.type == "person"), None)

    @cached_property
    def nav_enhet(self) -> tuple[str, str | None] | None:
        """The NAV office and veileder (None: unassigned) of the latest ``nav_enhet`` command (ACC-8)."""
        k = next((k for k in reversed(self.fakta) if k.type == "nav_enhet"), None)
        return (k["enhet"], k.get("veileder_id")) if k is not None else None


# ---------------------------------------------------------------- memo beside the aggregate

_MEMO: dict[int, tuple[weakref.ref[Any], Grunnlag]] = {}


def memoised(owner: object, strom_id: uuid.UUID, fakta: Sequence[Kommando], innstillinger: Innstillinger) -> Grunnlag:
    """``Grunnlag.bygg(strom_id, fakta, innstillinger)``, computed once while ``owner`` lives with the same
    commands (the same objects, in order) and equal settings.

    The memo is kept beside the owner, not in it: an aggregate's ``__dict__`` is its state, which
    snapshots serialise, ``==`` compares and the repository's cache deep-copies. A copy of the
    aggregate simply computes its own. Deterministic: a hit returns what a fresh build would.
    """
    key = id(owner)
    hit = _MEMO.get(key)
    if hit is not None:
        ref, g = hit
        if (
            ref() is owner
            and g.innstillinger == innstillinger
            and g.strom_id == strom_id
            and len(g.fakta) == len(fakta)
            and all(map(operator.is_, g.fakta, fakta))
        ):
            return g
    g = Grunnlag.bygg(strom_id, fakta, innstillinger)
    _MEMO[key] = (weakref.ref(owner, functools.partial(_drop_entry, key)), g)
    return g


def forget(owner: object) -> None:
    """Drop the memo of ``owner`` (after erasure nothing of the person stays in memory)."""
    _MEMO.pop(id(owner), None)


def _drop_entry(key: int, ref: weakref.ref[Any]) -> None:
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is ref:
        del _MEMO[key]
