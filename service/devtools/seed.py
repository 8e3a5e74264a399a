"""``syfo seed``: synthetic sick-leave stories sent through the real application.

``generer`` is pure and deterministic: the same ``antall`` and ``seed`` give the same commands
(scenarios.md vocabulary, no diagnosis fields) on any machine, in any time zone. One case is one
person's story at a main employer: egenmeldinger, sick notes whose grade changes, gaps under and
over 16 days (so tilfeller join and split), leader changes, plans made in time, late or never,
meetings called, held or cancelled, exemptions, NAV assessments and consents. Every date lies in the
two years up to ``REFERANSEDATO``, never after it.

The identity numbers cannot belong to real people or employers:

- fødselsnummer follow Skatteetaten's synthetic convention (Tenor): month + 80, with valid mod-11
  check digits (rules.md VAL-3). No real fødselsnummer or D-nummer has a month above 12; BD-1
  still reads the birth date, so the age rules (MAX-2) apply to seeded people.
- organisasjonsnummer are 9 digits with a valid mod-11 check digit and begin with 3.
  Enhetsregisteret gives real units numbers that begin with 8 or 9; the synthetic units in
  Brønnøysund's and Skatteetaten's test environments begin with 2 or 3 (for example 310163449).
  We found no document that reserves a range, so a seeded number may equal a test unit's, never,
  as far as we know, a real one.

Ids carry the seed, so cases of different seeds never clash (VAL-4); ``seed`` leaves out a case
whose person is already stored, so seeding a database again adds nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

from domain.errors import DomainError, UgyldigKommandoError
from domain.identer import gyldig_fnr, gyldig_orgnr
from domain.kalender import OSLO, Arbeidskalender, oslo_dato
from domain.kommandoer import SAKSBUNDNE, les_kommando
from domain.tilfelle import del_i_tilfeller

if TYPE_CHECKING:
    from service.store.application import SyfoApp

REFERANSEDATO: Final = date(2026, 11, 1)  # no seeded date lies after this day
SPENN_DAGER: Final = 730  # case starts spread over the two years before REFERANSEDATO
ANTALL_VIRKSOMHETER: Final = 400
ANTALL_SYKMELDERE: Final = 300
SYNTETISK_MANED: Final = 80  # Skatteetaten/Tenor synthetic fødselsnummer: month + 80
GRADER: Final = (100, 80, 70, 60, 50, 40, 30, 20)
VIRKSOMHET_AT: Final = datetime.combine(REFERANSEDATO - timedelta(days=SPENN_DAGER + 30), time(7), OSLO)
FNR_VEKTER: Final = ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))  # VAL-3
ORGNR_VEKTER: Final = (3, 2, 7, 6, 5, 4, 3, 2)  # VAL-3
DATOFELT: Final = ("fom", "tom", "dato")
EN_DAG: Final = timedelta(days=1)
KALENDER: Final = Arbeidskalender()


@dataclass(frozen=True)
class Oppsummering:
    """Cases sent, commands sent, and cases left out because their person was already stored."""

    cases: int
    kommandoer: int
    hoppet_over: int = 0


class AvvistKommando(Exception):
    """The application refused or could not read a seeded command: a bug in the generator."""

    def __init__(self, kommando: dict[str, Any], feil: DomainError | UgyldigKommandoError) -> None:
        super().__init__(str(feil))
        self.kommando = kommando
        self.regel = feil.regel if isinstance(feil, DomainError) else "unreadable"
        self.felt = feil.felt
        self.melding = feil.melding


def seed(app: SyfoApp, antall: int, seed: int = 1, progress: Callable[[int, int], None] | None = None) -> Oppsummering:
    """Send ``antall`` seeded cases through ``app``; ``progress(cases, kommandoer)`` after each case.

    Identity numbers are checked as the HTTP API checks them (VAL-3), whatever ``validate_ids`` says.
    A case whose person is already stored is left out, so seeding the same database again with the
    same seed (or a seed that happens to draw the same fnr) adds nothing twice.
    """
    kommandoer = hoppet_over = 0
    for saker, liste in enumerate(generer_per_sak(antall, seed), start=1):
        fnr = next(d["fnr"] for d in liste if "fnr" in d)
        sendes = liste
        if app.person_for_fnr(fnr) in app.repository:
            hoppet_over += 1
            sendes = [d for d in liste if d["type"] == "virksomhet"]  # later cases may need the employer's HR
        for d in sendes:
            try:
                k = les_kommando(d, egenmelding_maks_dager=app.innstillinger.egenmelding_max_days, valider_identer=True)
                app.behandle(k)
            except (DomainError, UgyldigKommandoError) as e:
                raise AvvistKommando(d, e) from e
            kommandoer += 1
        if progress is not None:
            progress(saker, kommandoer)
    return Oppsummering(antall - hoppet_over, kommandoer, hoppet_over)


def generer(antall: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The commands of ``antall`` cases, case by case, each case's commands in ``at`` order."""
    for liste in generer_per_sak(antall, seed):
        yield from liste


