"""Read-model rows of one person, computed from that person's event stream alone.

Each projection replaces all rows of a person whenever the person's stream changes, so applying a
person twice gives the same rows as applying it once, and a rebuild gives the live tables back.
Nothing here reads a clock: statuses are stored as courses over dates (``milepel_status``) and
planned reminders with what their listing depends on (RP-12).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.begreper import Beslutningsstatus, Rolle
from domain.innstillinger import Innstillinger
from domain.kalender import oslo_dato
from domain.levering import Levering
from domain.milepeler import KINDS, status_pa, statusforlop
from domain.paminnelser import SENDT, Beslutning, Paminnelsesmotor
from domain.sykefravaer import Sykefravaer

Rader = dict[str, list[dict[str, Any]]]
LEVERINGSHENDELSER_NAVN: dict[type, str] = {
    Sykefravaer.LeveringStartet: "levering_startet",
    Sykefravaer.LeveringFullfort: "levering_fullfort",
    Sykefravaer.LeveringFeilet: "levering_feilet",
    Sykefravaer.LeveringFerdig: "levering_ferdig",
}
LEVERINGSHENDELSER = tuple(LEVERINGSHENDELSER_NAVN)


@dataclass(frozen=True)
class Personstrom:
    """One person's stream as the projections see it: the aggregate and its events in order."""

    person_id: UUID
    person: Sykefravaer
    hendelser: Sequence[Any]  # eventsourcing domain events, version order

    @property
    def versjon(self) -> int:
        return int(self.person.version)

    @property
    def sist_registrert(self) -> datetime:
        siste: datetime = max(e.timestamp for e in self.hendelser)
        return siste


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def saker_rader(p: Personstrom, inn: Innstillinger) -> Rader:
    """Case summary, milestones as known at the last event, and each milestone's status course."""
    g = p.person.grunnlag(inn)
    vurdert = oslo_dato(p.sist_registrert)
    person_id = str(p.person_id)  # once per person, not per row
    saker, milepeler, forlop = [], [], []
    enhet, veileder = g.nav_enhet or (None, None)
    for s in g.saker:
        t = s.tilfelle
        pa = max(t.start, min(vurdert, t.lukkes))
        leder = g.lederrelasjon(s.orgnr, pa)
        saker.append(
            {
                "case_id": s.case_id,
                "person_id": person_id,
                "fnr": g.fnr,
                "orgnr": s.orgnr,
                "start": t.start,
                "slutt": t.slutt,
                "lukkes": t.lukkes,
                "agp_tom": t.arbeidsgiverperiode_tom,
                "pt_start": s.person_tilfelle.start,
                "pt_slutt": s.person_tilfelle.slutt,
                "maksdato": g.maksdato(s.person_tilfelle),
                "leder_id": leder["leder_id"] if leder is not None else None,
                "versjon": p.versjon,
                "navn": g.navn,  # PRIV-4: names in clear for lists and search, gone with the fnr
                "leder_navn": leder.get("leder_navn") if leder is not None else None,
                "nav_enhet": enhet,
                "veileder_id": veileder,
            }
        )
        for nr, kind in enumerate(KINDS):
            perioder = statusforlop(kind, g, s)
            m = status_pa(perioder, vurdert)
            milepeler.append(
                {
                    "case_id": s.case_id,
                    "person_id": person_id,
                    "kind": kind,
                    "rekkefolge": nr,
                    "due": m.due,
                    "status": m.status.value,
                    "met_on": m.met_on,
                    "vurdert": vurdert,
                }
            )
            for i, per in enumerate(perioder):
                til = perioder[i + 1].fra if i + 1 < len(perioder) else None
                forlop.append(
                    {
                        "case_id": s.case_id,
                        "person_id": person_id,
                        "kind": kind,
                        "fra": per.fra,
                        "til": til,
                        "status": per.milepel.status.value,
                        "met_on": per.milepel.met_on,
                    }
                )
    return {"saker": saker, "milepeler": milepeler, "milepel_status": forlop}


