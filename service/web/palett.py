"""Status colours of the pages and the timeline picture, with the WCAG 2.1 contrast arithmetic.

One place for every colour that carries meaning: the page stylesheet's custom properties are
generated from ``FARGER`` (``/static/palett.css``) and the SVG uses the same values, so the unit test
that computes the contrast ratios (WCAG 2.1 AA: 4.5:1 for text, 3:1 for graphical objects, success
criteria 1.4.3 and 1.4.11) checks what the browser draws. Colour is never the only cue (1.4.1): every
status also has a word and a pin shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

HVIT: Final = "#ffffff"
RADBAKGRUNN: Final = "#f3f5f7"  # every other row of the timeline picture
TEKST: Final = "#1d2733"
DEMPET_TEKST: Final = "#4f5b67"


@dataclass(frozen=True)
class Farge:
    """One status: text colour, badge background, pin fill, the word shown and the pin shape."""

    tekst: str
    bakgrunn: str
    pin: str
    navn: str
    form: str  # sirkel, ring, trekant, ruter, firkant, strek, dobbelsirkel, kryss


# Keys are the milestone statuses of MS-3/MS-4, plus ``snart``: pending and due within FRIST_SNART_DAGER.
FARGER: Final[dict[str, Farge]] = {
    "met": Farge("#0a6b34", "#e3f4e8", "#12803f", "Oppfylt", "sirkel"),
    # MS-7: met after the due date; its own badge ("Oppfylt 13 dager for sent"), never a green "Oppfylt".
    "late": Farge("#8a3b00", "#fdebd9", "#b35400", "Oppfylt for sent", "halvsirkel"),
    "snart": Farge("#7a4600", "#fff1d6", "#b86200", "Forfaller snart", "ruter"),
    "overdue": Farge("#b00000", "#fde8e8", "#c30000", "Forfalt", "trekant"),
    "pending": Farge("#1f4e8c", "#e6effa", "#2f6fb5", "Kommende", "ring"),
    "exempt": Farge("#5b3e8a", "#efeafa", "#6c4ea3", "Unntatt", "firkant"),
    "lapsed": Farge("#545454", "#eeeeee", "#6f6f6f", "Bortfalt", "strek"),
    "not_applicable": Farge("#545454", "#eeeeee", "#6f6f6f", "Ikke aktuell", "strek"),
    # ACC-9: the oppfølgingsplan outside the employer side: shared with the reader's role, or not.
    "shared": Farge("#0a6b34", "#e3f4e8", "#12803f", "Delt", "dobbelsirkel"),
    "not_shared": Farge("#545454", "#eeeeee", "#6f6f6f", "Ikke delt", "kryss"),
}


@dataclass(frozen=True)
class Fyll:
    """A filled shape with text on it (sick-note bars); ``kant`` outlines a pale one."""

    fyll: str
    tekst: str
    kant: str | None = None


# Sick-note bars: 100 % and egenmelding (fully absent, §0), graded, and an annulled note (TF-6), which
# is pale on purpose and carries a dashed outline instead. The grade is written on every bar.
STOLPER: Final[dict[str, Fyll]] = {
    "helt": Fyll("#2c3e57", HVIT),
    "gradert": Fyll("#6b8cb5", "#0f2236"),
    "egenmelding": Fyll("#5d6f86", HVIT),
    "annullert": Fyll("#e4e7eb", "#3a4450", kant=DEMPET_TEKST),
}

# Reminder markers (RP-11): sent, cancelled with a reason, still planned (RP-12); and the "today" line.
MARKORER: Final[dict[str, str]] = {
    "sent": "#1f4e8c",
    "cancelled": "#6f6f6f",
    "planned": "#6f6f6f",
    "hendelse": "#2d3a48",
    "idag": "#c30000",
}


def relativ_luminans(hex_farge: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour ``#rrggbb``."""
    h = hex_farge.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected #rrggbb, got {hex_farge!r}")

    def kanal(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (kanal(int(h[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def kontrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio (1 … 21) of two colours, in either order."""
    lys, mork = sorted((relativ_luminans(a), relativ_luminans(b)), reverse=True)
    return (lys + 0.05) / (mork + 0.05)


def css() -> str:
    """The palette as CSS custom properties (``/static/palett.css``)."""
    linjer = [":root {", f"  --tekst: {TEKST};", f"  --dempet: {DEMPET_TEKST};", f"  --radbakgrunn: {RADBAKGRUNN};"]
    for navn, f in FARGER.items():
        linjer += [
            f"  --{navn}-tekst: {f.tekst};",
            f"  --{navn}-bakgrunn: {f.bakgrunn};",
            f"  --{navn}-pin: {f.pin};",
        ]
    linjer.append("}")
    for navn in FARGER:
        linjer.append(
            f'.status[data-status="{navn}"] {{ color: var(--{navn}-tekst); background: var(--{navn}-bakgrunn); '
            f"border-color: var(--{navn}-pin); }}"
        )
    return "\n".join(linjer) + "\n"