def generer_per_sak(antall: int, seed: int = 1) -> Iterator[list[dict[str, Any]]]:
    """One list per case; a ``virksomhet`` command comes with the first case at that employer."""
    g = _Generator(random.Random(seed), seed)
    for nr in range(1, antall + 1):
        yield g.sak(nr)


# ---------------------------------------------------------------- identity numbers


def _kontrollsiffer(siffer: str, vekter: tuple[int, ...]) -> int | None:
    k = 11 - sum(int(s) * v for s, v in zip(siffer, vekter, strict=True)) % 11
    return None if k == 10 else k % 11


def syntetisk_fnr(fodt: date, individ: int) -> str | None:
    """Skatteetaten's synthetic fødselsnummer (month + 80), or None if no check digit exists."""
    grunn = f"{fodt.day:02d}{fodt.month + SYNTETISK_MANED:02d}{fodt.year % 100:02d}{individ:03d}"
    k1 = _kontrollsiffer(grunn, FNR_VEKTER[0])
    k2 = None if k1 is None else _kontrollsiffer(f"{grunn}{k1}", FNR_VEKTER[1])
    return None if k2 is None else f"{grunn}{k1}{k2}"


def syntetisk_orgnr(tall: int) -> str | None:
    """``3`` and seven digits and a mod-11 check digit, or None if no check digit exists."""
    grunn = f"3{tall:07d}"
    k = _kontrollsiffer(grunn, ORGNR_VEKTER)
    return None if k is None else f"{grunn}{k}"


# ---------------------------------------------------------------- the generator


@dataclass(frozen=True)
class _Virksomhet:
    orgnr: str
    hr_id: str
    ledere: tuple[str, ...]


def _kl(d: date, rng: random.Random, fra: int = 8, til: int = 16) -> datetime:
    return datetime.combine(d, time(rng.randint(fra, til), rng.randint(0, 59)), OSLO)


def _json(v: Any) -> Any:
    if isinstance(v, date):  # datetime too
        return v.isoformat()
    if isinstance(v, list):
        return [_json(x) for x in v]
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    return v