def tidslinje_rader(p: Personstrom, inn: Innstillinger) -> Rader:
    """Every event of the stream, in version order, without fødselsnummer (PRIV-1, PRIV-3)."""
    g = p.person.grunnlag(inn)
    rader = []
    fakta = iter(p.person.fakta)  # the command events, in the order they were applied
    slettet = siste_sletting(p.hendelser)
    person_id = str(p.person_id)
    for e in p.hendelser:
        rad: dict[str, Any] = {
            "person_id": person_id,
            "versjon": int(e.originator_version),
            "registrert": utc(e.timestamp),
            "case_id": None,
        }
        sletting = _sletterad(e, slettet)  # erasure and legal hold: no personal data (service.compliance.erasure)
        if sletting is not None:
            rad |= sletting
        elif isinstance(e, Sykefravaer.Mottatt):
            k = next(fakta)
            s = g.sak_for_kommando(k)
            rad |= {
                "hendelse": e.TYPE,
                "case_id": s.case_id if s else None,
                "data": {n: v for n, v in e.data.items() if n != "fnr"},
            }
        elif isinstance(e, Sykefravaer.PaminnelseBesluttet):
            sendt = isinstance(e, Sykefravaer.PaminnelseSendt)
            data = {
                "regel": e.regel,
                "milepel": e.milepel,
                "stage": e.stage,
                "rolle": e.rolle,
                "send_dato": e.send_dato,
                "mottaker_id": None if e.rolle == Rolle.AT else e.mottaker_id,
            }
            if isinstance(e, Sykefravaer.PaminnelseKansellert):
                data["reason"] = e.reason
            rad |= {
                "hendelse": "paminnelse_sendt" if sendt else "paminnelse_kansellert",
                "case_id": e.case_id,
                "data": data,
            }
        elif isinstance(e, LEVERINGSHENDELSER):
            rad |= leveringsdata(person_id, e)
        else:
            rad |= {"hendelse": "opprettet", "data": {}}
        rader.append(rad)
    return {"tidslinje": rader}


def leveringsdata(person_id: UUID | str, e: Any) -> dict[str, Any]:
    """The timeline fields of a delivery event: they depend on the event alone (``projections.levering``)."""
    data = {"paminnelse": paminnelse_id(person_id, str(getattr(e, "nokkel", "")))}
    for felt in ("forsok", "kanal", "detalj", "status"):
        if hasattr(e, felt):
            data[felt] = getattr(e, felt)
    for felt in ("lease_til", "neste_forsok"):
        if hasattr(e, felt):
            data[felt] = getattr(e, felt).isoformat()
    return {"hendelse": LEVERINGSHENDELSER_NAVN[type(e)], "data": data}


def paminnelse_id(person_id: UUID | str, nokkel: str) -> str:
    """Stable across re-planning and rebuilds: the person and the rung's identity (RP-8)."""
    return hashlib.sha256(f"{person_id}|{nokkel}".encode()).hexdigest()[:40]


def paminnelse_rader(p: Personstrom, inn: Innstillinger) -> Rader:
    """Every decision (sent, cancelled) and every undecided rung of the plan (planned)."""
    g = p.person.grunnlag(inn)
    kal = inn.kalender
    person_id = str(p.person_id)
    rader = [_beslutning_rad(p.person, person_id, b, kal.slot(b.trinn.send_dato)) for b in p.person.beslutninger]
    motor = Paminnelsesmotor(g, p.person.historikk(), lambda _orgnr: None)
    for pt in motor.ubesluttede():
        t = pt.trinn
        rader.append(
            {
                "id": paminnelse_id(person_id, pt.nokkel),
                "person_id": person_id,
                "case_id": t.case_id,
                "status_sak": pt.status_sak,
                "orgnr": pt.orgnr,
                "regel": t.regel,
                "milepel": t.milepel,
                "stage": t.stage,
                "rolle": t.rolle,
                "mottaker_id": _uten_fnr(t.rolle, pt.mottaker_id),
                "send_dato": t.send_dato,
                "forfall": utc(pt.slot),
                "lukkes": pt.lukkes,
                "samtykke_trukket": pt.samtykke_trukket,
                "status": Beslutningsstatus.PLANNED,
                "besluttet": None,
                "reason": None,
                **INGEN_LEVERING,
            }
        )
    return {"paminnelser": rader}


