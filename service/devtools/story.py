"""The seeded stories: one person's sick leave at a main employer, told command by command (``service.devtools.seed``).

Identity numbers are synthetic (see ``service.devtools.seed``); every date lies up to ``REFERANSEDATO``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from domain.identer import gyldig_fnr, gyldig_orgnr
from domain.kalender import OSLO, Arbeidskalender, oslo_dato
from service.devtools import navn

REFERANSEDATO: Final = date(2026, 11, 1)  # no seeded date lies after this day
SPENN_DAGER: Final = 730  # case starts spread over the two years before REFERANSEDATO
ANTALL_VIRKSOMHETER: Final = 400
ANTALL_SYKMELDERE: Final = 300
SYNTETISK_MANED: Final = 80  # Skatteetaten/Tenor synthetic fødselsnummer: month + 80
GRADER: Final = (100, 80, 70, 60, 50, 40, 30, 20)
VIRKSOMHET_AT: Final = datetime.combine(REFERANSEDATO - timedelta(days=SPENN_DAGER + 30), time(7), OSLO)
DATOFELT: Final = ("fom", "tom", "dato")
EN_DAG: Final = timedelta(days=1)
KALENDER: Final = Arbeidskalender()

# ---------------------------------------------------------------- identity numbers


def syntetisk_fnr(fodt: date, individ: int) -> str | None:
    """Skatteetaten's synthetic fødselsnummer (month + 80), or None if no check digit exists."""
    grunn = f"{fodt.day:02d}{fodt.month + SYNTETISK_MANED:02d}{fodt.year % 100:02d}{individ:03d}"
    # The check digits are the ones domain.identer accepts (VAL-3); there is at most one pair.
    return next((f"{grunn}{k:02d}" for k in range(100) if gyldig_fnr(f"{grunn}{k:02d}")), None)


def syntetisk_orgnr(tall: int) -> str | None:
    """``3`` and seven digits and a mod-11 check digit, or None if no check digit exists."""
    grunn = f"3{tall:07d}"
    return next((f"{grunn}{k}" for k in range(10) if gyldig_orgnr(f"{grunn}{k}")), None)


# ---------------------------------------------------------------- the generator


@dataclass(frozen=True)
class _Virksomhet:
    orgnr: str
    hr_id: str
    ledere: tuple[str, ...]


def kl_paa(d: date, rng: random.Random, fra: int = 8, til: int = 16) -> datetime:
    return datetime.combine(d, time(rng.randint(fra, til), rng.randint(0, 59)), OSLO)


def _json(v: Any) -> Any:
    if isinstance(v, date):  # datetime too
        return v.isoformat()
    if isinstance(v, list):
        return [_json(x) for x in v]
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    return v


class Generator:
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
        h = Historie(rng, f"s{self.seed}-p{nr}", self._fnr(start), self._velg(), rng.randint(1, ANTALL_SYKMELDERE))
        h.fortell(start)
        if rng.random() < 0.1:
            h.andre_arbeidsgiver(self._velg(unntatt=h.v))
        ut: list[dict[str, Any]] = []
        for v in (h.v, h.v2):
            if v is not None and v.orgnr not in self.kjente_orgnr:
                self.kjente_orgnr.add(v.orgnr)
                ut.append(
                    {
                        "at": VIRKSOMHET_AT.isoformat(),
                        "type": "virksomhet",
                        "orgnr": v.orgnr,
                        "hr_id": v.hr_id,
                        "navn": navn.virksomhetsnavn(f"{self.seed}:{v.orgnr}"),
                    }
                )
        return ut + _med_navn(_innenfor(h.kommandoer()), f"{self.seed}:{nr}", self.seed)


class Historie:
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
            kl_paa(start - timedelta(days=rng.randint(0, 3)), rng, 7, 7),
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
        at = kl_paa(fom - timedelta(days=rng.randint(0, 7)), rng)
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
                max(kl_paa(dato, rng, 8, 11), datetime.fromisoformat(sist["at"]) + timedelta(minutes=5)),
                "arbeid_gjenopptatt",
                dato=dato,
            )
            slutt = dato - EN_DAG
        from service.devtools.duties import Plikter  # the duties module reads this one

        Plikter(self, s, slutt, perioder).alle()
        return slutt

    def egenmelding(self, fom: date, dager: int) -> date:
        tom = min(fom + timedelta(days=dager - 1), REFERANSEDATO)
        self.sak(kl_paa(fom, self.rng, 7, 10), "egenmelding", id=self.ny_id("em"), fom=fom, tom=tom)
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
        at = kl_paa(min(fom + timedelta(days=rng.randint(tidligst, senest)), tom), rng, 8, 17)
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


# ---------------------------------------------------------------- the generation window


def _datoer(d: dict[str, Any]) -> Iterator[date]:
    yield oslo_dato(datetime.fromisoformat(d["at"]))
    for felt in DATOFELT:
        if felt in d:
            yield date.fromisoformat(d[felt])
    if "tidspunkt" in d:
        yield oslo_dato(datetime.fromisoformat(d["tidspunkt"]))
    for p in d.get("perioder", ()):
        yield date.fromisoformat(p["tom"])


def _innenfor(kommandoer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The story up to REFERANSEDATO: a command with a later date is not told. Whether the rest is
    acceptable (TF-7, VAL-5, VAL-6, VAL-8) is the application's to say, not the generator's."""
    return [d for d in kommandoer if all(x <= REFERANSEDATO for x in _datoer(d))]


def _med_navn(kommandoer: list[dict[str, Any]], nokkel: str, seed: int) -> list[dict[str, Any]]:
    """PRIV-4, ACC-8: the person's name and NAV office right after their first command, and each leader's
    name and work e-mail; drawn by key (``service.devtools.navn``), so the story itself is unchanged."""
    if not kommandoer:
        return kommandoer
    forste = kommandoer[0]
    fnr = next((d["fnr"] for d in kommandoer if "fnr" in d), None)
    if fnr is None:
        return kommandoer
    tillegg = [{"at": forste["at"], "type": "person", "fnr": fnr, "navn": navn.personnavn(nokkel)}]
    enhet = navn.nav_enhet(nokkel)
    if enhet is not None:
        veileder = navn.veileder(nokkel, enhet)
        tillegg.append({"at": forste["at"], "type": "nav_enhet", "fnr": fnr, "enhet": enhet, "veileder_id": veileder})
    ut = [forste, *tillegg]
    for d in kommandoer:
        if d["type"] == "narmeste_leder":
            leder = navn.personnavn(f"{seed}:{d['leder_id']}")
            d["leder_navn"] = leder
            d["leder_epost"] = navn.epost(leder, navn.virksomhetsnavn(f"{seed}:{d['orgnr']}"))
    ut.extend(kommandoer[1:])
    return ut