class _Generator:
    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self.virksomheter = [self._virksomhet(i) for i in range(ANTALL_VIRKSOMHETER)]
        # A few large employers and many small ones.
        self.vekter = [1.0 / (i + 1) ** 0.6 for i in range(ANTALL_VIRKSOMHETER)]
        self.kjente_orgnr: set[str] = set()
        self.brukte_fnr: set[str] = set()

    def _virksomhet(self, i: int) -> _Virksomhet:
        orgnr = None
        while orgnr is None or not gyldig_orgnr(orgnr):
            orgnr = syntetisk_orgnr(self.rng.randrange(10**7))
        ledere = tuple(f"leder-{i:03d}-{n}" for n in range(1, self.rng.randint(2, 6) + 1))
        return _Virksomhet(orgnr, f"hr-{i:03d}", ledere)

    def _fnr(self, start: date) -> str:
        rng = self.rng
        while True:
            alder = rng.randint(18, 66) if rng.random() < 0.97 else rng.randint(67, 69)
            fodt = start - timedelta(days=round(alder * 365.25) + rng.randint(0, 364))
            individ = rng.randint(0, 499) if fodt.year < 2000 else rng.randint(500, 999)  # BD-1 centuries
            fnr = syntetisk_fnr(fodt, individ)
            if fnr is not None and fnr not in self.brukte_fnr:
                if not gyldig_fnr(fnr):
                    raise RuntimeError("synthetic fødselsnummer fails VAL-3")
                self.brukte_fnr.add(fnr)
                return fnr

    def _velg(self, unntatt: _Virksomhet | None = None) -> _Virksomhet:
        while True:
            v = self.rng.choices(self.virksomheter, self.vekter)[0]
            if v is not unntatt:
                return v

    def sak(self, nr: int) -> list[dict[str, Any]]:
        rng = self.rng
        start = REFERANSEDATO - timedelta(days=rng.randint(7, SPENN_DAGER))
        h = _Historie(rng, f"s{self.seed}-p{nr}", self._fnr(start), self._velg(), rng.randint(1, ANTALL_SYKMELDERE))
        h.fortell(start)
        if rng.random() < 0.1:
            h.andre_arbeidsgiver(self._velg(unntatt=h.v))
        ut: list[dict[str, Any]] = []
        for v in (h.v, h.v2):
            if v is not None and v.orgnr not in self.kjente_orgnr:
                self.kjente_orgnr.add(v.orgnr)
                ut.append({"at": VIRKSOMHET_AT.isoformat(), "type": "virksomhet", "orgnr": v.orgnr, "hr_id": v.hr_id})
        return ut + _godkjente(h.kommandoer())