INGEN_LEVERING: dict[str, Any] = {
    "nokkel": None,
    "levering": None,
    "forsok": 0,
    "neste_forsok": None,
    "lease_til": None,
    "levering_detalj": None,
}


def _levering(person: Sykefravaer, b: Beslutning, forfall: datetime) -> dict[str, Any]:
    if b.status != SENDT:
        return INGEN_LEVERING
    lev = person.levering(b.trinn.nokkel) or Levering()
    return {
        "nokkel": b.trinn.nokkel,
        "levering": lev.status,
        "forsok": lev.forsok,
        "neste_forsok": utc(lev.neste_forsok or forfall),
        "lease_til": utc(lev.lease_til) if lev.lease_til else None,
        "levering_detalj": lev.detalj,
    }


def _beslutning_rad(person: Sykefravaer, person_id: str, b: Beslutning, slot: datetime) -> dict[str, Any]:
    t = b.trinn
    forfall = min(slot, b.at)
    return {
        "id": paminnelse_id(person_id, t.nokkel),
        "person_id": person_id,
        "case_id": t.case_id,
        "status_sak": None,
        "orgnr": None,
        "regel": t.regel,
        "milepel": t.milepel,
        "stage": t.stage,
        "rolle": t.rolle,
        "mottaker_id": _uten_fnr(t.rolle, b.mottaker_id),
        "send_dato": t.send_dato,
        "forfall": utc(forfall),
        "lukkes": None,
        "samtykke_trukket": False,
        "status": b.status,
        "besluttet": utc(b.at),
        "reason": b.reason,
        **_levering(person, b, b.at),
    }


def _uten_fnr(rolle: str, mottaker_id: str | None) -> str | None:
    """The arbeidstaker is addressed by the case, not by fødselsnummer (PRIV-3): resolved on reading."""
    return None if rolle == Rolle.AT else mottaker_id


BYGGERE = {"saker": saker_rader, "tidslinje": tidslinje_rader, "paminnelser": paminnelse_rader}


# ---------------------------------------------------------------- erasure and legal hold (service.compliance.erasure)

BEVARINGSHENDELSER_NAVN: dict[type, str] = {
    Sykefravaer.BevaringspaleggSatt: "bevaringspalegg_satt",
    Sykefravaer.BevaringspaleggOpphevet: "bevaringspalegg_opphevet",
}


def siste_sletting(hendelser: Sequence[Any]) -> Sykefravaer.PersonopplysningerSlettet | None:
    """The stream's last erasure event, if any."""
    siste = None
    for e in hendelser:
        if isinstance(e, Sykefravaer.PersonopplysningerSlettet):
            siste = e
    return siste


def _sletterad(e: Any, slettet: Sykefravaer.PersonopplysningerSlettet | None) -> dict[str, Any] | None:
    """Timeline rows of an erased stream. Every personal event before the last erasure is a ``makulert``
    placeholder dated at the erasure, whether or not its key is destroyed yet, so the rows stay a
    function of the stream (a rebuild gives the same rows); the erasure and legal holds are shown."""
    if isinstance(e, Sykefravaer.PersonopplysningerSlettet):
        return {"hendelse": "personopplysninger_slettet", "data": {"grunn": e.grunn, "case_ids": list(e.case_ids)}}
    if type(e) in BEVARINGSHENDELSER_NAVN:
        return {"hendelse": BEVARINGSHENDELSER_NAVN[type(e)], "case_id": e.case_id, "data": {}}
    slettet_for = slettet is not None and int(e.originator_version) < int(slettet.originator_version)
    if slettet_for or isinstance(e, Sykefravaer.Makulert):
        tidspunkt = slettet.timestamp if slettet is not None and slettet_for else e.timestamp
        return {"hendelse": "makulert", "registrert": utc(tidspunkt), "data": {}}
    return None
