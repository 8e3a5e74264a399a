"""After an erasure no API answer holds the person's data (GDPR art. 17; ACC-5, ACC-7, PRIV-3).

The story of the API tests (``tests/api/api_hjelp.fortelling``: one person, two employers, a leader,
consents, a meeting, a plan) is told through the API, the person is erased as the API's SYSTEM
endpoint would (``service.compliance.erasure.slett_fnr``), and every reader asks again.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from api.api_hjelp import FNR, fortelling, miljo

from service.compliance.erasure import slett_fnr
from service.compliance.verify import verifiser

# What the story stored about the person: identity number, ids of their documents, people around them.
SPOR = (FNR, "SM1", "SM2", "lege-1", "leder-A", "tv-1", "bht-1", "2025-03-28")


def test_no_api_answer_about_an_erased_person_holds_their_data(database_url: str, tmp_path: Path) -> None:
    with miljo(database_url, tmp_path) as m, structlog.testing.capture_logs() as logglinjer:
        fortelling(m)
        sak = m.saker["ORG1"]
        lesninger = [
            ("/api/v1/saker", FNR, "AT"),
            (f"/api/v1/saker/{sak}", FNR, "AT"),
            (f"/api/v1/saker/{sak}/tidslinje", "nav-1", "NAV"),
            (f"/api/v1/saker/{sak}/historikk", "revisor-1", "AUDITOR"),
            ("/api/v1/saker", "leder-A", "NL"),
            ("/api/v1/saker", "revisor-1", "AUDITOR"),
            ("/api/v1/meg/paminnelser", FNR, "AT"),
        ]
        for_ = [m.les(sti, sub, rolle) for sti, sub, rolle in lesninger]
        assert all(r.status_code == 200 for r in for_)
        assert "2025-03-28" in for_[1].text  # the case showed the sick note's end

        slett_fnr(m.kjerne, FNR)
        etter = [m.les(sti, sub, rolle) for sti, sub, rolle in lesninger]

        for (sti, _, rolle), r in zip(lesninger, etter, strict=True):
            assert r.status_code in (200, 404), (sti, rolle, r.text)
            if r.status_code == 200:
                assert r.json()["items"] == [], (sti, rolle)
            for spor in SPOR:
                assert spor not in r.text, (sti, rolle, spor)
        assert verifiser(m.kjerne.app, m.kjerne.engine).ok
    logget = repr(logglinjer)
    assert FNR not in logget