class _Historie:
    """One person's story; commands are collected with their ``at`` and sorted at the end."""

    def __init__(self, rng: random.Random, prefiks: str, fnr: str, v: _Virksomhet, lege: int) -> None:
        self.rng = rng
        self.prefiks = prefiks
        self.fnr = fnr
        self.v = v
        self.v2: _Virksomhet | None = None
        self.lege = f"lege-{lege:03d}"
        self.ledere: list[tuple[date, str]] = []
        self.teller = 0
        self.liste: list[tuple[datetime, int, dict[str, Any]]] = []
        self.forste_notater: list[dict[str, Any]] = []

    def legg_til(self, at: datetime, typ: str, **felter: Any) -> dict[str, Any]:
        d = {"at": at.isoformat(), "type": typ, **_json(felter)}
        self.liste.append((at, len(self.liste), d))
        return d

    def sak(self, at: datetime, typ: str, **felter: Any) -> dict[str, Any]:
        return self.legg_til(at, typ, fnr=self.fnr, orgnr=self.v.orgnr, **felter)

    def ny_id(self, art: str) -> str:
        self.teller += 1
        return f"{self.prefiks}-{art}{self.teller}"

    def leder(self, d: date) -> str:
        return max((x for x in self.ledere if x[0] <= d), default=self.ledere[0])[1]

    def kommandoer(self) -> list[dict[str, Any]]:
        return [d for _, _, d in sorted(self.liste, key=lambda x: (x[0], x[1]))]

    # ------------------------------------------------------------ the story

    def fortell(self, start: date) -> None:
        rng = self.rng
        fom = start - timedelta(days=rng.randint(30, 2000))
        self.ledere.append((fom, rng.choice(self.v.ledere)))
        self.sak(
            _kl(start - timedelta(days=rng.randint(0, 3)), rng, 7, 7),
            "narmeste_leder",
            leder_id=self.ledere[0][1],
            fom=fom,
        )
        s = start
        for nr in range(rng.choices((1, 2, 3), (75, 20, 5))[0]):
            if s > REFERANSEDATO - timedelta(days=3):
                return
            slutt = self.tilfelle(s, forste=nr == 0)
            if nr == 0 and slutt - s > timedelta(days=30) and rng.random() < 0.3:
                self.lederbytte(s, slutt)
            gap = 16 if rng.random() < 0.3 else rng.randint(17, 150)  # TF-2: 16 or more non-sick days split
            s = slutt + timedelta(days=gap + 1)

    def lederbytte(self, s: date, slutt: date) -> None:
        rng = self.rng
        nye = [x for x in self.v.ledere if x != self.ledere[-1][1]]
        fom = s + timedelta(days=rng.randint(7, min((slutt - s).days, 150)))
        self.ledere.append((fom, rng.choice(nye)))
        at = _kl(fom - timedelta(days=rng.randint(0, 7)), rng)
        self.sak(at, "narmeste_leder", leder_id=self.ledere[-1][1], fom=fom)

    def tilfelle(self, s: date, *, forste: bool) -> date:
        """Documents of one tilfelle from ``s`` and the duties around it; returns its last sick day."""
        rng = self.rng
        dag = s
        slutt = s
        bare_egenmelding = rng.random() < 0.08
        if bare_egenmelding or rng.random() < 0.35:
            slutt = self.egenmelding(s, rng.randint(1, 3))
            dag = slutt + timedelta(days=rng.choice((1, 1, 1, 2, 3)))
            if bare_egenmelding:
                if rng.random() < 0.5:
                    slutt = self.egenmelding(dag + timedelta(days=rng.randint(1, 10)), rng.randint(1, 3))
                return slutt
        kort, lang = rng.choices(((5, 27), (28, 90), (91, 300), (301, 420)), (35, 35, 25, 5))[0]
        mal = min(s + timedelta(days=rng.randint(kort, lang)), REFERANSEDATO)
        grad = 100 if rng.random() < 0.7 else rng.choice((80, 60, 50, 40))
        perioder: list[dict[str, Any]] = []
        sist: dict[str, Any] | None = None
        while dag <= mal:
            tom = min(
                dag + timedelta(days=rng.randint(7, 21) if dag - s < timedelta(days=30) else rng.randint(14, 42)), mal
            )
            notat, grad = self.sykmelding(s, dag, tom, grad, sist)
            if forste:
                self.forste_notater.append(notat)
            perioder.extend(notat["perioder"])
            sist = notat
            slutt = tom
            gap = rng.choice((15, rng.randint(1, 15))) if rng.random() < 0.18 else 0  # TF-2: up to 15 joins
            dag = tom + timedelta(days=gap + 1)
        siste_fom = date.fromisoformat(sist["perioder"][0]["fom"]) if sist is not None else slutt
        if sist is not None and siste_fom < slutt and rng.random() < 0.08:  # TF-5: back at work early
            dato = siste_fom + timedelta(days=rng.randint(1, (slutt - siste_fom).days))
            self.sak(
                max(_kl(dato, rng, 8, 11), datetime.fromisoformat(sist["at"]) + timedelta(minutes=5)),
                "arbeid_gjenopptatt",
                dato=dato,
            )
            slutt = dato - EN_DAG
        _Plikter(self, s, slutt, perioder).alle()
        return slutt

    def egenmelding(self, fom: date, dager: int) -> date:
        tom = min(fom + timedelta(days=dager - 1), REFERANSEDATO)
        self.sak(_kl(fom, self.rng, 7, 10), "egenmelding", id=self.ny_id("em"), fom=fom, tom=tom)
        return tom

    def sykmelding(
        self, s: date, fom: date, tom: date, grad: int, sist: dict[str, Any] | None
    ) -> tuple[dict[str, Any], int]:
        rng = self.rng
        antall = min(rng.choices((1, 2, 3), (70, 25, 5))[0], (tom - fom).days + 1)
        kutt = sorted(rng.sample(range(1, (tom - fom).days + 1), antall - 1)) if antall > 1 else []
        grenser = [fom, *(fom + timedelta(days=k) for k in kutt), tom + EN_DAG]
        perioder: list[dict[str, Any]] = []
        for i in range(antall):
            grad = _neste_grad(rng, grad, tvungen=i > 0)
            p: dict[str, Any] = {"fom": grenser[i], "tom": grenser[i + 1] - EN_DAG, "grad": grad}
            if rng.random() < 0.02:
                p["reisetilskudd"] = True
            perioder.append(p)
        ekstra: dict[str, Any] = {}
        if tom - s > timedelta(days=42) and all(p["grad"] == 100 for p in perioder):
            if rng.random() < 0.15:
                ekstra["medisinske_grunner"] = True
            if rng.random() < 0.15:
                ekstra["utdypende_opplysninger"] = True
        tidligst, senest = rng.choices(((0, 0), (1, 1), (2, 4), (-2, -1)), (55, 25, 10, 10))[0]
        at = _kl(min(fom + timedelta(days=rng.randint(tidligst, senest)), tom), rng, 8, 17)
        if sist is not None:
            at = max(at, datetime.fromisoformat(sist["at"]) + timedelta(minutes=rng.randint(1, 30)))
        lege = self.lege if rng.random() < 0.9 else f"lege-{rng.randint(1, ANTALL_SYKMELDERE):03d}"
        notat = self.sak(at, "sykmelding", id=self.ny_id("sm"), sykmelder_id=lege, perioder=perioder, **ekstra)
        if sist is not None and rng.random() < 0.04:  # TF-6: withdrawn and replaced by a corrected note
            annullert = at + timedelta(minutes=rng.randint(10, 180))
            self.legg_til(annullert, "sykmelding_annullert", id=notat["id"])
            notat = self.sak(
                annullert + timedelta(minutes=1),
                "sykmelding",
                id=self.ny_id("sm"),
                sykmelder_id=lege,
                perioder=perioder,
            )
        return notat, grad

    def andre_arbeidsgiver(self, v2: _Virksomhet) -> None:
        """A second job: the same sick notes go to the second employer too (TF-3)."""
        rng = self.rng
        self.v2 = v2
        if not self.forste_notater:
            return
        forste = datetime.fromisoformat(self.forste_notater[0]["at"])
        fom = date.fromisoformat(self.forste_notater[0]["perioder"][0]["fom"]) - timedelta(days=rng.randint(30, 900))
        self.legg_til(
            forste - timedelta(minutes=5),
            "narmeste_leder",
            fnr=self.fnr,
            orgnr=v2.orgnr,
            leder_id=rng.choice(v2.ledere),
            fom=fom,
        )
        for n in self.forste_notater:
            at = datetime.fromisoformat(n["at"]) + timedelta(minutes=rng.randint(1, 5))
            felter = {k: v for k, v in n.items() if k not in ("at", "type", "id", "orgnr")}
            self.legg_til(at, "sykmelding", id=self.ny_id("sm"), **{**felter, "orgnr": v2.orgnr})


