"""Compare a simulate result with an ``expect`` object (scenarios.md "Golden files").

Used for the golden cases and for the cases from NAV's own tests (tests/peer/), whose ``expect``
holds only what NAV's code asserts: only the fields an expectation names are checked.
"""

from __future__ import annotations

from typing import Any


def _oslo_dato(at: str) -> str:
    return at[:10]  # simulate writes slot and command instants in Oslo local time with offset


def avvik(resultat: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every way the result differs from the expectation; empty when it matches."""
    feil: list[str] = []
    saker = resultat["cases"]
    for i, forventet in enumerate(expect.get("cases", [])):
        kandidater = [
            c
            for c in saker
            if c["orgnr"] == forventet["orgnr"]
            and all(felt not in forventet or c.get(felt) == forventet[felt] for felt in ("start", "fnr"))
        ]
        if not kandidater:
            feil.append(f"case {i}: no case for orgnr {forventet['orgnr']} start {forventet.get('start')}")
            continue
        c = kandidater[0]
        # Every field the expectation names is compared; fields left out are not checked.
        for felt, verdi in forventet.items():
            if felt != "milestones" and c.get(felt) != verdi:
                feil.append(f"case {i} {felt}: expected {verdi}, got {c.get(felt)}")
        milepeler = {m["kind"]: m for m in c["milestones"]}
        for kind, mf in forventet.get("milestones", {}).items():
            m = milepeler.get(kind)
            for felt, verdi in mf.items():
                if m is None or m.get(felt) != verdi:
                    feil.append(f"case {i} {kind}.{felt}: expected {verdi}, got {m.get(felt) if m else None}")
    sendt = [r for r in resultat["reminders"] if r["status"] == "sent"]
    for s in expect.get("sent", []):
        if not any(_treff(r, s) for r in sendt):
            feil.append(f"not sent: {s}")
    for s in expect.get("not_sent", []):
        treff = [r for r in sendt if _treff(r, s)]
        if treff:
            feil.append(f"sent but must not be: {s} -> {treff[0]['rule']}")
    if "rejected_steps" in expect:
        avvist = sorted(a["step"] for a in resultat["rejected"])
        if avvist != sorted(expect["rejected_steps"]):
            feil.append(f"rejected steps: expected {expect['rejected_steps']}, got {avvist}")
    return feil


def _treff(r: dict[str, Any], s: dict[str, Any]) -> bool:
    return (
        _oslo_dato(r["at"]) == s["date"]
        and r["recipient"]["role"] == s["role"]
        and ("id" not in s or r["recipient"]["id"] == s["id"])
        and r["milestone"] == s["milestone"]
        and ("stage" not in s or r["stage"] == s["stage"])
    )
