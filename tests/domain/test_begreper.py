"""The vocabularies are defined once (domain.begreper) and keep their stored strings (rules.md §6.2, ACC-1)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from domain.begreper import Arsak, Beslutningsstatus, Rolle, les_arsak
from domain.sykefravaer import Sykefravaer

# rules.md §6.2, as written there.
SEKSJON_6_2 = (
    "not_absent",
    "met",
    "exempt",
    "lapsed",
    "not_applicable",
    "not_reaching_deadline",
    "not_mandatory",
    "mandatory",
    "innkalt",
    "activity",
    "shared",
    "vurdert",
    "not_fully_absent",
    "utdypende",
    "avlyst",
    "held",
    "no_consent",
    "no_recipient",
)


def test_the_reason_codes_are_those_of_section_6_2_plus_erased() -> None:
    """§6.2 and RET-3: the stored codes, nothing else."""
    assert [a.value for a in Arsak] == [*SEKSJON_6_2, "erased"]


def test_roles_have_one_definition_the_service_reexports() -> None:
    """ACC-1: the access rules' Rolle is the one enum of domain.begreper, not a copy."""
    from domain.tilgang import Rolle as TilgangRolle

    assert TilgangRolle is Rolle
    assert {r.value for r in Rolle} == {"AT", "NL", "HR", "SYKMELDER", "NAV", "TV", "VO", "BHT", "AUDITOR", "SYSTEM"}


def _les_tilbake(reason: str) -> Any:
    """Record one cancelled decision with a stored reason string and replay the stream's events."""
    person = Sykefravaer(strom_id=uuid.UUID(int=1), timestamp=datetime(2025, 1, 6, tzinfo=UTC))
    person._kansellert(
        "RM-5",
        "C",
        "C",
        "dialogmote_1",
        "before",
        "NL",
        "2025-02-07",
        "",
        "leder-A",
        reason=reason,
        timestamp=datetime(2025, 2, 7, 7, tzinfo=UTC),
    )
    lest: Any = None
    for e in person.collect_events():
        lest = e.mutate(lest)
    return lest.beslutninger[-1]


def test_an_old_event_reads_back_with_its_reason_as_the_enum_member() -> None:
    """Map on load: the plain string of an old stored event becomes its §6.2 code."""
    b = _les_tilbake("innkalt")

    assert b.reason is Arsak.INNKALT
    assert b.status == Beslutningsstatus.CANCELLED


def test_an_unknown_stored_reason_still_reads() -> None:
    """An event from another version never fails to load: its code is kept as stored."""
    assert _les_tilbake("something_else").reason == "something_else"
    assert les_arsak(None) is None
