"""Secrets: ``syfo serve`` and ``syfo worker`` refuse the development defaults; ``syfo secrets`` makes a set.

The defaults are published in ``service/settings.py``; a service started with them lets anyone mint
tokens, unwrap the data keys, reverse the pseudonyms (PRIV-3) and forge webhook signatures.
"""

from __future__ import annotations

import os

import pytest
import uvicorn
from standardwebhooks import Webhook
from typer.testing import CliRunner

from service.background import Background
from service.cli import app as cli
from service.cli import require_real_secrets
from service.settings import DEV_SECRETS, Settings

NAVN = ("SYFO_ID_NOKKEL", "SYFO_JWT_KEY", "SYFO_MASTER_NOKKEL", "SYFO_WEBHOOK_SECRET")


class Startet(Exception):
    """The command got as far as starting the service: it did not refuse."""


def _start(*_args: object, **_kwargs: object) -> None:
    raise Startet


@pytest.fixture(autouse=True)
def _uten_syfo_miljo(monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]) -> None:
    for navn in [n for n in os.environ if n.startswith("SYFO_")]:
        monkeypatch.delenv(navn)
    monkeypatch.setenv("SYFO_DATA_DIR", str(tmp_path))
    # Were a command to start anyway, it ends here (exit 1) instead of serving until stopped.
    monkeypatch.setattr(uvicorn, "run", _start)
    monkeypatch.setattr(Background, "start", _start)


def _ferske() -> dict[str, str]:
    res = CliRunner().invoke(cli, ["secrets"])
    assert res.exit_code == 0, res.output
    linjer = [linje for linje in res.output.splitlines() if linje and not linje.startswith("#")]
    return dict(linje.split("=", 1) for linje in linjer)


@pytest.mark.parametrize("kommando", [["serve", "--no-scheduler"], ["worker"]])
def test_serve_and_worker_refuse_to_start_with_every_secret_unset(kommando: list[str]) -> None:
    res = CliRunner().invoke(cli, kommando)

    assert res.exit_code == 2, res.output
    for navn in NAVN:
        assert navn in res.output
    assert "syfo secrets" in res.output


@pytest.mark.parametrize("kommando", [["serve", "--no-scheduler"], ["worker"]])
@pytest.mark.parametrize("svak", NAVN)
def test_one_secret_left_at_its_development_default_is_named_and_refused(
    monkeypatch: pytest.MonkeyPatch, kommando: list[str], svak: str
) -> None:
    for navn, verdi in _ferske().items():
        monkeypatch.setenv(navn, verdi)
    monkeypatch.setenv(svak, DEV_SECRETS[svak.removeprefix("SYFO_").lower()])

    res = CliRunner().invoke(cli, kommando)

    assert res.exit_code == 2, res.output
    assert [n for n in NAVN if n in res.output] == [svak]


def test_an_empty_secret_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for navn, verdi in _ferske().items():
        monkeypatch.setenv(navn, verdi)
    monkeypatch.setenv("SYFO_JWT_KEY", "  ")

    assert Settings().weak_secrets() == ["SYFO_JWT_KEY"]


def test_demo_mode_and_the_explicit_setting_accept_the_development_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    require_real_secrets(Settings(), demo=True)  # no exit
    monkeypatch.setenv("SYFO_ALLOW_DEV_SECRETS", "true")
    require_real_secrets(Settings(), demo=False)  # no exit


def test_secrets_prints_a_fresh_usable_set_that_passes_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    forste, andre = _ferske(), _ferske()

    assert sorted(forste) == sorted(NAVN)
    assert all(forste[n] != andre[n] for n in NAVN)  # fresh each time
    for navn, verdi in forste.items():
        monkeypatch.setenv(navn, verdi)
    settings = Settings()
    assert settings.weak_secrets() == []
    require_real_secrets(settings, demo=False)  # no exit
    Webhook(forste["SYFO_WEBHOOK_SECRET"])  # the Standard Webhooks form
    assert len(forste["SYFO_MASTER_NOKKEL"]) >= 43  # 32 random bytes, base64url


def test_token_refuses_a_lifetime_over_the_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYFO_JWT_MAX_TTL_S", "3600")

    res = CliRunner().invoke(cli, ["token", "--sub", "x", "--role", "NAV", "--ttl", "3601"])

    assert res.exit_code == 2
    assert "SYFO_JWT_MAX_TTL_S" in res.output
