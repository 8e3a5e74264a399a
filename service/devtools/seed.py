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
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from domain.errors import DomainError, UgyldigKommandoError
from domain.kommandoer import les_kommando
from service.devtools.story import REFERANSEDATO, Generator, syntetisk_fnr, syntetisk_orgnr

if TYPE_CHECKING:
    from service.store.application import SyfoApp

__all__ = [
    "REFERANSEDATO",
    "AvvistKommando",
    "Oppsummering",
    "generer",
    "generer_per_sak",
    "seed",
    "syntetisk_fnr",
    "syntetisk_orgnr",
]


@dataclass(frozen=True)
class Oppsummering:
    """Cases sent, commands the application accepted, cases left out because their person was already
    stored, and the commands the application refused, by rule."""

    cases: int
    kommandoer: int
    hoppet_over: int = 0
    avvist: dict[str, int] = field(default_factory=dict)

    @property
    def avviste(self) -> int:
        return sum(self.avvist.values())


class AvvistKommando(Exception):
    """A seeded command could not be read (VAL-1 … VAL-3 and the fields): a bug in the generator."""

    def __init__(self, kommando: dict[str, Any], feil: DomainError | UgyldigKommandoError) -> None:
        super().__init__(str(feil))
        self.kommando = kommando
        self.regel = feil.regel if isinstance(feil, DomainError) else "unreadable"
        self.felt = feil.felt
        self.melding = feil.melding


def seed(app: SyfoApp, antall: int, seed: int = 1, progress: Callable[[int, int], None] | None = None) -> Oppsummering:
    """Send ``antall`` seeded cases through ``app``; ``progress(cases, kommandoer)`` after each case.

    Each command is read as the HTTP API reads it (identity numbers checked, VAL-3, whatever
    ``validate_ids`` says); one that cannot be read is a generator bug (``AvvistKommando``). Then the
    application accepts it or refuses it by its rules (TF-7, VAL-5, VAL-6, VAL-8): stories are told
    without checking them first, and the refusals are counted by rule.
    A case whose person is already stored is left out, so seeding the same database again with the
    same seed (or a seed that happens to draw the same fnr) adds nothing twice.
    """
    kommandoer = hoppet_over = 0
    avvist: Counter[str] = Counter()
    for saker, liste in enumerate(generer_per_sak(antall, seed), start=1):
        fnr = next(d["fnr"] for d in liste if "fnr" in d)
        sendes = liste
        if app.person_for_fnr(fnr) in app.repository:
            hoppet_over += 1
            sendes = [d for d in liste if d["type"] == "virksomhet"]  # later cases may need the employer's HR
        for d in sendes:
            try:
                k = les_kommando(d, egenmelding_maks_dager=app.innstillinger.egenmelding_max_days, valider_identer=True)
            except (DomainError, UgyldigKommandoError) as e:
                raise AvvistKommando(d, e) from e
            try:
                app.behandle(k)
            except DomainError as e:
                avvist[e.regel] += 1
                continue
            kommandoer += 1
        if progress is not None:
            progress(saker, kommandoer)
    return Oppsummering(antall - hoppet_over, kommandoer, hoppet_over, dict(sorted(avvist.items())))


def generer(antall: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The commands of ``antall`` cases, case by case, each case's commands in ``at`` order."""
    for liste in generer_per_sak(antall, seed):
        yield from liste


def generer_per_sak(antall: int, seed: int = 1) -> Iterator[list[dict[str, Any]]]:
    """One list per case; a ``virksomhet`` command comes with the first case at that employer."""
    g = Generator(random.Random(seed), seed)
    for nr in range(1, antall + 1):
        yield g.sak(nr)
