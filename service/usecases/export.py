"""The auditor's export of a case's history as JSON lines, and the check of such a file against the store.

Each line is one event of the person's stream as the auditor sees it (``Leser.historikk``: pseudonymised,
ACC-7), with its position (notification id), recorded time and the stored chain link (``kjede``: chain
position, stream hash, global hash). Producing the export is a read of the case (AUD-1, ``historikk``).

``sjekk`` holds a file against a fresh export from the store: the same events, the same links, nothing
missing and nothing added. Each difference names the line of the file (AUD-2).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from domain.tilgang import Bruker
from projections.tabeller import kjede
from service.usecases.queries import Leser
from service.usecases.services import Tjenester


def linjer(t: Tjenester, b: Bruker, request_id: str | None, case_id: str) -> list[dict[str, Any]]:
    """The export of ``case_id``: one dict per event of the person's stream, in stream order."""
    hist = Leser(t, b, request_id).historikk(case_id)  # 404 unless the caller may read the history
    lenker = _lenker(t, hist["person_id"])
    ut = []
    for h in hist["events"]:
        lenke = lenker.get(int(h["version"]))
        ut.append(
            {
                "export_of": case_id,
                "stream": hist["person_id"],
                "position": h["position"],
                "version": h["version"],
                "recorded": _tid(h["recorded"]),
                "actor": h["actor"],
                "event_type": h["event_type"],
                "command_type": h["command_type"],
                "case_id": h["case_id"],
                "payload": h["payload"],
                "link": lenke,
            }
        )
    return ut


def som_tekst(rader: Iterable[dict[str, Any]]) -> str:
    """JSON lines: one compact object per line, keys sorted, UTF-8 text."""
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) + "\n" for r in rader)


def _tid(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def _lenker(t: Tjenester, person_id: str) -> dict[int, dict[str, Any]]:
    """version -> the stored chain link of each event of the stream."""
    k = kjede
    q = select(k.c.posisjon, k.c.notification_id, k.c.originator_version, k.c.strom_hash, k.c.global_hash).where(
        k.c.originator_id == str(UUID(person_id))
    )
    with t.engine.connect() as conn:
        return {
            int(r.originator_version): {
                "chain_position": int(r.posisjon),
                "notification_id": int(r.notification_id),
                "stream_hash": r.strom_hash,
                "global_hash": r.global_hash,
            }
            for r in conn.execute(q)
        }


def les_fil(tekst: str) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """The lines of an export file with their numbers (1-based), and the lines that do not read."""
    rader, feil = [], []
    for nr, linje in enumerate(tekst.splitlines(), start=1):
        if not linje.strip():
            continue
        try:
            d = json.loads(linje)
        except json.JSONDecodeError:
            feil.append(f"line {nr}: not JSON")
            continue
        if not isinstance(d, dict) or not isinstance(d.get("version"), int):
            feil.append(f"line {nr}: not an event line (no integer 'version')")
            continue
        rader.append((nr, d))
    return rader, feil


def sjekk(fil: list[tuple[int, dict[str, Any]]], lager: list[dict[str, Any]]) -> list[str]:
    """Differences between an export file and the store's own export; empty when they agree."""
    avvik: list[str] = []
    fra_lager = {int(r["version"]): json.loads(json.dumps(r, default=str)) for r in lager}
    sett: dict[int, int] = {}
    for nr, d in fil:
        v = d["version"]
        if v in sett:
            avvik.append(f"line {nr}: event version {v} appears twice (first on line {sett[v]}): added")
            continue
        sett[v] = nr
        lagret = fra_lager.get(v)
        if lagret is None:
            avvik.append(f"line {nr}: event version {v} is not in the store: added")
            continue
        felt = sorted(k for k in set(d) | set(lagret) if d.get(k) != lagret.get(k))
        if "link" in felt:
            avvik.append(f"line {nr}: event version {v}: the chain link differs from the stored one")
            felt.remove("link")
        if felt:
            avvik.append(f"line {nr}: event version {v}: {', '.join(felt)} differ(s) from the store: edited")
    for v in sorted(set(fra_lager) - set(sett)):
        avvik.append(f"event version {v} (position {fra_lager[v]['position']}) is in the store but not in the file")
    return avvik
