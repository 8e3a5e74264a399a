"""Bearer tokens live at most ``Settings.jwt_max_ttl_s`` (12 h by default), with at most 5 s of clock leeway.

A token minted for a century with a leaked key must not work for a century; ``exp - iat`` is the
lifetime, so a token must carry ``iat``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from service.usecases.auth import ALGORITME, UTSTEDER, lag_token, les_token
from service.usecases.problems import ApiFeil

from .api_hjelp import FNR_UTEN_SAK, Miljo, miljo

NOKKEL = "en-testnokkel-som-er-lang-nok-for-hs256-0123456789"
TIME = 3600


def _les(m: Miljo, token: str) -> Any:
    return m.klient.get("/api/v1/meg/lesninger", headers={"Authorization": "Bearer " + token})


def _token(m: Miljo, ttl_s: int, naa: datetime | None = None) -> str:
    return lag_token(m.settings.jwt_key.get_secret_value(), FNR_UTEN_SAK, "AT", ttl_s=ttl_s, naa=naa)


def test_a_token_of_twelve_hours_is_accepted_and_one_second_more_is_refused(ny: Miljo) -> None:
    assert _les(ny, _token(ny, 12 * TIME)).status_code == 200
    assert _les(ny, _token(ny, 12 * TIME + 1)).status_code == 401


def test_a_token_expiring_in_a_hundred_years_is_refused(ny: Miljo) -> None:
    r = _les(ny, _token(ny, 100 * 365 * 24 * TIME))

    assert r.status_code == 401


def test_a_backdated_long_token_is_refused_even_when_little_of_it_is_left(ny: Miljo) -> None:
    naa = datetime.now(UTC)

    r = _les(ny, _token(ny, 13 * TIME, naa=naa - timedelta(hours=12, minutes=30)))

    assert r.status_code == 401


def test_a_token_without_iat_is_refused() -> None:
    claims = {"sub": "NAV", "role": "NAV", "iss": UTSTEDER, "exp": datetime.now(UTC) + timedelta(minutes=5)}

    with pytest.raises(ApiFeil):
        les_token(NOKKEL, jwt.encode(claims, NOKKEL, algorithm=ALGORITME))


@pytest.mark.parametrize(("forskyvning_s", "gyldig"), [(-4, True), (-6, False)])
def test_the_clock_leeway_on_expiry_is_at_most_five_seconds(forskyvning_s: int, gyldig: bool) -> None:
    naa = datetime.now(UTC)
    token = lag_token(NOKKEL, "NAV", "NAV", ttl_s=60, naa=naa - timedelta(seconds=60))  # expires at naa

    if gyldig:
        assert les_token(NOKKEL, token, naa=naa - timedelta(seconds=forskyvning_s))[0] == "NAV"
    else:
        with pytest.raises(ApiFeil):
            les_token(NOKKEL, token, naa=naa - timedelta(seconds=forskyvning_s))


@pytest.mark.parametrize(("forskyvning_s", "gyldig"), [(4, True), (6, False)])
def test_a_token_issued_in_the_future_gets_the_same_five_seconds(forskyvning_s: int, gyldig: bool) -> None:
    naa = datetime.now(UTC)
    token = lag_token(NOKKEL, "NAV", "NAV", ttl_s=60, naa=naa + timedelta(seconds=forskyvning_s))

    if gyldig:
        assert les_token(NOKKEL, token, naa=naa)[0] == "NAV"
    else:
        with pytest.raises(ApiFeil):
            les_token(NOKKEL, token, naa=naa)


def test_the_maximum_is_a_setting(database_url: str, tmp_path: Path) -> None:
    with miljo(database_url, tmp_path, jwt_max_ttl_s=TIME) as m:
        assert _les(m, _token(m, TIME)).status_code == 200
        assert _les(m, _token(m, 2 * TIME)).status_code == 401
