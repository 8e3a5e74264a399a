"""``syfo token`` and ``syfo serve --demo``: a real process on a real port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest
from hjelp import vent_til
from typer.testing import CliRunner

from service.cli import app as cli
from service.settings import Settings

NOKKEL = "en-testnokkel-som-er-lang-nok-for-hs256-0123456789"


def test_token_mints_a_token_the_api_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYFO_JWT_KEY", NOKKEL)

    res = CliRunner().invoke(cli, ["token", "--sub", "leder-A", "--role", "NL", "--ttl", "60"])

    assert res.exit_code == 0, res.output
    claims = jwt.decode(res.output.strip(), NOKKEL, algorithms=["HS256"], issuer="syfo-tidslinje")
    assert (claims["sub"], claims["role"]) == ("leder-A", "NL")
    assert claims["exp"] - claims["iat"] == 60


def test_token_refuses_an_unknown_role() -> None:
    res = CliRunner().invoke(cli, ["token", "--sub", "x", "--role", "KONGE"])

    assert res.exit_code == 2


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_demo_seeds_an_empty_store_and_answers(tmp_path: Path) -> None:
    """``syfo serve --demo``: seeds 50 cases, catches the projections up, serves with JSON logs."""
    port = _ledig_port()
    env = {**os.environ, "SYFO_DATA_DIR": str(tmp_path), "SYFO_JWT_KEY": NOKKEL}
    env.pop("SYFO_DATABASE_URL", None)
    syfo = Path(sys.executable).parent / "syfo"
    prosess = subprocess.Popen(
        [str(syfo), "serve", "--demo", "--port", str(port), "--no-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def svar() -> httpx.Response | None:
            try:
                return httpx.get(base + "/health/ready", timeout=2)
            except httpx.TransportError:
                assert prosess.poll() is None, "the server stopped"
                return None

        klar = vent_til(svar, "the server answering")
        from service.usecases.auth import lag_token

        token = lag_token(NOKKEL, "NAV", "NAV")
        saker = httpx.get(base + "/api/v1/saker", params={"limit": 5}, headers={"Authorization": f"Bearer {token}"})
    finally:
        prosess.terminate()
        ut, feil = prosess.communicate(timeout=30)

    assert klar.status_code == 200
    assert klar.json()["checks"]["runner"] == "ok"
    assert saker.status_code == 200
    assert len(saker.json()["items"]) == 5
    assert "demo: seeded 50 cases" in feil
    linjer = [json.loads(x) for x in ut.splitlines() if x.startswith("{")]
    assert any(x["event"] == "request" and x["route"] == "/api/v1/saker" for x in linjer)
    assert Settings(data_dir=tmp_path).sqlite_path.exists()
