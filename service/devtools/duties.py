"""The duties of a seeded story (``service.devtools.story``): plans, meetings, exemptions, assessments, consents.

Told on time, late or never, so the seeded cases show every deadline status.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.kalender import OSLO
from service.devtools.story import KALENDER, Historie, kl_paa


class Plikter:
    """The duties around one tilfelle at the main employer: met in time, late, exempt or never."""

    def __init__(self, h: Historie, s: date, slutt: date, perioder: list[dict[str, Any]]) -> None:
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
        at = kl_paa(d, self.rng)
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
