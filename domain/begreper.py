"""The closed vocabularies of the rule book, each defined once: roles, milestone kinds, milestone
statuses, decision statuses and cancellation reasons (rules.md ACC-1, MS-1, MS-3, RP-11, §6.2).

All are ``StrEnum``: a member *is* its string, so stored events, read-model rows and JSON output keep
exactly the same values, and old events need no change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Rolle(StrEnum):
    """Who a user or a recipient is (ACC-1); SYSTEM is the service's own writer."""

    AT = "AT"
    NL = "NL"
    HR = "HR"
    SYKMELDER = "SYKMELDER"
    NAV = "NAV"
    TV = "TV"
    VO = "VO"
    BHT = "BHT"
    AUDITOR = "AUDITOR"
    SYSTEM = "SYSTEM"


MOTTAKERROLLER: Final = frozenset(
    {Rolle.NL, Rolle.AT, Rolle.SYKMELDER, Rolle.NAV, Rolle.HR, Rolle.TV, Rolle.VO, Rolle.BHT}
)
"""Roles a reminder may be addressed to (RP-9)."""

SAMTYKKEROLLER: Final = frozenset({Rolle.TV, Rolle.VO, Rolle.BHT})
"""Roles that need the employee's consent (CON-1); the sykmelder too, for dialogmøte 1."""


class Milepelstype(StrEnum):
    """The milestone kinds (MS-1)."""

    OPPFOLGINGSPLAN = "oppfolgingsplan"
    DIALOGMOTE_1 = "dialogmote_1"
    AKTIVITETSKRAV = "aktivitetskrav"
    MOTEBEHOV = "motebehov"
    DIALOGMOTE_2 = "dialogmote_2"
    DIALOGMOTE_3 = "dialogmote_3"
    MAKSDATO = "maksdato"


class Status(StrEnum):
    """A milestone's status (MS-3)."""

    PENDING = "pending"
    MET = "met"
    EXEMPT = "exempt"
    OVERDUE = "overdue"
    LAPSED = "lapsed"
    NOT_APPLICABLE = "not_applicable"


class Beslutningsstatus(StrEnum):
    """What became of one reminder rung (RP-11, RP-12)."""

    SENT = "sent"
    CANCELLED = "cancelled"
    PLANNED = "planned"


class Arsak(StrEnum):
    """Why a reminder was cancelled: the codes of rules.md §6.2, verbatim, plus ``erased``.

    Each code is the contract of the output and of the stored ``PaminnelseKansellert`` events; a
    few of §6.2's codes are the law's Norwegian words (``innkalt``, ``vurdert``, ``utdypende``,
    ``avlyst``) and are kept as §6.2 writes them. ``ERASED`` is for reminders cancelled because the
    person's data was erased (RET-3).
    """

    NOT_ABSENT = "not_absent"
    MET = "met"
    EXEMPT = "exempt"
    LAPSED = "lapsed"
    NOT_APPLICABLE = "not_applicable"
    NOT_REACHING_DEADLINE = "not_reaching_deadline"
    NOT_MANDATORY = "not_mandatory"
    MANDATORY = "mandatory"
    INNKALT = "innkalt"
    ACTIVITY = "activity"
    SHARED = "shared"
    VURDERT = "vurdert"
    NOT_FULLY_ABSENT = "not_fully_absent"
    UTDYPENDE = "utdypende"
    AVLYST = "avlyst"
    HELD = "held"
    NO_CONSENT = "no_consent"
    NO_RECIPIENT = "no_recipient"
    ERASED = "erased"


class Leveringsstatus(StrEnum):
    """Where the delivery of a sent reminder stands (RP-11; ``domain.levering``)."""

    VENTER = "venter"  # decided sent, not yet delivered
    SENDER = "sender"  # claimed by a dispatcher until its lease ends
    FEILET = "feilet"  # last attempt failed; next attempt at ``neste_forsok``
    LEVERT = "levert"  # every channel accepted it
    OPPGITT = "oppgitt"  # dead letter: the attempt limit was reached, or a permanent error


def les_arsak(kode: str | None) -> Arsak | str | None:
    """A stored reason code read back (map on load): a §6.2 code becomes its ``Arsak``; a code this
    version does not know is kept as it was stored, so an old event always reads."""
    if not kode:
        return kode
    try:
        return Arsak(kode)
    except ValueError:
        return kode