def _neste_grad(rng: random.Random, grad: int, *, tvungen: bool) -> int:
    """Grades mostly step down (100 → 60 → 40), sometimes back to 100."""
    if not tvungen and rng.random() < 0.6:
        return grad
    if grad == 100:
        return rng.choice((80, 60, 50, 40))
    if rng.random() < 0.2:
        return 100
    lavere = [g for g in GRADER if g < grad]
    return rng.choice(lavere[:2]) if lavere else 100


class _Plikter:
    """The duties around one tilfelle at the main employer: met in time, late, exempt or never."""

    def __init__(self, h: _Historie, s: date, slutt: date, perioder: list[dict[str, Any]]) -> None:
        self.h = h
        self.rng = h.rng
        self.s = s
        self.lengde = (slutt - s).days
        self.gradert = [
            (date.fromisoformat(p["fom"]), date.fromisoformat(p["tom"]))
            for p in perioder
            if p["grad"] < 100 and not p.get("reisetilskudd")
        ]

    def dag(self, fra: int, til: int) -> date:
        """A working day (T-5) about ``fra`` … ``til`` days after S: leaders and NAV act on those."""
        return KALENDER.neste_arbeidsdag(self.s + timedelta(days=self.rng.randint(fra, til)))

    def kl(self, d: date, etter: datetime | None = None) -> datetime:
        at = _kl(d, self.rng)
        return at if etter is None or at > etter else etter + timedelta(minutes=self.rng.randint(1, 60))

    def alle(self) -> None:
        rng = self.rng
        if self.lengde >= 13:
            self.oppfolgingsplan()
        if self.lengde >= 5 and rng.random() < 0.05:
            rolle = rng.choice(("TV", "VO"))
            self.samtykke(self.kl(self.dag(2, 10)), rolle, f"{rolle.lower()}-{rng.randint(1, 500):03d}")
        if self.lengde >= 30:
            self.dialogmote_1()
        if self.lengde >= 56:
            self.aktivitetskrav()
        if self.lengde >= 120:
            self.dialogmote_2()
        if self.lengde >= 260 and rng.random() < 0.15:
            self.dialogmote_3()

    def oppfolgingsplan(self) -> None:
        rng = self.rng
        u = rng.random()
        if u < 0.5:
            dato = self.dag(10, 27)  # OP-1: due S + 27
        elif u < 0.72:
            dato = self.dag(28, 70)
        elif u < 0.8:
            self.unntak_oppfolgingsplan()
            return
        else:
            return
        ekstra = {"aktivitet_umulig": True} if rng.random() < 0.1 else {}
        at = self.kl(dato + timedelta(days=rng.choice((0, 0, 0, 1, 3))))
        self.h.sak(at, "oppfolgingsplan_ferdig", dato=dato, **ekstra)
        if rng.random() < 0.6:
            delt = dato + timedelta(days=rng.randint(0, 10))
            self.h.sak(self.kl(delt, at), "oppfolgingsplan_delt", dato=delt, mottaker="sykmelder")
        if self.lengde >= 100 and rng.random() < 0.3:
            delt = dato + timedelta(days=rng.randint(0, 30))
            self.h.sak(self.kl(delt, at), "oppfolgingsplan_delt", dato=delt, mottaker="nav")

    def unntak_oppfolgingsplan(self) -> None:
        rng = self.rng
        frist = self.s + timedelta(days=27)
        gradert = [(fom, min(tom, frist)) for fom, tom in self.gradert if fom <= frist]
        if gradert and rng.random() < 0.6:
            fom, tom = rng.choice(gradert)
            dato = fom + timedelta(days=rng.randint(0, (tom - fom).days))
            arsak = "GRADERT_DIALOG_FUNGERER"  # MS-5: only while graded on dato
        else:
            dato = self.dag(5, 25)
            arsak = rng.choice(("TILBAKE_UTEN_TILRETTELEGGING", "ALVORLIG_SYKDOM"))
        at = self.kl(dato + timedelta(days=rng.randint(0, 2)))
        self.h.sak(at, "unntak", dato=dato, frist="oppfolgingsplan", arsak=arsak, av="NL")

    def dialogmote_1(self) -> None:
        rng = self.rng
        if self.gradert and rng.random() < 0.4:
            at = self.kl(self.dag(28, 40))
            part = rng.choice(("NL", "AT", "SYKMELDER"))
            self.h.sak(at, "dialogmote_svar", part=part, hensiktsmessig=rng.random() < 0.5)
        u = rng.random()
        if u < 0.45:
            self.mote(1, self.dag(21, 36), (5, 12))  # DM1-1: held by S + 48
        elif u < 0.6:
            self.mote(1, self.dag(40, 60), (5, 14))
        elif u < 0.66:
            self.mote(1, self.dag(24, 34), (5, 12), avlyses=True)
            if rng.random() < 0.6:
                self.mote(1, self.dag(38, 55), (5, 12))
        elif u < 0.76:
            dato = self.dag(14, 45)
            arsak = rng.choice(
                (
                    "TILBAKE_UTEN_TILRETTELEGGING",
                    "TILRETTELEGGING_FUNGERER",
                    "ALVORLIG_SYKDOM",
                    "UTSATT_ALVORLIG_SYKDOM",
                )
            )
            at = self.kl(dato + timedelta(days=rng.randint(0, 2)))
            self.h.sak(at, "unntak", dato=dato, frist="dialogmote_1", arsak=arsak, av="NL")
            if arsak == "UTSATT_ALVORLIG_SYKDOM" and rng.random() < 0.4:
                trukket = dato + timedelta(days=rng.randint(20, 60))
                self.h.sak(self.kl(trukket, at), "unntak_trukket", dato=trukket, frist="dialogmote_1")

    def aktivitetskrav(self) -> None:
        rng = self.rng
        u = rng.random()
        if u < 0.5:
            dato = self.dag(50, 75)  # AK-1: NAV assesses from S + 56
            if rng.random() < 0.25:
                at = self.kl(dato)
                self.h.sak(at, "aktivitetskrav_vurdert", dato=dato, utfall="AVVENT")
                dato += timedelta(days=rng.randint(14, 30))
            utfall = rng.choices(("OPPFYLT", "UNNTAK", "IKKE_OPPFYLT"), (50, 25, 25))[0]
            self.h.sak(self.kl(dato), "aktivitetskrav_vurdert", dato=dato, utfall=utfall)
        elif u < 0.6:
            dato = self.dag(40, 70)
            arsak = rng.choice(("MEDISINSKE_GRUNNER", "TILRETTELEGGING_IKKE_MULIG"))
            self.h.sak(self.kl(dato), "unntak", dato=dato, frist="aktivitetskrav", arsak=arsak, av="NAV")

    def dialogmote_2(self) -> None:
        rng = self.rng
        if rng.random() < 0.1:
            av = rng.choice(("NL", "AT", "SYKMELDER"))
            self.h.sak(self.kl(self.dag(60, 150)), "dialogmote_onsket", mote=2, av=av)
        u = rng.random()
        if u < 0.5:
            innkalt = self.dag(125, 165)  # DM2-2: called by S + 160
            if rng.random() < 0.6:
                delt = innkalt + timedelta(days=rng.randint(0, 14))
                self.h.sak(self.kl(delt), "oppfolgingsplan_delt", dato=delt, mottaker="nav")
            self.mote(2, innkalt, (21, 28))
        elif u < 0.6:
            dato = self.dag(100, 175)
            arsak = rng.choice(
                (
                    "MEDISINSKE_GRUNNER",
                    "INNLEGGELSE_INSTITUSJON",
                    "FORVENTET_FRISKMELDING",
                    "DOKUMENTERT_TILTAK_FRISKMELDING",
                )
            )
            self.h.sak(self.kl(dato), "unntak", dato=dato, frist="dialogmote_2", arsak=arsak, av="NAV")

    def dialogmote_3(self) -> None:
        rng = self.rng
        self.h.sak(self.kl(self.dag(200, 250)), "dialogmote_onsket", mote=3, av=rng.choice(("NL", "AT", "SYKMELDER")))
        if rng.random() < 0.5:
            self.mote(3, self.dag(255, 285), (14, 28))

    def samtykke(self, at: datetime, rolle: str, person_id: str, omfang: str = "mote_og_plan") -> None:
        self.h.sak(at, "samtykke_gitt", rolle=rolle, person_id=person_id, omfang=omfang)
        if self.rng.random() < 0.1:
            trukket = at + timedelta(days=self.rng.randint(3, 30))
            self.h.sak(trukket, "samtykke_trukket", rolle=rolle, person_id=person_id)

    def mote(self, mote: int, innkalt: date, varsel: tuple[int, int], *, avlyses: bool = False) -> None:
        rng = self.rng
        h = self.h
        at = self.kl(innkalt)
        deltakere = [{"rolle": "NL", "id": h.leder(innkalt)}, {"rolle": "AT", "id": h.fnr}]
        if mote == 1:
            if rng.random() < 0.3:  # DM1-7: the sykmelder and BHT only with consent
                self.samtykke(at - timedelta(days=rng.randint(1, 3)), "SYKMELDER", h.lege, "mote")
                deltakere.append({"rolle": "SYKMELDER", "id": h.lege})
            if rng.random() < 0.15:
                bht = f"bht-{h.v.orgnr}"
                self.samtykke(at - timedelta(days=rng.randint(1, 3)), "BHT", bht)
                deltakere.append({"rolle": "BHT", "id": bht})
        else:
            deltakere.append({"rolle": "NAV", "id": "NAV"})
            if rng.random() < 0.5:
                deltakere.append({"rolle": "SYKMELDER", "id": h.lege})
        motedag = KALENDER.neste_arbeidsdag(innkalt + timedelta(days=rng.randint(*varsel)))
        tid = datetime.combine(motedag, time(rng.choice((9, 10, 12, 13))), OSLO)
        mote_id = h.ny_id("dm")
        h.sak(at, "dialogmote_innkalt", id=mote_id, mote=mote, tidspunkt=tid, deltakere=deltakere)
        if avlyses:
            h.legg_til(at + timedelta(days=rng.randint(1, 3)), "dialogmote_avlyst", id=mote_id)
        elif rng.random() < 0.88:
            h.legg_til(tid + timedelta(hours=rng.randint(1, 4)), "dialogmote_avholdt", id=mote_id, dato=tid.date())


