"""Domain computation per person: people/s for the seeded mix, no database.

    .venv/bin/python bench/domene.py [--cases N] [--rounds R]

The seeded stories (``service.seed``) are accepted into in-memory ``Sykefravaer`` aggregates first,
untimed. The timed part is what a projection derives from one person's known commands: the
``Grunnlag`` (tilfeller, cases, maksdato), the seven milestones' status courses of every case and
the undecided reminder plan. Each round builds every ``Grunnlag`` afresh, so nothing is reused
between rounds. Prints the load average before and after; writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
import uuid
from datetime import UTC, datetime

from felles import maskin

from domain.errors import DomainError
from domain.grunnlag import Grunnlag
from domain.innstillinger import Innstillinger
from domain.kommandoer import les_kommando
from domain.milepeler import KINDS, statusforlop
from domain.paminnelser import Historikk, Paminnelsesmotor
from domain.sykefravaer import Sykefravaer
from service.devtools.seed import generer_per_sak

REFERANSE_STROM = uuid.UUID("00000000-0000-4000-8000-000000000000")


def personer(antall: int, seed: int, inn: Innstillinger) -> list[Sykefravaer]:
    """One aggregate per seeded person, each command accepted or refused as the application would (the
    seeded stories hold commands the rules refuse, VAL-5/6/8: they change nothing)."""
    ut: dict[str, Sykefravaer] = {}
    for liste in generer_per_sak(antall, seed):
        fnr = next(d["fnr"] for d in liste if "fnr" in d)  # one case is one person's story
        for d in liste:
            if d["type"] == "virksomhet":
                continue
            k = les_kommando(d, egenmelding_maks_dager=inn.egenmelding_max_days, valider_identer=True)
            p = ut.get(fnr)
            if p is None:
                p = ut[fnr] = Sykefravaer(strom_id=uuid.uuid5(REFERANSE_STROM, fnr), timestamp=k.at)
            with contextlib.suppress(DomainError):
                p.motta(k, inn)
    return list(ut.values())


def beregn(p: Sykefravaer, inn: Innstillinger) -> int:
    """Grunnlag, milestone courses and the reminder plan of one person, from scratch."""
    g = Grunnlag.bygg(p.id, p.fakta, inn)
    n = 0
    for s in g.saker:
        g.maksdato(s.person_tilfelle)
        for kind in KINDS:
            n += len(statusforlop(kind, g, s))
    n += len(Paminnelsesmotor(g, Historikk(), lambda _orgnr: None).ubesluttede())
    return n


def main() -> None:
    a = argparse.ArgumentParser(description="domain computation per person")
    a.add_argument("--cases", type=int, default=300, help="seeded cases (default 300)")
    a.add_argument("--seed", type=int, default=13)
    a.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is reported (default 3)")
    args = a.parse_args()

    inn = Innstillinger()
    folk = personer(args.cases, args.seed, inn)
    last_for = os.getloadavg()
    beste = float("inf")
    for _ in range(args.rounds):
        start = time.perf_counter()
        for p in folk:
            beregn(p, inn)
        beste = min(beste, time.perf_counter() - start)
    last_etter = os.getloadavg()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC} on {maskin()}")
    print(f"load average before {last_for[0]:.2f}, after {last_etter[0]:.2f}")
    print(f"{len(folk)} people, best of {args.rounds} rounds: {beste:.2f} s, {len(folk) / beste:,.0f} people/s")


if __name__ == "__main__":
    main()
