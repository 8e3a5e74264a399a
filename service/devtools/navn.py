"""Synthetic Norwegian names for seeded and demo data (PRIV-4): people, leaders, virksomheter, NAV offices.

Drawn from common Norwegian first names and surnames (SSB's lists of the most used ones), combined at
random, so a generated name names no particular person. Each draw uses its own ``random.Random`` seeded
by a string (the seed and the id it is for), so adding names leaves the rest of a seeded story unchanged
and one leader id always gets the same name.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Final

FORNAVN: Final = (
    "Anne",
    "Inger",
    "Kari",
    "Marit",
    "Ingrid",
    "Liv",
    "Eva",
    "Berit",
    "Astrid",
    "Bjørg",
    "Hilde",
    "Anna",
    "Solveig",
    "Marianne",
    "Randi",
    "Ida",
    "Nina",
    "Maria",
    "Elisabeth",
    "Kristin",
    "Silje",
    "Camilla",
    "Ingeborg",
    "Nora",
    "Emma",
    "Sofie",
    "Thea",
    "Ragnhild",
    "Tone",
    "Åse",
    "Jan",
    "Per",
    "Bjørn",
    "Ole",
    "Lars",
    "Kjell",
    "Knut",
    "Arne",
    "Svein",
    "Thomas",
    "Hans",
    "Geir",
    "Tor",
    "Morten",
    "Terje",
    "Odd",
    "Erik",
    "Martin",
    "Andreas",
    "John",
    "Anders",
    "Rune",
    "Trond",
    "Jon",
    "Kristian",
    "Magnus",
    "Håkon",
    "Sindre",
    "Øystein",
    "Even",
    "Jørgen",
    "Sander",
    "Mathias",
    "Ola",
    "Stian",
    "Eirik",
    "Ståle",
    "Frode",
)
ETTERNAVN: Final = (
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Jakobsen",
    "Moen",
    "Gundersen",
    "Iversen",
    "Strand",
    "Solberg",
    "Svendsen",
    "Eide",
    "Knutsen",
    "Martinsen",
    "Paulsen",
    "Bakken",
    "Kristoffersen",
    "Mathisen",
    "Lie",
    "Amundsen",
    "Nguyen",
    "Rasmussen",
    "Ali",
    "Lunde",
    "Solheim",
    "Berge",
    "Moe",
    "Nygård",
    "Bakke",
    "Kristensen",
    "Fredriksen",
    "Holm",
    "Lien",
    "Hauge",
    "Christensen",
    "Andresen",
    "Nielsen",
    "Knudsen",
    "Evensen",
    "Sæther",
    "Aas",
    "Myhre",
    "Hanssen",
    "Ahmed",
    "Haugland",
    "Thomassen",
    "Sivertsen",
    "Simonsen",
    "Danielsen",
    "Berntsen",
    "Sandvik",
    "Rønning",
    "Arnesen",
    "Antonsen",
    "Næss",
    "Vik",
    "Haug",
    "Ellingsen",
    "Thorsen",
    "Edvardsen",
    "Birkeland",
)
STEDER: Final = (
    "Fjord",
    "Nordlys",
    "Vestland",
    "Bjørke",
    "Elve",
    "Lia",
    "Furu",
    "Havbris",
    "Trolltind",
    "Fossum",
    "Granli",
    "Skogly",
    "Solstrand",
    "Breivik",
    "Heimdal",
    "Sandnes",
    "Tinde",
    "Kvitfjell",
    "Midtun",
    "Bergheim",
)
BRANSJER: Final = (
    "Bygg",
    "Regnskap",
    "Transport",
    "Rør",
    "Elektro",
    "Eiendom",
    "Helse",
    "Renhold",
    "Data",
    "Maskin",
    "Sjømat",
    "Handel",
    "Trykkeri",
    "Bakeri",
    "Landskap",
    "Barnehage",
    "Tannlegesenter",
    "Auto",
    "Frisør",
    "Treteknikk",
)
FORMER: Final = ("AS", "AS", "AS", "ASA", "SA", "ANS")
# NAV offices with their four-digit numbers (ACC-8); the demo and seeded people are spread over these.
NAV_ENHETER: Final = ("0312", "0314", "4203", "1103", "5001")


def _rng(nokkel: str) -> random.Random:
    return random.Random(nokkel)


def personnavn(nokkel: str) -> str:
    """A first name, sometimes two, and a surname (the same for the same key)."""
    r = _rng("person:" + nokkel)
    fornavn = r.choice(FORNAVN)
    if r.random() < 0.15:
        andre = r.choice(FORNAVN)
        if andre != fornavn:
            fornavn = f"{fornavn} {andre}"
    return f"{fornavn} {r.choice(ETTERNAVN)}"


def virksomhetsnavn(nokkel: str) -> str:
    r = _rng("virksomhet:" + nokkel)
    return f"{r.choice(STEDER)} {r.choice(BRANSJER)} {r.choice(FORMER)}"


def _ascii(tekst: str) -> str:
    erstattet = tekst.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return unicodedata.normalize("NFKD", erstattet).encode("ascii", "ignore").decode()


def epost(navn: str, virksomhet: str) -> str:
    """A work e-mail address under ``.example`` (RFC 2606: never delivered anywhere)."""
    lokal = ".".join(_ascii(d) for d in navn.split())
    domene = _ascii(virksomhet.split()[0] + virksomhet.split()[1])
    return f"{lokal}@{domene}.example"


def nav_enhet(nokkel: str) -> str | None:
    """A NAV office for a person, or None for about one in six (not yet assigned, "Uten enhet")."""
    r = _rng("enhet:" + nokkel)
    return None if r.random() < 1 / 6 else r.choice(NAV_ENHETER)


def veileder(nokkel: str, enhet: str) -> str | None:
    """A veileder at the office for about half the people, else None ("Ufordelt")."""
    r = _rng("veileder:" + nokkel)
    return None if r.random() < 0.5 else f"Z99{enhet}{r.randint(1, 3)}"
