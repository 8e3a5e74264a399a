"""Response models of the OpenAPI document, with examples (the commands are in ``kommandoskjema``).

All dates are ISO 8601 calendar dates (Oslo), all instants ISO 8601 with offset.
"""

from __future__ import annotations

from datetime import date as Dato
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FNR_EKSEMPEL = "14838510036"  # synthetic (Skatteetaten, month + 80), valid check digits
ORGNR_EKSEMPEL = "300000010"  # synthetic, valid check digit
CASE_EKSEMPEL = "5b0e7d2c-8f1a-5c3e-9d4b-2a6f1e8c7b30"


def _eksempel(**data: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [data]})


class Milepel(BaseModel):
    model_config = _eksempel(kind="oppfolgingsplan", due="2025-02-02", status="met", met_on="2025-01-29", late=False)

    kind: str = Field(description="oppfolgingsplan, dialogmote_1, aktivitetskrav, motebehov, dialogmote_2, …")
    due: Dato | None
    status: str = Field(
        description="pending, met, exempt, overdue, lapsed, not_applicable (MS-3, MS-4); the oppfolgingsplan "
        "outside the employer side, AT and AUDITOR: only shared or not_shared (ACC-9)"
    )
    met_on: Dato | None = None
    late: bool = Field(False, description="met after its due date (MS-7)")


class Datoperiode(BaseModel):
    fom: Dato
    tom: Dato


class Tilfelleperiode(BaseModel):
    start: Dato
    end: Dato


class Sak(BaseModel):
    """A case with its milestones on ``date``; ``fnr``, person tilfelle and maksdato only where the
    caller may see them (ACC-3, ACC-7)."""

    model_config = _eksempel(
        case_id=CASE_EKSEMPEL,
        fnr=None,
        orgnr=ORGNR_EKSEMPEL,
        start="2025-01-06",
        end="2025-03-28",
        closed_on="2025-04-13",
        open=True,
        arbeidsgiverperiode={"fom": "2025-01-06", "tom": "2025-01-21"},
        person_tilfelle=None,
        maksdato=None,
        milestones=[{"kind": "oppfolgingsplan", "due": "2025-02-02", "status": "pending", "met_on": None}],
        date="2025-01-20",
        as_of=None,
        version=None,
        access_basis="ACC-2",
    )

    case_id: str
    fnr: str | None = None
    orgnr: str
    start: Dato
    end: Dato
    closed_on: Dato
    open: bool
    arbeidsgiverperiode: Datoperiode
    person_tilfelle: Tilfelleperiode | None = None
    maksdato: Dato | None = None
    milestones: list[Milepel]
    date: Dato = Field(description="the Oslo date the statuses are evaluated at")
    as_of: datetime | None = Field(default=None, description="time travel: as known at this instant (T-7)")
    version: int | None = Field(default=None, description="time travel: the person stream at this version")
    access_basis: str = Field(description="the rule that allowed this read (ACC-*, CON-1)")


class Mottaker(BaseModel):
    role: str
    id: str | None


class Paminnelse(BaseModel):
    model_config = _eksempel(
        at="2025-01-17T08:00:00+01:00",
        recipient={"role": "NL", "id": "leder-A"},
        milestone="oppfolgingsplan",
        stage="before",
        status="sent",
        rule="RM-1",
        case_id=CASE_EKSEMPEL,
        reason=None,
    )

    at: datetime
    recipient: Mottaker
    milestone: str
    stage: str
    status: str = Field(description="sent, cancelled (with reason) or planned")
    rule: str
    case_id: str | None
    reason: str | None = None


class Hendelse(BaseModel):
    model_config = _eksempel(
        version=2,
        recorded="2025-01-06T07:45:00+00:00",
        type="sykmelding",
        case_id=CASE_EKSEMPEL,
        data={
            "id": "SM1",
            "orgnr": ORGNR_EKSEMPEL,
            "perioder": [{"fom": "2025-01-06", "tom": "2025-02-28", "grad": 100}],
        },
    )

    version: int
    recorded: datetime
    type: str
    case_id: str | None
    data: dict[str, Any]


class Tidslinje(BaseModel):
    """The case's events, milestones and reminders, as far as the caller may see them."""

    case_id: str
    date: Dato
    access_basis: str
    events: list[Hendelse]
    milestones: list[Milepel]
    reminders: list[Paminnelse]


