"""Deadlines, meetings and names in words for the leader's pages: "7 dager igjen", "1 dag på overtid",
"Oppfylt 13 dager for sent" (MS-7), a meeting's date and time, and the employee's name first (PRIV-4).

Pure functions of what a read gave and of today's Oslo date; the pages and their tests use the same
words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from service.web.maler import dato, tidspunkt


def dager(n: int) -> str:
    """A number of days with number agreement: "1 dag", "2 dager", "0 dager"."""
    return f"{n} dag" if abs(n) == 1 else f"{n} dager"


def frist_i_ord(due: date, idag: date) -> str:
    """Days left or days overdue of an open deadline, in words."""
    n = (due - idag).days
    if n == 0:
        return "Frist i dag"
    if n > 0:
        return f"{dager(n)} igjen"
    return f"{dager(-n)} på overtid"


def merke(m: Mapping[str, Any], farge: str) -> tuple[str, str | None]:
    """The badge of a milestone: its colour key and its text (None: the status word alone).

    MS-7: a duty met after its due date is its own badge, "Oppfylt 13 dager for sent", never a green
    "Oppfylt"."""
    due, met_on = m.get("due"), m.get("met_on")
    if m.get("status") in ("met", "shared") and m.get("late") and isinstance(due, date) and isinstance(met_on, date):
        return "late", f"Oppfylt {dager((met_on - due).days)} for sent"
    return farge, None


def moteord(tid: datetime | str) -> str:
    """A meeting's date and time in the one date style of the pages: "4. des. 2026 kl. 10.00"."""
    return tidspunkt(tid)


def frist_med_dato(due: date, idag: date) -> str:
    """ "7 dager igjen (9. des. 2026)": the words first, then the date in the pages' one style."""
    return f"{frist_i_ord(due, idag)} ({dato(due)})"


def ansattnavn(rad: Mapping[str, Any], hendelser: Sequence[Mapping[str, Any]] = ()) -> str | None:
    """The employee's name: the read model's ``navn`` column when it has one, else the latest
    ``person`` command among the person's timeline rows; None when no name is known."""
    if rad.get("navn"):
        return str(rad["navn"])
    navn = [h["data"].get("navn") for h in hendelser if h.get("hendelse") == "person"]
    return str(navn[-1]) if navn and navn[-1] else None
