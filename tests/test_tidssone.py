"""Results do not depend on the machine's time zone or on how instants are written (rules.md T-1, RP-1).

``syfo simulate`` is run as a subprocess under different ``TZ`` settings, and the domain is run
in-process after ``time.tzset()``; the outputs must be identical. An instant written with another
offset (the same moment) must also give the same result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.devtools.simulate import simuler

GOLDEN = Path(__file__).parent / "golden"
DST_OG_NYTTAR = ["g09a-dst-autumn.json", "g09b-dst-spring-easter.json", "g10-new-year.json"]
# Pacific/Honolulu: 07:00-08:00 in Oslo is the previous calendar day there.
SONER = ["UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Honolulu"]
SYFO = str(Path(sys.executable).parent / "syfo")
UMIDDELBARE = frozenset({"RM-19", "RM-20", "RM-23"})


def _les(navn: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / navn).read_text(encoding="utf-8"))
    return data


def _miljo(tz: str) -> dict[str, str]:
    env = dict(os.environ)
    env["TZ"] = tz
    return env


def _lokal_offset(tz: str) -> str:
    """The local UTC offset a child process sees in January under ``TZ=tz``."""
    kode = "import time; print(time.strftime('%z', time.localtime(1767225600)))"  # 2026-01-01T00:00Z
    return subprocess.run(
        [sys.executable, "-c", kode], env=_miljo(tz), capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_zones_really_differ_in_a_child_process() -> None:
    """Guards the subprocess test: a missing zone database would silently fall back to UTC."""
    assert [_lokal_offset(tz) for tz in SONER] == ["+0000", "-0500", "+1400", "-1000"]


def _simulate_cli(fil: Path, tz: str) -> dict[str, Any]:
    res = subprocess.run(
        [SYFO, "simulate", str(fil), "--format", "json"],
        env=_miljo(tz),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    data: dict[str, Any] = json.loads(res.stdout)
    return data


@pytest.mark.parametrize("navn", DST_OG_NYTTAR)
def test_simulate_output_is_the_same_in_every_machine_time_zone(navn: str) -> None:
    utdata = {tz: _simulate_cli(GOLDEN / navn, tz) for tz in SONER}

    forste = utdata[SONER[0]]
    assert forste["cases"]
    assert forste["reminders"]
    for tz in SONER[1:]:
        assert utdata[tz] == forste, f"{navn}: output under TZ={tz} differs from TZ={SONER[0]}"
    # Case ids are deterministic too, and equal to an in-process run.
    assert forste == simuler(_les(navn)).data


@contextmanager
def maskinsone(tz: str) -> Iterator[None]:
    """Run with the process's local time zone set to ``tz``."""
    gammel = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if gammel is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = gammel
        time.tzset()


def test_tzset_changes_the_local_zone_in_process() -> None:
    """Guards the in-process tests: ``tzset`` really changes what naive local-time code would see."""
    t = 1767225600  # 2026-01-01T00:00Z
    with maskinsone("Pacific/Kiritimati"):
        assert time.localtime(t).tm_hour == 14
        assert datetime.fromtimestamp(t).hour == 14  # noqa: DTZ006 - the point is the local zone
    with maskinsone("America/New_York"):
        assert time.localtime(t).tm_hour == 19


# ---------------------------------------------------------------- instants written with other offsets

OFFSETS = [
    timedelta(hours=h, minutes=m)
    for h, m in [(-12, 0), (-9, -30), (-5, 0), (0, 0), (1, 0), (2, 0), (5, 45), (9, 0), (13, 0), (14, 0)]
]
PROSESS_SONER = [
    "Europe/Oslo",
    "UTC",
    "America/New_York",
    "Pacific/Kiritimati",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
]
SCENARIOER = [*DST_OG_NYTTAR, "g05-relapse-easter.json", "g16-leader-change.json", "g10b-new-year-closure-day.json"]
_GRUNNLINJE: dict[str, dict[str, Any]] = {}


def _grunnlinje(navn: str) -> dict[str, Any]:
    if navn not in _GRUNNLINJE:
        with maskinsone("Europe/Oslo"):
            _GRUNNLINJE[navn] = simuler(_les(navn)).data
    return _GRUNNLINJE[navn]


def _skriv_om(instant: str, offset: timedelta, z: bool) -> str:
    """The same moment written with another offset (``Z`` for UTC when asked)."""
    t = datetime.fromisoformat(instant).astimezone(timezone(offset))
    tekst = t.isoformat()
    return tekst.replace("+00:00", "Z") if z and offset == timedelta(0) else tekst


def _normalisert(data: dict[str, Any]) -> dict[str, Any]:
    """Reminder instants as UTC: immediate messages keep the offset their command was written with."""
    ut: dict[str, Any] = json.loads(json.dumps(data))
    for r in ut["reminders"]:
        r["at"] = datetime.fromisoformat(r["at"]).astimezone(UTC).isoformat()
    return ut


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(navn=st.sampled_from(SCENARIOER), tz=st.sampled_from(PROSESS_SONER), data=st.data())
def test_result_depends_on_instants_not_on_their_offset_or_the_process_zone(
    navn: str, tz: str, data: st.DataObject
) -> None:
    scenario = _les(navn)
    for steg in scenario["steps"]:
        for felt in ("at", "tidspunkt"):
            if felt in steg:
                offset = data.draw(st.sampled_from(OFFSETS), label=f"offset of {felt}")
                steg[felt] = _skriv_om(steg[felt], offset, data.draw(st.booleans(), label="Z"))
    grunnlinje = _grunnlinje(navn)

    with maskinsone(tz):
        resultat = simuler(scenario).data

    assert _normalisert(resultat) == _normalisert(grunnlinje)
    # Slot reminders are written in Oslo wall-clock time whatever the input offsets (RP-1).
    slots = [r["at"] for r in resultat["reminders"] if r["rule"] not in UMIDDELBARE]
    assert slots == [r["at"] for r in grunnlinje["reminders"] if r["rule"] not in UMIDDELBARE]
    assert all(s[11:19] == "08:00:00" and s[19:] in ("+01:00", "+02:00") for s in slots)


def test_normalisation_keeps_different_instants_apart() -> None:
    """The comparison is not vacuous: a note starting one day later gives a different normalised result."""
    scenario = _les("g09a-dst-autumn.json")
    note = next(s for s in scenario["steps"] if s["type"] == "sykmelding")
    note["perioder"][0]["fom"] = "2025-10-02"

    assert _normalisert(simuler(scenario).data) != _normalisert(_grunnlinje("g09a-dst-autumn.json"))