class Aktor(BaseModel):
    id: str | None
    role: str | None


class Historikkhendelse(BaseModel):
    model_config = _eksempel(
        position=17,
        version=2,
        recorded="2025-01-06T07:45:00+00:00",
        actor={"id": "sykmelding-mottak", "role": "SYSTEM"},
        event_type="SykmeldingMottatt",
        command_type="sykmelding",
        case_id=CASE_EKSEMPEL,
        payload={"id": "SM1", "orgnr": ORGNR_EKSEMPEL},
    )

    position: int | None = Field(description="the event's position in the notification log")
    version: int
    recorded: datetime
    actor: Aktor | None = Field(description="who sent the command through the API; null if stored otherwise")
    event_type: str
    command_type: str | None
    case_id: str | None
    payload: dict[str, Any]


class Historikk(BaseModel):
    """The full event stream of the case's person (AUD-2, ACC-7): pseudonymised unless break-glass."""

    case_id: str
    person_id: str
    pseudonymised: bool
    access_basis: str
    events: list[Historikkhendelse]


class Sakslinje(BaseModel):
    case_id: str
    fnr: str | None = None
    orgnr: str
    start: Dato
    end: Dato
    closed_on: Dato
    open: bool
    leder_id: str | None = None
    milestones: list[Milepel]
    access_basis: str
    name: str | None = Field(None, description="the employee's name (PRIV-4); null for AUDITOR")
    leader_name: str | None = None
    employer_name: str | None = None
    nav_enhet: str | None = Field(None, description="NAV and AUDITOR: the person's NAV office (ACC-8)")
    veileder_id: str | None = Field(None, description="NAV and AUDITOR: the assigned veileder; null: ufordelt")


class Sakliste(BaseModel):
    model_config = _eksempel(items=[], next_cursor=None)

    items: list[Sakslinje]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    view: str | None = Field(None, description="NAV: the office view listed (ACC-8)")


class Innboksrad(BaseModel):
    model_config = _eksempel(
        id="9b1f…",
        case_id=CASE_EKSEMPEL,
        milestone="oppfolgingsplan",
        stage="before",
        rule="RM-1",
        send_date="2025-01-17",
        sent_at="2025-01-17T08:00:00+01:00",
    )

    id: str
    case_id: str | None
    milestone: str
    stage: str
    rule: str
    send_date: Dato
    sent_at: datetime


class Innboks(BaseModel):
    items: list[Innboksrad]
    next_cursor: str | None


class Lesning(BaseModel):
    model_config = _eksempel(
        at="2025-02-01T09:15:00+00:00",
        actor={"id": "leder-A", "role": "NL"},
        case_id=CASE_EKSEMPEL,
        shown="tidslinje",
        basis="ACC-2",
        reason=None,
        break_glass=False,
    )

    at: datetime
    actor: Aktor
    case_id: str | None
    shown: str
    basis: str
    reason: str | None
    break_glass: bool


class Lesninger(BaseModel):
    """Who read the data (AUD-1, ACC-5), newest first."""

    items: list[Lesning]
    next_cursor: str | None


class Kvittering(BaseModel):
    model_config = _eksempel(case_id=CASE_EKSEMPEL, position=42, new=True)

    case_id: str | None = Field(description="the case the command attached to (TF-7); null for virksomhet")
    position: int = Field(description="stream position of the write; pass as ?min_position= to read it back")
    new: bool = Field(description="false: the same command was already stored (VAL-4), nothing new stored")


class Batchrad(BaseModel):
    index: int
    status: int
    case_id: str | None = None
    position: int | None = None
    new: bool | None = None
    problem: dict[str, Any] | None = None


class Batchkvittering(BaseModel):
    model_config = _eksempel(
        results=[{"index": 0, "status": 201, "case_id": CASE_EKSEMPEL, "position": 42, "new": True, "problem": None}],
        position=42,
    )

    results: list[Batchrad]
    position: int | None = Field(description="the highest position written (for ?min_position=)")


class Helse(BaseModel):
    model_config = _eksempel(status="ok", checks={"database": "ok", "projection_lag": 0})

    status: str
    checks: dict[str, Any] = Field(default_factory=dict)
