"""A refused leader form shown again where it went wrong (VAL-9: nothing stored, the reason at the field).

The page renders the same form with the leader's input kept, the message beside the field the refusal
names (``aria-invalid`` and ``aria-describedby`` on that input), and the rule ID only in a "Detaljer"
fold-out. A refusal naming a field the form does not show (a hidden meeting id, say) is shown at the
top of the form instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# The fields each leader form shows; other fields of a refusal belong to the form as a whole.
SYNLIGE_FELT: Final[dict[str, frozenset[str]]] = {
    "oppfolgingsplan_ferdig": frozenset({"dato"}),
    "oppfolgingsplan_delt": frozenset({"mottaker", "dato"}),
    "dialogmote_innkalt": frozenset({"tidspunkt"}),
    "dialogmote_avholdt": frozenset({"dato"}),
    "dialogmote_flyttet": frozenset({"tidspunkt"}),
    "dialogmote_avlyst": frozenset(),
    "unntak": frozenset({"frist", "arsak", "dato"}),
}
MOTESKJEMA: Final = frozenset({"dialogmote_avholdt", "dialogmote_flyttet", "dialogmote_avlyst"})


@dataclass(frozen=True)
class Avvisning:
    """One refused form: which form, which field, why in bokmål, and what the leader typed."""

    case_id: str
    type: str  # the form's own type (``dialogmote_flyttet`` stays, though it sends two commands)
    regel: str
    melding: str
    felt: str | None
    verdier: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def fra_skjema(
        cls, case_id: str, skjema: Mapping[str, str], regel: str, melding: str, felt: str | None
    ) -> Avvisning:
        return cls(case_id, skjema.get("type", ""), regel, melding, felt, dict(skjema))

    def gjelder(self, case_id: str, typ: str, mote_id: str = "") -> bool:
        """This refusal belongs to this form (a meeting's forms also by the meeting's id)."""
        if self.case_id != case_id or self.type != typ:
            return False
        return typ not in MOTESKJEMA or self.verdier.get("id", "") == mote_id

    @property
    def synlig_felt(self) -> str | None:
        """The form field to show the message by, or None to show it at the top of the form."""
        return self.felt if self.felt in SYNLIGE_FELT.get(self.type, frozenset()) else None

    def ved(self, felt: str) -> bool:
        return self.synlig_felt == felt

    def verdi(self, felt: str, standard: object = "") -> str:
        """What the leader sent in the field, else the form's default."""
        sendt = self.verdier.get(felt)
        return sendt if sendt is not None else str(standard)
