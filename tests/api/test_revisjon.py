"""The audit log of reads (AUD-1): one record per read of case data, outside the event store, no fnr (PRIV-3).

The arbeidstaker lists who read their data (ACC-5); auditors list who read a case.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain.identer import gyldig_fnr
from projections.tabeller import kommandologg, revisjonslogg

from .api_hjelp import FNR, LEDER_FNR, ORG1, SLUTT_KLOKKE, Miljo, fortelling


def _rader(m: Miljo, tabell: Any = revisjonslogg) -> list[dict[str, Any]]:
    m.kjerne.revisjon.flush()  # AUD-1 records are written behind the reads, in batches
    with m.kjerne.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(tabell).order_by(tabell.c.id)).mappings()]


def test_every_read_of_case_data_writes_one_record_naming_who_what_when_and_why(ny: Miljo) -> None:
    fortelling(ny)
    sak = ny.saker["ORG1"]
    for_ = ny.kjerne.app.siste_posisjon()

    r = ny.les(f"/api/v1/saker/{sak}/tidslinje", "leder-A", "NL", headers={"X-Access-Reason": "oppfolging"})
    ny.les(f"/api/v1/saker/{sak}", "NAV", "NAV")
    ny.les(f"/api/v1/saker/{sak}/historikk", "revisor-1", "AUDITOR")

    rader = _rader(ny)
    assert [(x["aktor_id"], x["rolle"], x["case_id"], x["visning"], x["grunnlag"]) for x in rader] == [
        ("leder-A", "NL", sak, "tidslinje", "ACC-2"),
        ("NAV", "NAV", sak, "sak", "ACC-6"),
        ("revisor-1", "AUDITOR", sak, "historikk", "ACC-7"),
    ]
    forste = rader[0]
    assert forste["begrunnelse"] == "oppfolging"
    assert forste["brudd_glass"] is False
    assert forste["request_id"] == r.headers["x-request-id"]
    tid = forste["tidspunkt"]
    assert (tid if tid.tzinfo else tid.replace(tzinfo=UTC)) == SLUTT_KLOKKE  # the API's clock, stored in UTC
    assert ny.kjerne.app.siste_posisjon() == for_  # the read log is not in the event store


def test_the_arbeidstaker_lists_who_read_their_data(ny: Miljo) -> None:
    """ACC-5 / AUD-1: actor, role, what was shown, access basis, reason, newest first."""
    fortelling(ny)
    sak = ny.saker["ORG1"]
    ny.les(f"/api/v1/saker/{sak}", "leder-A", "NL")
    ny.les("/api/v1/saker", "NAV", "NAV")
    ny.les(
        f"/api/v1/saker/{sak}/historikk",
        "revisor-1",
        "AUDITOR",
        headers={"X-Break-Glass": "true", "X-Access-Reason": "innsynskrav"},
    )

    r = ny.les("/api/v1/meg/lesninger", FNR, "AT")

    assert r.status_code == 200
    lesninger = [(x["actor"]["role"], x["shown"], x["basis"], x["case_id"]) for x in r.json()["items"]]
    assert lesninger == [
        ("AUDITOR", "historikk", "ACC-7", sak),
        ("NAV", "liste", "ACC-6", sak),  # listed second (same start, case_id descending), logged last
        ("NAV", "liste", "ACC-6", ny.saker["ORG2"]),
        ("NL", "sak", "ACC-2", sak),
    ]
    glass = r.json()["items"][0]
    assert glass["break_glass"] is True
    assert glass["reason"] == "innsynskrav"
    assert datetime.fromisoformat(glass["at"]) == SLUTT_KLOKKE


def test_an_auditor_lists_who_read_a_case_page_by_page(ny: Miljo) -> None:
    fortelling(ny)
    sak = ny.saker["ORG1"]
    for _ in range(5):
        ny.les(f"/api/v1/saker/{sak}", "leder-A", "NL")

    forste = ny.les(f"/api/v1/saker/{sak}/lesninger", "revisor-1", "AUDITOR", params={"limit": 3}).json()
    andre = ny.les(
        f"/api/v1/saker/{sak}/lesninger", "revisor-1", "AUDITOR", params={"limit": 3, "cursor": forste["next_cursor"]}
    ).json()

    assert len(forste["items"]) == 3
    assert len(andre["items"]) == 2
    assert andre["next_cursor"] is None


def test_no_identity_number_is_stored_in_the_audit_logs(ny: Miljo) -> None:
    """PRIV-3: the arbeidstaker is recorded by person_id, an fnr-shaped subject by a keyed pseudonym."""
    fortelling(ny)
    ny.lagre({"type": "narmeste_leder", "fnr": FNR, "orgnr": ORG1, "leder_id": LEDER_FNR, "fom": "2025-03-01"})
    sak = ny.saker["ORG1"]
    ny.les(f"/api/v1/saker/{sak}", FNR, "AT")
    leder = ny.les(f"/api/v1/saker/{sak}", LEDER_FNR, "NL")

    rader = _rader(ny) + _rader(ny, kommandologg)
    person_id = str(ny.kjerne.app.person_for_fnr(FNR))

    assert leder.status_code == 200
    tekst = repr(rader)
    assert not [s for s in re.findall(r"(?<!\d)\d{11}(?!\d)", tekst) if gyldig_fnr(s)]
    at = next(x for x in rader if x.get("rolle") == "AT")
    nl = next(x for x in rader if x.get("rolle") == "NL")
    assert at["aktor_id"] == person_id == at["person_id"]
    assert nl["aktor_id"].startswith("pseud:")


def test_a_refused_read_writes_no_record(ny: Miljo) -> None:
    """A 404 shows no data (AUD-1); an empty inbox neither (``revider_rader`` of no rows)."""
    fortelling(ny)
    ny.les(f"/api/v1/saker/{ny.saker['ORG1']}", "leder-X", "NL")
    ny.les("/api/v1/meg/paminnelser", "vo-ukjent", "VO")

    assert _rader(ny) == []


def test_a_rebuild_of_the_read_models_keeps_the_audit_log(ny: Miljo) -> None:
    fortelling(ny)
    ny.les(f"/api/v1/saker/{ny.saker['ORG1']}", "NAV", "NAV")
    for_ = _rader(ny)

    ny.kjerne.oppdaterer.gjenoppbygg()

    assert _rader(ny) == for_
    assert len(for_) == 1


def test_every_accepted_command_records_its_sender(ny: Miljo) -> None:
    """AUD-2: actor, role and stream position of each command sent through the API."""
    fortelling(ny)

    rader = _rader(ny, kommandologg)

    assert len(rader) == 13
    assert {(x["aktor_id"], x["rolle"]) for x in rader} == {("integrasjon-1", "SYSTEM")}
    assert [x["posisjon"] for x in rader] == sorted(x["posisjon"] for x in rader)
    assert next(x for x in rader if x["type"] == "sykmelding")["kommando_id"] == "SM1"