# ---------------------------------------------------------------- what the service accepts


class _Kjent:
    """The sick days one person's accepted documents give, per employer (TF-1, TF-5, TF-6)."""

    def __init__(self) -> None:
        self.dokumenter: list[tuple[int, str, str, list[tuple[date, date, bool]]]] = []
        self.annullert: set[str] = set()
        self.gjenopptatt: list[tuple[int, str, date]] = []
        self.nr = 0

    def motta(self, d: dict[str, Any]) -> None:
        self.nr += 1
        if d["type"] == "egenmelding":
            self.dokumenter.append((self.nr, d["orgnr"], d["id"], [(_d(d["fom"]), _d(d["tom"]), True)]))
        elif d["type"] == "sykmelding":
            perioder = [  # TF-1: reisetilskudd with grad 100 covers no sick day
                (_d(p["fom"]), _d(p["tom"]), p["grad"] == 100)
                for p in d["perioder"]
                if not (p["grad"] == 100 and p.get("reisetilskudd", False))
            ]
            self.dokumenter.append((self.nr, d["orgnr"], d["id"], perioder))
        elif d["type"] == "sykmelding_annullert":
            self.annullert.add(d["id"])
        elif d["type"] == "arbeid_gjenopptatt":
            self.gjenopptatt.append((self.nr, d["orgnr"], _d(d["dato"])))

    def dager(self, orgnr: str) -> dict[date, bool]:
        """Sick day -> fully absent."""
        ut: dict[date, bool] = {}
        for nr, org, ident, perioder in self.dokumenter:
            if org != orgnr or ident in self.annullert:
                continue
            kutt = min((dato for (g, o, dato) in self.gjenopptatt if o == orgnr and g > nr), default=None)
            for fom, tom, helt in perioder:
                dag = fom
                while dag <= tom and (kutt is None or dag < kutt):
                    ut[dag] = ut.get(dag, False) or helt
                    dag += EN_DAG
        return ut


