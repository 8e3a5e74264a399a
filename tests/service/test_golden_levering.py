"""The golden cases through the dispatcher path (issue 14): every reminder ``simulate`` lists as sent got
its outbox row with the decision and was delivered through the outbox, once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from service.bootstrap import Core
from service.devtools.simulate import simuler

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.mark.parametrize("navn", ["g01-long-full-case", "g16-leader-change", "g20-two-employers"])
def test_every_sent_reminder_of_a_golden_case_is_delivered_through_the_outbox(navn: str) -> None:
    scenario: dict[str, Any] = json.loads((GOLDEN / f"{navn}.json").read_text(encoding="utf-8"))
    rader: list[tuple[str, int, int]] = []

    def se(k: Core, _until: object) -> None:
        with k.engine.connect() as conn:
            rader.extend(conn.execute(text("SELECT status, count(*), max(forsok) FROM outbox GROUP BY status")).all())

    res = simuler(scenario, inspiser=se)
    sendt = [r for r in res.data["reminders"] if r["status"] == "sent"]

    assert sendt
    assert [(s, n) for s, n, _ in rader] == [("levert", len(sendt))]
    assert [f for _, _, f in rader] == [1]  # each delivered at its first attempt
