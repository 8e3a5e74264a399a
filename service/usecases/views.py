"""Shaping read answers (what each role may see of a case, list items, read logs) and opaque cursors.

Keyset cursors are base64url JSON of the last row's sort key; a cursor that does not decode is a 400
naming the ``cursor`` field.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from domain.innsyn import vis_milepeler
from domain.tilgang import Lederrelasjon, Motedeltakelse, SakKontekst, Samtykkehendelse, Tilgang
from service.usecases.problems import ApiFeil

# Commands without orgnr name their case through the id of an earlier command (VAL-5).
REFERERENDE = {
    "sykmelding_annullert": "sykmelding",
    "dialogmote_avholdt": "dialogmote_innkalt",
    "dialogmote_avlyst": "dialogmote_innkalt",
}


def aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def sakens_hendelser(hendelser: list[dict[str, Any]], case_id: str) -> list[dict[str, Any]]:
    """The case's command events, and the annulments and meeting outcomes that name them by id."""
    ider = {
        (h["hendelse"], h["data"].get("id"))
        for h in hendelser
        if h["case_id"] == case_id and h["hendelse"] in ("sykmelding", "dialogmote_innkalt")
    }
    ut = []
    for h in hendelser:
        typ = h["hendelse"]
        if typ in ("opprettet", "paminnelse_sendt", "paminnelse_kansellert"):
            continue  # reminders are listed from the reminders table, with the planned ones
        if h["case_id"] == case_id or (typ in REFERERENDE and (REFERERENDE[typ], h["data"].get("id")) in ider):
            ut.append(h)
    return ut


def sak_fra_rad(r: dict[str, Any], ms: list[dict[str, Any]], idag: date) -> dict[str, Any]:
    return {
        "case_id": r["case_id"],
        "fnr": r["fnr"],
        "orgnr": r["orgnr"],
        "start": r["start"],
        "end": r["slutt"],
        "closed_on": r["lukkes"],
        "open": r["lukkes"] > idag,
        "arbeidsgiverperiode": {"fom": r["start"], "tom": r["agp_tom"]},
        "person_tilfelle": {"start": r["pt_start"], "end": r["pt_slutt"]},
        "maksdato": r["maksdato"],
        "milestones": ms,
        "date": idag,
        "as_of": None,
        "version": None,
    }


def vis_sak(sak: dict[str, Any], t: Tilgang) -> dict[str, Any]:
    s = t.synlighet
    ut = dict(sak)
    ut["milestones"] = vis_milepeler(t, sak["milestones"])
    if not s.fnr:
        ut["fnr"] = None
    if not s.person_tilfelle:
        ut["person_tilfelle"] = None
        ut["maksdato"] = None
    return ut


def sakslinje(r: dict[str, Any], ms: list[dict[str, Any]], t: Tilgang, idag: date) -> dict[str, Any]:
    return {
        "case_id": r["case_id"],
        "fnr": r["fnr"] if t.synlighet.fnr else None,
        "orgnr": r["orgnr"],
        "start": r["start"],
        "end": r["slutt"],
        "closed_on": r["lukkes"],
        "open": r["lukkes"] > idag,
        "leder_id": r["leder_id"],
        "milestones": vis_milepeler(t, ms),
        "access_basis": t.grunnlag,
    }


def paminnelse(p: dict[str, Any], t: Tilgang) -> dict[str, Any]:
    ut = dict(p)
    if p["recipient"]["role"] == "AT" and not t.synlighet.fnr:
        ut["recipient"] = {"role": "AT", "id": None}
    ut.setdefault("reason", None)
    return ut


def lesninger(rader: list[dict[str, Any]], antall: int) -> dict[str, Any]:
    side = rader[:antall]
    return {
        "items": [
            {
                "at": r["tidspunkt"],
                "actor": {"id": r["aktor_id"], "role": r["rolle"]},
                "case_id": r["case_id"],
                "shown": r["visning"],
                "basis": r["grunnlag"],
                "reason": r["begrunnelse"],
                "break_glass": r["brudd_glass"],
            }
            for r in side
        ],
        "next_cursor": kod([side[-1]["id"]]) if len(rader) > antall else None,
    }


# ---------------------------------------------------------------- cursors (opaque keyset positions)


def kod(nokkel: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(nokkel).encode()).decode().rstrip("=")


def dekod(cursor: str) -> list[Any]:
    try:
        verdi = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiFeil(400, "invalid cursor", field="cursor") from None
    if not isinstance(verdi, list):
        raise ApiFeil(400, "invalid cursor", field="cursor")
    return verdi


def sak_cursor(cursor: str | None) -> tuple[date, str] | None:
    if cursor is None:
        return None
    v = dekod(cursor)
    try:
        start, case_id = v
        return date.fromisoformat(start), str(case_id)
    except (TypeError, ValueError):
        raise ApiFeil(400, "invalid cursor", field="cursor") from None


def innboks_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    v = dekod(cursor)
    try:
        t, rid = v
        tid = datetime.fromisoformat(t)
        if tid.tzinfo is None:
            raise ValueError
        return tid.astimezone(UTC), str(rid)
    except (TypeError, ValueError):
        raise ApiFeil(400, "invalid cursor", field="cursor") from None


def id_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    v = dekod(cursor)
    if len(v) != 1 or not isinstance(v[0], int) or isinstance(v[0], bool):
        raise ApiFeil(400, "invalid cursor", field="cursor")
    return int(v[0])


def kontekst(rad: dict[str, Any], hendelser: Iterable[dict[str, Any]], hr_id: str | None = None) -> SakKontekst:
    """The access facts of one case from its summary row and the person's timeline rows."""
    ledere, samtykker, moter = [], [], []
    sykmeldere: set[str] = set()
    delt: set[str] = set()
    cid = rad["case_id"]
    for h in hendelser:
        d, typ = h["data"], h["hendelse"]
        if typ == "narmeste_leder":
            ledere.append(Lederrelasjon(d["orgnr"], d["leder_id"], date.fromisoformat(d["fom"]), h["versjon"]))
        if h["case_id"] != cid:
            continue
        if typ == "sykmelding" and d.get("sykmelder_id"):
            sykmeldere.add(d["sykmelder_id"])
        elif typ in ("samtykke_gitt", "samtykke_trukket"):
            samtykker.append(Samtykkehendelse(d["rolle"], d["person_id"], d.get("omfang")))
        elif typ == "dialogmote_innkalt":
            moter += [Motedeltakelse(d["id"], int(d["mote"]), x["rolle"], x["id"]) for x in d["deltakere"]]
        elif typ == "oppfolgingsplan_delt":
            delt.add(d["mottaker"])
    return SakKontekst(
        case_id=cid,
        person_id=rad["person_id"],
        orgnr=rad["orgnr"],
        start=rad["start"],
        slutt=rad["slutt"],
        lukkes=rad["lukkes"],
        ledere=tuple(ledere),
        samtykker=tuple(samtykker),
        sykmeldere=frozenset(sykmeldere),
        moter=tuple(moter),
        plan_delt_med=frozenset(delt),
        hr_id=hr_id,
    )