def _d(tekst: str) -> date:
    return date.fromisoformat(tekst)


def _datoer(d: dict[str, Any]) -> Iterator[date]:
    yield oslo_dato(datetime.fromisoformat(d["at"]))
    for felt in DATOFELT:
        if felt in d:
            yield _d(d[felt])
    if "tidspunkt" in d:
        yield oslo_dato(datetime.fromisoformat(d["tidspunkt"]))
    for p in d.get("perioder", ()):
        yield _d(p["tom"])


def _godkjente(kommandoer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leave out what the service would refuse at receipt, and every date after REFERANSEDATO.

    A case-bound command must fall in a case window as known when it arrives (TF-7, VAL-8); a
    reference needs its command (VAL-5); ``unntak_trukket`` needs its unntak in the same tilfelle and
    ``GRADERT_DIALOG_FUNGERER`` graded leave on its dato (VAL-6).
    """
    kjent = _Kjent()
    ids: set[str] = set()
    unntak: dict[tuple[str, str], date] = {}
    ut: list[dict[str, Any]] = []
    for d in kommandoer:
        typ = d["type"]
        if any(x > REFERANSEDATO for x in _datoer(d)):
            continue
        if typ in ("sykmelding_annullert", "dialogmote_avholdt", "dialogmote_avlyst") and d["id"] not in ids:
            continue
        if typ in SAKSBUNDNE:
            orgnr = d["orgnr"]
            dato = _d(d["dato"]) if "dato" in d else oslo_dato(datetime.fromisoformat(d["at"]))
            dager = kjent.dager(orgnr)
            tilfelle = next((t for t in del_i_tilfeller(dager) if t.inneholder_vindu(dato)), None)
            if tilfelle is None:
                continue
            if typ == "unntak_trukket":
                fra = unntak.pop((orgnr, d["frist"]), None)
                if fra is None or not tilfelle.inneholder_vindu(fra):
                    continue
            if typ == "unntak" and d["arsak"] == "GRADERT_DIALOG_FUNGERER" and dager.get(dato, True):
                continue
            if typ == "unntak":
                unntak[(orgnr, d["frist"])] = dato
        kjent.motta(d)
        if "id" in d:
            ids.add(d["id"])
        ut.append(d)
    return ut
