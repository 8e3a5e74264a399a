"""Recorded answers of the read API: the same requests against the same story on the same clock give the
same status, content type and body bytes as the recording made from the code before the read path was
rewritten for speed (AUD-1, ACC-1..ACC-9, PRIV-2, PRIV-3, RP-12).

Run with ``OPPDATER_OPPTAK=1`` to rewrite the recording (only when an answer is meant to change).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from .api_hjelp import FNR, LEDER_FNR, ORG1, ORG2, Miljo, kl

OPPTAK = Path(__file__).parent / "opptak" / "lesesvar.json"


def _forespørsler(m: Miljo) -> list[tuple[str, str, str, dict[str, Any], dict[str, str]]]:
    s1, s2 = m.saker["ORG1"], m.saker["ORG2"]
    ut: list[tuple[str, str, str, dict[str, Any], dict[str, str]]] = []
    roller = [
        (FNR, "AT"),
        ("leder-A", "NL"),
        ("leder-Z", "NL"),
        ("hr-1", "HR"),
        ("NAV", "NAV"),
        ("tv-1", "TV"),
        ("bht-1", "BHT"),
        ("lege-1", "SYKMELDER"),
        ("revisor-1", "AUDITOR"),
        (LEDER_FNR, "NL"),
    ]
    for sak in (s1, s2):
        for sub, rolle in roller:
            ut.append((f"/api/v1/saker/{sak}", sub, rolle, {}, {}))
            ut.append((f"/api/v1/saker/{sak}/tidslinje", sub, rolle, {}, {}))
            ut.append((f"/api/v1/saker/{sak}/historikk", sub, rolle, {}, {}))
        for sub, rolle in [(FNR, "AT"), ("NAV", "NAV"), ("leder-A", "NL")]:
            for dag in (date(2025, 1, 8), date(2025, 2, 5), date(2025, 2, 21)):
                ut.append((f"/api/v1/saker/{sak}", sub, rolle, {"as_of": kl(dag)}, {}))
            ut.append((f"/api/v1/saker/{sak}", sub, rolle, {"version": 6}, {}))
    brudd = {"X-Break-Glass": "true", "X-Access-Reason": "klage 2025-17"}
    ut.append((f"/api/v1/saker/{s1}/historikk", "revisor-1", "AUDITOR", {}, brudd))
    ut.append((f"/api/v1/saker/{s1}/tidslinje", "revisor-1", "AUDITOR", {}, brudd))
    ut.append(("/api/v1/saker/00000000-0000-0000-0000-000000000000/tidslinje", "NAV", "NAV", {}, {}))
    for sub, rolle, params in [
        ("NAV", "NAV", {}),
        ("NAV", "NAV", {"limit": 1}),
        ("NAV", "NAV", {"orgnr": ORG2}),
        ("hr-1", "HR", {"orgnr": ORG1}),
        ("hr-1", "HR", {"orgnr": ORG2}),
        ("leder-A", "NL", {}),
        (FNR, "AT", {}),
        ("revisor-1", "AUDITOR", {}),
    ]:
        ut.append(("/api/v1/saker", sub, rolle, params, {}))
    for sub, rolle in [(FNR, "AT"), ("leder-A", "NL"), ("NAV", "NAV"), ("hr-1", "HR")]:
        ut.append(("/api/v1/meg/paminnelser", sub, rolle, {}, {}))
    # The read logs last: they show every read above (AUD-1), in order.
    ut.append((f"/api/v1/saker/{s1}/lesninger", "revisor-1", "AUDITOR", {"limit": 200}, {}))
    ut.append(("/api/v1/meg/lesninger", FNR, "AT", {"limit": 200}, {}))
    return ut


def _svar(m: Miljo) -> list[dict[str, Any]]:
    ut = []
    for i, (sti, sub, rolle, params, hoder) in enumerate(_forespørsler(m)):
        r = m.les(sti, sub, rolle, params=params, headers={**hoder, "X-Request-ID": f"opptak-{i}"})
        navn = sti.replace(m.saker["ORG1"], "{ORG1}").replace(m.saker["ORG2"], "{ORG2}")
        ut.append(
            {
                "request": f"GET {navn} as {rolle} {sorted(params.items())} {sorted(hoder)}",
                "status": r.status_code,
                "content_type": r.headers.get("content-type"),
                "request_id": r.headers.get("x-request-id"),
                "body": r.content.decode(),
            }
        )
    return ut


def test_the_read_answers_are_byte_for_byte_the_recorded_ones(historie: Miljo) -> None:
    svar = _svar(historie)
    if os.environ.get("OPPDATER_OPPTAK") == "1":
        OPPTAK.write_text(json.dumps(svar, indent=1, ensure_ascii=False) + "\n")
    opptak = json.loads(OPPTAK.read_text())
    assert [s["request"] for s in svar] == [s["request"] for s in opptak]
    for nytt, gammelt in zip(svar, opptak, strict=True):
        assert nytt == gammelt, nytt["request"]
