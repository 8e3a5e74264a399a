"""Operations: health, readiness, metrics, correlation ids, JSON logs without identity numbers (PRIV-3),
read-your-writes waits, and problem details for every error."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import structlog

from service.background import Background
from service.observability import konfigurer_logging
from service.usecases.queries import Leser

from .api_hjelp import FNR, ORG1, Miljo, fortelling, kl, miljo

SYKMELDING = {
    "type": "sykmelding",
    "id": "SM1",
    "fnr": FNR,
    "orgnr": ORG1,
    "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
    "at": kl(date(2025, 1, 6)),
}


@pytest.fixture
def logg() -> Iterator[io.StringIO]:
    strom = io.StringIO()
    konfigurer_logging(strom=strom)
    try:
        yield strom
    finally:
        structlog.reset_defaults()


def test_liveness_and_readiness_without_a_runner(ny: Miljo) -> None:
    live = ny.klient.get("/health/live")
    ready = ny.klient.get("/health/ready")

    assert live.status_code == ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["runner"] == "not in this process"


def test_readiness_reports_the_projection_lag(ny: Miljo) -> None:
    """Lag = last notification id minus the lowest projection position."""
    ny.send(SYKMELDING)

    lag = ny.klient.get("/health/ready").json()["checks"]["projection_lag"]
    ny.kjerne.oppdaterer.fang_opp()
    etter = ny.klient.get("/health/ready").json()["checks"]["projection_lag"]

    assert lag == ny.kjerne.app.siste_posisjon() > 0
    assert etter == 0


def test_readiness_fails_when_the_runner_has_stopped_beating(ny: Miljo, tmp_path: Path) -> None:
    class StoppetRunner:
        projeksjon_hjerteslag = time.monotonic() - 3600
        planlegger_hjerteslag = None

        def vekk(self) -> None:
            pass

    ny.klient.app.state.tjenester.bakgrunn = StoppetRunner()  # type: ignore[attr-defined]

    r = ny.klient.get("/health/ready")

    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["checks"]["runner"] == "stale"


def test_a_running_runner_makes_writes_readable(tmp_path: Path) -> None:
    """Read-your-writes with the real projection runner (Background) in the process."""
    from service.bootstrap import build_core
    from service.settings import Settings

    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    kjerne = build_core(Settings(database_url=url, data_dir=tmp_path))
    bakgrunn = Background(kjerne, intervall=5.0)  # a long tick: the write's wake-up must do it
    bakgrunn.start()
    try:
        with miljo(url, tmp_path, bakgrunn=bakgrunn) as m:
            svar = m.lagre(SYKMELDING)
            r = m.les(f"/api/v1/saker/{svar['case_id']}", FNR, "AT")
            ready = m.klient.get("/health/ready").json()["checks"]
    finally:
        bakgrunn.stopp()
        kjerne.close()

    assert r.status_code == 200
    assert ready["runner"] == "ok"


def test_a_position_the_projections_do_not_reach_in_time_answers_503(tmp_path: Path) -> None:
    class SovendeRunner:
        projeksjon_hjerteslag = time.monotonic()

        def vekk(self) -> None:
            pass

    with miljo(f"sqlite:///{tmp_path / 'syfo.db'}", tmp_path, api_read_wait_s=0.2) as m:
        m.klient.app.state.tjenester.bakgrunn = SovendeRunner()  # type: ignore[attr-defined]
        svar = m.lagre(SYKMELDING)
        start = time.monotonic()
        r = m.les(f"/api/v1/saker/{svar['case_id']}", FNR, "AT")
        brukt = time.monotonic() - start

    assert r.status_code == 503
    assert r.headers["retry-after"] == "1"
    assert r.json()["field"] == "min_position"
    assert brukt < 5


def test_a_position_that_is_not_written_answers_409(ny: Miljo) -> None:
    r = ny.klient.get("/api/v1/meg/paminnelser", params={"min_position": 10**9}, headers=ny.hoder(FNR, "AT"))
    header = ny.klient.get("/api/v1/meg/paminnelser", headers=ny.hoder(FNR, "AT") | {"X-Min-Position": str(10**9)})

    assert r.status_code == header.status_code == 409
    assert r.json()["field"] == "min_position"


def test_the_request_id_is_echoed_or_made(ny: Miljo) -> None:
    gitt = ny.klient.get("/health/live", headers={"X-Request-ID": "abc-123"})
    ugyldig = ny.klient.get(
        "/health/live", headers={"X-Request-ID": "ikke gyldig\u00e6"[:10].encode().decode("latin-1")}
    )
    feil = ny.klient.get("/api/v1/saker/x", headers={"X-Request-ID": "req-9"})

    assert gitt.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", ugyldig.headers["x-request-id"])
    assert feil.json()["request_id"] == "req-9"


def test_metrics_are_labelled_by_route_template_never_by_id(ny: Miljo) -> None:
    fortelling(ny)
    sak = ny.saker["ORG1"]
    ny.les(f"/api/v1/saker/{sak}", "NAV", "NAV")
    ny.send({"type": "ukjent"})

    tekst = ny.klient.get("/metrics").text

    assert 'syfo_http_requests_total{method="GET",route="/api/v1/saker/{case_id}",status="200"} 1.0' in tekst
    assert 'syfo_commands_total{outcome="accepted",type="sykmelding"} 2.0' in tekst
    assert 'syfo_commands_total{outcome="refused",type="unknown"} 1.0' in tekst
    assert 'syfo_audited_reads_total{role="NAV",view="sak"} 1.0' in tekst
    assert "syfo_projection_lag_events" in tekst
    assert sak not in tekst
    assert FNR not in tekst


def test_logs_are_json_lines_with_the_request_id_and_no_identity_number(ny: Miljo, logg: io.StringIO) -> None:
    """PRIV-3: ids and counts only, whatever the request carried."""
    ny.send(SYKMELDING)
    ny.send({"type": FNR, "fnr": FNR})  # an identity number where a type should be
    ny.send(SYKMELDING | {"fnr": "12345678901"})
    ny.klient.get("/api/v1/meg/paminnelser", headers=ny.hoder(FNR, "AT") | {"X-Request-ID": "r-1"})
    ny.klient.get(f"/api/v1/saker/{FNR}", headers=ny.hoder(FNR, "AT"))

    linjer = [json.loads(linje) for linje in logg.getvalue().splitlines()]

    assert linjer, "something was logged"
    assert not re.search(r"(?<!\d)\d{11}(?!\d)", logg.getvalue())
    forespørsler = [x for x in linjer if x["event"] == "request"]
    assert len(forespørsler) == 5
    assert all(x["request_id"] and x["route"] and x["status"] for x in forespørsler)
    assert any(x["request_id"] == "r-1" and x["role"] == "AT" for x in forespørsler)
    assert {x["rule"] for x in linjer if x["event"] == "command_refused"} == {"VAL-9", "VAL-3"}


def test_an_unexpected_error_answers_500_problem_without_its_text(
    ny: Miljo, logg: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def feiler(*_: Any, **__: Any) -> Any:
        raise RuntimeError(f"boom for {FNR}")

    monkeypatch.setattr(Leser, "innboks", feiler)

    r = ny.klient.get("/api/v1/meg/paminnelser", headers=ny.hoder(FNR, "AT"))

    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert FNR not in r.text
    assert "boom" not in r.text
    assert FNR not in logg.getvalue()
    assert any(json.loads(x).get("error") == "RuntimeError" for x in logg.getvalue().splitlines())


def test_unknown_routes_and_methods_answer_problem_details(ny: Miljo) -> None:
    ingen = ny.klient.get("/api/v1/finnes-ikke")
    metode = ny.klient.delete("/api/v1/hendelser", headers=ny.hoder("i", "SYSTEM"))

    assert (ingen.status_code, metode.status_code) == (404, 405)
    assert ingen.headers["content-type"] == metode.headers["content-type"] == "application/problem+json"


def test_ready_reports_the_schedulers_heartbeat_and_refuses_when_it_is_stuck(tmp_path: Path) -> None:
    """The slot job's alarm clock beats into /health/ready; a heartbeat older than the sweeps allow is 503."""
    from service.bootstrap import build_background, build_core
    from service.delivery.channels import Kanaloppsett
    from service.settings import Settings

    url = f"sqlite:///{tmp_path / 'syfo.db'}"
    settings = Settings(database_url=url, data_dir=tmp_path)
    kjerne = build_core(settings)
    with Kanaloppsett(settings) as kanaler:
        bakgrunn = build_background(kjerne, kanaler=kanaler, retention=False)
        bakgrunn.start()
        try:
            with miljo(url, tmp_path, bakgrunn=bakgrunn) as m:
                _vent(lambda: bakgrunn.planlegger_hjerteslag)  # the first tick runs at start
                frisk = m.klient.get("/health/ready")
                assert bakgrunn._vekkeklokke is not None
                bakgrunn._vekkeklokke.heartbeat = time.monotonic() - 24 * 3600  # a scheduler stuck for a day
                stuck = m.klient.get("/health/ready")
        finally:
            bakgrunn.stopp()
            kjerne.close()

    assert frisk.status_code == 200
    assert frisk.json()["checks"]["scheduler"] == "ok"
    assert frisk.json()["checks"]["scheduler_heartbeat_age_s"] is not None
    assert stuck.status_code == 503
    assert stuck.json()["checks"]["scheduler"] == "stale"


def _vent(betingelse: Any, sekunder: float = 30.0) -> None:
    slutt = time.monotonic() + sekunder
    while not betingelse():
        assert time.monotonic() < slutt, "condition not met"
        time.sleep(0.01)
