"""MS-7: ``late`` is true for oppfølgingsplan, dialogmøte 1 and dialogmøte 2 met after their due date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.milepeler import Status, for_sent

DUE = date(2025, 2, 2)


@pytest.mark.parametrize("kind", ["oppfolgingsplan", "dialogmote_1", "dialogmote_2"])
def test_a_duty_met_after_its_due_date_is_late(kind: str) -> None:
    assert for_sent(kind, DUE, Status.MET, date(2025, 2, 3))
    assert not for_sent(kind, DUE, Status.MET, DUE)
    assert not for_sent(kind, DUE, Status.OVERDUE, None)


@pytest.mark.parametrize("kind", ["aktivitetskrav", "motebehov", "dialogmote_3", "maksdato"])
def test_the_other_milestones_are_never_late(kind: str) -> None:
    """AK-3: NAV assesses on or after D_AK + 1 by design; point milestones mark a date."""
    assert not for_sent(kind, DUE, Status.MET, date(2025, 3, 1))
