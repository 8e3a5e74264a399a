"""A poisoned stream in the store: readiness says degraded (not 503), the metric counts it, commands for
that person are refused with 409 before anything is stored, and everyone else goes on (issue 11, item 3).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hjelp import vent_til
from karantene_hjelp import FRISK_A, FRISK_B, GIFTIG, ORG, ULESELIG, gift, kl, sak, ulesbar

from projections.oppdaterer import ALLE
from service.background import Background
from service.compliance.erasure import slett_fnr

from .api_hjelp import Miljo, miljo

START = date(2025, 1, 6)


def leder(f: str, leder_id: str = "leder-ny") -> dict[str, Any]:
    at = kl(date(2025, 2, 3)).isoformat()
    return {"type": "narmeste_leder", "fnr": f, "orgnr": ORG, "leder_id": leder_id, "fom": "2025-02-01", "at": at}


def vent_til_runneren_har_lest_alt(m: Miljo, bakgrunn: Background) -> None:
    siste = m.kjerne.app.siste_posisjon()

    def har_lest_alt() -> bool:
        if min(m.kjerne.oppdaterer.posisjon(n) for n in ALLE) >= siste and bakgrunn.projeksjon_hjerteslag != 0:
            return True
        bakgrunn.vekk()
        return False

    vent_til(har_lest_alt, "the projection runner at the last event")


def test_a_poisoned_store_is_degraded_not_down_and_only_the_poisoned_person_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    with miljo(url, tmp_path) as m:
        for k in sak(FRISK_A, START, date(2025, 3, 30), "A"):
            m.lagre(k)
        gift(m.kjerne.app, GIFTIG, kl(START, "10:00"))
        ulesbar(m.kjerne.app, m.kjerne.engine, ULESELIG, START)
        for_ = m.kjerne.app.siste_posisjon()

        # Before any runner has seen the poison, a valid command for that person is still no 500.
        tidlig = m.send(leder(GIFTIG))
        assert tidlig.status_code == 409, tidlig.text
        assert m.kjerne.app.siste_posisjon() == for_

        bakgrunn = Background(m.kjerne, intervall=0.05)
        m.klient.app.state.tjenester.bakgrunn = bakgrunn  # type: ignore[attr-defined]
        bakgrunn.start()
        try:
            vent_til_runneren_har_lest_alt(m, bakgrunn)
            ready = m.klient.get("/health/ready")
            metrikker = m.klient.get("/metrics").text
            avvist = m.send(leder(ULESELIG))
            batch = m.klient.post(
                "/api/v1/hendelser/batch", json=[leder(GIFTIG), *sak(FRISK_B, START, date(2025, 3, 2), "B")],
                headers=m.hoder("integrasjon-1", "SYSTEM"),
            )  # fmt: skip
            godtatt = m.send(leder(FRISK_A))
            slett_fnr(m.kjerne, GIFTIG)
            vent_til_runneren_har_lest_alt(m, bakgrunn)
            etter_sletting = m.klient.get("/health/ready").json()
        finally:
            bakgrunn.stopp()

    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["quarantined"] == 2
    assert ready.json()["checks"]["runner"] == "ok"
    assert "syfo_projection_quarantined 2.0" in metrikker
    assert avvist.status_code == 409
    assert avvist.headers["content-type"] == "application/problem+json"
    assert avvist.json()["type"].endswith("/quarantined")
    assert batch.status_code == 200
    assert [r["status"] for r in batch.json()["results"]] == [409, 201, 201]
    assert godtatt.status_code == 201
    assert etter_sletting["checks"]["quarantined"] == 1  # the erased poison computes again; the unreadable row stays


def test_readiness_is_ok_without_quarantine(tmp_path: Path) -> None:
    with miljo(f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path) as m:
        m.lagre(sak(FRISK_A, START, date(2025, 3, 30), "A")[0])
        m.kjerne.oppdaterer.fang_opp()
        ready = m.klient.get("/health/ready").json()

    assert ready["status"] == "ok"
    assert ready["checks"]["quarantined"] == 0
