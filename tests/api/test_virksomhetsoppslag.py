"""Case lists find an employer's HR (ACC-4, RP-9) and name (PRIV-4) in the employers' read model: no
Virksomhet aggregate is loaded from the event store for a list read, and the answers are those of
the employer's stream."""

from __future__ import annotations

import pytest

from .api_hjelp import ORG1, ORG2, Miljo
from .test_tidslinje_sporringer import tell_strommer


@pytest.mark.parametrize(
    ("sub", "rolle", "params"),
    [("hr-1", "HR", {"orgnr": ORG1}), ("hr-1", "HR", {"orgnr": ORG2}), ("NAV", "NAV", {})],
    ids=["HR-own", "HR-other", "NAV"],
)
def test_a_case_list_loads_no_employer_aggregate(
    historie: Miljo, monkeypatch: pytest.MonkeyPatch, sub: str, rolle: str, params: dict[str, str]
) -> None:
    historie.kjerne.oppdaterer.fang_opp()  # caught up: the read-your-writes wait projects nothing
    with tell_strommer(historie, monkeypatch) as strommer:
        svar = historie.les("/api/v1/saker", sub, rolle, params=params)
    assert svar.status_code == 200, svar.text
    assert strommer == []
    items = svar.json()["items"]
    app = historie.kjerne.app
    if rolle == "HR":
        assert bool(items) == (params["orgnr"] == ORG1)  # ACC-4: hr-1 is ORG1's HR, not ORG2's
    else:
        assert items
    for item in items:
        if item["employer_name"] is not None or rolle == "NAV":
            assert item["employer_name"] == app.virksomhetsnavn(item["orgnr"])
